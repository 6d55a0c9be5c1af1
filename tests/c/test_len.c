/* The length-taking (*_n) calls: the same text and errors as the NUL-terminated calls, for
 * strings that are not NUL-terminated (slices of one buffer), NULL with length 0, NUL bytes
 * inside, invalid UTF-8; then writes through them to the real InfluxDB 2.x, counted with Flux. */
#include "server.h"

/* "cpu" "host" "a" "v" ... as slices of one buffer without NULs between them. */
static const char SRC[] = "cpuhostaregionus-westvnokstextx y";
#define S(off, len) (SRC + (off)), (size_t)(len)
#define CPU S(0, 3)
#define HOST S(3, 4)
#define A S(7, 1)
#define REGION S(8, 6)
#define USWEST S(14, 7)
#define V S(21, 1)
#define N S(22, 1)
#define OK S(23, 2)
#define STR S(25, 1)
#define TEXT S(26, 6) /* "textx " */

static char *lp_of(const influx_point *p) {
    char *s = NULL;
    CHECK_RC(influx_point_to_line_protocol(p, &s, NULL), INFLUX_OK);
    return s;
}

static void points_match_the_nul_terminated_calls(void) {
    influx_point *a = influx_point_new_n(CPU);
    CHECK(a != NULL);
    CHECK_RC(influx_point_add_tag_n(a, REGION, USWEST), INFLUX_OK);
    CHECK_RC(influx_point_add_tag_n(a, HOST, A), INFLUX_OK);
    CHECK_RC(influx_point_add_field_f64_n(a, V, 0.5), INFLUX_OK);
    CHECK_RC(influx_point_add_field_i64_n(a, N, -3), INFLUX_OK);
    CHECK_RC(influx_point_add_field_u64_n(a, S(22, 1), 7), INFLUX_OK); /* replaces n */
    CHECK_RC(influx_point_add_field_bool_n(a, OK, true), INFLUX_OK);
    CHECK_RC(influx_point_add_field_str_n(a, STR, TEXT), INFLUX_OK);
    CHECK_RC(influx_point_set_time(a, 1700000000, INFLUX_PRECISION_S), INFLUX_OK);

    influx_point *b = influx_point_new("cpu");
    influx_point_add_tag(b, "region", "us-west");
    influx_point_add_tag(b, "host", "a");
    influx_point_add_field_f64(b, "v", 0.5);
    influx_point_add_field_i64(b, "n", -3);
    influx_point_add_field_u64(b, "n", 7);
    influx_point_add_field_bool(b, "ok", true);
    influx_point_add_field_str(b, "s", "textx ");
    influx_point_set_time(b, 1700000000, INFLUX_PRECISION_S);

    char *la = lp_of(a), *lb = lp_of(b);
    CHECK_STR(la, lb);
    CHECK_STR(la, "cpu,host=a,region=us-west n=7u,ok=true,s=\"textx \",v=0.5 1700000000");
    influx_string_free(la);
    influx_string_free(lb);

    /* reset_n keeps nothing of the old point */
    CHECK_RC(influx_point_reset_n(a, S(3, 4)), INFLUX_OK);
    CHECK_RC(influx_point_add_field_i64_n(a, V, 1), INFLUX_OK);
    la = lp_of(a);
    CHECK_STR(la, "host v=1i");
    influx_string_free(la);

    /* NULL with length 0 is "", which is an empty tag value (not written) or an invalid key */
    CHECK_RC(influx_point_add_tag_n(a, HOST, NULL, 0), INFLUX_OK);
    CHECK_RC(influx_point_add_field_str_n(a, STR, NULL, 0), INFLUX_OK);
    la = lp_of(a);
    CHECK_STR(la, "host s=\"\",v=1i");
    influx_string_free(la);
    {
        influx_result r1 = influx_point_add_field_f64_n(a, NULL, 0, 1.0);
        influx_result r2 = influx_point_add_field_f64(a, "", 1.0);
        CHECK(r1 == r2 && r1 != INFLUX_OK);
    }

    /* errors: NULL with a length, a NUL inside, invalid UTF-8, NULL point */
    CHECK_RC(influx_point_add_tag_n(a, NULL, 3, A), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "tag key is NULL") != NULL);
    CHECK_RC(influx_point_add_tag_n(a, "ho\0st", 5, A), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "NUL byte") != NULL);
    CHECK_RC(influx_point_add_field_str_n(a, STR, "a\xff", 2), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_point_add_field_bool_n(NULL, OK, true), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_tag_n(a, S(3, 4), "x\\", 2), INFLUX_ERR_INVALID_POINT);
    CHECK(influx_point_new_n(NULL, 2) == NULL);
    CHECK(influx_point_new_n("#c", 2) == NULL);
    CHECK(influx_point_new_n(NULL, 0) == NULL); /* "" is not a measurement */
    CHECK(influx_point_new_n("cpu\0", 4) == NULL);
    la = lp_of(a); /* nothing changed by the failed calls */
    CHECK_STR(la, "host s=\"\",v=1i");
    influx_string_free(la);
    influx_point_free(a);
    influx_point_free(b);
}

