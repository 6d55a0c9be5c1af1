/* Links against the installed library; checks header and library versions agree. */
#include <stdio.h>
#include <string.h>

#include "influxdb_client.h"

int main(void) {
    influx_point *p = influx_point_new("consumer");
    influx_point_add_field_i64(p, "v", 1);
    char *lp = NULL;
    int ok = influx_point_to_line_protocol(p, &lp, NULL) == INFLUX_OK && strcmp(lp, "consumer v=1i") == 0 &&
             influx_version_int() == INFLUXDB_CLIENT_VERSION;
    influx_string_free(lp);
    influx_point_free(p);
    printf("consumer: %d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
