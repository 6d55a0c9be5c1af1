/* The header declares no C library function: with the C library's own declarations in
 * scope, -Wredundant-decls -Werror (set for this file) must find nothing to complain about. */
#include <stdlib.h>
#include <string.h>

#include "influxdb_client.h"

int main(void) {
    char *s = NULL;
    influx_point *p = influx_point_new("decls");
    int ok = p && influx_point_add_field_bool(p, "ok", true) == INFLUX_OK &&
             influx_point_to_line_protocol(p, &s, NULL) == INFLUX_OK && strcmp(s, "decls ok=true") == 0;
    free(s);
    influx_point_free(p);
    return ok ? 0 : 1;
}
