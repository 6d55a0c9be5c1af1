/* A gateway-like writer: several sensors stream readings through a batching write API with
 * default tags; delivery reports are counted in callbacks; flush + close make sure every
 * accepted point is delivered or reported failed.
 *
 *   gateway [POINTS] [--rows]   (default 100000; environment as basic_write.c)
 *
 * With --rows the readings go through a line buffer as rows of one shape (one call per
 * point, influx_write_lines every 1000 points) instead of a point + influx_write each.
 *
 * Prints one summary line: accepted/delivered/failed points and the write rate. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "influxdb_client.h"

typedef struct {
    atomic_ullong delivered, failed, retries;
} report;

static void on_success(const influx_batch *b, void *ud) {
    report *r = ud;
    r->delivered += b->lines;
}

static void on_error(const influx_batch *b, const influx_error *e, void *ud) {
    report *r = ud;
    r->failed += b->lines;
    fprintf(stderr, "batch of %zu lines failed: %s\n", b->lines, e->message);
}

static void on_retry(const influx_batch *b, const influx_error *e, uint32_t retry, uint64_t delay_ms, void *ud) {
    report *r = ud;
    r->retries++;
    fprintf(stderr, "retry %u of %zu lines in %llu ms: %s\n", retry, b->lines, (unsigned long long)delay_ms,
            e->message);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long points = argc > 1 ? atol(argv[1]) : 100000;
    int rows = argc > 2 && strcmp(argv[2], "--rows") == 0;
    const char *bucket = getenv("INFLUXDB_V2_BUCKET");
    char err[256];
    if (!bucket || points <= 0) {
        fprintf(stderr, "usage: INFLUXDB_V2_BUCKET=... %s [POINTS]\n", argv[0]);
        return 2;
    }
    influx_conf *conf = influx_conf_new();
    if (influx_conf_load_env(conf, err, sizeof err) != INFLUX_OK) {
        fprintf(stderr, "config: %s\n", err);
        influx_conf_free(conf);
        return 1;
    }
    influx_client *client = influx_client_new(conf, err, sizeof err);
    if (!client) {
        fprintf(stderr, "client: %s\n", err);
        return 1;
    }

    report rep = {0};
    influx_conf *opts = influx_conf_new();
    influx_conf_set(opts, "batch_size", "5000", NULL, 0);
    influx_conf_set(opts, "flush_interval", "500", NULL, 0);
    influx_conf_set(opts, "default_tags.gateway", "gw-01", NULL, 0);
    influx_conf_set(opts, "default_tags.site", "${env.GATEWAY_SITE}", NULL, 0); /* dropped if unset */
    influx_conf_set_callbacks(opts, on_success, on_error, on_retry, &rep);
    influx_write_api *api = influx_write_api_new(client, opts, err, sizeof err);
    if (!api) {
        fprintf(stderr, "write api: %s\n", err);
        influx_client_free(client);
        return 1;
    }

    static const char *const sensors[] = {"temp-a", "temp-b", "humidity", "pressure", "vibration"};
    const int nsensors = (int)(sizeof sensors / sizeof sensors[0]);
    const int64_t t0 = 1700000000000LL; /* ms */
    double start = now_s();
    unsigned long long accepted = 0, rejected = 0;
    if (rows) {
        /* the shape: measurement, tag keys, typed field keys, checked once */
        const char *tag_keys[] = {"sensor"};
        const char *field_keys[] = {"value", "seq", "ok"};
        influx_field_type types[] = {INFLUX_FIELD_F64, INFLUX_FIELD_I64, INFLUX_FIELD_BOOL};
        influx_shape *shape = influx_shape_new("sensor", tag_keys, 1, field_keys, types, 3);
        influx_lines *lines = influx_lines_new(api, INFLUX_PRECISION_MS); /* api's default tags */
        if (!shape || !lines) {
            fprintf(stderr, "shape/lines: %s\n", influx_last_error_message());
            return 1;
        }
        for (long i = 0; i < points; i++) {
            const char *tags[] = {sensors[i % nsensors]};
            influx_value fields[3];
            fields[0].f64 = 20.0 + (double)(i % 1000) / 10.0;
            fields[1].i64 = i;
            fields[2].b = i % 97 != 0;
            int64_t t = t0 + i / nsensors;
            influx_result rc = influx_lines_add_row(lines, shape, tags, fields, &t);
            if (rc != INFLUX_OK) {
                rejected++;
                fprintf(stderr, "row rejected: %s: %s\n", influx_strerror(rc), influx_last_error_message());
            }
            if (influx_lines_count(lines) == 1000 || i + 1 == points) {
                size_t n = influx_lines_count(lines);
                rc = influx_write_lines(api, bucket, NULL, lines);
                if (rc == INFLUX_OK) {
                    accepted += n;
                } else {
                    rejected += n;
                    fprintf(stderr, "write rejected: %s: %s\n", influx_strerror(rc), influx_last_error_message());
                    influx_lines_clear(lines);
                }
            }
        }
        influx_lines_free(lines);
        influx_shape_free(shape);
    }
    influx_point *p = influx_point_new("sensor");
    for (long i = 0; i < (rows ? 0 : points); i++) {
        int s = (int)(i % nsensors);
        influx_point_reset(p, "sensor");
        influx_point_add_tag(p, "sensor", sensors[s]);
        influx_point_add_field_f64(p, "value", 20.0 + (double)(i % 1000) / 10.0);
        influx_point_add_field_i64(p, "seq", i);
        influx_point_add_field_bool(p, "ok", i % 97 != 0);
        influx_point_set_time(p, t0 + i / nsensors, INFLUX_PRECISION_MS);
        influx_result rc = influx_write(api, bucket, NULL, p);
        if (rc == INFLUX_OK) {
            accepted++;
        } else {
            rejected++;
            fprintf(stderr, "write rejected: %s: %s\n", influx_strerror(rc), influx_last_error_message());
        }
    }
    influx_point_free(p);
    influx_result frc = influx_flush(api);
    influx_write_stats st;
    influx_write_api_stats(api, &st);
    influx_result crc = influx_write_api_close(api);
    double elapsed = now_s() - start;
    influx_client_free(client);

    unsigned long long delivered = rep.delivered, failed = rep.failed;
    printf("gateway: accepted=%llu delivered=%llu failed=%llu rejected=%llu retries=%llu "
           "in %.2f s (%.0f points/s)\n",
           accepted, delivered, failed, rejected, (unsigned long long)rep.retries, elapsed,
           (double)delivered / elapsed);
    int ok = frc == INFLUX_OK && crc == INFLUX_OK && delivered == accepted && failed == 0 && rejected == 0 &&
             st.accepted == accepted;
    return ok ? 0 : 1;
}
