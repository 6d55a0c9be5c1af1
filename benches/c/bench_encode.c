/*
 * Encoder throughput through the C API (built and run by scripts/bench.sh).
 *
 *   bench_encode [--n N] [--rounds R] [--dump FILE] [--dump-count M]
 *
 * Encodes N (default 1,000,000) "standard points" i = 0..N-1:
 *   measurement cpu, tags host=server-<i%100>, region=us-west-<i%4>,
 *   fields usage_user=i*0.37, usage_system=i*0.11, count=i (int), ok=(i%2==0),
 *   time 1700000000000000000 + i*1000 ns
 * as
 *   (a) influx_point_new + add_tag x2 + add_field x4 + set_time + influx_point_to_line_protocol
 *       + influx_string_free + influx_point_free, per point;
 *   (b) the same with one point reused through influx_point_reset;
 *   (c) baseline: a hand-written libc encoder (snprintf, shortest round-trip floats) producing
 *       the same bytes into a reused buffer: no validation, no escaping, no allocation.
 * Prints ns/point (best of R rounds, default 5) and the ratios; `result KEY VALUE` lines are
 * for scripts/bench.sh. The first line and a sample of (c) are checked against the expected text.
 * --dump FILE writes "i<TAB>line" for i < M (default 100,000) and a few larger i, so the seed's
 * benchmark (benches/seed_encode.py) can compare its text with ours.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "influxdb_client.h"

static const char EXPECTED_FIRST[] =
    "cpu,host=server-0,region=us-west-0 count=0i,ok=true,usage_system=0,usage_user=0 "
    "1700000000000000000";

static char hosts[100][16];
static char regions[4][16];

static void die(const char *what, influx_result rc) {
    fprintf(stderr, "bench_encode: %s failed: %s (%s)\n", what, influx_strerror(rc),
            influx_last_error_message());
    exit(1);
}

#define CHECK(call)                         \
    do {                                    \
        influx_result rc_ = (call);         \
        if (rc_ != INFLUX_OK) die(#call, rc_); \
    } while (0)

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fill(influx_point *p, uint64_t i) {
    CHECK(influx_point_add_tag(p, "host", hosts[i % 100]));
    CHECK(influx_point_add_tag(p, "region", regions[i % 4]));
    CHECK(influx_point_add_field_f64(p, "usage_user", (double)i * 0.37));
    CHECK(influx_point_add_field_f64(p, "usage_system", (double)i * 0.11));
    CHECK(influx_point_add_field_i64(p, "count", (int64_t)i));
    CHECK(influx_point_add_field_bool(p, "ok", i % 2 == 0));
    CHECK(influx_point_set_time(p, INT64_C(1700000000000000000) + (int64_t)i * 1000, INFLUX_PRECISION_NS));
}

/* (a) one new point per line; returns the line length. If `keep` is not NULL the line is
 * returned there (caller frees with influx_string_free). */
static size_t encode_new(uint64_t i, char **keep) {
    influx_point *p = influx_point_new("cpu");
    if (p == NULL) die("influx_point_new", INFLUX_ERR_INTERNAL);
    fill(p, i);
    char *s = NULL;
    size_t len = 0;
    CHECK(influx_point_to_line_protocol(p, &s, &len));
    if (keep != NULL) {
        *keep = s;
    } else {
        influx_string_free(s);
    }
    influx_point_free(p);
    return len;
}

/* (b) one point reused. */
static size_t encode_reuse(influx_point *p, uint64_t i) {
    CHECK(influx_point_reset(p, "cpu"));
    fill(p, i);
    char *s = NULL;
    size_t len = 0;
    CHECK(influx_point_to_line_protocol(p, &s, &len));
    influx_string_free(s);
    return len;
}

/* Python's repr of a float, trailing ".0" removed, for the values this benchmark produces
 * (integral values below 1e15, other finite values in [1e-4, 1e15)): the shortest of %.15g,
 * %.16g, %.17g that reads back as the same double. */
static int base_f64(char *out, size_t size, double v) {
    if (v == floor(v) && fabs(v) < 1e15) {
        return snprintf(out, size, "%" PRId64, (int64_t)v);
    }
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(out, size, "%.*g", prec, v);
        if (strtod(out, NULL) == v) break;
    }
    return n;
}

/* (c) baseline: the same bytes with libc into `buf`; returns the length. */
static size_t encode_baseline(char *buf, size_t size, uint64_t i) {
    char user[32], sys[32];
    base_f64(user, sizeof user, (double)i * 0.37);
    base_f64(sys, sizeof sys, (double)i * 0.11);
    int n = snprintf(buf, size, "cpu,host=%s,region=%s count=%" PRIu64 "i,ok=%s,usage_system=%s,usage_user=%s %" PRId64,
                     hosts[i % 100], regions[i % 4], i, i % 2 == 0 ? "true" : "false", sys, user,
                     INT64_C(1700000000000000000) + (int64_t)i * 1000);
    return (size_t)n;
}

static volatile size_t sink;

