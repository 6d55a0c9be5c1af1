/* Write one point synchronously. Configuration from the environment, as the seed's
 * InfluxDBClient.from_env_properties(): INFLUXDB_V2_URL, INFLUXDB_V2_TOKEN, INFLUXDB_V2_ORG;
 * the bucket from argv[1] or INFLUXDB_V2_BUCKET. */
#include <stdio.h>
#include <stdlib.h>

#include "influxdb_client.h"

int main(int argc, char **argv) {
    const char *bucket = argc > 1 ? argv[1] : getenv("INFLUXDB_V2_BUCKET");
    char err[256];
    if (!bucket) {
        fprintf(stderr, "usage: %s BUCKET (or set INFLUXDB_V2_BUCKET)\n", argv[0]);
        return 2;
    }

    influx_conf *conf = influx_conf_new();
    if (influx_conf_load_env(conf, err, sizeof err) != INFLUX_OK) {
        fprintf(stderr, "config: %s\n", err);
        influx_conf_free(conf);
        return 1;
    }
    influx_client *client = influx_client_new(conf, err, sizeof err); /* consumes conf */
    if (!client) {
        fprintf(stderr, "client: %s\n", err);
        return 1;
    }
    influx_conf *opts = influx_conf_new();
    influx_conf_set(opts, "write_type", "synchronous", NULL, 0);
    influx_write_api *api = influx_write_api_new(client, opts, err, sizeof err); /* consumes opts */
    if (!api) {
        fprintf(stderr, "write api: %s\n", err);
        influx_client_free(client);
        return 1;
    }

    influx_point *p = influx_point_new("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_f64(p, "level", 2.5);
    influx_point_set_time(p, 1700000000, INFLUX_PRECISION_S);

    char *lp = NULL;
    if (influx_point_to_line_protocol(p, &lp, NULL) == INFLUX_OK) {
        printf("line protocol: %s\n", lp);
        influx_string_free(lp);
    }

    influx_result rc = influx_write(api, bucket, NULL, p);
    if (rc == INFLUX_OK) {
        printf("written to bucket %s\n", bucket);
    } else {
        fprintf(stderr, "write failed: %s (HTTP %d): %s\n", influx_strerror(rc), influx_last_http_status(),
                influx_last_error_message());
    }
    influx_point_free(p);
    influx_write_api_close(api);
    influx_client_free(client);
    return rc == INFLUX_OK ? 0 : 1;
}