static void lines_match_the_nul_terminated_calls(void) {
    influx_lines *x = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    influx_lines *y = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    for (int i = 0; i < 3; i++) {
        CHECK_RC(influx_lines_begin_n(x, CPU), INFLUX_OK);
        CHECK_RC(influx_lines_add_tag_n(x, HOST, A), INFLUX_OK);
        CHECK_RC(influx_lines_add_tag_n(x, REGION, USWEST), INFLUX_OK);
        CHECK_RC(influx_lines_add_field_bool_n(x, OK, i % 2 == 0), INFLUX_OK);
        CHECK_RC(influx_lines_add_field_i64_n(x, N, i), INFLUX_OK);
        CHECK_RC(influx_lines_add_field_u64_n(x, S(25, 1), (uint64_t)i), INFLUX_OK);
        CHECK_RC(influx_lines_add_field_str_n(x, S(27, 1), TEXT), INFLUX_OK);
        CHECK_RC(influx_lines_add_field_f64_n(x, V, i * 0.37), INFLUX_OK);
        CHECK_RC(influx_lines_end_at(x, 1700000000000000000LL + i), INFLUX_OK);

        influx_lines_begin(y, "cpu");
        influx_lines_add_tag(y, "host", "a");
        influx_lines_add_tag(y, "region", "us-west");
        influx_lines_add_field_bool(y, "ok", i % 2 == 0);
        influx_lines_add_field_i64(y, "n", i);
        influx_lines_add_field_u64(y, "s", (uint64_t)i);
        influx_lines_add_field_str(y, "e", "textx ");
        influx_lines_add_field_f64(y, "v", i * 0.37);
        influx_lines_end_at(y, 1700000000000000000LL + i);
    }
    size_t nx, ny;
    const char *dx = influx_lines_data(x, &nx), *dy = influx_lines_data(y, &ny);
    CHECK(nx == ny && nx > 0 && memcmp(dx, dy, nx) == 0);
    CHECK_RC(influx_lines_begin_n(x, CPU), INFLUX_OK);
    CHECK_RC(influx_lines_add_tag_n(x, "h\0", 2, A), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_field_f64_n(x, NULL, 1, 1.0), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_field_str_n(x, V, "\xc3", 1), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_lines_begin_n(x, CPU), INFLUX_ERR_INVALID_ARG); /* a line is open */
    influx_lines_discard_line(x);
    CHECK(influx_lines_count(x) == 3);

    /* rows with lengths = rows without */
    const char *tag_keys[] = {"host", "region"};
    const char *field_keys[] = {"v", "n", "s", "ok"};
    influx_field_type types[] = {INFLUX_FIELD_F64, INFLUX_FIELD_I64, INFLUX_FIELD_STR, INFLUX_FIELD_BOOL};
    influx_shape *shape = influx_shape_new("cpu", tag_keys, 2, field_keys, types, 4);
    CHECK(shape != NULL);
    influx_lines_clear(x);
    influx_lines_clear(y);
    const char *tv_n[] = {SRC + 7, SRC + 14};
    size_t tl[] = {1, 7};
    const char *tv[] = {"a", "us-west"};
    influx_value fv_n[4], fv[4];
    size_t fl[] = {0, 0, 6, 0};
    int64_t t = 1700000000000000000LL;
    fv_n[0].f64 = fv[0].f64 = 2.5;
    fv_n[1].i64 = fv[1].i64 = -4;
    fv_n[2].str = SRC + 26;
    fv[2].str = "textx ";
    fv_n[3].b = fv[3].b = true;
    CHECK_RC(influx_lines_add_row_n(x, shape, tv_n, tl, fv_n, fl, &t), INFLUX_OK);
    CHECK_RC(influx_lines_add_row(y, shape, tv, fv, &t), INFLUX_OK);
    tl[0] = 0; /* an empty tag value leaves the tag out */
    CHECK_RC(influx_lines_add_row_n(x, shape, tv_n, tl, fv_n, fl, NULL), INFLUX_OK);
    tv[0] = "";
    CHECK_RC(influx_lines_add_row(y, shape, tv, fv, NULL), INFLUX_OK);
    dx = influx_lines_data(x, &nx);
    dy = influx_lines_data(y, &ny);
    CHECK(nx == ny && nx > 0 && memcmp(dx, dy, nx) == 0);
    CHECK(nx > 0 && memcmp(dx, "cpu,host=a,region=us-west n=-4i,ok=true,s=\"textx \",v=2.5 1700000000000000000\n",
                           strlen("cpu,host=a,region=us-west n=-4i,ok=true,s=\"textx \",v=2.5 1700000000000000000\n")) == 0);
    /* row errors: nothing written */
    CHECK_RC(influx_lines_add_row_n(x, shape, tv_n, tl, fv_n, NULL, NULL), INFLUX_ERR_INVALID_ARG); /* string field without lengths */
    CHECK_RC(influx_lines_add_row_n(x, shape, tv_n, NULL, fv_n, fl, NULL), INFLUX_ERR_INVALID_ARG);
    tl[0] = 2;
    CHECK_RC(influx_lines_add_row_n(x, shape, tv_n, tl, fv_n, fl, NULL), INFLUX_OK); /* "ar" */
    fl[2] = 40; /* runs over the NUL at the end of SRC */
    CHECK_RC(influx_lines_add_row_n(x, shape, tv_n, tl, fv_n, fl, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "field_values[2]") != NULL);
    CHECK(influx_lines_count(x) == 3);
    /* a shape without string fields needs no field_lens */
    const char *fk2[] = {"v"};
    influx_field_type ft2[] = {INFLUX_FIELD_F64};
    influx_shape *s2 = influx_shape_new("m", NULL, 0, fk2, ft2, 1);
    CHECK_RC(influx_lines_add_row_n(x, s2, NULL, NULL, fv_n, NULL, NULL), INFLUX_OK);
    CHECK(influx_lines_count(x) == 4);
    influx_shape_free(s2);
    influx_shape_free(shape);
    influx_lines_free(x);
    influx_lines_free(y);
}

