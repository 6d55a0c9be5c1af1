/* C API tests that need no server: the seed's line-protocol vectors through the header,
 * every NULL / invalid-argument path, invalid UTF-8, configuration errors. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

/* Encode a point and compare with the expected line protocol; frees the point. */
static void expect_lp(influx_point *p, const char *want) {
    char *out = NULL;
    size_t len = 0;
    CHECK(p != NULL);
    if (!p) return;
    CHECK_RC(influx_point_to_line_protocol(p, &out, &len), INFLUX_OK);
    CHECK_STR(out, want);
    CHECK(out == NULL || len == strlen(out));
    influx_string_free(out);
    influx_point_free(p);
}

static influx_point *pt(const char *m) { return influx_point_new(m); }

static void seed_vectors(void) {
    influx_point *p;

    /* PY-LP-01 */
    p = pt("h2 o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_tag(p, "", "warn");
    influx_point_add_field_i64(p, "level", 2);
    expect_lp(p, "h2\\ o,location=europe level=2i");

    /* PY-LP-02 */
    p = pt("h2,o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_tag(p, "", "warn");
    influx_point_add_field_i64(p, "level", 2);
    expect_lp(p, "h2\\,o,location=europe level=2i");

    /* PY-LP-03 */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_tag(p, "log", "");
    influx_point_add_field_i64(p, "level", 2);
    expect_lp(p, "h2o,location=europe level=2i");

    /* PY-LP-04 */
    p = pt("h\n2\ro\t_data");
    influx_point_add_tag(p, "new\nline", "new\nline");
    influx_point_add_tag(p, "carriage\rreturn", "carriage\nreturn");
    influx_point_add_tag(p, "t\tab", "t\tab");
    influx_point_add_field_i64(p, "level", 2);
    expect_lp(p, "h\\n2\\ro\\t_data,carriage\\rreturn=carriage\\nreturn,new\\nline=new\\nline,t\\tab=t\\tab level=2i");

    /* PY-LP-05 */
    p = pt("h=2o");
    influx_point_add_tag(p, "l=ocation", "e=urope");
    influx_point_add_field_i64(p, "l=evel", 2);
    expect_lp(p, "h=2o,l\\=ocation=e\\=urope l\\=evel=2i");

    /* PY-LP-06 */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_i64(p, "long", 1);
    influx_point_add_field_f64(p, "double", 250.69);
    influx_point_add_field_f64(p, "float", 35.0);
    influx_point_add_field_i64(p, "integer", 7);
    influx_point_add_field_i64(p, "short", 8);
    influx_point_add_field_i64(p, "byte", 9);
    influx_point_add_field_i64(p, "ulong", 10);
    influx_point_add_field_i64(p, "uint", 11);
    influx_point_add_field_i64(p, "sbyte", 12);
    influx_point_add_field_i64(p, "ushort", 13);
    influx_point_add_field_f64(p, "point", 13.3);
    influx_point_add_field_f64(p, "decimal", 25.6);
    influx_point_add_field_f64(p, "decimal-object", 0.142857);
    influx_point_add_field_bool(p, "boolean", false);
    influx_point_add_field_str(p, "string", "string value");
    expect_lp(p, "h2o,location=europe boolean=false,byte=9i,decimal=25.6,decimal-object=0.142857,"
                 "double=250.69,float=35,integer=7i,long=1i,point=13.3,sbyte=12i,short=8i,"
                 "string=\"string value\",uint=11i,ulong=10i,ushort=13i");

    /* PY-LP-07 */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_str(p, "level", "string esc\\ape value");
    expect_lp(p, "h2o,location=europe level=\"string esc\\\\ape value\"");

    /* PY-LP-08 */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_str(p, "level", "string esc\"ape value");
    expect_lp(p, "h2o,location=europe level=\"string esc\\\"ape value\"");

    /* PY-LP-09: timedelta(hours=356) at us */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_i64(p, "level", 2);
    CHECK_RC(influx_point_set_time(p, 1281600000000LL, INFLUX_PRECISION_US), INFLUX_OK);
    expect_lp(p, "h2o,location=europe level=2i 1281600000000");

    /* PY-LP-10 */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_bool(p, "level", false);
    influx_point_set_time(p, 1444897215000750LL, INFLUX_PRECISION_US);
    expect_lp(p, "h2o,location=europe level=false 1444897215000750");

    /* PY-LP-11 */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_i64(p, "level", 2);
    influx_point_set_time(p, 1444897215000000000LL, INFLUX_PRECISION_NS);
    expect_lp(p, "h2o,location=europe level=2i 1444897215000000000");

    /* PY-LP-12 */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_i64(p, "level", 2);
    influx_point_set_time(p, 45, INFLUX_PRECISION_S);
    expect_lp(p, "h2o,location=europe level=2i 45");

    /* PY-LP-13 (set_time before tags, UTF-8 tag value) */
    p = pt("weather");
    influx_point_set_time(p, 1257894000123LL, INFLUX_PRECISION_MS);
    influx_point_add_tag(p, "location", "P\xc5\x99" "erov");
    influx_point_add_tag(p, "sid", "12345");
    influx_point_add_field_f64(p, "temperature", 30.1);
    influx_point_add_field_i64(p, "int_field", 2);
    influx_point_add_field_i64(p, "float_field", 0);
    expect_lp(p, "weather,location=P\xc5\x99" "erov,sid=12345 float_field=0i,int_field=2i,temperature=30.1 1257894000123");

    /* PY-LP-14 (quirk): a tag value ending in a backslash is an error, not a changed value */
    p = pt("test");
    CHECK_RC(influx_point_add_tag(p, "backslash_tag", "C:\\"), INFLUX_ERR_INVALID_POINT);
    CHECK(strstr(influx_last_error_message(), "backslash_tag") != NULL);
    CHECK_RC(influx_point_add_tag(p, "empty_tag", ""), INFLUX_OK);
    CHECK_RC(influx_point_add_tag(p, "integer_tag", "2"), INFLUX_OK);
    CHECK_RC(influx_point_add_tag(p, "string_tag", "hello"), INFLUX_OK);
    influx_point_add_field_str(p, "string_val", "hello!");
    influx_point_add_field_i64(p, "int_val", 1);
    influx_point_add_field_f64(p, "float_val", 1.1);
    influx_point_add_field_bool(p, "bool_val", true);
    expect_lp(p, "test,integer_tag=2,string_tag=hello bool_val=true,float_val=1.1,int_val=1i,string_val=\"hello!\"");

    /* PY-LP-15: NaN / Inf fields are skipped */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_f64(p, "flout-infinity-positive", INFINITY);
    influx_point_add_field_f64(p, "flout-infinity-negative", -INFINITY);
    influx_point_add_field_f64(p, "flout-nan", NAN);
    influx_point_add_field_i64(p, "level", 2);
    expect_lp(p, "h2o,location=europe level=2i");

    /* PY-LP-16 (quirk): only non-finite fields -> error instead of "" */
    p = pt("h2o");
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_field_f64(p, "flout-infinity-positive", INFINITY);
    influx_point_add_field_f64(p, "flout-nan", NAN);
    {
        char *out = (char *)0x1;
        CHECK_RC(influx_point_to_line_protocol(p, &out, NULL), INFLUX_ERR_INVALID_POINT);
        CHECK(out == NULL);
    }
    influx_point_free(p);

    /* PY-LP-17, PY-LP-18 */
    p = pt("h2o");
    influx_point_add_field_i64(p, "val", 1);
    influx_point_set_time(p, 1257890400123456000LL, INFLUX_PRECISION_NS);
    expect_lp(p, "h2o val=1i 1257890400123456000");
    p = pt("h2o");
    influx_point_add_field_i64(p, "val", 1);
    influx_point_set_time(p, 1257894000123456000LL, INFLUX_PRECISION_NS);
    expect_lp(p, "h2o val=1i 1257894000123456000");

    /* PY-LP-19: backslashes in tag values are not escaped */
    p = pt("test");
    influx_point_add_tag(p, "tag1", "value1");
    influx_point_add_tag(p, "tag2", "value\x02");
    influx_point_add_tag(p, "tag3", "value\\3");
    influx_point_add_tag(p, "tag4", "value\\4");
    influx_point_add_tag(p, "tag5", "value\\\\5");
    influx_point_add_field_i64(p, "value", 10);
    influx_point_set_time(p, 1624989000000000000LL, INFLUX_PRECISION_NS);
    expect_lp(p, "test,tag1=value1,tag2=value\x02,tag3=value\\3,tag4=value\\4,tag5=value\\\\5 value=10i 1624989000000000000");

    /* PY-LP-20 */
    p = pt("sensor_pt859");
    influx_point_add_tag(p, "location", "warehouse_125");
    influx_point_add_tag(p, "version", "2021.06.05.5874");
    influx_point_add_field_i64(p, "pressure", 125);
    influx_point_add_field_i64(p, "temperature", 10);
    influx_point_set_time(p, 1632208639, INFLUX_PRECISION_S);
    expect_lp(p, "sensor_pt859,location=warehouse_125,version=2021.06.05.5874 pressure=125i,temperature=10i 1632208639");

    /* PY-LP-21: uint field */
    p = pt("h2o_feet");
    influx_point_add_tag(p, "location", "coyote_creek");
    influx_point_add_field_f64(p, "water_level", 1.0);
    influx_point_add_field_u64(p, "some_counter", 108913123234ULL);
    influx_point_set_time(p, 1, INFLUX_PRECISION_NS);
    expect_lp(p, "h2o_feet,location=coyote_creek some_counter=108913123234u,water_level=1 1");

    /* PY-LP-22: integer forced to float */
    p = pt("h2o_feet");
    influx_point_add_tag(p, "location", "coyote_creek");
    influx_point_add_field_f64(p, "water_level", 1.0);
    influx_point_add_field_f64(p, "some_counter", 108913123234.0);
    influx_point_set_time(p, 1, INFLUX_PRECISION_NS);
    expect_lp(p, "h2o_feet,location=coyote_creek some_counter=108913123234,water_level=1 1");

    /* PY-LP-23 */
    p = pt("custom_sensor_id");
    influx_point_add_tag(p, "location", "warehouse_125");
    influx_point_add_field_i64(p, "pressure", 125);
    expect_lp(p, "custom_sensor_id,location=warehouse_125 pressure=125i");

    /* PY-LP-24 (quirk): a measurement starting with '#' would be read as a comment */
    p = pt("#hash_start");
    CHECK(p == NULL);
    CHECK(strstr(influx_last_error_message(), "#") != NULL);
}

static void point_semantics(void) {
    influx_point *p = pt("m");
    /* last value wins, type may change, output sorted */
    influx_point_add_field_i64(p, "b", 1);
    influx_point_add_field_str(p, "a", "x");
    influx_point_add_field_f64(p, "b", 2.5);
    influx_point_add_tag(p, "z", "1");
    influx_point_add_tag(p, "y", "2");
    influx_point_add_tag(p, "z", "3");
    expect_lp(p, "m,y=2,z=3 a=\"x\",b=2.5");

    p = pt("m");
    CHECK_RC(influx_point_to_line_protocol(p, &(char *){NULL}, NULL), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_point_add_tag(p, "_measurement", "x"), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_point_add_tag(p, "_field", "x"), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_point_add_tag(p, "time", "x"), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_point_add_field_i64(p, "", 1), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_point_set_time(p, 1, 7), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_set_time(p, 1, -1), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_set_time(p, INT64_MAX, INFLUX_PRECISION_S), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_point_set_time(p, INT64_MIN, INFLUX_PRECISION_NS), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_point_set_time(p, -5, INFLUX_PRECISION_MS), INFLUX_OK);
    influx_point_add_field_u64(p, "u", UINT64_MAX);
    influx_point_add_field_i64(p, "i", INT64_MIN);
    expect_lp(p, "m i=-9223372036854775808i,u=18446744073709551615u -5");

    /* reset reuses a point */
    p = pt("a");
    influx_point_add_tag(p, "t", "1");
    influx_point_add_field_i64(p, "f", 1);
    influx_point_set_time(p, 9, INFLUX_PRECISION_S);
    CHECK_RC(influx_point_reset(p, "b"), INFLUX_OK);
    influx_point_add_field_bool(p, "g", true);
    expect_lp(p, "b g=true");
}

/* Freed points come back from the per-thread pool and remember the previous point's keys
 * (shape reuse): whatever the next point does, its line must be that of a new point. */
static void reused_points(void) {
    char want[128];
    influx_point *p;

    /* the gateway loop: same keys, same order */
    for (int i = 0; i < 4; i++) {
        p = pt("cpu");
        CHECK_RC(influx_point_add_tag(p, "host", i % 2 ? "b" : "a"), INFLUX_OK);
        CHECK_RC(influx_point_add_tag(p, "region", "eu"), INFLUX_OK);
        CHECK_RC(influx_point_add_field_f64(p, "usage_user", 0.25 * i), INFLUX_OK);
        CHECK_RC(influx_point_add_field_i64(p, "count", i), INFLUX_OK);
        CHECK_RC(influx_point_set_time(p, i, INFLUX_PRECISION_S), INFLUX_OK);
        snprintf(want, sizeof want, "cpu,host=%s,region=eu count=%di,usage_user=%s %d",
                 i % 2 ? "b" : "a", i, (const char *[]){"0", "0.25", "0.5", "0.75"}[i], i);
        expect_lp(p, want);
    }
    /* stops early: no leftovers of the previous keys */
    p = pt("cpu");
    influx_point_add_tag(p, "host", "c");
    influx_point_add_tag(p, "region", "us");
    influx_point_add_field_bool(p, "usage_user", true);
    expect_lp(p, "cpu,host=c,region=us usage_user=true");
    /* other order, a key set twice, a tag removed, a field where a tag was */
    p = pt("cpu");
    influx_point_add_field_i64(p, "count", 1);
    influx_point_add_tag(p, "host", "d");
    influx_point_add_tag(p, "host", "e");
    influx_point_add_tag(p, "region", "x");
    influx_point_add_tag(p, "region", "");
    influx_point_add_field_str(p, "host", "as field");
    expect_lp(p, "cpu,host=e count=1i,host=\"as field\"");
    /* same measurement, new key in the middle; then an error keeps the shape intact */
    p = pt("cpu");
    influx_point_add_field_i64(p, "count", 2);
    influx_point_add_tag(p, "host", "f");
    influx_point_add_tag(p, "zone", "z");
    CHECK_RC(influx_point_add_tag(p, "time", "bad"), INFLUX_ERR_INVALID_POINT);
    influx_point_add_field_str(p, "host", "s");
    expect_lp(p, "cpu,host=f,zone=z count=2i,host=\"s\"");
    /* reset: the same, through one point */
    p = pt("m");
    for (int i = 0; i < 3; i++) {
        CHECK_RC(influx_point_reset(p, i == 1 ? "n" : "m"), INFLUX_OK);
        influx_point_add_tag(p, "k", "v");
        if (i != 2) influx_point_add_field_i64(p, "f", i);
        influx_point_add_field_bool(p, "g", i == 1);
        char *out = NULL;
        CHECK_RC(influx_point_to_line_protocol(p, &out, NULL), INFLUX_OK);
        snprintf(want, sizeof want, i == 2 ? "m,k=v g=false" : "%s,k=v f=%di,g=%s",
                 i == 1 ? "n" : "m", i, i == 1 ? "true" : "false");
        CHECK_STR(out, want);
        influx_string_free(out);
    }
    influx_point_free(p);
}

/* Line buffers: the same text as points given the same calls, in any key order; state
 * errors; NULL handling. */
static void line_buffers(void) {
    influx_lines *lb = influx_lines_new(NULL, INFLUX_PRECISION_S);
    CHECK(lb != NULL);
    CHECK(influx_lines_count(lb) == 0);
    CHECK_RC(influx_lines_add_tag(lb, "k", "v"), INFLUX_ERR_INVALID_ARG); /* no line open */
    CHECK_RC(influx_lines_end(lb), INFLUX_ERR_INVALID_ARG);

    /* keys out of order, a key set twice, escaping, a removed tag, NaN skipped */
    CHECK_RC(influx_lines_begin(lb, "h2 o"), INFLUX_OK);
    CHECK_RC(influx_lines_begin(lb, "again"), INFLUX_ERR_INVALID_ARG); /* line still open */
    CHECK_RC(influx_lines_add_field_f64(lb, "level", 1.5), INFLUX_OK);
    CHECK_RC(influx_lines_add_tag(lb, "location", "europe"), INFLUX_OK);
    CHECK_RC(influx_lines_add_tag(lb, "a=b", "x,y z"), INFLUX_OK);
    CHECK_RC(influx_lines_add_tag(lb, "gone", "soon"), INFLUX_OK);
    CHECK_RC(influx_lines_add_tag(lb, "gone", ""), INFLUX_OK);
    CHECK_RC(influx_lines_add_field_str(lb, "desc", "say \"hi\""), INFLUX_OK);
    CHECK_RC(influx_lines_add_field_f64(lb, "level", 2.0), INFLUX_OK);
    CHECK_RC(influx_lines_add_field_f64(lb, "nan", NAN), INFLUX_OK);
    CHECK_RC(influx_lines_add_field_i64(lb, "count", -7), INFLUX_OK);
    CHECK_RC(influx_lines_add_field_u64(lb, "big", UINT64_MAX), INFLUX_OK);
    CHECK_RC(influx_lines_add_field_bool(lb, "ok", false), INFLUX_OK);
    CHECK_RC(influx_lines_add_tag(lb, "time", "x"), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_lines_add_field_i64(lb, "", 1), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_lines_add_tag(lb, "k", "bad\xff"), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_lines_end_at(lb, INT64_MAX), INFLUX_ERR_INVALID_POINT); /* s range */
    CHECK(influx_lines_count(lb) == 0);
    CHECK_RC(influx_lines_end_at(lb, 1700000000), INFLUX_OK);
    CHECK(influx_lines_count(lb) == 1);

    influx_point *p = pt("h2 o");
    influx_point_add_field_f64(p, "level", 1.5);
    influx_point_add_tag(p, "location", "europe");
    influx_point_add_tag(p, "a=b", "x,y z");
    influx_point_add_tag(p, "gone", "soon");
    influx_point_add_tag(p, "gone", "");
    influx_point_add_field_str(p, "desc", "say \"hi\"");
    influx_point_add_field_f64(p, "level", 2.0);
    influx_point_add_field_f64(p, "nan", NAN);
    influx_point_add_field_i64(p, "count", -7);
    influx_point_add_field_u64(p, "big", UINT64_MAX);
    influx_point_add_field_bool(p, "ok", false);
    influx_point_set_time(p, 1700000000, INFLUX_PRECISION_S);
    char *out = NULL;
    CHECK_RC(influx_point_to_line_protocol(p, &out, NULL), INFLUX_OK);
    CHECK_STR(lines_text(lb), out);
    CHECK_STR(lines_text(lb), "h2\\ o,a\\=b=x\\,y\\ z,location=europe big=18446744073709551615u,"
                              "count=-7i,desc=\"say \\\"hi\\\"\",level=2,ok=false 1700000000");
    influx_string_free(out);
    influx_point_free(p);

    /* a line with nothing to write stays open; discard drops it */
    CHECK_RC(influx_lines_begin(lb, "empty"), INFLUX_OK);
    CHECK_RC(influx_lines_end(lb), INFLUX_ERR_INVALID_POINT);
    influx_lines_discard_line(lb);
    CHECK_RC(influx_lines_begin(lb, "m"), INFLUX_OK);
    CHECK_RC(influx_lines_add_field_bool(lb, "f", true), INFLUX_OK);
    CHECK_RC(influx_lines_end(lb), INFLUX_OK);
    CHECK(influx_lines_count(lb) == 2);
    const char *t = lines_text(lb);
    CHECK(strstr(t, " 1700000000\nm f=true") != NULL);
    influx_lines_clear(lb);
    CHECK(influx_lines_count(lb) == 0);
    size_t len = 99;
    CHECK(influx_lines_data(lb, &len) != NULL && len == 0);

    /* NULL everywhere */
    CHECK_RC(influx_lines_begin(NULL, "m"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_begin(lb, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_tag(NULL, "k", "v"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_field_f64(NULL, "k", 1), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_field_str(lb, "k", NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_end_at(NULL, 1), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write_lines(NULL, "b", NULL, lb), INFLUX_ERR_INVALID_ARG);
    CHECK(influx_lines_count(NULL) == 0);
    len = 99;
    CHECK(influx_lines_data(NULL, &len) == NULL && len == 0);
    CHECK(influx_lines_new(NULL, 9) == NULL);
    CHECK(strstr(influx_last_error_message(), "precision") != NULL);
    influx_lines_discard_line(NULL);
    influx_lines_clear(NULL);
    influx_lines_free(NULL);
    influx_lines_free(lb);
}

/* Shapes and rows: one call per point gives the same line as the calls; errors. */
static void shapes_and_rows(void) {
    const char *tag_keys[] = {"region", "host"};
    const char *field_keys[] = {"usage", "count", "ok", "note", "big"};
    influx_field_type types[] = {INFLUX_FIELD_F64, INFLUX_FIELD_I64, INFLUX_FIELD_BOOL,
                                 INFLUX_FIELD_STR, INFLUX_FIELD_U64};
    influx_shape *sh = influx_shape_new("cpu load", tag_keys, 2, field_keys, types, 5);
    CHECK(sh != NULL);
    influx_lines *rows = influx_lines_new(NULL, INFLUX_PRECISION_MS);
    influx_lines *calls = influx_lines_new(NULL, INFLUX_PRECISION_MS);
    for (int i = 0; i < 3; i++) {
        const char *tags[] = {i == 1 ? "" : "eu west", "h-1"};
        influx_value v[5];
        v[0].f64 = i == 2 ? NAN : 0.5 * i;
        v[1].i64 = -i;
        v[2].b = i % 2;
        v[3].str = "q\"uote";
        v[4].u64 = 1000u + (uint64_t)i;
        int64_t t = 1700000000000LL + i;
        CHECK_RC(influx_lines_add_row(rows, sh, tags, v, i == 1 ? NULL : &t), INFLUX_OK);

        CHECK_RC(influx_lines_begin(calls, "cpu load"), INFLUX_OK);
        influx_lines_add_tag(calls, "region", tags[0]);
        influx_lines_add_tag(calls, "host", tags[1]);
        influx_lines_add_field_f64(calls, "usage", v[0].f64);
        influx_lines_add_field_i64(calls, "count", v[1].i64);
        influx_lines_add_field_bool(calls, "ok", v[2].b);
        influx_lines_add_field_str(calls, "note", v[3].str);
        influx_lines_add_field_u64(calls, "big", v[4].u64);
        CHECK_RC(i == 1 ? influx_lines_end(calls) : influx_lines_end_at(calls, t), INFLUX_OK);
    }
    char want[1024];
    snprintf(want, sizeof want, "%s", lines_text(calls));
    CHECK_STR(lines_text(rows), want);
    CHECK_STR(lines_text(rows),
              "cpu\\ load,host=h-1,region=eu\\ west big=1000u,count=0i,note=\"q\\\"uote\",ok=false,"
              "usage=0 1700000000000\n"
              "cpu\\ load,host=h-1 big=1001u,count=-1i,note=\"q\\\"uote\",ok=true,usage=0.5\n"
              "cpu\\ load,host=h-1,region=eu\\ west big=1002u,count=-2i,note=\"q\\\"uote\",ok=false "
              "1700000000002");

    /* errors: nothing written */
    size_t before = influx_lines_count(rows);
    const char *tags[] = {"ok", NULL};
    influx_value v[5] = {{.f64 = 1}, {.i64 = 1}, {.b = true}, {.str = "s"}, {.u64 = 1}};
    CHECK_RC(influx_lines_add_row(rows, sh, tags, v, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "tag_values[1]") != NULL);
    tags[1] = "bad\\";
    CHECK_RC(influx_lines_add_row(rows, sh, tags, v, NULL), INFLUX_ERR_INVALID_POINT);
    tags[1] = "fine";
    v[3].str = NULL;
    CHECK_RC(influx_lines_add_row(rows, sh, tags, v, NULL), INFLUX_ERR_INVALID_ARG);
    v[3].str = "s";
    CHECK_RC(influx_lines_add_row(rows, sh, NULL, v, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_row(rows, sh, tags, NULL, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_row(rows, NULL, tags, v, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_row(NULL, sh, tags, v, NULL), INFLUX_ERR_INVALID_ARG);
    int64_t far = INT64_MAX;
    CHECK_RC(influx_lines_add_row(rows, sh, tags, v, &far), INFLUX_ERR_INVALID_POINT);
    CHECK_RC(influx_lines_begin(rows, "open"), INFLUX_OK);
    CHECK_RC(influx_lines_add_row(rows, sh, tags, v, NULL), INFLUX_ERR_INVALID_ARG);
    influx_lines_discard_line(rows);
    CHECK(influx_lines_count(rows) == before);
    CHECK_RC(influx_lines_add_row(rows, sh, tags, v, NULL), INFLUX_OK);
    CHECK(influx_lines_count(rows) == before + 1);

    /* shapes that cannot be made */
    const char *dup[] = {"a", "a"};
    influx_field_type one[] = {INFLUX_FIELD_F64};
    influx_field_type unknown[] = {9};
    CHECK(influx_shape_new("m", dup, 2, field_keys, one, 1) == NULL);
    CHECK(strstr(influx_last_error_message(), "twice") != NULL);
    CHECK(influx_shape_new("m", NULL, 0, field_keys, unknown, 1) == NULL);
    CHECK(strstr(influx_last_error_message(), "field_types[0]") != NULL);
    CHECK(influx_shape_new("m", NULL, 0, NULL, NULL, 0) == NULL);
    CHECK(influx_shape_new("m", NULL, 1, field_keys, one, 1) == NULL);
    CHECK(influx_shape_new("#m", NULL, 0, field_keys, one, 1) == NULL);
    CHECK(influx_shape_new(NULL, NULL, 0, field_keys, one, 1) == NULL);
    influx_shape *no_tags = influx_shape_new("m", NULL, 0, field_keys, one, 1);
    CHECK(no_tags != NULL);
    influx_value x = {.f64 = 2.25};
    CHECK_RC(influx_lines_add_row(calls, no_tags, NULL, &x, NULL), INFLUX_OK);
    influx_shape_free(no_tags);
    influx_shape_free(NULL);
    influx_shape_free(sh);
    influx_lines_free(rows);
    influx_lines_free(calls);
}

/* influx_lines_add_packed: many points in one call, the same text as the calls. */
static void put_u32(unsigned char **w, uint32_t v) {
    for (int i = 0; i < 4; i++) *(*w)++ = (unsigned char)(v >> (8 * i));
}
static void put_u64(unsigned char **w, uint64_t v) {
    for (int i = 0; i < 8; i++) *(*w)++ = (unsigned char)(v >> (8 * i));
}
static void put_str(unsigned char **w, const char *s) {
    put_u32(w, (uint32_t)strlen(s));
    memcpy(*w, s, strlen(s));
    *w += strlen(s);
}
static void packed_points(void) {
    unsigned char buf[512], *w = buf;
    /* point 0: cpu,host=a n=3i,ok=true,s="x" 5 */
    put_str(&w, "cpu");
    put_u32(&w, 1);
    put_str(&w, "host");
    put_str(&w, "a");
    put_u32(&w, 3);
    put_str(&w, "n");
    *w++ = 1;
    put_u64(&w, 3);
    put_str(&w, "ok");
    *w++ = 3;
    *w++ = 1;
    put_str(&w, "s");
    *w++ = 4;
    put_str(&w, "x");
    *w++ = 1;
    put_u64(&w, 5);
    /* point 1: m v=0.5 (no time) */
    put_str(&w, "m");
    put_u32(&w, 0);
    put_u32(&w, 1);
    put_str(&w, "v");
    *w++ = 0;
    double half = 0.5;
    uint64_t bits;
    memcpy(&bits, &half, sizeof bits);
    put_u64(&w, bits);
    *w++ = 0;
    size_t len = (size_t)(w - buf), added = 99, n = 0;
    influx_lines *l = influx_lines_new(NULL, INFLUX_PRECISION_NS);
    CHECK(l != NULL);
    CHECK_RC(influx_lines_add_packed(l, buf, len, &added), INFLUX_OK);
    CHECK(added == 2);
    const char *data = influx_lines_data(l, &n);
    CHECK(n == strlen("cpu,host=a n=3i,ok=true,s=\"x\" 5\nm v=0.5"));
    CHECK(data && memcmp(data, "cpu,host=a n=3i,ok=true,s=\"x\" 5\nm v=0.5", n) == 0);
    /* all or nothing: a cut buffer adds nothing and names the point */
    CHECK_RC(influx_lines_add_packed(l, buf, len - 3, &added), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "point 1") != NULL);
    CHECK(influx_lines_count(l) == 2);
    CHECK_RC(influx_lines_add_packed(NULL, buf, len, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_packed(l, NULL, 4, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_lines_add_packed(l, NULL, 0, &added), INFLUX_OK);
    CHECK(added == 0);
    /* influx_write_packed (add + write in one call): a failed call leaves the buffer as it was */
    CHECK_RC(influx_write_packed(NULL, "b", NULL, l, buf, len), INFLUX_ERR_INVALID_ARG);
    CHECK(influx_lines_count(l) == 2);
    influx_lines_free(l);
}

static void noop_success(const influx_batch *b, void *ud) {
    (void)b;
    (void)ud;
}

static void null_and_invalid_args(void) {
    influx_point *p = pt("m");
    char *out = NULL;
    const char *bad = "bad\xff\xfe";

    CHECK(influx_point_new(NULL) == NULL);
    CHECK(influx_last_error_message()[0] != '\0');
    CHECK(influx_point_new("") == NULL);
    CHECK(influx_point_new(bad) == NULL);
    CHECK(strstr(influx_last_error_message(), "UTF-8") != NULL);

    CHECK_RC(influx_point_add_tag(NULL, "k", "v"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_tag(p, NULL, "v"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_tag(p, "k", NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_tag(p, bad, "v"), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_point_add_tag(p, "k", bad), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_point_add_field_f64(NULL, "k", 1.0), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_f64(p, NULL, 1.0), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_i64(NULL, "k", 1), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_i64(p, NULL, 1), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_u64(NULL, "k", 1), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_u64(p, NULL, 1), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_bool(NULL, "k", true), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_bool(p, NULL, true), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_bool(p, bad, true), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_point_add_field_str(NULL, "k", "v"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_str(p, NULL, "v"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_str(p, "k", NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_add_field_str(p, "k", bad), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_point_set_time(NULL, 1, INFLUX_PRECISION_NS), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_reset(NULL, "m"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_reset(p, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_point_to_line_protocol(NULL, &out, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK(out == NULL);
    CHECK_RC(influx_point_to_line_protocol(p, NULL, NULL), INFLUX_ERR_INVALID_ARG);
    /* a successful call clears the last error */
    CHECK_RC(influx_point_add_field_i64(p, "ok", 1), INFLUX_OK);
    CHECK_STR(influx_last_error_message(), "");
    CHECK(influx_last_http_status() == 0);
    CHECK_STR(influx_last_server_message(), "");

    influx_point_free(NULL);
    influx_point_free(NULL);
    influx_string_free(NULL);
    influx_point_free(p);

    /* conf */
    char err[256];
    influx_conf *c = influx_conf_new();
    CHECK(c != NULL);
    CHECK_RC(influx_conf_set(NULL, "url", "http://x", err, sizeof err), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_conf_set(c, NULL, "x", err, sizeof err), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_conf_set(c, "url", NULL, err, sizeof err), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_conf_set(c, bad, "x", err, sizeof err), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_conf_set(c, "no_such_option", "1", err, sizeof err), INFLUX_ERR_CONFIG);
    CHECK(strstr(err, "no_such_option") != NULL);
    CHECK_RC(influx_conf_set(c, "batch_size", "abc", err, sizeof err), INFLUX_ERR_CONFIG);
    CHECK(strstr(err, "batch_size") != NULL);
    CHECK_RC(influx_conf_set(c, "batch_size", "abc", NULL, 0), INFLUX_ERR_CONFIG);
    CHECK_RC(influx_conf_set(c, "batch_size", "abc", err, 1), INFLUX_ERR_CONFIG);
    CHECK(err[0] == '\0');
    CHECK_RC(influx_conf_set(c, "enable_gzip", "maybe", err, sizeof err), INFLUX_ERR_CONFIG);
    CHECK_RC(influx_conf_set(c, "write_type", "sometimes", err, sizeof err), INFLUX_ERR_CONFIG);
    CHECK_RC(influx_conf_set(c, "timeout", "-5", err, sizeof err), INFLUX_ERR_CONFIG);
    CHECK_RC(influx_conf_set(c, "timeout", "2500", err, sizeof err), INFLUX_OK);
    CHECK_RC(influx_conf_load_file(c, "/nonexistent/influx.ini", err, sizeof err), INFLUX_ERR_IO);
    CHECK_RC(influx_conf_load_file(c, NULL, err, sizeof err), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_conf_load_file(NULL, "x.ini", err, sizeof err), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_conf_load_env(NULL, err, sizeof err), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_conf_set_callbacks(NULL, NULL, NULL, NULL, NULL), INFLUX_ERR_INVALID_ARG);
    influx_conf_free(c);
    influx_conf_free(NULL);

    /* client / write api */
    CHECK(influx_client_new(NULL, err, sizeof err) == NULL);
    CHECK(strstr(err, "NULL") != NULL);
    c = influx_conf_new();
    CHECK_RC(influx_conf_set(c, "url", "ftp://nope", err, sizeof err), INFLUX_ERR_CONFIG);
    CHECK(strstr(err, "url") != NULL);
    CHECK_RC(influx_conf_set(c, "auth_basic", "true", NULL, 0), INFLUX_OK);
    CHECK_RC(influx_conf_set(c, "token", "secret-without-colon", NULL, 0), INFLUX_OK);
    CHECK(influx_client_new(c, err, sizeof err) == NULL); /* consumed even on failure */
    CHECK(strstr(err, "auth_basic") != NULL);
    CHECK(strstr(err, "secret-without-colon") == NULL);
    influx_client_free(NULL);

    c = influx_conf_new();
    influx_conf_set(c, "url", "http://127.0.0.1:9", NULL, 0);
    influx_conf_set(c, "org", "o", NULL, 0);
    influx_client *cl = influx_client_new(c, err, sizeof err);
    CHECK(cl != NULL);
    CHECK(influx_write_api_new(NULL, NULL, err, sizeof err) == NULL);
    influx_conf *wo = influx_conf_new();
    influx_conf_set(wo, "url", "http://elsewhere", NULL, 0);
    CHECK(influx_write_api_new(cl, wo, err, sizeof err) == NULL); /* client key on write conf */
    CHECK(strstr(err, "url") != NULL);
    wo = influx_conf_new();
    influx_conf_set(wo, "write_type", "synchronous", NULL, 0);
    influx_write_api *w = influx_write_api_new(cl, wo, err, sizeof err);
    CHECK(w != NULL);
    influx_point *q = pt("m");
    influx_point_add_field_i64(q, "v", 1);
    const influx_point *arr[2] = {q, NULL};
    CHECK_RC(influx_write(NULL, "b", NULL, q), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write(w, NULL, NULL, q), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write(w, "", NULL, q), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write(w, "b", NULL, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write(w, bad, NULL, q), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_write(w, "b", bad, q), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_write_points(w, "b", NULL, NULL, 1), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write_points(w, "b", NULL, arr, 2), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "points[1]") != NULL);
    CHECK_RC(influx_write_points(w, "b", NULL, arr, 0), INFLUX_OK);
    CHECK_RC(influx_write_lp(NULL, "b", NULL, "m v=1", 5, INFLUX_PRECISION_NS), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write_lp(w, "b", NULL, NULL, 5, INFLUX_PRECISION_NS), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write_lp(w, "b", NULL, "m v=1", 5, 42), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write_lp(w, "b", NULL, bad, strlen(bad), INFLUX_PRECISION_NS), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_write_lp(w, "b", NULL, "", 0, INFLUX_PRECISION_NS), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_flush(NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_flush_timeout(NULL, 10), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_flush(w), INFLUX_OK);
    influx_write_stats st;
    CHECK_RC(influx_write_api_stats(NULL, &st), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_write_api_stats(w, NULL), INFLUX_ERR_INVALID_ARG);
    /* nothing listens on port 9: a transport error, not a crash */
    CHECK_RC(influx_write(w, "b", NULL, q), INFLUX_ERR_TRANSPORT);
    CHECK(influx_last_http_status() == 0);
    CHECK_RC(influx_write_api_close(w), INFLUX_OK);
    CHECK_RC(influx_write_api_close(NULL), INFLUX_OK);
    influx_point_free(q);
    influx_client_free(cl);

    /* callbacks on a synchronous write API would never run: refused, not ignored */
    c = influx_conf_new();
    influx_conf_set(c, "url", "http://127.0.0.1:9", NULL, 0);
    cl = influx_client_new(c, NULL, 0);
    wo = influx_conf_new();
    influx_conf_set(wo, "write_type", "synchronous", NULL, 0);
    CHECK_RC(influx_conf_set_callbacks(wo, noop_success, NULL, NULL, NULL), INFLUX_OK);
    CHECK(influx_write_api_new(cl, wo, err, sizeof err) == NULL);
    CHECK(strstr(err, "synchronous") != NULL);
    /* callbacks belong on the write API's conf, not the client's */
    c = influx_conf_new();
    CHECK_RC(influx_conf_set_callbacks(c, noop_success, NULL, NULL, NULL), INFLUX_OK);
    CHECK(influx_client_new(c, err, sizeof err) == NULL);
    CHECK(strstr(err, "callbacks") != NULL);
    influx_client_free(cl);

    /* a client without org: write with org NULL is an invalid argument */
    c = influx_conf_new();
    influx_conf_set(c, "url", "http://127.0.0.1:9", NULL, 0);
    cl = influx_client_new(c, NULL, 0);
    wo = influx_conf_new();
    influx_conf_set(wo, "write_type", "synchronous", NULL, 0);
    w = influx_write_api_new(cl, wo, NULL, 0);
    q = pt("m");
    influx_point_add_field_i64(q, "v", 1);
    CHECK_RC(influx_write(w, "b", NULL, q), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "org") != NULL);
    influx_point_free(q);
    influx_client_free(cl); /* client freed before its write API: allowed */
    CHECK_RC(influx_write_api_close(w), INFLUX_OK);
}

static void expect_conf(const influx_conf *c, const char *key, const char *want) {
    char buf[128];
    size_t size = sizeof buf;
    CHECK_RC(influx_conf_get(c, key, buf, &size), INFLUX_OK);
    CHECK_STR(buf, want);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* The seed's three configuration sources: environment, ini/toml/json files. */
static void conf_sources(void) {
    influx_conf *c = influx_conf_new();
    char err[256];
    setenv("INFLUXDB_V2_URL", "http://env.example:8086", 1);
    setenv("INFLUXDB_V2_ORG", "env-org", 1);
    setenv("INFLUXDB_V2_TOKEN", "env-token", 1);
    setenv("INFLUXDB_V2_TIMEOUT", "2500", 1);
    setenv("INFLUXDB_V2_TAG_SITE", "plant-1", 1);
    CHECK_RC(influx_conf_load_env(c, err, sizeof err), INFLUX_OK);
    expect_conf(c, "url", "http://env.example:8086");
    expect_conf(c, "org", "env-org");
    expect_conf(c, "token", "***");
    expect_conf(c, "timeout", "2500");
    expect_conf(c, "default_tags.site", "plant-1");
    expect_conf(c, "batch_size", "1000"); /* default */
    setenv("INFLUXDB_V2_TIMEOUT", "soon", 1);
    CHECK_RC(influx_conf_load_env(c, err, sizeof err), INFLUX_ERR_CONFIG);
    CHECK(strstr(err, "INFLUXDB_V2_TIMEOUT") != NULL);
    expect_conf(c, "timeout", "2500"); /* a failed load changes nothing */
    unsetenv("INFLUXDB_V2_URL");
    unsetenv("INFLUXDB_V2_ORG");
    unsetenv("INFLUXDB_V2_TOKEN");
    unsetenv("INFLUXDB_V2_TIMEOUT");
    unsetenv("INFLUXDB_V2_TAG_SITE");
    influx_conf_free(c);

    char dir[] = "/tmp/influx-conf-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char ini[128], toml[128], json[128];
    snprintf(ini, sizeof ini, "%s/config.ini", dir);
    snprintf(toml, sizeof toml, "%s/config.toml", dir);
    snprintf(json, sizeof json, "%s/config.json", dir);
    write_file(ini, "[influx2]\nurl=http://ini.example:8086\norg=ini-org\ntoken=ini-token\ntimeout=6000\n"
                    "verify_ssl=False\n\n[tags]\nid = 132-987-655\ncustomer = California Miner\n");
    write_file(toml, "[influx2]\n    url = \"http://toml.example:8086\"\n    org = \"toml-org\"\n"
                     "    timeout = 6000\n    enable_gzip = true\n\n[tags]\n    id = \"132-987-655\"\n");
    write_file(json, "{\"url\": \"http://json.example:8086\", \"org\": \"json-org\", \"timeout\": 6000,"
                     " \"tags\": {\"id\": \"132-987-655\"}}");
    c = influx_conf_new();
    CHECK_RC(influx_conf_load_file(c, ini, err, sizeof err), INFLUX_OK);
    expect_conf(c, "url", "http://ini.example:8086");
    expect_conf(c, "org", "ini-org");
    expect_conf(c, "timeout", "6000");
    expect_conf(c, "verify_ssl", "false");
    expect_conf(c, "default_tags.customer", "California Miner");
    CHECK_RC(influx_conf_load_file(c, toml, err, sizeof err), INFLUX_OK);
    expect_conf(c, "url", "http://toml.example:8086");
    expect_conf(c, "enable_gzip", "true");
    expect_conf(c, "default_tags.id", "132-987-655");
    CHECK_RC(influx_conf_load_file(c, json, err, sizeof err), INFLUX_OK);
    expect_conf(c, "url", "http://json.example:8086");
    expect_conf(c, "org", "json-org");
    influx_conf_free(c);
    remove(ini);
    remove(toml);
    remove(json);
    remove(dir);
}

static void strerror_and_version(void) {
    CHECK_STR(influx_strerror(INFLUX_OK), "success");
    CHECK_STR(influx_strerror(INFLUX_ERR_HTTP), "HTTP error from server");
    CHECK_STR(influx_strerror(12345), "unknown result code");
    CHECK_STR(influx_strerror(-3), "unknown result code");
    CHECK(influx_version_int() == INFLUXDB_CLIENT_VERSION);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", INFLUXDB_CLIENT_VERSION_MAJOR, INFLUXDB_CLIENT_VERSION_MINOR,
             INFLUXDB_CLIENT_VERSION_PATCH);
    CHECK_STR(influx_version(), v);
    CHECK(INFLUX_PRECISION_NS == 0 && INFLUX_PRECISION_US == 1 && INFLUX_PRECISION_MS == 2 &&
          INFLUX_PRECISION_S == 3);
}

int main(void) {
    seed_vectors();
    point_semantics();
    reused_points();
    line_buffers();
    shapes_and_rows();
    packed_points();
    null_and_invalid_args();
    strerror_and_version();
    conf_sources();
    return check_summary("test_api");
}
