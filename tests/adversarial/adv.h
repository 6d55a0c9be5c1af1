/* Case runner and helpers for the adversarial C tests.
 *
 * Every case runs in a child process of its own (fork before any library call), so a
 * deadlock, a stack overflow or a sanitizer abort fails that case only: the parent kills a
 * case that outlives its time limit and reports it as a hang. Each program prints one line
 * per case (PASS/FAIL and why) and a summary naming the failed cases, and exits non-zero if
 * any case failed. `PROGRAM NAME...` runs only the named cases. */
#ifndef INFLUX_ADV_H
#define INFLUX_ADV_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "influxdb_client.h"

/* ---- checks (counted per case, in the child) ---- */

static int adv_checks_failed, adv_checks_passed;

#define EXPECT(cond, ...)                                                                      \
    do {                                                                                       \
        if (cond) {                                                                            \
            adv_checks_passed++;                                                               \
        } else {                                                                               \
            adv_checks_failed++;                                                               \
            fprintf(stderr, "    %s:%d: not true: %s -- ", __FILE__, __LINE__, #cond);        \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fputc('\n', stderr);                                                               \
        }                                                                                      \
    } while (0)

#define EXPECT_RC(expr, want)                                                                  \
    do {                                                                                       \
        influx_result adv_rc_ = (expr);                                                        \
        EXPECT(adv_rc_ == (want), "%s returned %d (%s), want %d (%s); last error: %s", #expr,  \
               adv_rc_, influx_strerror(adv_rc_), (int)(want), influx_strerror(want),          \
               influx_last_error_message());                                                   \
    } while (0)

/* ---- time ---- */

static inline double adv_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void adv_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

/* ---- byte search (texts may hold NULs or be cut) ---- */

static inline int adv_has(const char *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    if (!hay || m == 0 || m > n) return 0;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return 1;
    return 0;
}

static inline int adv_has_str(const char *hay, const char *needle) { return hay && adv_has(hay, strlen(hay), needle); }

/* ---- configuration helpers ---- */

/* Set NULL-terminated key/value pairs; a failure is a failed check. */
static inline void adv_conf_kv(influx_conf *c, const char *const *kv) {
    char err[512];
    for (; kv && kv[0]; kv += 2) {
        err[0] = '\0';
        influx_result rc = influx_conf_set(c, kv[0], kv[1], err, sizeof err);
        EXPECT(rc == INFLUX_OK, "conf_set(%s) -> %d: %s", kv[0], rc, err);
    }
}

/* A client for `url` (org "o"; token if not NULL), plus extra client options. */
static inline influx_client *adv_client(const char *url, const char *token, const char *const *kv) {
    influx_conf *c = influx_conf_new();
    const char *base[] = {"url", url, "org", "o", NULL};
    adv_conf_kv(c, base);
    if (token) {
        const char *t[] = {"token", token, NULL};
        adv_conf_kv(c, t);
    }
    adv_conf_kv(c, kv);
    char err[512] = "";
    influx_client *cl = influx_client_new(c, err, sizeof err);
    EXPECT(cl != NULL, "influx_client_new: %s", err);
    return cl;
}

/* A write API with write options `kv` and callbacks (any may be NULL). */
static inline influx_write_api *adv_api(influx_client *cl, const char *const *kv, influx_success_cb s, influx_error_cb e,
                                 influx_retry_cb r, void *ud) {
    influx_conf *w = influx_conf_new();
    adv_conf_kv(w, kv);
    if (s || e || r) influx_conf_set_callbacks(w, s, e, r, ud);
    char err[512] = "";
    influx_write_api *api = influx_write_api_new(cl, w, err, sizeof err);
    EXPECT(api != NULL, "influx_write_api_new: %s", err);
    return api;
}

static inline influx_point *adv_point(const char *meas, const char *field, int64_t v) {
    influx_point *p = influx_point_new(meas);
    if (p) influx_point_add_field_i64(p, field, v);
    return p;
}

/* An http:// url of a loopback port nobody listens on (bound, then closed). */
static inline void adv_dead_url(char *buf, size_t n) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    int port = 9;
    if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(s, (struct sockaddr *)&a, &l) == 0)
        port = ntohs(a.sin_port);
    if (s >= 0) close(s);
    snprintf(buf, n, "http://127.0.0.1:%d", port);
}

/* ---- capture of this process's stdout+stderr (to look for secrets in it) ---- */

