/* One standard point after another through the C API (lines), for instruction counts under
 * callgrind: scripts/callgrind.sh (see BENCHMARKS.md). Argument: number of points. */
#include <stdio.h>
#include <stdlib.h>
#include "influxdb_client.h"
static const char *hosts[100]; static char hb[100][16];
static const char *regions[4] = {"us-west-0","us-west-1","us-west-2","us-west-3"};
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    for (int i = 0; i < 100; i++) { snprintf(hb[i], 16, "server-%d", i); hosts[i] = hb[i]; }
    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    size_t total = 0;
    for (long i = 0; i < n; i++) {
        influx_lines_begin(lb, "cpu");
        influx_lines_add_tag(lb, "host", hosts[i % 100]);
        influx_lines_add_tag(lb, "region", regions[i % 4]);
        influx_lines_add_field_i64(lb, "count", i);
        influx_lines_add_field_bool(lb, "ok", i % 2 == 0);
        influx_lines_add_field_f64(lb, "usage_system", i * 0.11);
        influx_lines_add_field_f64(lb, "usage_user", i * 0.37);
        if (influx_lines_end_at(lb, 1700000000000000000LL + i * 1000) != 0) return 1;
        if ((i + 1) % 1000 == 0) { size_t len; influx_lines_data(lb, &len); total += len; influx_lines_clear(lb); }
    }
    influx_lines_free(lb);
    printf("%zu\n", total);
    return 0;
}
