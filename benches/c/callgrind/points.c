/* One standard point after another through the C API (points), for instruction counts under
 * callgrind: scripts/callgrind.sh (see BENCHMARKS.md). Argument: number of points. */
#include <stdio.h>
#include <stdlib.h>
#include "influxdb_client.h"
static char hb[100][16];
static const char *regions[4] = {"us-west-0","us-west-1","us-west-2","us-west-3"};
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    for (int i = 0; i < 100; i++) snprintf(hb[i], 16, "server-%d", i);
    size_t total = 0;
    for (long i = 0; i < n; i++) {
        influx_point *p = influx_point_new("cpu");
        influx_point_add_tag(p, "host", hb[i % 100]);
        influx_point_add_tag(p, "region", regions[i % 4]);
        influx_point_add_field_f64(p, "usage_user", i * 0.37);
        influx_point_add_field_f64(p, "usage_system", i * 0.11);
        influx_point_add_field_i64(p, "count", i);
        influx_point_add_field_bool(p, "ok", i % 2 == 0);
        influx_point_set_time(p, 1700000000000000000LL + i * 1000, INFLUX_PRECISION_NS);
        char *s; size_t len;
        if (influx_point_to_line_protocol(p, &s, &len) != 0) return 1;
        total += len;
        influx_string_free(s);
        influx_point_free(p);
    }
    printf("%zu\n", total);
    return 0;
}
