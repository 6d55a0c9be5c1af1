/* Helpers for C tests against the real InfluxDB 2.x started by scripts/test.sh. */
#ifndef INFLUX_TEST_SERVER_H
#define INFLUX_TEST_SERVER_H
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static const char *env_or_die(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr,
                "%s is not set: run the tests through scripts/test.sh, or `eval \"$(scripts/influxdb.sh start)\"`\n",
                name);
        exit(2);
    }
    return v;
}

/* A client conf for the test server (optionally with another token). */
static influx_conf *server_conf(const char *token) {
    influx_conf *c = influx_conf_new();
    char err[256];
    if (influx_conf_set(c, "url", env_or_die("INFLUXDB_V2_URL"), err, sizeof err) ||
        influx_conf_set(c, "token", token ? token : env_or_die("INFLUXDB_V2_TOKEN"), err, sizeof err) ||
        influx_conf_set(c, "org", env_or_die("INFLUXDB_V2_ORG"), err, sizeof err)) {
        fprintf(stderr, "conf: %s\n", err);
        exit(2);
    }
    return c;
}

/* A fresh measurement-safe id for this run. */
static void run_id(char *buf, size_t n) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(buf, n, "r%ld_%ld_%d", (long)ts.tv_sec, ts.tv_nsec, (int)getpid());
}

/* Run a Flux query through the library's query API and return the text of the last column of
 * the first record ("" if that cell is null), or NULL if there is no record or the query
 * failed (reason on stderr). Caller frees. */
static char *query_value(const char *flux) {
    char err[256];
    influx_client *c = influx_client_new(server_conf(NULL), err, sizeof err);
    if (!c) {
        fprintf(stderr, "query_value: %s\n", err);
        return NULL;
    }
    influx_query *q = NULL;
    char *result = NULL;
    influx_result rc = influx_query_open(c, NULL, flux, NULL, &q);
    influx_query_event ev = INFLUX_QUERY_END;
    while (rc == INFLUX_OK && !result && (rc = influx_query_next(q, &ev)) == INFLUX_OK &&
           ev != INFLUX_QUERY_END) {
        if (ev != INFLUX_QUERY_RECORD) continue;
        const influx_record *r = influx_query_record(q);
        size_t n = influx_table_column_count(influx_record_table(r));
        const char *s = NULL;
        result = strdup(n && influx_record_get_str(r, n - 1, &s, NULL) == INFLUX_OK ? s : "");
    }
    if (rc != INFLUX_OK)
        fprintf(stderr, "query_value: %s (%s)\n", influx_last_error_message(), influx_last_server_message());
    influx_query_close(q);
    influx_client_free(c);
    return result;
}

#endif
