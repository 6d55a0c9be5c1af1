/* Cases of FINDINGS.md that held, as regression tests: argument checking (NULL everywhere,
 * invalid UTF-8 everywhere, errstr sizes, huge strings), the delivery invariant under 4
 * threads for each buffer_full_policy, the token canary through every error path, callback
 * re-entry on the background thread, and the fault-server cases (429 + Retry-After, 500s,
 * slow and silent servers, 400, redirects, url encoding). Needs INFLUXDB_V2_* for the
 * real-server case (run through scripts/with-influxdb.sh). */
#include <pthread.h>
#include <stdatomic.h>

#include "adv.h"
#include "fault_server.h"

#define CANARY "CANARY-TOKEN-1234"

static influx_write_api *offline_api(influx_client **cl, const char *const *kv) {
    char url[64];
    adv_dead_url(url, sizeof url);
    *cl = adv_client(url, NULL, NULL);
    const char *base[] = {"retry_interval", "600000", "flush_interval", "600000", "max_close_wait", "0", NULL};
    influx_conf *w = influx_conf_new();
    adv_conf_kv(w, base);
    adv_conf_kv(w, kv);
    influx_write_api *api = influx_write_api_new(*cl, w, NULL, 0);
    EXPECT(api != NULL, "write_api_new: %s", influx_last_error_message());
    return api;
}

/* ---- B01: NULL at every pointer parameter ---- */

