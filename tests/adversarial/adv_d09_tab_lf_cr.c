/* D9: TAB, LF and CR in a measurement, tag key, tag value or field key. Decision: keep the
 * seed's escaping (two characters `\t`, `\n`, `\r`; InfluxDB stores them as written), so
 * these tests pin the exact text the seed produces (the seed's own vector PY-LP-04 among
 * them), through points, line buffers, shapes and default tags. String field values keep the
 * characters raw. These pass today; they guard against a "fix" that changes the text. */
#include "adv.h"

static void expect_point_lp(influx_point *p, const char *want) {
    char *lp = NULL;
    EXPECT_RC(influx_point_to_line_protocol(p, &lp, NULL), INFLUX_OK);
    EXPECT(lp && strcmp(lp, want) == 0, "line protocol\n      got  [%s]\n      want [%s]", lp ? lp : "(null)", want);
    influx_string_free(lp);
}

static void seed_vector_py_lp_04(void) {
    influx_point *p = influx_point_new("h\n2\ro\t_data");
    EXPECT(p != NULL, "point_new: %s", influx_last_error_message());
    if (!p) return;
    influx_point_add_tag(p, "new\nline", "new\nline");
    influx_point_add_tag(p, "carriage\rreturn", "carriage\nreturn");
    influx_point_add_tag(p, "t\tab", "t\tab");
    influx_point_add_field_i64(p, "level", 2);
    expect_point_lp(p, "h\\n2\\ro\\t_data,carriage\\rreturn=carriage\\nreturn,new\\nline=new\\nline,t\\tab=t\\tab "
                       "level=2i");
    influx_point_free(p);
}

static void field_keys_and_string_values(void) {
    influx_point *p = influx_point_new("m");
    influx_point_add_field_i64(p, "f\tk", 1);
    influx_point_add_field_str(p, "s\rk", "raw\ttab\nlf\rcr");
    expect_point_lp(p, "m f\\tk=1i,s\\rk=\"raw\ttab\nlf\rcr\"");
    influx_point_free(p);
}

static void line_buffers_and_shapes(void) {
    const char *want = "m\\tx,k\\ny=v\\rz f\\tk=1i";
    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    EXPECT_RC(influx_lines_begin(lb, "m\tx"), INFLUX_OK);
    EXPECT_RC(influx_lines_add_tag(lb, "k\ny", "v\rz"), INFLUX_OK);
    EXPECT_RC(influx_lines_add_field_i64(lb, "f\tk", 1), INFLUX_OK);
    EXPECT_RC(influx_lines_end(lb), INFLUX_OK);
    const char *tk[] = {"k\ny"};
    const char *fk[] = {"f\tk"};
    influx_field_type ft[] = {INFLUX_FIELD_I64};
    influx_shape *sh = influx_shape_new("m\tx", tk, 1, fk, ft, 1);
    EXPECT(sh != NULL, "shape_new: %s", influx_last_error_message());
    const char *tv[] = {"v\rz"};
    influx_value fv[] = {{.i64 = 1}};
    if (sh) EXPECT_RC(influx_lines_add_row(lb, sh, tv, fv, NULL), INFLUX_OK);
    size_t len = 0;
    const char *data = influx_lines_data(lb, &len);
    char expected[128];
    snprintf(expected, sizeof expected, "%s\n%s", want, want);
    EXPECT(data && len == strlen(expected) && memcmp(data, expected, len) == 0, "lines: [%.*s]", (int)len,
           data ? data : "");
    influx_shape_free(sh);
    influx_lines_free(lb);
}

static void default_tag_values(void) {
    char url[64];
    adv_dead_url(url, sizeof url);
    influx_client *cl = adv_client(url, NULL, NULL);
    const char *kv[] = {"default_tags.dt", "a\nb\tc", "max_close_wait", "0", NULL};
    influx_write_api *w = adv_api(cl, kv, NULL, NULL, NULL, NULL);
    influx_lines *lb = influx_lines_new(w, INFLUX_PRECISION_NS);
    EXPECT(lb != NULL, "lines_new(api): %s", influx_last_error_message());
    if (lb) {
        influx_lines_begin(lb, "m");
        influx_lines_add_field_i64(lb, "f", 1);
        EXPECT_RC(influx_lines_end(lb), INFLUX_OK);
        size_t len = 0;
        const char *data = influx_lines_data(lb, &len);
        const char *want = "m,dt=a\\nb\\tc f=1i";
        EXPECT(data && len == strlen(want) && memcmp(data, want, len) == 0, "lines: [%.*s]", (int)len, data ? data : "");
    }
    influx_lines_free(lb);
    influx_write_api_close(w);
    influx_client_free(cl);
}

static const adv_case cases[] = {
    {"d09_seed_vector_py_lp_04", seed_vector_py_lp_04, 10, "measurement/tag keys/values: \\n \\r \\t as the seed"},
    {"d09_field_keys_and_string_values", field_keys_and_string_values, 10,
     "field key escaped, string value raw"},
    {"d09_line_buffers_and_shapes", line_buffers_and_shapes, 10, "same text through influx_lines and shapes"},
    {"d09_default_tag_values", default_tag_values, 10, "a default tag value with LF/TAB, as the seed"},
};
ADV_MAIN("adv_d09_tab_lf_cr", cases)
