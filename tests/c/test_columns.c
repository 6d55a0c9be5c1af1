/* influx_lines_add_columns() (the Python binding's DataFrame entry point) through the header:
 * every column type, a null mask, a row with nothing to write skipped, the two texts
 * (INFLUX_TEXT_POINT: `30`, `true`; INFLUX_TEXT_DATAFRAME: `30.0`, `True`, as the seed's
 * DataFrame writer), the buffer's own text untouched by a call, and the misuse paths. Run
 * under ASan/UBSan too. */
#include "check.h"

#include <math.h>
#include <stdint.h>

int main(void) {
    const char *tag_keys[] = {"host"};
    const char *hosts = "a\0b\0c\0"; /* NUL-terminated strings back to back */
    const char *tag_cols[] = {hosts};
    const char *field_keys[] = {"f", "i", "u", "b", "s"};
    influx_field_type types[] = {INFLUX_FIELD_F64, INFLUX_FIELD_I64, INFLUX_FIELD_U64,
                                 INFLUX_FIELD_BOOL, INFLUX_FIELD_STR};
    double f[] = {30.0, 1e16, NAN};
    int64_t i[] = {-1, 2, 3};
    uint64_t u[] = {7, 8, 9};
    uint8_t b[] = {1, 0, 1};
    const char *s = "x\0y z\0w\0";
    const void *cols[] = {f, i, u, b, s};
    uint8_t none[] = {0, 0, 0};
    uint8_t last_missing[] = {0, 0, 1};
    /* row 2 has only its float (NaN): nothing to write, skipped */
    const uint8_t *int_nulls_row2[] = {none, last_missing, last_missing, last_missing, last_missing};
    int64_t times[] = {1, 2, 3};
    size_t added = 0, skipped = 0;

    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    CHECK(lb != NULL);
    CHECK_RC(influx_lines_add_columns(lb, "m", tag_keys, tag_cols, 1, field_keys, types, cols,
                                      int_nulls_row2, 5, times, 3, &added, &skipped,
                                      INFLUX_TEXT_POINT),
             INFLUX_OK);
    CHECK(added == 2 && skipped == 1);
    CHECK_STR(lines_text(lb),
              "m,host=a b=true,f=30,i=-1i,s=\"x\",u=7u 1\n"
              "m,host=b b=false,f=1e+16,i=2i,s=\"y z\",u=8u 2");

    influx_lines_clear(lb);
    CHECK_RC(influx_lines_add_columns(lb, "m", tag_keys, tag_cols, 1, field_keys, types, cols,
                                      int_nulls_row2, 5, times, 3, &added, &skipped,
                                      INFLUX_TEXT_DATAFRAME),
             INFLUX_OK);
    CHECK(added == 2 && skipped == 1);
    CHECK_STR(lines_text(lb),
              "m,host=a b=True,f=30.0,i=-1i,s=\"x\",u=7u 1\n"
              "m,host=b b=False,f=1e+16,i=2i,s=\"y z\",u=8u 2");

    /* rows with a missing value go through the per-value calls: the same text */
    influx_lines_clear(lb);
    double g[] = {-0.0, 0.5, 2.0};
    const void *cols2[] = {g, i, u, b, s};
    uint8_t first_missing[] = {1, 0, 0};
    const uint8_t *nulls2[] = {none, first_missing, none, none, none};
    CHECK_RC(influx_lines_add_columns(lb, "m", NULL, NULL, 0, field_keys, types, cols2, nulls2,
                                      5, NULL, 3, &added, NULL, INFLUX_TEXT_DATAFRAME),
             INFLUX_OK);
    CHECK(added == 3);
    CHECK_STR(lines_text(lb),
              "m b=True,f=-0.0,s=\"x\",u=7u\n"
              "m b=False,f=0.5,i=2i,s=\"y z\",u=8u\n"
              "m b=True,f=2.0,i=3i,s=\"w\",u=9u");

    /* the call's text does not stay with the buffer */
    CHECK_RC(influx_lines_begin(lb, "p"), INFLUX_OK);
    CHECK_RC(influx_lines_add_field_f64(lb, "f", 3.0), INFLUX_OK);
    CHECK_RC(influx_lines_add_field_bool(lb, "b", 1), INFLUX_OK);
    CHECK_RC(influx_lines_end(lb), INFLUX_OK);
    CHECK(strstr(lines_text(lb), "\np b=true,f=3") != NULL);

    /* misuse */
    CHECK_RC(influx_lines_add_columns(NULL, "m", NULL, NULL, 0, field_keys, types, cols2, NULL, 1,
                                      NULL, 1, NULL, NULL, INFLUX_TEXT_POINT),
             INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_columns(lb, "m", NULL, NULL, 0, field_keys, types, cols2, NULL, 1,
                                      NULL, 1, NULL, NULL, 7),
             INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "text") != NULL);
    influx_field_type bad[] = {42};
    CHECK_RC(influx_lines_add_columns(lb, "m", NULL, NULL, 0, field_keys, bad, cols2, NULL, 1,
                                      NULL, 1, NULL, NULL, INFLUX_TEXT_POINT),
             INFLUX_ERR_INVALID_ARG);
    influx_lines_free(lb);
    influx_lines_free(NULL);
    return check_summary("test_columns");
}