#define EXPECT_NULL_ARG(expr)                                                                      \
    do {                                                                                           \
        EXPECT_RC(expr, INFLUX_ERR_INVALID_ARG);                                                   \
        EXPECT(influx_last_error_message()[0] != '\0', "%s: no last error message", #expr);        \
    } while (0)

static void null_everywhere(void) {
    influx_client *cl;
    influx_write_api *w = offline_api(&cl, NULL);
    influx_point *p = adv_point("m", "f", 1);
    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    influx_conf *c = influx_conf_new();
    char buf[64];
    size_t size = sizeof buf;
    influx_write_stats st;

    EXPECT(influx_strerror(12345) != NULL, "strerror(unknown) is NULL");
    EXPECT(influx_client_new(NULL, buf, sizeof buf) == NULL, "client_new(NULL)");
    EXPECT(influx_write_api_new(NULL, influx_conf_new(), buf, sizeof buf) == NULL, "write_api_new(NULL client)");
    EXPECT(influx_write_api_new(NULL, NULL, NULL, 0) == NULL, "write_api_new(NULL, NULL)");
    EXPECT_NULL_ARG(influx_write(NULL, "b", NULL, p));
    EXPECT_NULL_ARG(influx_write(w, NULL, NULL, p));
    EXPECT_NULL_ARG(influx_write(w, "b", NULL, NULL));
    const influx_point *pts[2] = {p, NULL};
    EXPECT_NULL_ARG(influx_write_points(NULL, "b", NULL, pts, 1));
    EXPECT_NULL_ARG(influx_write_points(w, NULL, NULL, pts, 1));
    EXPECT_NULL_ARG(influx_write_points(w, "b", NULL, NULL, 1));
    EXPECT_NULL_ARG(influx_write_points(w, "b", NULL, pts, 2));
    EXPECT_NULL_ARG(influx_write_lp(NULL, "b", NULL, "m f=1", 5, 0));
    EXPECT_NULL_ARG(influx_write_lp(w, NULL, NULL, "m f=1", 5, 0));
    EXPECT_NULL_ARG(influx_write_lp(w, "b", NULL, NULL, 5, 0));
    EXPECT_NULL_ARG(influx_flush(NULL));
    EXPECT_NULL_ARG(influx_flush_timeout(NULL, 10));
    EXPECT_NULL_ARG(influx_write_api_stats(NULL, &st));
    EXPECT_NULL_ARG(influx_write_api_stats(w, NULL));
    EXPECT_RC(influx_write_api_close(NULL), INFLUX_OK);
    EXPECT_NULL_ARG(influx_conf_set(NULL, "org", "o", buf, sizeof buf));
    EXPECT_NULL_ARG(influx_conf_set(c, NULL, "o", buf, sizeof buf));
    EXPECT_NULL_ARG(influx_conf_set(c, "org", NULL, buf, sizeof buf));
    EXPECT_NULL_ARG(influx_conf_load_env(NULL, buf, sizeof buf));
    EXPECT_NULL_ARG(influx_conf_load_file(NULL, "/etc/hostname", buf, sizeof buf));
    EXPECT_NULL_ARG(influx_conf_load_file(c, NULL, buf, sizeof buf));
    EXPECT_NULL_ARG(influx_conf_get(NULL, "org", buf, &size));
    EXPECT_NULL_ARG(influx_conf_get(c, NULL, buf, &size));
    EXPECT_NULL_ARG(influx_conf_get(c, "org", buf, NULL));
    EXPECT_NULL_ARG(influx_conf_set_callbacks(NULL, NULL, NULL, NULL, NULL));
    EXPECT_NULL_ARG(influx_lines_begin(NULL, "m"));
    EXPECT_NULL_ARG(influx_lines_begin(lb, NULL));
    EXPECT_RC(influx_lines_begin(lb, "m"), INFLUX_OK);
    EXPECT_NULL_ARG(influx_lines_add_tag(NULL, "k", "v"));
    EXPECT_NULL_ARG(influx_lines_add_tag(lb, NULL, "v"));
    EXPECT_NULL_ARG(influx_lines_add_tag(lb, "k", NULL));
    EXPECT_NULL_ARG(influx_lines_add_field_f64(NULL, "k", 1.0));
    EXPECT_NULL_ARG(influx_lines_add_field_f64(lb, NULL, 1.0));
    EXPECT_NULL_ARG(influx_lines_add_field_i64(NULL, "k", 1));
    EXPECT_NULL_ARG(influx_lines_add_field_i64(lb, NULL, 1));
    EXPECT_NULL_ARG(influx_lines_add_field_u64(NULL, "k", 1));
    EXPECT_NULL_ARG(influx_lines_add_field_u64(lb, NULL, 1));
    EXPECT_NULL_ARG(influx_lines_add_field_bool(NULL, "k", true));
    EXPECT_NULL_ARG(influx_lines_add_field_bool(lb, NULL, true));
    EXPECT_NULL_ARG(influx_lines_add_field_str(NULL, "k", "v"));
    EXPECT_NULL_ARG(influx_lines_add_field_str(lb, NULL, "v"));
    EXPECT_NULL_ARG(influx_lines_add_field_str(lb, "k", NULL));
    EXPECT_NULL_ARG(influx_lines_end_at(NULL, 1));
    EXPECT_NULL_ARG(influx_lines_end(NULL));
    influx_lines_discard_line(NULL);
    influx_lines_clear(NULL);
    influx_lines_discard_line(lb);
    EXPECT(influx_lines_count(NULL) == 0, "lines_count(NULL)");
    size_t len = 99;
    EXPECT(influx_lines_data(NULL, &len) == NULL && len == 0, "lines_data(NULL)");
    influx_lines_data(lb, NULL);
    EXPECT_NULL_ARG(influx_write_lines(NULL, "b", NULL, lb));
    EXPECT_NULL_ARG(influx_write_lines(w, NULL, NULL, lb));
    EXPECT_NULL_ARG(influx_write_lines(w, "b", NULL, NULL));
    const char *tk[] = {"t"};
    const char *tk_null[] = {NULL};
    const char *fk[] = {"f"};
    const char *fk_null[] = {NULL};
    influx_field_type ft[] = {INFLUX_FIELD_STR};
    EXPECT(influx_shape_new(NULL, tk, 1, fk, ft, 1) == NULL, "shape_new(NULL measurement)");
    EXPECT(influx_shape_new("m", NULL, 1, fk, ft, 1) == NULL, "shape_new(NULL tag keys)");
    EXPECT(influx_shape_new("m", tk_null, 1, fk, ft, 1) == NULL, "shape_new(a NULL tag key)");
    EXPECT(influx_shape_new("m", tk, 1, NULL, ft, 1) == NULL, "shape_new(NULL field keys)");
    EXPECT(influx_shape_new("m", tk, 1, fk_null, ft, 1) == NULL, "shape_new(a NULL field key)");
    EXPECT(influx_shape_new("m", tk, 1, fk, NULL, 1) == NULL, "shape_new(NULL types)");
    influx_shape_free(NULL);
    influx_shape *sh = influx_shape_new("m", tk, 1, fk, ft, 1);
    EXPECT(sh != NULL, "shape_new");
    const char *tv[] = {"v"};
    const char *tv_null[] = {NULL};
    influx_value fv[] = {{.str = "s"}};
    influx_value fv_null[] = {{.str = NULL}};
    EXPECT_NULL_ARG(influx_lines_add_row(NULL, sh, tv, fv, NULL));
    EXPECT_NULL_ARG(influx_lines_add_row(lb, NULL, tv, fv, NULL));
    EXPECT_NULL_ARG(influx_lines_add_row(lb, sh, NULL, fv, NULL));
    EXPECT_NULL_ARG(influx_lines_add_row(lb, sh, tv_null, fv, NULL));
    EXPECT_NULL_ARG(influx_lines_add_row(lb, sh, tv, NULL, NULL));
    EXPECT_NULL_ARG(influx_lines_add_row(lb, sh, tv, fv_null, NULL));
    EXPECT(influx_lines_count(lb) == 0, "a failed add_row wrote a line");
    EXPECT_RC(influx_lines_add_row(lb, sh, tv, fv, NULL), INFLUX_OK);
    influx_shape_free(sh);
    EXPECT(influx_point_new(NULL) == NULL, "point_new(NULL)");
    influx_point_free(NULL);
    EXPECT_NULL_ARG(influx_point_reset(NULL, "m"));
    EXPECT_NULL_ARG(influx_point_reset(p, NULL));
    EXPECT_NULL_ARG(influx_point_add_tag(NULL, "k", "v"));
    EXPECT_NULL_ARG(influx_point_add_tag(p, NULL, "v"));
    EXPECT_NULL_ARG(influx_point_add_tag(p, "k", NULL));
    EXPECT_NULL_ARG(influx_point_add_field_f64(NULL, "k", 1.0));
    EXPECT_NULL_ARG(influx_point_add_field_f64(p, NULL, 1.0));
    EXPECT_NULL_ARG(influx_point_add_field_i64(NULL, "k", 1));
    EXPECT_NULL_ARG(influx_point_add_field_i64(p, NULL, 1));
    EXPECT_NULL_ARG(influx_point_add_field_u64(NULL, "k", 1));
    EXPECT_NULL_ARG(influx_point_add_field_u64(p, NULL, 1));
    EXPECT_NULL_ARG(influx_point_add_field_bool(NULL, "k", true));
    EXPECT_NULL_ARG(influx_point_add_field_bool(p, NULL, true));
    EXPECT_NULL_ARG(influx_point_add_field_str(NULL, "k", "v"));
    EXPECT_NULL_ARG(influx_point_add_field_str(p, NULL, "v"));
    EXPECT_NULL_ARG(influx_point_add_field_str(p, "k", NULL));
    EXPECT_NULL_ARG(influx_point_set_time(NULL, 1, INFLUX_PRECISION_NS));
    char *out = (char *)1;
    EXPECT_NULL_ARG(influx_point_to_line_protocol(NULL, &out, &len));
    EXPECT(out == NULL, "to_line_protocol(NULL point) left *out set");
    EXPECT_NULL_ARG(influx_point_to_line_protocol(p, NULL, &len));
    out = NULL;
    EXPECT_RC(influx_point_to_line_protocol(p, &out, NULL), INFLUX_OK);
    EXPECT(out && strcmp(out, "m f=1i") == 0, "the point changed: %s", out ? out : "(null)");
    influx_string_free(out);
    influx_string_free(NULL);
    influx_client_free(NULL);
    influx_conf_free(NULL);
    influx_lines_free(NULL);
    influx_conf_free(c);
    influx_lines_free(lb);
    influx_point_free(p);
    influx_write_api_close(w);
    influx_client_free(cl);
}

/* ---- B04: invalid UTF-8 wherever a string goes ---- */

static const char *const bad_utf8[] = {"\xff\xfe", "ab\xc3", "\xed\xa0\x80", "\xc0\xaf"};

static void invalid_utf8_everywhere(void) {
    influx_client *cl;
    influx_write_api *w = offline_api(&cl, NULL);
    influx_point *p = adv_point("m", "f", 1);
    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    influx_conf *c = influx_conf_new();
    const char *tk[] = {"t"};
    const char *fk[] = {"f", "s"};
    influx_field_type ft[] = {INFLUX_FIELD_I64, INFLUX_FIELD_STR};
    influx_shape *sh = influx_shape_new("m", tk, 1, fk, ft, 2);
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
        const char *x = bad_utf8[i];
        char key[64];
        snprintf(key, sizeof key, "default_tags.%s", x);
        EXPECT(influx_point_new(x) == NULL, "point_new(bad utf8 #%zu)", i);
        EXPECT_RC(influx_point_reset(p, x), INFLUX_ERR_INVALID_UTF8);
        influx_point_reset(p, "m");
        influx_point_add_field_i64(p, "f", 1);
        EXPECT_RC(influx_point_add_tag(p, x, "v"), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_point_add_tag(p, "k", x), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_point_add_field_i64(p, x, 1), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_point_add_field_f64(p, x, 1.0), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_point_add_field_u64(p, x, 1), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_point_add_field_bool(p, x, true), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_point_add_field_str(p, x, "v"), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_point_add_field_str(p, "s", x), INFLUX_ERR_INVALID_UTF8);
        char *lp = NULL;
        influx_point_to_line_protocol(p, &lp, NULL);
        EXPECT(lp && strcmp(lp, "m f=1i") == 0, "failed calls changed the point: %s", lp ? lp : "(null)");
        influx_string_free(lp);
        EXPECT_RC(influx_conf_set(c, x, "v", NULL, 0), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_conf_set(c, "org", x, NULL, 0), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_conf_set(c, "token", x, NULL, 0), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_conf_set(c, "url", x, NULL, 0), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_conf_set(c, "default_tags.t", x, NULL, 0), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_conf_set(c, key, "v", NULL, 0), INFLUX_ERR_INVALID_UTF8);
        char buf[64];
        size_t n = sizeof buf;
        EXPECT_RC(influx_conf_get(c, x, buf, &n), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_conf_load_file(c, x, NULL, 0), INFLUX_ERR_INVALID_UTF8);
        const influx_point *one[] = {p};
        EXPECT_RC(influx_write(w, x, NULL, p), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_write(w, "b", x, p), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_write_points(w, x, NULL, one, 1), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_write_points(w, "b", x, one, 1), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_write_lp(w, "b", NULL, x, strlen(x), 0), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_write_lp(w, x, NULL, "m f=1", 5, 0), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_write_lp(w, "b", x, "m f=1", 5, 0), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_lines_begin(lb, x), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_lines_begin(lb, "m"), INFLUX_OK);
        EXPECT_RC(influx_lines_add_tag(lb, x, "v"), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_lines_add_tag(lb, "k", x), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_lines_add_field_i64(lb, x, 1), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_lines_add_field_str(lb, x, "v"), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_lines_add_field_str(lb, "s", x), INFLUX_ERR_INVALID_UTF8);
        influx_lines_add_field_i64(lb, "f", 1);
        EXPECT_RC(influx_lines_end(lb), INFLUX_OK);
        const char *mk[] = {x};
        EXPECT(influx_shape_new(x, tk, 1, fk, ft, 2) == NULL, "shape_new(bad measurement)");
        EXPECT(influx_shape_new("m", mk, 1, fk, ft, 2) == NULL, "shape_new(bad tag key)");
        const char *tv_bad[] = {x};
        const char *tv_ok[] = {"v"};
        influx_value fv_ok[] = {{.i64 = 1}, {.str = "s"}};
        influx_value fv_bad[] = {{.i64 = 1}, {.str = x}};
        EXPECT_RC(influx_lines_add_row(lb, sh, tv_bad, fv_ok, NULL), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_lines_add_row(lb, sh, tv_ok, fv_bad, NULL), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_write_lines(w, x, NULL, lb), INFLUX_ERR_INVALID_UTF8);
        EXPECT_RC(influx_write_lines(w, "b", x, lb), INFLUX_ERR_INVALID_UTF8);
        EXPECT(influx_lines_count(lb) == i + 1, "lines: %zu after failed calls, want %zu", influx_lines_count(lb), i + 1);
    }
    influx_write_stats st;
    influx_write_api_stats(w, &st);
    EXPECT(st.accepted == 0, "%" PRIu64 " lines accepted by failed calls", st.accepted);
    influx_shape_free(sh);
    influx_conf_free(c);
    influx_lines_free(lb);
    influx_point_free(p);
    influx_write_api_close(w);
    influx_client_free(cl);
}