int main(int argc, char **argv) {
    uint64_t n = 1000000, dump_count = 100000;
    int rounds = 5;
    const char *dump = NULL;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--n") == 0 && a + 1 < argc) {
            n = strtoull(argv[++a], NULL, 10);
        } else if (strcmp(argv[a], "--rounds") == 0 && a + 1 < argc) {
            rounds = atoi(argv[++a]);
        } else if (strcmp(argv[a], "--dump") == 0 && a + 1 < argc) {
            dump = argv[++a];
        } else if (strcmp(argv[a], "--dump-count") == 0 && a + 1 < argc) {
            dump_count = strtoull(argv[++a], NULL, 10);
        } else {
            fprintf(stderr, "usage: %s [--n N] [--rounds R] [--dump FILE] [--dump-count M]\n", argv[0]);
            return 2;
        }
    }
    if (n == 0 || rounds < 1) {
        fprintf(stderr, "bench_encode: --n and --rounds must be positive\n");
        return 2;
    }
    for (int h = 0; h < 100; h++) snprintf(hosts[h], sizeof hosts[h], "server-%d", h);
    for (int r = 0; r < 4; r++) snprintf(regions[r], sizeof regions[r], "us-west-%d", r);

    /* Correctness: the first line, and the baseline's bytes equal ours on a sample. */
    char *first = NULL;
    size_t first_len = encode_new(0, &first);
    if (first_len != strlen(EXPECTED_FIRST) || strcmp(first, EXPECTED_FIRST) != 0) {
        fprintf(stderr, "bench_encode: first line mismatch:\n  got      %s\n  expected %s\n", first,
                EXPECTED_FIRST);
        return 1;
    }
    printf("first line: %s\n", first);
    influx_string_free(first);
    {
        influx_point *p = influx_point_new("cpu");
        char buf[256];
        for (uint64_t i = 0; i < n; i += (i < 20000 ? 1 : 997)) {
            char *s = NULL;
            size_t len = encode_new(i, &s);
            size_t blen = encode_baseline(buf, sizeof buf, i);
            size_t rlen = encode_reuse(p, i);
            if (len != blen || memcmp(s, buf, len) != 0 || rlen != len) {
                fprintf(stderr, "bench_encode: point %" PRIu64 ": ours %s / baseline %s / reused len %zu\n",
                        i, s, buf, rlen);
                return 1;
            }
            influx_string_free(s);
        }
        influx_point_free(p);
    }

    if (dump != NULL) {
        FILE *f = fopen(dump, "w");
        if (f == NULL) {
            perror(dump);
            return 1;
        }
        static const uint64_t extra[] = {123457, 500000, 654321, 999999};
        for (uint64_t k = 0; k < dump_count + sizeof extra / sizeof extra[0]; k++) {
            uint64_t i = k < dump_count ? k : extra[k - dump_count];
            char *s = NULL;
            encode_new(i, &s);
            fprintf(f, "%" PRIu64 "\t%s\n", i, s);
            influx_string_free(s);
        }
        if (fclose(f) != 0) {
            perror(dump);
            return 1;
        }
        printf("dumped %" PRIu64 " lines to %s\n", dump_count + 4, dump);
    }

    double best_new = INFINITY, best_reuse = INFINITY, best_base = INFINITY;
    char buf[256];
    for (int r = 0; r < rounds; r++) {
        size_t total = 0;
        double t = now_ns();
        for (uint64_t i = 0; i < n; i++) total += encode_new(i, NULL);
        double ns_new = (now_ns() - t) / (double)n;

        influx_point *p = influx_point_new("cpu");
        t = now_ns();
        for (uint64_t i = 0; i < n; i++) total += encode_reuse(p, i);
        double ns_reuse = (now_ns() - t) / (double)n;
        influx_point_free(p);

        t = now_ns();
        for (uint64_t i = 0; i < n; i++) total += encode_baseline(buf, sizeof buf, i);
        double ns_base = (now_ns() - t) / (double)n;
        sink = total;

        printf("round %d: new %.1f  reuse %.1f  libc baseline %.1f ns/point\n", r + 1, ns_new,
               ns_reuse, ns_base);
        if (ns_new < best_new) best_new = ns_new;
        if (ns_reuse < best_reuse) best_reuse = ns_reuse;
        if (ns_base < best_base) best_base = ns_base;
    }

    printf("\n%" PRIu64 " standard points through the C API (libinfluxdb_client.a, static), best of %d rounds:\n",
           n, rounds);
    printf("  (a) point_new + 2 tags + 4 fields + time + to_line_protocol + string_free + point_free  %7.1f ns/point\n",
           best_new);
    printf("  (b) same, one point reused with influx_point_reset                                    %7.1f ns/point\n",
           best_reuse);
    printf("  (c) baseline: hand-written libc encoder (snprintf+strtod, same bytes, no alloc/checks) %7.1f ns/point\n",
           best_base);
    printf("  ratio (a)/(c) %.2f   (b)/(c) %.2f   (a)/(b) %.2f\n", best_new / best_base,
           best_reuse / best_base, best_new / best_reuse);
    printf("result c_new_ns %.1f\n", best_new);
    printf("result c_reuse_ns %.1f\n", best_reuse);
    printf("result c_libc_ns %.1f\n", best_base);
    return 0;
}
