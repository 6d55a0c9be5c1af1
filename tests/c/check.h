/* Minimal assertion helpers for the C tests: every CHECK counts; the summary line is
 * "N passed, N failed" and the exit code is non-zero if anything failed. */
#ifndef INFLUX_TEST_CHECK_H
#define INFLUX_TEST_CHECK_H
#include <stdio.h>
#include <string.h>
#include "influxdb_client.h"

static int g_passed, g_failed;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (cond) {                                                                    \
            g_passed++;                                                                \
        } else {                                                                       \
            g_failed++;                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                              \
    } while (0)

#define CHECK_RC(expr, want)                                                           \
    do {                                                                               \
        influx_result rc_ = (expr);                                                    \
        if (rc_ == (want)) {                                                           \
            g_passed++;                                                                \
        } else {                                                                       \
            g_failed++;                                                                \
            fprintf(stderr, "%s:%d: %s returned %d (%s), want %d: %s\n", __FILE__,     \
                    __LINE__, #expr, rc_, influx_strerror(rc_), (int)(want),           \
                    influx_last_error_message());                                      \
        }                                                                              \
    } while (0)

#define CHECK_STR(got, want)                                                           \
    do {                                                                               \
        const char *g_ = (got), *w_ = (want);                                          \
        if (g_ && w_ && strcmp(g_, w_) == 0) {                                         \
            g_passed++;                                                                \
        } else {                                                                       \
            g_failed++;                                                                \
            fprintf(stderr, "%s:%d: got  \"%s\"\n%*swant \"%s\"\n", __FILE__, __LINE__, \
                    g_ ? g_ : "(null)", (int)strlen(__FILE__) + 8, "", w_ ? w_ : "(null)"); \
        }                                                                              \
    } while (0)

/* The complete lines of a line buffer as a NUL-terminated string (static storage). */
static inline const char *lines_text(const influx_lines *lb) {
    static char text[4096];
    size_t len = 0;
    const char *data = influx_lines_data(lb, &len);
    if (!data || len >= sizeof text) return "";
    memcpy(text, data, len);
    text[len] = 0;
    return text;
}

static int check_summary(const char *name) {
    printf("%s: %d passed, %d failed\n", name, g_passed, g_failed);
    return g_failed == 0 && g_passed > 0 ? 0 : 1;
}

#endif
