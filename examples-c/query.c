/* Write a few points, then read them back with a Flux query and print each table: its
 * columns (name, type, group key) and its records, every cell converted with its type.
 * Configuration from the environment (INFLUXDB_V2_URL, _TOKEN, _ORG), the bucket from argv[1]
 * or INFLUXDB_V2_BUCKET. Memory stays constant whatever the result size: records are read
 * one at a time from the network. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "influxdb_client.h"

static void print_cell(const influx_cell *c) {
    if (c->null) {
        printf("%-22s", "(null)");
        return;
    }
    switch (c->type) {
    case INFLUX_COL_DOUBLE: printf("%-22.6g", c->v.f64); break;
    case INFLUX_COL_LONG: printf("%-22" PRId64, c->v.i64); break;
    case INFLUX_COL_ULONG: printf("%-22" PRIu64, c->v.u64); break;
    case INFLUX_COL_BOOL: printf("%-22s", c->v.b ? "true" : "false"); break;
    case INFLUX_COL_TIME: {
        time_t s = (time_t)(c->v.ns / 1000000000);
        struct tm tm;
        char buf[32];
        gmtime_r(&s, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        printf("%s.%09" PRId64 "Z ", buf, c->v.ns % 1000000000);
        break;
    }
    case INFLUX_COL_DURATION: printf("%-22" PRId64, c->v.ns); break;
    case INFLUX_COL_BYTES: printf("(%zu bytes)%-10s", c->len, ""); break;
    default: printf("%-22s", c->data); break; /* STRING, UNKNOWN: the text */
    }
}

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

    /* Something to read: three readings of two sensors, now. */
    influx_conf *opts = influx_conf_new();
    influx_conf_set(opts, "write_type", "synchronous", NULL, 0);
    influx_write_api *api = influx_write_api_new(client, opts, err, sizeof err);
    if (!api) {
        fprintf(stderr, "write api: %s\n", err);
        influx_client_free(client);
        return 1;
    }
    char run[32];
    snprintf(run, sizeof run, "%ld", (long)time(NULL));
    for (int i = 0; i < 6; i++) {
        influx_point *p = influx_point_new("example_query");
        influx_point_add_tag(p, "run", run);
        influx_point_add_tag(p, "sensor", i % 2 ? "b" : "a");
        influx_point_add_field_f64(p, "temp", 20.0 + i * 0.5);
        influx_point_add_field_i64(p, "count", i);
        influx_point_add_field_bool(p, "ok", i != 3);
        influx_point_set_time(p, (int64_t)time(NULL) * 1000 - 6 + i, INFLUX_PRECISION_MS);
        influx_result rc = influx_write(api, bucket, NULL, p);
        influx_point_free(p);
        if (rc != INFLUX_OK) {
            fprintf(stderr, "write: %s\n", influx_last_error_message());
            influx_write_api_close(api);
            influx_client_free(client);
            return 1;
        }
    }
    influx_write_api_close(api);

    /* The query: bind parameters instead of pasting values into the Flux text. */
    influx_query_params *params = influx_query_params_new();
    influx_query_params_set_str(params, "bucketName", bucket);
    influx_query_params_set_str(params, "runId", run);
    influx_query_params_set_duration_ns(params, "since", -3600LL * 1000000000LL);
    const char *flux = "from(bucket: bucketName) |> range(start: since)\n"
                       "  |> filter(fn: (r) => r._measurement == \"example_query\" and r.run == runId)\n"
                       "  |> pivot(rowKey: [\"_time\"], columnKey: [\"_field\"], valueColumn: \"_value\")\n"
                       "  |> drop(columns: [\"_start\", \"_stop\", \"run\", \"_measurement\"])";
    influx_query *q = NULL;
    influx_result rc = influx_query_open(client, NULL, flux, params, &q);
    influx_query_params_free(params); /* the query keeps nothing of it */
    if (rc != INFLUX_OK) {
        fprintf(stderr, "query: %s (HTTP %d: %s)\n", influx_strerror(rc), influx_last_http_status(),
                influx_last_server_message());
        influx_client_free(client);
        return 1;
    }

    influx_query_event ev;
    influx_cell cells[32];
    size_t ncol = 0, records = 0;
    while ((rc = influx_query_next(q, &ev)) == INFLUX_OK && ev != INFLUX_QUERY_END) {
        if (ev == INFLUX_QUERY_TABLE) {
            const influx_table *t = influx_query_table(q);
            ncol = influx_table_column_count(t);
            if (ncol > 32) ncol = 32;
            printf("\ntable %zu\n", influx_table_index(t));
            for (size_t i = 0; i < ncol; i++)
                printf("%-22s", influx_table_column_name(t, i));
            printf("\n");
            for (size_t i = 0; i < ncol; i++)
                printf("%-22s", influx_table_column_is_group(t, i) ? "(group key)" : influx_table_column_datatype(t, i));
            printf("\n");
            continue;
        }
        /* one call converts the whole record; pointers in cells are valid until the next next() */
        rc = influx_record_get_cells(influx_query_record(q), cells, ncol);
        if (rc != INFLUX_OK) {
            fprintf(stderr, "record: %s\n", influx_last_error_message());
            break;
        }
        for (size_t i = 0; i < ncol; i++)
            print_cell(&cells[i]);
        printf("\n");
        records++;
    }
    if (rc != INFLUX_OK) {
        const char *message = NULL;
        influx_query_error(q, &message, NULL);
        fprintf(stderr, "query failed: %s: %s\n", influx_strerror(rc), message);
    }
    influx_query_close(q);
    influx_client_free(client);
    printf("\n%zu records\n", records);
    return rc == INFLUX_OK && records == 6 ? 0 : 1;
}