typedef struct {
    int saved_out, saved_err;
    FILE *file;
} adv_capture;

static inline void adv_capture_begin(adv_capture *c) {
    fflush(stdout);
    fflush(stderr);
    c->file = tmpfile();
    c->saved_out = dup(1);
    c->saved_err = dup(2);
    if (c->file) {
        dup2(fileno(c->file), 1);
        dup2(fileno(c->file), 2);
    }
}

/* Restore the streams; returns what was written meanwhile (malloc'ed, NUL-terminated). */
static inline char *adv_capture_end(adv_capture *c, size_t *len) {
    fflush(stdout);
    fflush(stderr);
    dup2(c->saved_out, 1);
    dup2(c->saved_err, 2);
    close(c->saved_out);
    close(c->saved_err);
    char *text = NULL;
    size_t n = 0;
    if (c->file) {
        fseek(c->file, 0, SEEK_END);
        long size = ftell(c->file);
        fseek(c->file, 0, SEEK_SET);
        text = malloc((size_t)(size > 0 ? size : 0) + 1);
        if (text) n = fread(text, 1, (size_t)(size > 0 ? size : 0), c->file), text[n] = '\0';
        fclose(c->file);
    }
    if (len) *len = n;
    return text;
}

/* ---- the runner ---- */

typedef void (*adv_case_fn)(void);

typedef struct {
    const char *name;
    adv_case_fn fn;
    int timeout_s;
    const char *about; /* the finding it pins down */
} adv_case;

static inline int adv_selected(const char *name, int argc, char **argv) {
    if (argc <= 1) return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

/* Run `cases` (each in its own child); print the results; return the exit code. */
static inline int adv_main(const char *program, const adv_case *cases, size_t n, int argc, char **argv) {
    char failed[4096] = "";
    int nfailed = 0, nrun = 0;
    for (size_t i = 0; i < n; i++) {
        const adv_case *c = &cases[i];
        if (!adv_selected(c->name, argc, argv)) continue;
        nrun++;
        printf("[ RUN  ] %s: %s\n", c->name, c->about);
        fflush(stdout);
        fflush(stderr);
        double t0 = adv_now();
        pid_t pid = fork();
        if (pid == 0) {
            alarm(0);
            c->fn();
            fflush(stdout);
            fflush(stderr);
            fprintf(stderr, "    (%d checks passed, %d failed)\n", adv_checks_passed, adv_checks_failed);
            exit(adv_checks_failed ? 1 : 0);
        }
        int status = 0;
        const char *why = NULL;
        char whybuf[128];
        if (pid < 0) {
            why = "fork failed";
        } else {
            for (;;) {
                pid_t r = waitpid(pid, &status, WNOHANG);
                if (r == pid) break;
                if (r < 0 && errno != EINTR) {
                    why = "waitpid failed";
                    break;
                }
                if (adv_now() - t0 > c->timeout_s) {
                    kill(pid, SIGKILL);
                    waitpid(pid, &status, 0);
                    snprintf(whybuf, sizeof whybuf, "HANG: still running after %d s (killed)", c->timeout_s);
                    why = whybuf;
                    break;
                }
                adv_sleep_ms(5);
            }
            if (!why && WIFSIGNALED(status)) {
                snprintf(whybuf, sizeof whybuf, "CRASH: killed by signal %d", WTERMSIG(status));
                why = whybuf;
            } else if (!why && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
                snprintf(whybuf, sizeof whybuf, "exit status %d", WEXITSTATUS(status));
                why = whybuf;
            }
        }
        double dt = adv_now() - t0;
        if (why) {
            nfailed++;
            printf("[ FAIL ] %s (%.2f s): %s\n", c->name, dt, why);
            if (strlen(failed) + strlen(c->name) + 3 < sizeof failed) {
                strcat(failed, " ");
                strcat(failed, c->name);
            }
        } else {
            printf("[  OK  ] %s (%.2f s)\n", c->name, dt);
        }
        fflush(stdout);
    }
    printf("%s: %d cases, %d passed, %d failed%s%s\n", program, nrun, nrun - nfailed, nfailed,
           nfailed ? ":" : "", failed);
    return nfailed || nrun == 0 ? 1 : 0;
}

#define ADV_MAIN(program, cases)                                                               \
    int main(int argc, char **argv) {                                                          \
        return adv_main(program, cases, sizeof(cases) / sizeof(cases[0]), argc, argv);         \
    }

#endif
