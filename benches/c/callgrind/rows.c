/* One standard point after another through the C API (rows), for instruction counts under
 * callgrind: scripts/callgrind.sh (see BENCHMARKS.md). Argument: number of points. */
#include <stdio.h>
#include <stdlib.h>
#include "influxdb_client.h"
static char hb[100][16];
static const char *regions[4] = {"us-west-0","us-west-1","us-west-2","us-west-3"};
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    for (int i = 0; i < 100; i++) snprintf(hb[i], 16, "server-%d", i);
    const char *tk[] = {"host", "region"};
    const char *fk[] = {"usage_user", "usage_system", "count", "ok"};
    influx_field_type ft[] = {INFLUX_FIELD_F64, INFLUX_FIELD_F64, INFLUX_FIELD_I64, INFLUX_FIELD_BOOL};
    influx_shape *sh = influx_shape_new("cpu", tk, 2, fk, ft, 4);
    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    size_t total = 0;
    for (long i = 0; i < n; i++) {
        const char *tv[2] = {hb[i % 100], regions[i % 4]};
        influx_value fv[4];
        fv[0].f64 = i * 0.37; fv[1].f64 = i * 0.11; fv[2].i64 = i; fv[3].b = i % 2 == 0;
        int64_t t = 1700000000000000000LL + i * 1000;
        if (influx_lines_add_row(lb, sh, tv, fv, &t) != 0) return 1;
        if ((i + 1) % 1000 == 0) { size_t len; influx_lines_data(lb, &len); total += len; influx_lines_clear(lb); }
    }
    influx_lines_free(lb);
    influx_shape_free(sh);
    printf("%zu\n", total);
    return 0;
}
