/* The generated header is self-contained and include-guarded. */
#include "influxdb_client.h"
#include "influxdb_client.h"
#include <stdio.h>

int main(void) {
    /* every public type is usable by value or pointer */
    influx_result rc = INFLUX_OK;
    influx_precision p = INFLUX_PRECISION_NS;
    influx_write_stats st = {0};
    influx_batch b = {0};
    influx_error e = {0};
    influx_point *pt = NULL;
    influx_conf *c = NULL;
    influx_client *cl = NULL;
    influx_write_api *w = NULL;
    influx_success_cb s = NULL;
    influx_error_cb ec = NULL;
    influx_retry_cb r = NULL;
    (void)b; (void)e; (void)s; (void)ec; (void)r;
    influx_point_free(pt);
    influx_conf_free(c);
    influx_client_free(cl);
    rc = influx_write_api_close(w);
    int ok = rc == INFLUX_OK && p == 0 && st.accepted == 0;
    printf("test_header: %d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