static void writes_reach_the_server(void) {
    char run[64], err[256];
    run_id(run, sizeof run);
    const char *bucket = env_or_die("INFLUXDB_V2_BUCKET");
    const char *org = env_or_die("INFLUXDB_V2_ORG");
    /* bucket and org as slices: followed by garbage, not NUL */
    char bbuf[256], obuf[256];
    snprintf(bbuf, sizeof bbuf, "%sXYZ", bucket);
    snprintf(obuf, sizeof obuf, "%s!!", org);
    influx_client *c = influx_client_new(server_conf(NULL), err, sizeof err);
    influx_conf *wo = influx_conf_new();
    influx_conf_set(wo, "write_type", "synchronous", NULL, 0);
    influx_write_api *w = influx_write_api_new(c, wo, err, sizeof err);
    CHECK(w != NULL);
    size_t bl = strlen(bucket), ol = strlen(org);

    influx_point *p = influx_point_new_n(S(0, 3));
    influx_point_add_tag_n(p, "run", 3, run, strlen(run));
    influx_point_add_field_i64_n(p, N, 1);
    CHECK_RC(influx_write_n(w, bbuf, bl, NULL, 0, p), INFLUX_OK);
    CHECK_RC(influx_write_n(w, bbuf, bl, obuf, ol, p), INFLUX_OK);
    const influx_point *pts[] = {p, p};
    CHECK_RC(influx_write_points_n(w, bbuf, bl, obuf, ol, pts, 2), INFLUX_OK);
    /* the whole buffer is not a bucket: the server's 404 */
    CHECK_RC(influx_write_n(w, bbuf, bl + 3, NULL, 0, p), INFLUX_ERR_HTTP);
    CHECK(influx_last_http_status() == 404);
    {
        influx_result r1 = influx_write_n(w, bbuf, 0, NULL, 0, p);
        influx_result r2 = influx_write(w, "", NULL, p);
        CHECK(r1 == r2 && r1 != INFLUX_OK);
    }
    CHECK_RC(influx_write_n(w, NULL, 2, NULL, 0, p), INFLUX_ERR_INVALID_ARG);

    influx_lines *lb = influx_lines_new(w, INFLUX_PRECISION_NS);
    for (int i = 0; i < 10; i++) {
        influx_lines_begin_n(lb, CPU);
        influx_lines_add_tag_n(lb, "run", 3, run, strlen(run));
        influx_lines_add_field_i64_n(lb, N, i);
        influx_lines_end_at(lb, 1700000000000000000LL + i);
    }
    CHECK_RC(influx_write_lines_n(w, bbuf, bl, obuf, ol, lb), INFLUX_OK);
    CHECK(influx_lines_count(lb) == 0);

    char lp[256];
    int n = snprintf(lp, sizeof lp, "cpu,run=%s n=100i 1700000001\ncpu,run=%s n=101i 1700000002", run, run);
    CHECK_RC(influx_write_lp_n(w, bbuf, bl, NULL, 0, lp, (size_t)n, INFLUX_PRECISION_S), INFLUX_OK);
    CHECK_RC(influx_write_lp_n(w, bbuf, bl, NULL, 0, lp, (size_t)n, 9), INFLUX_ERR_INVALID_ARG);

    char flux[1024];
    snprintf(flux, sizeof flux,
             "from(bucket:\"%s\") |> range(start:0) |> filter(fn:(r)=>r._measurement==\"cpu\" and "
             "r.run==\"%s\" and r._field==\"n\") |> group() |> count()",
             bucket, run);
    char *got = query_value(flux);
    /* the 4 point writes share one series and time (server time differs per request, so up to
     * 4 points), 10 lines, 2 raw lines */
    CHECK(got != NULL && atoi(got) >= 13 && atoi(got) <= 16);
    free(got);
    influx_lines_free(lb);
    influx_point_free(p);
    CHECK_RC(influx_write_api_close(w), INFLUX_OK);
    influx_client_free(c);
}

int main(void) {
    points_match_the_nul_terminated_calls();
    lines_match_the_nul_terminated_calls();
    writes_reach_the_server();
    return check_summary("test_len");
}