/* ---- B02/B03: errstr sizes and conf_get capacities ---- */

static int valid_utf8(const char *s) {
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        int n = *u < 0x80 ? 0 : (*u & 0xe0) == 0xc0 ? 1 : (*u & 0xf0) == 0xe0 ? 2 : (*u & 0xf8) == 0xf0 ? 3 : -1;
        if (n < 0) return 0;
        u++;
        for (int i = 0; i < n; i++, u++)
            if ((*u & 0xc0) != 0x80) return 0;
    }
    return 1;
}

static void errstr_sizes(void) {
    const char *value = "\xc3\xa9\xc3\xa9\xe2\x82\xac\xe2\x82\xac"; /* ééۃ€€: multibyte text echoed */
    char full[512];
    influx_conf *c = influx_conf_new();
    EXPECT_RC(influx_conf_set(c, "batch_size", value, full, sizeof full), INFLUX_ERR_CONFIG);
    size_t full_len = strlen(full);
    EXPECT(full_len > 10 && adv_has_str(full, "batch_size"), "message: %s", full);
    char buf[512];
    memset(buf, 'X', sizeof buf);
    EXPECT_RC(influx_conf_set(c, "batch_size", value, buf, 0), INFLUX_ERR_CONFIG);
    EXPECT(buf[0] == 'X', "size 0: a byte was written");
    EXPECT_RC(influx_conf_set(c, "batch_size", value, buf, 1), INFLUX_ERR_CONFIG);
    EXPECT(buf[0] == '\0' && buf[1] == 'X', "size 1: want \"\" and nothing more");
    EXPECT_RC(influx_conf_set(c, "batch_size", value, NULL, 100), INFLUX_ERR_CONFIG);
    for (size_t size = 1; size <= full_len + 1; size++) {
        memset(buf, 'X', sizeof buf);
        influx_conf_set(c, "batch_size", value, buf, size);
        size_t l = strnlen(buf, size);
        EXPECT(l < size, "size %zu: not NUL-terminated", size);
        EXPECT(buf[size] == 'X', "size %zu: wrote past the buffer", size);
        EXPECT(strncmp(buf, full, l) == 0 && valid_utf8(buf), "size %zu: not a UTF-8 prefix of the message: %s", size,
               buf);
        EXPECT(l + 4 > size - 1 || l == full_len, "size %zu: cut too short (%zu)", size, l);
    }
    /* write_api_new's errstr too */
    memset(buf, 'X', sizeof buf);
    EXPECT(influx_write_api_new(NULL, NULL, buf, 1) == NULL && buf[0] == '\0' && buf[1] == 'X', "write_api_new size 1");
    memset(buf, 'X', sizeof buf);
    EXPECT(influx_write_api_new(NULL, NULL, buf, 0) == NULL && buf[0] == 'X', "write_api_new size 0");
    /* conf_get: every capacity from 0 to the exact size */
    const char *url = "http://db.example:8086";
    EXPECT_RC(influx_conf_set(c, "url", url, NULL, 0), INFLUX_OK);
    size_t need = 0;
    EXPECT_RC(influx_conf_get(c, "url", NULL, &need), INFLUX_ERR_INVALID_ARG);
    EXPECT(need == strlen(url) + 1, "needed %zu, want %zu", need, strlen(url) + 1);
    for (size_t cap = 0; cap < need; cap++) {
        memset(buf, 'Z', sizeof buf);
        size_t n = cap;
        EXPECT_RC(influx_conf_get(c, "url", buf, &n), INFLUX_ERR_INVALID_ARG);
        EXPECT(n == need && buf[0] == 'Z', "capacity %zu: *size %zu, buf touched", cap, n);
    }
    memset(buf, 'Z', sizeof buf);
    size_t n = need;
    EXPECT_RC(influx_conf_get(c, "url", buf, &n), INFLUX_OK);
    EXPECT(strcmp(buf, url) == 0 && buf[need] == 'Z', "exact capacity: %s", buf);
    influx_conf_free(c);
}

