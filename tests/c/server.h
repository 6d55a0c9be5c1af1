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

/* Run a Flux query through scripts/influxdb.sh and return the last column of the first data
 * row (plain CSV, no annotations), or NULL. Caller frees. */
static char *query_value(const char *flux) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s/scripts/influxdb.sh' query '%s'", INFLUX_SOURCE_DIR, flux);
    FILE *f = popen(cmd, "r");
    if (!f) return NULL;
    char line[4096];
    char *result = NULL;
    int row = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') continue;
        if (row++ == 0) continue; /* header */
        if (!result) {
            const char *last = strrchr(line, ',');
            result = strdup(last ? last + 1 : line);
        }
    }
    pclose(f);
    return result;
}

#endif
