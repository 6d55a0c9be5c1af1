/* Synchronous writes through the C API against the real InfluxDB 2.x, read back with Flux. */
#include "server.h"

static const char *bucket;
static char run[64];

static influx_write_api *sync_api(influx_conf *client_conf, influx_client **out_client) {
    char err[256];
    influx_client *c = influx_client_new(client_conf, err, sizeof err);
    CHECK(c != NULL);
    influx_conf *wo = influx_conf_new();
    influx_conf_set(wo, "write_type", "synchronous", NULL, 0);
    influx_write_api *w = influx_write_api_new(c, wo, err, sizeof err);
    CHECK(w != NULL);
    *out_client = c;
    return w;
}

static void expect_value(const char *meas, const char *field, const char *column, const char *want) {
    char flux[1024];
    snprintf(flux, sizeof flux,
             "from(bucket:\"%s\") |> range(start:0) |> filter(fn:(r)=>r._measurement==\"%s\" and "
             "r.run==\"%s\" and r._field==\"%s\") |> last() |> keep(columns:[\"%s\"])",
             bucket, meas, run, field, column);
    char *got = query_value(flux);
    CHECK_STR(got, want);
    free(got);
}

static void all_types_all_precisions(void) {
    influx_client *c;
    influx_write_api *w = sync_api(server_conf(NULL), &c);
    static const struct {
        influx_precision p;
        const char *name;
        int64_t time;
        const char *rfc3339;
    } cases[] = {
        {INFLUX_PRECISION_NS, "ns", 1700000000000000007LL, "2023-11-14T22:13:20.000000007Z"},
        {INFLUX_PRECISION_US, "us", 1700000000000007LL, "2023-11-14T22:13:20.000007Z"},
        {INFLUX_PRECISION_MS, "ms", 1700000000007LL, "2023-11-14T22:13:20.007Z"},
        {INFLUX_PRECISION_S, "s", 1700000007LL, "2023-11-14T22:13:27Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char meas[64];
        snprintf(meas, sizeof meas, "c_types_%s", cases[i].name);
        influx_point *p = influx_point_new(meas);
        influx_point_add_tag(p, "run", run);
        influx_point_add_field_f64(p, "f", -0.30000000000000004);
        influx_point_add_field_i64(p, "i", -9007199254740993LL);
        influx_point_add_field_u64(p, "u", 18446744073709551615ULL);
        influx_point_add_field_bool(p, "b", true);
        influx_point_add_field_str(p, "s", "hello world");
        influx_point_set_time(p, cases[i].time, cases[i].p);
        CHECK_RC(influx_write(w, bucket, NULL, p), INFLUX_OK);
        influx_point_free(p);
        expect_value(meas, "f", "_value", "-0.30000000000000004");
        expect_value(meas, "i", "_value", "-9007199254740993");
        expect_value(meas, "u", "_value", "18446744073709551615");
        expect_value(meas, "b", "_value", "true");
        expect_value(meas, "s", "_value", "hello world");
        expect_value(meas, "b", "_time", cases[i].rfc3339);
    }
    CHECK_RC(influx_write_api_close(w), INFLUX_OK);
    influx_client_free(c);
}

static void http_errors_carry_status_and_server_message(void) {
    influx_client *c;
    influx_write_api *w = sync_api(server_conf("wrong-token"), &c);
    influx_point *p = influx_point_new("c_err");
    influx_point_add_field_i64(p, "v", 1);
    CHECK_RC(influx_write(w, bucket, NULL, p), INFLUX_ERR_HTTP);
    CHECK(influx_last_http_status() == 401);
    CHECK(strstr(influx_last_server_message(), "unauthorized") != NULL);
    CHECK(strstr(influx_last_error_message(), "401") != NULL);
    CHECK(strstr(influx_last_error_message(), "wrong-token") == NULL);
    influx_write_api_close(w);
    influx_client_free(c);

    w = sync_api(server_conf(NULL), &c);
    CHECK_RC(influx_write(w, "no-such-bucket", NULL, p), INFLUX_ERR_HTTP);
    CHECK(influx_last_http_status() == 404);
    CHECK(strstr(influx_last_server_message(), "no-such-bucket") != NULL);
    /* text the server could not parse is refused before it is sent */
    const char *bad = "c_err v=";
    CHECK_RC(influx_write_lp(w, bucket, NULL, bad, strlen(bad), INFLUX_PRECISION_NS), INFLUX_ERR_INVALID_POINT);
    CHECK(strstr(influx_last_error_message(), "line 1") != NULL);
    /* what only the server checks (a series key over 64 KiB) comes back as its 400 */
    size_t long_len = 70000 + 32;
    char *long_lp = malloc(long_len);
    CHECK(long_lp != NULL);
    int n = snprintf(long_lp, long_len, "c_err,t=");
    memset(long_lp + n, 'x', 70000);
    snprintf(long_lp + n + 70000, long_len - (size_t)n - 70000, " v=1i");
    CHECK_RC(influx_write_lp(w, bucket, NULL, long_lp, strlen(long_lp), INFLUX_PRECISION_NS), INFLUX_ERR_HTTP);
    CHECK(influx_last_http_status() == 400);
    CHECK(influx_last_server_message()[0] != '\0');
    free(long_lp);
    influx_point_free(p);
    influx_write_api_close(w);
    influx_client_free(c);
}

static void big_lp_write_with_and_without_gzip(void) {
    for (int gz = 0; gz <= 1; gz++) {
        influx_conf *cc = server_conf(NULL);
        influx_conf_set(cc, "enable_gzip", gz ? "true" : "false", NULL, 0);
        influx_client *c;
        influx_write_api *w = sync_api(cc, &c);
        size_t cap = 10000 * 96, len = 0;
        char *buf = malloc(cap);
        for (int i = 0; i < 10000; i++) {
            len += (size_t)snprintf(buf + len, cap - len, "c_lp,run=%s,gz=%d,sensor=s%d value=%d.5,n=%di %d\n", run,
                                    gz, i % 7, i, i, 1700000000 + i);
        }
        CHECK_RC(influx_write_lp(w, bucket, NULL, buf, len, INFLUX_PRECISION_S), INFLUX_OK);
        free(buf);
        char flux[512];
        snprintf(flux, sizeof flux,
                 "from(bucket:\"%s\") |> range(start:0) |> filter(fn:(r)=>r._measurement==\"c_lp\" and "
                 "r.run==\"%s\" and r.gz==\"%d\" and r._field==\"n\") |> group() |> count()",
                 bucket, run, gz);
        char *got = query_value(flux);
        CHECK_STR(got, "10000");
        free(got);
        influx_write_api_close(w);
        influx_client_free(c);
    }
}

static void default_tags_apply_to_points(void) {
    influx_conf *cc = server_conf(NULL);
    influx_client *c = influx_client_new(cc, NULL, 0);
    influx_conf *wo = influx_conf_new();
    influx_conf_set(wo, "write_type", "synchronous", NULL, 0);
    setenv("INFLUX_C_TEST_SITE", "plant-7", 1);
    CHECK_RC(influx_conf_set(wo, "default_tags.site", "${env.INFLUX_C_TEST_SITE}", NULL, 0), INFLUX_OK);
    CHECK_RC(influx_conf_set(wo, "default_tags.run", run, NULL, 0), INFLUX_OK);
    influx_write_api *w = influx_write_api_new(c, wo, NULL, 0);
    CHECK(w != NULL);
    influx_point *p = influx_point_new("c_default_tags");
    influx_point_add_field_i64(p, "v", 5);
    CHECK_RC(influx_write(w, bucket, NULL, p), INFLUX_OK);
    influx_point_free(p);
    expect_value("c_default_tags", "v", "site", "plant-7");
    influx_write_api_close(w);
    influx_client_free(c);
}

/* Write the buffer once it holds 1000 lines. */
static void write_every_1000(influx_write_api *w, influx_lines *lb) {
    if (influx_lines_count(lb) == 1000) {
        CHECK_RC(influx_write_lines(w, bucket, NULL, lb), INFLUX_OK);
        CHECK(influx_lines_count(lb) == 0);
    }
}

/* A line buffer made for a synchronous write API with default tags: 5,000 lines in five
 * influx_write_lines calls (half of them rows of a shape), counted back; the default tag wins
 * over the line's own. */
static void line_buffer_writes(void) {
    influx_conf *cc = server_conf(NULL);
    influx_client *c = influx_client_new(cc, NULL, 0);
    influx_conf *wo = influx_conf_new();
    influx_conf_set(wo, "write_type", "synchronous", NULL, 0);
    CHECK_RC(influx_conf_set(wo, "default_tags.run", run, NULL, 0), INFLUX_OK);
    influx_write_api *w = influx_write_api_new(c, wo, NULL, 0);
    CHECK(w != NULL);
    influx_lines *plain = influx_lines_new(NULL, INFLUX_PRECISION_MS);
    influx_lines_begin(plain, "c_lines");
    influx_lines_add_field_i64(plain, "n", 1);
    CHECK_RC(influx_write_lines(w, bucket, NULL, plain), INFLUX_ERR_INVALID_ARG); /* open line */
    influx_lines_end(plain);
    CHECK_RC(influx_write_lines(w, bucket, NULL, plain), INFLUX_ERR_INVALID_ARG); /* no default tags */
    CHECK(influx_lines_count(plain) == 1);
    influx_lines_free(plain);

    influx_lines *lb = influx_lines_new(w, INFLUX_PRECISION_MS);
    CHECK(lb != NULL);
    const char *tag_keys[] = {"host", "run"};
    const char *field_keys[] = {"n", "x"};
    influx_field_type types[] = {INFLUX_FIELD_I64, INFLUX_FIELD_F64};
    influx_shape *shape = influx_shape_new("c_lines", tag_keys, 2, field_keys, types, 2);
    CHECK(shape != NULL);
    for (int i = 0; i < 5000; i++) {
        char host[32];
        snprintf(host, sizeof host, "server-%d", i % 10);
        if (i % 2) { /* odd points as rows of a shape, even ones call by call */
            const char *tags[] = {host, "not-this"};
            influx_value v[2] = {{.i64 = i}, {.f64 = i * 0.5}};
            int64_t t = 1700000000000LL + i;
            CHECK_RC(influx_lines_add_row(lb, shape, tags, v, &t), INFLUX_OK);
            write_every_1000(w, lb);
            continue;
        }
        CHECK_RC(influx_lines_begin(lb, "c_lines"), INFLUX_OK);
        CHECK_RC(influx_lines_add_tag(lb, "host", host), INFLUX_OK);
        CHECK_RC(influx_lines_add_tag(lb, "run", "not-this"), INFLUX_OK);
        CHECK_RC(influx_lines_add_field_i64(lb, "n", i), INFLUX_OK);
        CHECK_RC(influx_lines_add_field_f64(lb, "x", i * 0.5), INFLUX_OK);
        CHECK_RC(influx_lines_end_at(lb, 1700000000000LL + i), INFLUX_OK);
        write_every_1000(w, lb);
    }
    influx_shape_free(shape);
    CHECK_RC(influx_write_lines(w, bucket, NULL, lb), INFLUX_OK); /* empty: nothing to do */
    char flux[512];
    snprintf(flux, sizeof flux,
             "from(bucket:\"%s\") |> range(start:0) |> filter(fn:(r)=>r._measurement==\"c_lines\" and "
             "r.run==\"%s\" and r._field==\"n\") |> group() |> count()",
             bucket, run);
    char *got = query_value(flux);
    CHECK_STR(got, "5000");
    free(got);
    snprintf(flux, sizeof flux,
             "from(bucket:\"%s\") |> range(start:0) |> filter(fn:(r)=>r._measurement==\"c_lines\" and "
             "r.run==\"%s\" and r._field==\"x\") |> group() |> max() |> keep(columns:[\"_value\"])",
             bucket, run);
    got = query_value(flux);
    CHECK_STR(got, "2499.5");
    free(got);
    influx_lines_free(lb);
    influx_write_api_close(w);
    influx_client_free(c);
}

int main(void) {
    bucket = env_or_die("INFLUXDB_V2_BUCKET");
    run_id(run, sizeof run);
    all_types_all_precisions();
    http_errors_carry_status_and_server_message();
    big_lp_write_with_and_without_gzip();
    default_tags_apply_to_points();
    line_buffer_writes();
    return check_summary("test_write");
}
