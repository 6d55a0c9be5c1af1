/* D7: names the local check lets through, although InfluxDB then loses or changes them
 * (verified against the server: 204, but the measurement is unreadable / the key changed):
 *   - a measurement containing `\=` or `\"`;
 *   - a field key containing `\"`.
 * README: "where the seed silently changes or loses data we return INFLUX_ERR_INVALID_POINT".
 * Fixed behaviour: each is refused with INFLUX_ERR_INVALID_POINT by every way in (points,
 * line buffers, shapes), as the `\,` and `\ ` cases already are. */
#include "adv.h"

static const char *const bad_measurements[] = {"m\\=b", "adv_\\\"", "a\\\"b\\=c"};
static const char *const bad_field_keys[] = {"k\\\"x", "\\\""};

static void measurement_refused_by_points(void) {
    for (size_t i = 0; i < sizeof bad_measurements / sizeof bad_measurements[0]; i++) {
        const char *m = bad_measurements[i];
        influx_point *p = influx_point_new(m);
        EXPECT(p == NULL, "influx_point_new(\"%s\") accepted it", m);
        influx_point *q = influx_point_new("ok");
        EXPECT_RC(influx_point_reset(q, m), INFLUX_ERR_INVALID_POINT);
        influx_point_free(q);
        if (p) { /* if it was created, it must at least not encode or write */
            influx_point_add_field_i64(p, "f", 1);
            char *lp = NULL;
            influx_result rc = influx_point_to_line_protocol(p, &lp, NULL);
            EXPECT(rc == INFLUX_ERR_INVALID_POINT, "measurement \"%s\" encodes as \"%s\"", m, lp ? lp : "");
            influx_string_free(lp);
            influx_point_free(p);
        }
    }
    /* control: the cases the check already refuses */
    EXPECT(influx_point_new("m\\,x") == NULL, "m\\,x accepted");
}

static void measurement_refused_by_lines_and_shapes(void) {
    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    for (size_t i = 0; i < sizeof bad_measurements / sizeof bad_measurements[0]; i++) {
        const char *m = bad_measurements[i];
        influx_result rc = influx_lines_begin(lb, m);
        EXPECT(rc == INFLUX_ERR_INVALID_POINT, "influx_lines_begin(\"%s\") -> %d", m, rc);
        if (rc == INFLUX_OK) influx_lines_discard_line(lb);
        const char *fk[] = {"f"};
        influx_field_type ft[] = {INFLUX_FIELD_I64};
        influx_shape *sh = influx_shape_new(m, NULL, 0, fk, ft, 1);
        EXPECT(sh == NULL, "influx_shape_new(\"%s\") accepted it", m);
        influx_shape_free(sh);
    }
    EXPECT(influx_lines_count(lb) == 0, "lines were written");
    influx_lines_free(lb);
}

static void field_key_refused(void) {
    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    for (size_t i = 0; i < sizeof bad_field_keys / sizeof bad_field_keys[0]; i++) {
        const char *k = bad_field_keys[i];
        influx_point *p = influx_point_new("m");
        EXPECT_RC(influx_point_add_field_i64(p, k, 1), INFLUX_ERR_INVALID_POINT);
        EXPECT_RC(influx_point_add_field_str(p, k, "v"), INFLUX_ERR_INVALID_POINT);
        influx_point_free(p);
        EXPECT_RC(influx_lines_begin(lb, "m"), INFLUX_OK);
        EXPECT_RC(influx_lines_add_field_i64(lb, k, 1), INFLUX_ERR_INVALID_POINT);
        influx_lines_discard_line(lb);
        const char *fk[] = {k};
        influx_field_type ft[] = {INFLUX_FIELD_I64};
        influx_shape *sh = influx_shape_new("m", NULL, 0, fk, ft, 1);
        EXPECT(sh == NULL, "influx_shape_new with field key \"%s\" accepted it", k);
        influx_shape_free(sh);
    }
    /* control: a quote without a backslash, and a backslash elsewhere, stay valid */
    influx_point *p = influx_point_new("m");
    EXPECT_RC(influx_point_add_field_i64(p, "k\"x", 1), INFLUX_OK);
    EXPECT_RC(influx_point_add_tag(p, "t\\\"x", "v"), INFLUX_OK);
    influx_point_free(p);
    influx_lines_free(lb);
}

static const adv_case cases[] = {
    {"d07_measurement_refused_by_points", measurement_refused_by_points, 10,
     "measurement with \\= or \\\" -> influx_point_new NULL / reset INVALID_POINT"},
    {"d07_measurement_refused_by_lines_and_shapes", measurement_refused_by_lines_and_shapes, 10,
     "the same through influx_lines_begin and influx_shape_new"},
    {"d07_field_key_refused", field_key_refused, 10, "field key with \\\" -> INVALID_POINT (point, lines, shape)"},
};
ADV_MAIN("adv_d07_escapes", cases)
