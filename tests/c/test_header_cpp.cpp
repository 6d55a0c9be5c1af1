// The header in C++: included first (before any standard header, so it must declare nothing
// the C++ library declares differently, such as malloc/free) and again last, compiled as
// C++17 with -Wall -Wextra -Wpedantic -Werror.
#include "influxdb_client.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "influxdb_client.h"

int main() {
    int failed = 0;
    influx_point *p = influx_point_new("cpp");
    if (!p || influx_point_add_field_i64(p, "v", 1) != INFLUX_OK) {
        failed++;
    }
    char *lp = nullptr;
    size_t len = 0;
    if (influx_point_to_line_protocol(p, &lp, &len) != INFLUX_OK || std::string(lp, len) != "cpp v=1i") {
        failed++;
    }
    influx_string_free(lp);
    // the library's strings are malloc'ed: std::free is the same allocator
    if (influx_point_to_line_protocol(p, &lp, nullptr) != INFLUX_OK) {
        failed++;
    }
    std::free(lp);
    influx_point_free(p);
    influx_write_stats st{};
    influx_batch b{};
    influx_error e{};
    (void)b;
    (void)e;
    if (st.accepted != 0 || std::strcmp(influx_strerror(INFLUX_ERR_CLOSED), "write API is closed") != 0) {
        failed++;
    }
    std::printf("test_header_cpp: %d failed\n", failed);
    return failed ? 1 : 0;
}