/* ---- B06: huge strings ---- */

static void huge_strings(void) {
    size_t big = 10u << 20, mib = 1u << 20;
    char *s = malloc(big + 2);
    memset(s, 'v', big + 1);
    s[big] = '\0';
    influx_point *p = influx_point_new("m");
    EXPECT_RC(influx_point_add_tag(p, "t", s), INFLUX_ERR_INVALID_POINT);
    EXPECT(strlen(influx_last_error_message()) < 4096, "the message holds the 10 MB value (%zu bytes)",
           strlen(influx_last_error_message()));
    EXPECT_RC(influx_point_add_field_str(p, "s", s), INFLUX_ERR_INVALID_POINT);
    s[mib] = '\0';
    EXPECT_RC(influx_point_add_field_str(p, "s", s), INFLUX_OK); /* exactly 1 MiB */
    EXPECT_RC(influx_point_add_tag(p, s, "v"), INFLUX_ERR_INVALID_POINT);
    EXPECT_RC(influx_point_add_field_i64(p, s, 1), INFLUX_ERR_INVALID_POINT);
    EXPECT(influx_point_new(s) == NULL, "1 MiB measurement accepted");
    s[mib] = 'v';
    s[mib + 1] = '\0';
    EXPECT_RC(influx_point_add_field_str(p, "s2", s), INFLUX_ERR_INVALID_POINT); /* 1 MiB + 1 */
    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    influx_lines_begin(lb, "m");
    EXPECT_RC(influx_lines_add_field_str(lb, "s", s), INFLUX_ERR_INVALID_POINT);
    s[mib] = '\0';
    EXPECT_RC(influx_lines_add_field_str(lb, "s", s), INFLUX_OK);
    EXPECT_RC(influx_lines_end(lb), INFLUX_OK);
    influx_lines_free(lb);
    influx_point_reset(p, "m");
    s[65535] = '\0';
    EXPECT_RC(influx_point_add_field_i64(p, s, 1), INFLUX_OK); /* a 65,535-byte key */
    influx_point_reset(p, "m");
    s[40000] = '\0';
    EXPECT_RC(influx_point_add_tag(p, "a", s), INFLUX_OK);
    EXPECT_RC(influx_point_add_tag(p, "b", s), INFLUX_OK);
    influx_point_add_field_i64(p, "f", 1);
    char *lp = NULL;
    EXPECT_RC(influx_point_to_line_protocol(p, &lp, NULL), INFLUX_ERR_INVALID_POINT); /* series key > 64 KiB */
    EXPECT(lp == NULL, "*out set on error");
    influx_point_free(p);
    free(s);
}

/* ---- C01: the delivery invariant under 4 threads, each policy ---- */

enum { WRITERS = 4, PER_WRITER = 750, SEQS = WRITERS * PER_WRITER };

typedef struct {
    influx_write_api *w;
    atomic_int accepted_by_seq[SEQS];
    atomic_int reported_by_seq[SEQS];
    atomic_long reported_lines;
    atomic_int stop_polling;
    atomic_long polls, violations;
    int writer;
} inv_state;

static void count_report(const influx_batch *b, inv_state *s) {
    s->reported_lines += (long)b->lines;
    for (size_t i = 0; i + 4 < b->len; i++) {
        if (memcmp(b->data + i, "seq=", 4) == 0) {
            long seq = strtol(b->data + i + 4, NULL, 10);
            if (seq >= 0 && seq < SEQS) s->reported_by_seq[seq]++;
        }
    }
}

static void inv_success(const influx_batch *b, void *ud) { count_report(b, ud); }
static void inv_error(const influx_batch *b, const influx_error *e, void *ud) {
    (void)e;
    count_report(b, ud);
}

typedef struct {
    inv_state *s;
    int id;
} inv_writer_arg;

static void *inv_writer(void *arg) {
    inv_writer_arg *a = arg;
    influx_point *p = influx_point_new("inv");
    for (int i = 0; i < PER_WRITER; i++) {
        int seq = a->id * PER_WRITER + i;
        influx_point_reset(p, "inv");
        influx_point_add_field_i64(p, "seq", seq);
        if (influx_write(a->s->w, "b", NULL, p) == INFLUX_OK) a->s->accepted_by_seq[seq] = 1;
    }
    influx_point_free(p);
    return NULL;
}

static void *inv_poller(void *arg) {
    inv_state *s = arg;
    while (!s->stop_polling) {
        influx_write_stats st;
        influx_write_api_stats(s->w, &st);
        s->polls++;
        if (st.accepted != st.written + st.failed + st.dropped + st.buffered_lines) s->violations++;
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void invariant(const char *policy) {
    /* the first 90 requests: 500, 500, 204, ... (with max_retries 1, one batch in three fails
     * for good); then 204: failures, successes and (for drop_oldest) drops */
    fs_step script[91];
    for (int i = 0; i < 91; i++) {
        fs_step st = {FS_ANSWER, i % 3 == 2 || i == 90 ? 204 : 500, NULL, "{\"message\":\"scripted 500\"}", 1};
        script[i] = st;
    }
    fault_server *fs = fs_start(script, 91);
    influx_client *cl = adv_client(fs_url(fs), NULL, NULL);
    inv_state *s = calloc(1, sizeof *s);
    const char *kv[] = {"batch_size", "20", "flush_interval", "5", "max_buffer_lines", "200", "buffer_full_policy",
                        policy, "buffer_full_timeout", "10000", "max_retries", "1", "retry_interval", "1",
                        "max_retry_delay", "2", "max_close_wait", "10000", NULL};
    s->w = adv_api(cl, kv, inv_success, inv_error, NULL, s);
    pthread_t th[WRITERS], poller;
    inv_writer_arg args[WRITERS];
    pthread_create(&poller, NULL, inv_poller, s);
    for (int i = 0; i < WRITERS; i++) {
        args[i] = (inv_writer_arg){s, i};
        pthread_create(&th[i], NULL, inv_writer, &args[i]);
    }
    for (int i = 0; i < WRITERS; i++) pthread_join(th[i], NULL);
    EXPECT_RC(influx_flush_timeout(s->w, 30000), INFLUX_OK);
    s->stop_polling = 1;
    pthread_join(poller, NULL);
    influx_write_stats st;
    influx_write_api_stats(s->w, &st);
    EXPECT_RC(influx_write_api_close(s->w), INFLUX_OK);
    long accepted = 0, twice = 0, missing = 0, unaccepted_reported = 0;
    for (int i = 0; i < SEQS; i++) {
        accepted += s->accepted_by_seq[i];
        if (s->accepted_by_seq[i] && s->reported_by_seq[i] == 0) missing++;
        if (s->reported_by_seq[i] > 1) twice++;
        if (!s->accepted_by_seq[i] && s->reported_by_seq[i]) unaccepted_reported++;
    }
    EXPECT(s->violations == 0, "%s: %ld of %ld polls broke accepted = written + failed + dropped + buffered", policy,
           (long)s->violations, (long)s->polls);
    EXPECT(st.accepted == (uint64_t)accepted, "%s: stats.accepted %" PRIu64 " != %ld writes that returned OK", policy,
           st.accepted, accepted);
    EXPECT(missing == 0 && twice == 0 && unaccepted_reported == 0,
           "%s: %ld accepted seqs never reported, %ld reported twice, %ld reported but not accepted", policy, missing,
           twice, unaccepted_reported);
    EXPECT(s->reported_lines == accepted, "%s: %ld lines reported, %ld accepted", policy, (long)s->reported_lines,
           accepted);
    EXPECT(st.buffered_lines == 0 && st.buffered_bytes == 0, "%s: still buffered after flush", policy);
    if (strcmp(policy, "block") == 0) EXPECT(accepted == SEQS, "block: %ld of %d accepted", accepted, SEQS);
    fprintf(stderr, "    (%s: accepted %" PRIu64 ", written %" PRIu64 ", failed %" PRIu64 ", dropped %" PRIu64 ", %ld polls)\n",
            policy, st.accepted, st.written, st.failed, st.dropped, (long)s->polls);
    free(s);
    influx_client_free(cl);
    fs_stop(fs);
}

static void invariant_block(void) { invariant("block"); }
static void invariant_reject(void) { invariant("reject"); }
static void invariant_drop_oldest(void) { invariant("drop_oldest"); }

/* ---- S01: the token canary through every error path ---- */

typedef struct {
    atomic_int calls, leaks;
} canary_seen;

static void canary_error(const influx_batch *b, const influx_error *e, void *ud) {
    canary_seen *s = ud;
    (void)b;
    s->calls++;
    if (adv_has_str(e->message, CANARY) || adv_has_str(e->server_message, CANARY)) s->leaks++;
}

static void canary_retry(const influx_batch *b, const influx_error *e, uint32_t k, uint64_t d, void *ud) {
    (void)k;
    (void)d;
    canary_error(b, e, ud);
}

static void canary_through(const char *what, const char *url, const char *const *client_kv) {
    char err[512] = "";
    influx_conf *c = influx_conf_new();
    const char *base[] = {"url", url, "org", "o", "token", CANARY, "timeout", "500", NULL};
    adv_conf_kv(c, base);
    adv_conf_kv(c, client_kv);
    influx_client *cl = influx_client_new(c, err, sizeof err);
    EXPECT(!adv_has_str(err, CANARY), "%s: client_new errstr", what);
    if (!cl) return;
    const char *sync_kv[] = {"write_type", "synchronous", NULL};
    influx_write_api *w = adv_api(cl, sync_kv, NULL, NULL, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    influx_result rc = influx_write(w, "b", NULL, p);
    EXPECT(rc != INFLUX_OK, "%s: the write succeeded", what);
    EXPECT(!adv_has_str(influx_last_error_message(), CANARY), "%s: last error: %s", what, influx_last_error_message());
    EXPECT(!adv_has_str(influx_last_server_message(), CANARY), "%s: last server message", what);
    influx_write_api_close(w);
    canary_seen s;
    atomic_init(&s.calls, 0);
    atomic_init(&s.leaks, 0);
    const char *kv[] = {"max_retries", "1", "retry_interval", "1", "max_close_wait", "5000", NULL};
    w = adv_api(cl, kv, NULL, canary_error, canary_retry, &s);
    influx_write(w, "b", NULL, p);
    influx_flush_timeout(w, 5000);
    influx_write_api_close(w);
    EXPECT(s.calls >= 1, "%s: no error report", what);
    EXPECT(s.leaks == 0, "%s: %d of %d callback messages show the token", what, (int)s.leaks, (int)s.calls);
    influx_point_free(p);
    influx_client_free(cl);
}

static void token_canary(void) {
    adv_capture cap;
    adv_capture_begin(&cap);
    fs_step e401 = {FS_ANSWER, 401, NULL, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}", 0};
    fs_step e400 = {FS_ANSWER, 400, NULL, "{\"code\":\"invalid\",\"message\":\"bad line\"}", 0};
    fs_step e500 = {FS_ANSWER, 500, NULL, "not json at all", 0};
    fs_step slow = {FS_ANSWER, 204, NULL, NULL, 1500};
    fs_step reset = {FS_CLOSE, 0, NULL, NULL, 0};
    fs_step *steps[] = {&e401, &e400, &e500, &slow, &reset};
    const char *names[] = {"401 JSON", "400 JSON", "500 not JSON", "slow (timeout)", "closed without answer"};
    for (int i = 0; i < 5; i++) {
        fault_server *fs = fs_start(steps[i], 1);
        canary_through(names[i], fs_url(fs), NULL);
        fs_stop(fs);
    }
    fault_server *fs = fs_start(&e401, 1);
    const char *basic[] = {"auth_basic", "true", NULL};
    canary_through("auth_basic 401", fs_url(fs), basic);
    fs_stop(fs);
    char dead[64];
    adv_dead_url(dead, sizeof dead);
    canary_through("server down", dead, NULL);
    fs = fs_start_silent();
    char https[96];
    snprintf(https, sizeof https, "https://%s", fs_url(fs) + strlen("http://"));
    canary_through("TLS to a port that never answers", https, NULL);
    fs_stop(fs);

    /* configuration errors next to the token */
    char err[512] = "";
    influx_conf *c = influx_conf_new();
    char path[] = "/tmp/adv_held_XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) {
        dprintf(fd, "[influx2]\ntoken = %s\ntimeout = not-a-number\n", CANARY);
        close(fd);
        EXPECT_RC(influx_conf_load_file(c, path, err, sizeof err), INFLUX_ERR_CONFIG);
        EXPECT(!adv_has_str(err, CANARY), "load_file errstr: %s", err);
        unlink(path);
    }
    setenv("INFLUXDB_V2_TOKEN", CANARY, 1);
    setenv("INFLUXDB_V2_TIMEOUT", "soon", 1);
    EXPECT_RC(influx_conf_load_env(c, err, sizeof err), INFLUX_ERR_CONFIG);
    EXPECT(!adv_has_str(err, CANARY), "load_env errstr: %s", err);
    unsetenv("INFLUXDB_V2_TIMEOUT");
    EXPECT_RC(influx_conf_set(c, "token", CANARY, NULL, 0), INFLUX_OK);
    char buf[64];
    size_t n = sizeof buf;
    EXPECT_RC(influx_conf_get(c, "token", buf, &n), INFLUX_OK);
    EXPECT(strcmp(buf, "***") == 0, "conf_get(token) = %s", buf);
    influx_conf_free(c);
    unsetenv("INFLUXDB_V2_TOKEN");

    size_t len = 0;
    char *out = adv_capture_end(&cap, &len);
    EXPECT(!adv_has(out, len, CANARY), "stdout/stderr show the token");
    /* pass on what the checks printed while captured */
    if (out && len) fwrite(out, 1, len, stderr);
    free(out);
}

/* Real InfluxDB: a wrong (canary) token gives 401 with the server's message, no token shown;
 * the right token writes. */
static void real_server_canary(void) {
    const char *url = getenv("INFLUXDB_V2_URL"), *token = getenv("INFLUXDB_V2_TOKEN");
    const char *bucket = getenv("INFLUXDB_V2_BUCKET");
    EXPECT(url && token && bucket, "INFLUXDB_V2_* not set (run through scripts/with-influxdb.sh)");
    if (!url || !token || !bucket) return;
    const char *org = getenv("INFLUXDB_V2_ORG");
    for (int right = 0; right <= 1; right++) {
        influx_conf *c = influx_conf_new();
        const char *kv[] = {"url", url, "org", org ? org : "o", "token", right ? token : CANARY, NULL};
        adv_conf_kv(c, kv);
        influx_client *cl = influx_client_new(c, NULL, 0);
        const char *wkv[] = {"write_type", "synchronous", NULL};
        influx_write_api *w = adv_api(cl, wkv, NULL, NULL, NULL, NULL);
        influx_point *p = adv_point("adv_held", "f", 1);
        if (right) {
            EXPECT_RC(influx_write(w, bucket, NULL, p), INFLUX_OK);
        } else {
            EXPECT_RC(influx_write(w, bucket, NULL, p), INFLUX_ERR_HTTP);
            EXPECT(influx_last_http_status() == 401, "status %d", influx_last_http_status());
            EXPECT(influx_last_server_message()[0] != '\0', "no server message");
            EXPECT(!adv_has_str(influx_last_error_message(), CANARY), "last error shows the token");
        }
        influx_point_free(p);
        influx_write_api_close(w);
        influx_client_free(cl);
    }
}

/* ---- T02/T03: callbacks on the background thread ---- */

typedef struct {
    influx_write_api *w;
    atomic_int flush_rc, flush_timeout_rc, close_rc, write_rc, done;
    double slowest;
} reentry;

static void try_all(reentry *r) {
    double t0 = adv_now();
    r->flush_rc = influx_flush(r->w);
    r->flush_timeout_rc = influx_flush_timeout(r->w, 1000);
    r->close_rc = influx_write_api_close(r->w);
    double dt = adv_now() - t0;
    if (dt > r->slowest) r->slowest = dt;
}

static void re_success(const influx_batch *b, void *ud) {
    reentry *r = ud;
    if (r->done++) return;
    try_all(r);
    influx_point *p = adv_point("m", "from_callback", 1);
    r->write_rc = influx_write(r->w, "b", NULL, p);
    influx_point_free(p);
    (void)b;
}

static void re_error(const influx_batch *b, const influx_error *e, void *ud) {
    (void)b;
    (void)e;
    reentry *r = ud;
    if (r->done++) return;
    try_all(r);
}

static void re_retry(const influx_batch *b, const influx_error *e, uint32_t k, uint64_t d, void *ud) {
    (void)k;
    (void)d;
    re_error(b, e, ud);
}

static void background_callbacks_refuse_flush_and_close(void) {
    const char *kinds[] = {"success", "error", "retry"};
    for (int kind = 0; kind < 3; kind++) {
        fs_step st = {FS_ANSWER, kind == 0 ? 204 : 500, NULL, "{\"message\":\"scripted\"}", 0};
        fault_server *fs = fs_start(&st, 1);
        influx_client *cl = adv_client(fs_url(fs), NULL, NULL);
        reentry *r = calloc(1, sizeof *r);
        const char *kv[] = {"flush_interval", "10", "max_retries", kind == 2 ? "1" : "0", "retry_interval", "1", NULL};
        r->w = adv_api(cl, kv, kind == 0 ? re_success : NULL, kind == 1 ? re_error : NULL, kind == 2 ? re_retry : NULL,
                       r);
        influx_point *p = adv_point("m", "f", 1);
        EXPECT_RC(influx_write(r->w, "b", NULL, p), INFLUX_OK);
        EXPECT_RC(influx_flush_timeout(r->w, 5000), INFLUX_OK);
        EXPECT(r->done >= 1, "%s callback did not run", kinds[kind]);
        EXPECT(r->flush_rc == INFLUX_ERR_INVALID_ARG, "%s callback: flush -> %d", kinds[kind], (int)r->flush_rc);
        EXPECT(r->flush_timeout_rc == INFLUX_ERR_INVALID_ARG, "%s callback: flush_timeout -> %d", kinds[kind],
               (int)r->flush_timeout_rc);
        EXPECT(r->close_rc == INFLUX_ERR_INVALID_ARG, "%s callback: close -> %d", kinds[kind], (int)r->close_rc);
        EXPECT(r->slowest < 0.2, "%s callback: the refused calls took %.2f s", kinds[kind], r->slowest);
        if (kind == 0) EXPECT(r->write_rc == INFLUX_OK, "write from the success callback -> %d", (int)r->write_rc);
        /* the API still works */
        EXPECT_RC(influx_write(r->w, "b", NULL, p), INFLUX_OK);
        EXPECT_RC(influx_flush_timeout(r->w, 5000), INFLUX_OK);
        influx_point_free(p);
        EXPECT_RC(influx_write_api_close(r->w), INFLUX_OK);
        if (kind == 0) EXPECT(fs_requests(fs) >= 2, "the callback's point was not sent (%d requests)", fs_requests(fs));
        free(r);
        influx_client_free(cl);
        fs_stop(fs);
    }
}

/* ---- faults: 429 + Retry-After, 500s, slow, silent, 400, redirect, url encoding ---- */

typedef struct {
    atomic_int ok_lines, err_lines, retries, err_calls, last_code, last_status;
    char server_message[128];
    atomic_int after_close;
    atomic_int closed;
    double ok_at;
} fault_seen;

static void f_success(const influx_batch *b, void *ud) {
    fault_seen *s = ud;
    s->ok_lines += (int)b->lines;
    s->ok_at = adv_now();
    if (s->closed) s->after_close++;
}
static void f_error(const influx_batch *b, const influx_error *e, void *ud) {
    fault_seen *s = ud;
    s->err_lines += (int)b->lines;
    s->err_calls++;
    s->last_code = e->code;
    s->last_status = e->http_status;
    snprintf(s->server_message, sizeof s->server_message, "%s", e->server_message);
    if (s->closed) s->after_close++;
}
static void f_retry(const influx_batch *b, const influx_error *e, uint32_t k, uint64_t d, void *ud) {
    (void)b;
    (void)e;
    (void)k;
    (void)d;
    fault_seen *s = ud;
    s->retries++;
    if (s->closed) s->after_close++;
}

static void retry_after_429_honoured(void) {
    fs_step script[] = {{FS_ANSWER, 429, "Retry-After: 1\r\n", "{\"message\":\"slow down\"}", 0},
                        {FS_ANSWER, 429, "Retry-After: 1\r\n", "{\"message\":\"slow down\"}", 0},
                        {FS_ANSWER, 204, NULL, NULL, 0}};
    fault_server *fs = fs_start(script, 3);
    influx_client *cl = adv_client(fs_url(fs), NULL, NULL);
    fault_seen *s = calloc(1, sizeof *s);
    const char *kv[] = {"retry_interval", "10", "max_retry_delay", "20", NULL};
    influx_write_api *w = adv_api(cl, kv, f_success, f_error, f_retry, s);
    influx_point *p = adv_point("m", "f", 1);
    double t0 = adv_now();
    EXPECT_RC(influx_write(w, "b", NULL, p), INFLUX_OK);
    EXPECT_RC(influx_flush_timeout(w, 10000), INFLUX_OK);
    double dt = s->ok_at - t0;
    EXPECT(s->ok_lines == 1 && s->err_lines == 0, "ok %d, failed %d", (int)s->ok_lines, (int)s->err_lines);
    EXPECT(s->retries == 2 && fs_requests(fs) == 3, "%d retries, %d requests", (int)s->retries, fs_requests(fs));
    EXPECT(dt >= 1.9 && dt < 4.0, "delivered after %.2f s, want about 2 s (Retry-After over max_retry_delay)", dt);
    influx_point_free(p);
    influx_write_api_close(w);
    free(s);
    influx_client_free(cl);
    fs_stop(fs);
}

static void server_errors_500_exhaust_retries(void) {
    fs_step e500 = {FS_ANSWER, 500, NULL, "{\"code\":\"internal error\",\"message\":\"scripted 500\"}", 0};
    fault_server *fs = fs_start(&e500, 1);
    influx_client *cl = adv_client(fs_url(fs), NULL, NULL);
    fault_seen *s = calloc(1, sizeof *s);
    const char *kv[] = {"batch_size", "20", "max_retries", "2", "retry_interval", "50", "max_retry_delay", "100", NULL};
    influx_write_api *w = adv_api(cl, kv, f_success, f_error, f_retry, s);
    influx_point *p = influx_point_new("m");
    for (int i = 0; i < 50; i++) {
        influx_point_reset(p, "m");
        influx_point_add_field_i64(p, "seq", i);
        influx_write(w, "b", NULL, p);
    }
    EXPECT_RC(influx_flush_timeout(w, 15000), INFLUX_OK);
    EXPECT(s->err_lines == 50 && s->err_calls == 3, "%d lines in %d error reports, want 50 in 3", (int)s->err_lines,
           (int)s->err_calls);
    EXPECT(s->last_code == INFLUX_ERR_RETRIES_EXHAUSTED, "code %d", (int)s->last_code);
    EXPECT(s->last_status == 500, "status %d", (int)s->last_status);
    EXPECT(strcmp(s->server_message, "scripted 500") == 0, "server message %s", s->server_message);
    EXPECT(fs_requests(fs) == 9 && s->retries == 6, "%d requests, %d retries; want 9, 6", fs_requests(fs),
           (int)s->retries);
    influx_point_free(p);
    influx_write_api_close(w);
    free(s);
    influx_client_free(cl);
    fs_stop(fs);
}

static void slow_server_times_out(void) {
    fs_step slow = {FS_ANSWER, 204, NULL, NULL, 2000};
    fault_server *fs = fs_start(&slow, 1);
    const char *ckv[] = {"timeout", "500", NULL};
    influx_client *cl = adv_client(fs_url(fs), NULL, ckv);
    const char *kv[] = {"write_type", "synchronous", NULL};
    influx_write_api *w = adv_api(cl, kv, NULL, NULL, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    double t0 = adv_now();
    EXPECT_RC(influx_write(w, "b", NULL, p), INFLUX_ERR_TIMEOUT);
    double dt = adv_now() - t0;
    EXPECT(dt >= 0.45 && dt < 1.5, "timed out after %.2f s, want about 0.5 s", dt);
    influx_point_free(p);
    influx_write_api_close(w);
    influx_client_free(cl);
    fs_stop(fs);
}

/* F12/F13/T13: a server that never answers; close() is bounded, reports every point once,
 * and no callback runs after it returns. */
static void silent_server_close_is_bounded(void) {
    fs_step hang = {FS_HANG, 0, NULL, NULL, 0};
    fault_server *fs = fs_start(&hang, 1);
    const char *ckv[] = {"timeout", "1000", NULL};
    influx_client *cl = adv_client(fs_url(fs), NULL, ckv);
    fault_seen *s = calloc(1, sizeof *s);
    const char *kv[] = {"batch_size", "10", "max_close_wait", "500", "retry_interval", "60000", NULL};
    influx_write_api *w = adv_api(cl, kv, f_success, f_error, f_retry, s);
    influx_point *p = adv_point("m", "f", 1);
    for (int i = 0; i < 100; i++) influx_write(w, "b", NULL, p);
    influx_point_free(p);
    EXPECT_RC(influx_flush_timeout(w, 200), INFLUX_ERR_TIMED_OUT);
    double t0 = adv_now();
    EXPECT_RC(influx_write_api_close(w), INFLUX_ERR_TIMED_OUT);
    double dt = adv_now() - t0;
    s->closed = 1;
    EXPECT(dt < 0.5 + 1.0 + 0.5, "close took %.2f s, want <= max_close_wait + one timeout", dt);
    EXPECT(s->ok_lines + s->err_lines == 100, "%d + %d lines reported, want 100", (int)s->ok_lines, (int)s->err_lines);
    adv_sleep_ms(300);
    EXPECT(s->after_close == 0, "%d callbacks after close returned", (int)s->after_close);
    free(s);
    influx_client_free(cl);
    fs_stop(fs);
}

static void bad_request_400_not_retried(void) {
    fs_step e400 = {FS_ANSWER, 400, NULL, "{\"code\":\"invalid\",\"message\":\"unable to parse 'x'\"}", 0};
    fault_server *fs = fs_start(&e400, 1);
    influx_client *cl = adv_client(fs_url(fs), NULL, NULL);
    const char *skv[] = {"write_type", "synchronous", NULL};
    influx_write_api *w = adv_api(cl, skv, NULL, NULL, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    EXPECT_RC(influx_write(w, "b", NULL, p), INFLUX_ERR_HTTP);
    EXPECT(influx_last_http_status() == 400, "status %d", influx_last_http_status());
    EXPECT(strcmp(influx_last_server_message(), "unable to parse 'x'") == 0, "server message %s",
           influx_last_server_message());
    influx_write_api_close(w);
    fault_seen *s = calloc(1, sizeof *s);
    const char *kv[] = {"retry_interval", "1", NULL};
    w = adv_api(cl, kv, f_success, f_error, f_retry, s);
    influx_write(w, "b", NULL, p);
    EXPECT_RC(influx_flush_timeout(w, 5000), INFLUX_OK);
    EXPECT(s->retries == 0 && s->err_calls == 1 && s->last_code == INFLUX_ERR_HTTP && s->last_status == 400,
           "retries %d, reports %d, code %d, status %d", (int)s->retries, (int)s->err_calls, (int)s->last_code,
           (int)s->last_status);
    EXPECT(fs_requests(fs) == 2, "%d requests, want 2 (one per API)", fs_requests(fs));
    influx_point_free(p);
    influx_write_api_close(w);
    free(s);
    influx_client_free(cl);
    fs_stop(fs);
}

static void redirect_not_followed(void) {
    fs_step ok = {FS_ANSWER, 204, NULL, NULL, 0};
    fault_server *target = fs_start(&ok, 1);
    char loc[160];
    snprintf(loc, sizeof loc, "Location: %s/api/v2/write?org=o&bucket=b\r\n", fs_url(target));
    fs_step redirect = {FS_ANSWER, 307, loc, NULL, 0};
    fault_server *fs = fs_start(&redirect, 1);
    influx_client *cl = adv_client(fs_url(fs), CANARY, NULL);
    const char *kv[] = {"write_type", "synchronous", NULL};
    influx_write_api *w = adv_api(cl, kv, NULL, NULL, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    EXPECT_RC(influx_write(w, "b", NULL, p), INFLUX_ERR_HTTP);
    EXPECT(influx_last_http_status() == 307, "status %d", influx_last_http_status());
    EXPECT(fs_requests(target) == 0, "the redirect was followed (%d requests)", fs_requests(target));
    EXPECT(fs_headers_contain(fs, "Authorization: Token " CANARY), "the token was not sent to the server itself");
    influx_point_free(p);
    influx_write_api_close(w);
    influx_client_free(cl);
    fs_stop(fs);
    fs_stop(target);
}

static void bucket_and_org_url_encoded(void) {
    fs_step ok = {FS_ANSWER, 204, NULL, NULL, 0};
    fault_server *fs = fs_start(&ok, 1);
    influx_client *cl = adv_client(fs_url(fs), NULL, NULL);
    const char *kv[] = {"write_type", "synchronous", NULL};
    influx_write_api *w = adv_api(cl, kv, NULL, NULL, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    EXPECT_RC(influx_write(w, "b&bucket=evil#x y/\xc3\xa9", "o&org=evil?%", p), INFLUX_OK);
    char target[512];
    fs_target(fs, 0, target, sizeof target);
    EXPECT(adv_has_str(target, "org=o%26org%3Devil%3F%25") && adv_has_str(target, "bucket=b%26bucket%3Devil%23x"),
           "request target %s", target);
    EXPECT(!adv_has_str(target, "bucket=evil") && !adv_has_str(target, "org=evil") && !strchr(target, '#'),
           "request target %s", target);
    influx_point_free(p);
    influx_write_api_close(w);
    influx_client_free(cl);
    fs_stop(fs);
}

/* ---- B22: the last error is thread-local; B11: unknown precisions ---- */

static void *other_thread(void *arg) {
    *(int *)arg = influx_last_error_message()[0] == '\0';
    return NULL;
}

static void last_error_thread_local_and_precisions(void) {
    EXPECT(influx_point_new("#comment") == NULL, "a measurement starting with # accepted");
    EXPECT(influx_last_error_message()[0] != '\0', "no message");
    int clean = 0;
    pthread_t th;
    pthread_create(&th, NULL, other_thread, &clean);
    pthread_join(th, NULL);
    EXPECT(clean, "another thread sees this thread's last error");
    influx_point *p = adv_point("m", "f", 1);
    int bad[] = {7, -1, -2147483647 - 1};
    for (int i = 0; i < 3; i++) {
        EXPECT_RC(influx_point_set_time(p, 1, bad[i]), INFLUX_ERR_INVALID_ARG);
        EXPECT(influx_lines_new(NULL, bad[i]) == NULL, "lines_new(precision %d)", bad[i]);
    }
    influx_client *cl;
    influx_write_api *w = offline_api(&cl, NULL);
    for (int i = 0; i < 3; i++) EXPECT_RC(influx_write_lp(w, "b", NULL, "m f=1", 5, bad[i]), INFLUX_ERR_INVALID_ARG);
    influx_write_api_close(w);
    influx_client_free(cl);
    influx_point_free(p);
}

static const adv_case cases[] = {
    {"held_null_everywhere", null_everywhere, 20, "B01: NULL at every pointer parameter"},
    {"held_invalid_utf8_everywhere", invalid_utf8_everywhere, 20, "B04: INVALID_UTF8, a failed call changes nothing"},
    {"held_errstr_sizes", errstr_sizes, 20, "B02/B03: errstr 0/1/every size, UTF-8 cut; conf_get capacities"},
    {"held_huge_strings", huge_strings, 40, "B06: 10 MB / 1 MiB / 1 MiB+1 / 65,535 / series key > 64 KiB"},
    {"held_invariant_block", invariant_block, 60, "C01: 4 threads, policy block, stats polled; each seq once"},
    {"held_invariant_reject", invariant_reject, 60, "C01: 4 threads, policy reject"},
    {"held_invariant_drop_oldest", invariant_drop_oldest, 60, "C01: 4 threads, policy drop_oldest"},
    {"held_token_canary", token_canary, 60, "S01: canary token through every error path, callbacks, output"},
    {"held_real_server_canary", real_server_canary, 30, "real InfluxDB: 401 without the token; right token writes"},
    {"held_background_callbacks_refuse_flush_close", background_callbacks_refuse_flush_and_close, 30,
     "T02/T03: success/error/retry callback: flush/flush_timeout/close -> INVALID_ARG; write allowed"},
    {"held_retry_after_429_honoured", retry_after_429_honoured, 20, "F04: 429 + Retry-After: 1 twice, then 204"},
    {"held_500_exhausts_retries", server_errors_500_exhaust_retries, 30, "F02: 500 forever, max_retries 2"},
    {"held_slow_server_times_out", slow_server_times_out, 20, "F08: reply slower than timeout -> TIMEOUT"},
    {"held_silent_server_close_bounded", silent_server_close_is_bounded, 20,
     "F12/F13/T13: close bounded, every point reported once, no callback after close"},
    {"held_400_not_retried", bad_request_400_not_retried, 20, "F07: 400 with JSON message, not retried"},
    {"held_redirect_not_followed", redirect_not_followed, 20, "F11: 307 reported, not followed"},
    {"held_bucket_org_url_encoded", bucket_and_org_url_encoded, 20, "B21: query parameters encoded"},
    {"held_last_error_thread_local_precisions", last_error_thread_local_and_precisions, 20,
     "B22 thread-local last error; B11 unknown precisions"},
};
ADV_MAIN("adv_held", cases)
