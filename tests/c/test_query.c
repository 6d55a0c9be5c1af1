/* The query C API through the header against the real InfluxDB 2.x: every NULL and misuse
 * path (NULL handles and outs, getters on the wrong type, indexes out of range, null cells,
 * next after END and after an error, stale views, close NULL), typed values of a real query,
 * a Flux error, an HTTP error, bind parameters and raw CSV. Run under ASan/UBSan too. */
#include "server.h"

#include <math.h>

/* csv.from gives a table of every Flux column type, with a row of nulls. */
static const char *TYPED =
    "import \"csv\"\n"
    "csv.from(csv: \"#datatype,string,long,dateTime:RFC3339,double,long,unsignedLong,boolean,string,string\n"
    "#group,false,false,false,false,false,false,false,true,false\n"
    "#default,_result,,,,,,,,\n"
    ",result,table,_time,d,l,u,b,tag,s\n"
    ",,0,2021-01-01T00:00:00.000000001Z,1.5,-7,18446744073709551615,true,x,hello\n"
    ",,0,2021-01-01T00:00:01Z,,,,,x,\n"
    "\")";

static void null_and_misuse_without_a_query(void) {
    influx_query *q = (influx_query *)1;
    influx_query_event ev = 7;
    CHECK_RC(influx_query_open(NULL, NULL, "buckets()", NULL, &q), INFLUX_ERR_INVALID_ARG);
    CHECK(q == NULL);
    CHECK_RC(influx_query_open(NULL, NULL, "buckets()", NULL, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_open_raw(NULL, NULL, "buckets()", NULL, NULL, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_next(NULL, &ev), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "query is NULL") != NULL);
    CHECK(influx_query_table(NULL) == NULL);
    CHECK(influx_query_record(NULL) == NULL);
    const char *m = NULL, *r = NULL;
    CHECK_RC(influx_query_error(NULL, &m, &r), INFLUX_ERR_INVALID_ARG);
    CHECK_STR(m, "");
    CHECK_STR(r, "");
    char buf[8];
    size_t n = 99;
    CHECK_RC(influx_query_read_raw(NULL, buf, sizeof buf, &n), INFLUX_ERR_INVALID_ARG);
    influx_query_close(NULL);

    /* tables and records: NULL views */
    CHECK(influx_table_index(NULL) == 0);
    CHECK(!influx_table_new_block(NULL));
    CHECK(influx_table_column_count(NULL) == 0);
    CHECK(influx_table_column_name(NULL, 0) == NULL);
    CHECK(influx_table_column_type(NULL, 0) == INFLUX_COL_UNKNOWN);
    CHECK(influx_table_column_datatype(NULL, 0) == NULL);
    CHECK(!influx_table_column_is_group(NULL, 0));
    CHECK(influx_table_column_default(NULL, 0) == NULL);
    CHECK(influx_table_column_index(NULL, "x") == INFLUX_NO_COLUMN);
    CHECK(influx_record_table(NULL) == NULL);
    CHECK(influx_record_column_index(NULL, "x") == INFLUX_NO_COLUMN);
    CHECK(influx_record_is_null(NULL, 0));
    double d;
    int64_t i;
    uint64_t u;
    bool b;
    const char *s;
    const uint8_t *bytes;
    size_t len;
    influx_cell cells[2];
    CHECK_RC(influx_record_get_f64(NULL, 0, &d), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_i64(NULL, 0, &i), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_u64(NULL, 0, &u), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_bool(NULL, 0, &b), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_time_ns(NULL, 0, &i), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_duration_ns(NULL, 0, &i), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_str(NULL, 0, &s, &len), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_bytes(NULL, 0, &bytes, &len), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_cells(NULL, cells, 2), INFLUX_ERR_INVALID_ARG);

    /* parameters */
    influx_query_params_free(NULL);
    CHECK_RC(influx_query_params_set_str(NULL, "a", "b"), INFLUX_ERR_INVALID_ARG);
    influx_query_params *p = influx_query_params_new();
    CHECK(p != NULL);
    CHECK_RC(influx_query_params_set_str(p, NULL, "b"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_params_set_str(p, "a", NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_params_set_str(p, "not an identifier", "b"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_params_set_str(p, "\xff", "b"), INFLUX_ERR_INVALID_UTF8);
    CHECK_RC(influx_query_params_set_f64(p, "f", NAN), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_params_set_f64(p, "f", INFINITY), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_params_set_ast(p, "a", "{not json"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_params_set_ast(p, "a", NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_params_set_profilers(p, NULL, 1), INFLUX_ERR_INVALID_ARG);
    const char *names[] = {"query", NULL};
    CHECK_RC(influx_query_params_set_profilers(p, names, 2), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_params_set_profilers(p, names, 1), INFLUX_OK);
    CHECK_RC(influx_query_params_set_profilers(p, NULL, 0), INFLUX_OK);
    CHECK_RC(influx_query_params_set_bool(p, "ok", true), INFLUX_OK);
    influx_query_params_free(p);

    /* dialect */
    influx_dialect_init(NULL);
    influx_dialect dl;
    memset(&dl, 0xff, sizeof dl);
    influx_dialect_init(&dl);
    CHECK(dl.header);
    CHECK(dl.delimiter == ',');
    CHECK(dl.annotations == (INFLUX_ANNOTATION_DATATYPE | INFLUX_ANNOTATION_GROUP | INFLUX_ANNOTATION_DEFAULT));
    CHECK_STR(dl.date_time_format, "RFC3339");

    /* the new codes have their texts */
    CHECK_STR(influx_strerror(INFLUX_ERR_QUERY), "query error reported by the server");
    CHECK_STR(influx_strerror(INFLUX_ERR_NOT_FOUND), "not found");
    CHECK(INFLUX_QUERY_END == 0 && INFLUX_QUERY_TABLE == 1 && INFLUX_QUERY_RECORD == 2);
    CHECK(INFLUX_COL_UNKNOWN == 0 && INFLUX_COL_BYTES == 8);
}

static influx_query *open_ok(influx_client *c, const char *flux, const influx_query_params *p) {
    influx_query *q = NULL;
    CHECK_RC(influx_query_open(c, NULL, flux, p, &q), INFLUX_OK);
    return q;
}

static void typed_values_and_misuse_on_a_real_query(influx_client *c) {
    influx_query *q = open_ok(c, TYPED, NULL);
    if (!q) return;
    influx_query_event ev = -1;
    CHECK(influx_query_table(q) == NULL); /* before the first TABLE */
    CHECK(influx_query_record(q) == NULL);
    CHECK_RC(influx_query_next(q, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_TABLE);
    const influx_table *t = influx_query_table(q);
    CHECK(t != NULL);
    CHECK(influx_query_record(q) == NULL);
    CHECK(influx_table_index(t) == 0);
    CHECK(influx_table_new_block(t));
    size_t ncol = influx_table_column_count(t);
    CHECK(ncol == 9);
    size_t d = influx_table_column_index(t, "d"), l = influx_table_column_index(t, "l"),
           u = influx_table_column_index(t, "u"), b = influx_table_column_index(t, "b"),
           s = influx_table_column_index(t, "s"), tm = influx_table_column_index(t, "_time"),
           tag = influx_table_column_index(t, "tag");
    CHECK(influx_table_column_index(t, "nope") == INFLUX_NO_COLUMN);
    CHECK(influx_table_column_index(t, NULL) == INFLUX_NO_COLUMN);
    CHECK(influx_table_column_type(t, d) == INFLUX_COL_DOUBLE);
    CHECK(influx_table_column_type(t, l) == INFLUX_COL_LONG);
    CHECK(influx_table_column_type(t, u) == INFLUX_COL_ULONG);
    CHECK(influx_table_column_type(t, b) == INFLUX_COL_BOOL);
    CHECK(influx_table_column_type(t, tm) == INFLUX_COL_TIME);
    CHECK(influx_table_column_type(t, s) == INFLUX_COL_STRING);
    CHECK(influx_table_column_type(t, ncol) == INFLUX_COL_UNKNOWN);
    CHECK_STR(influx_table_column_datatype(t, tm), "dateTime:RFC3339");
    CHECK_STR(influx_table_column_name(t, 0), "result");
    CHECK_STR(influx_table_column_default(t, 0), "_result");
    CHECK_STR(influx_table_column_default(t, s), "");
    CHECK(influx_table_column_name(t, ncol) == NULL);
    CHECK(influx_table_column_datatype(t, INFLUX_NO_COLUMN) == NULL);
    CHECK(influx_table_column_default(t, ncol) == NULL);
    CHECK(influx_table_column_is_group(t, tag));
    CHECK(!influx_table_column_is_group(t, s));
    CHECK(!influx_table_column_is_group(t, ncol));

    /* record 1: every value */
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_RECORD);
    const influx_record *r = influx_query_record(q);
    CHECK(r != NULL);
    CHECK(influx_record_table(r) == t);
    CHECK(influx_record_column_index(r, "u") == u);
    CHECK(influx_record_column_index(r, NULL) == INFLUX_NO_COLUMN);
    double dv = 0;
    int64_t iv = 0;
    uint64_t uv = 0;
    bool bv = false;
    const char *sv = NULL;
    size_t len = 0;
    CHECK_RC(influx_record_get_f64(r, d, &dv), INFLUX_OK);
    CHECK(dv == 1.5);
    CHECK_RC(influx_record_get_f64(r, l, &dv), INFLUX_OK); /* long widens to double */
    CHECK(dv == -7.0);
    CHECK_RC(influx_record_get_i64(r, l, &iv), INFLUX_OK);
    CHECK(iv == -7);
    CHECK_RC(influx_record_get_u64(r, u, &uv), INFLUX_OK);
    CHECK(uv == UINT64_MAX);
    CHECK_RC(influx_record_get_bool(r, b, &bv), INFLUX_OK);
    CHECK(bv);
    CHECK_RC(influx_record_get_time_ns(r, tm, &iv), INFLUX_OK);
    CHECK(iv == 1609459200000000001LL);
    CHECK_RC(influx_record_get_str(r, s, &sv, &len), INFLUX_OK);
    CHECK_STR(sv, "hello");
    CHECK(len == 5);
    CHECK_RC(influx_record_get_str(r, d, &sv, NULL), INFLUX_OK); /* any type as text */
    CHECK_STR(sv, "1.5");

    /* wrong types, values that do not fit, bad indexes, NULL outs */
    iv = 42;
    CHECK_RC(influx_record_get_i64(r, s, &iv), INFLUX_ERR_TYPE);
    CHECK(iv == 42); /* unchanged on error */
    CHECK(strstr(influx_last_error_message(), "'s'") != NULL);
    CHECK_RC(influx_record_get_i64(r, u, &iv), INFLUX_ERR_VALUE); /* UINT64_MAX > INT64_MAX */
    CHECK_RC(influx_record_get_u64(r, l, &uv), INFLUX_ERR_VALUE);  /* -7 < 0 */
    CHECK_RC(influx_record_get_f64(r, b, &dv), INFLUX_ERR_TYPE);
    CHECK_RC(influx_record_get_bool(r, s, &bv), INFLUX_ERR_TYPE);
    CHECK_RC(influx_record_get_time_ns(r, l, &iv), INFLUX_ERR_TYPE);
    CHECK_RC(influx_record_get_duration_ns(r, l, &iv), INFLUX_ERR_TYPE);
    const uint8_t *bytes = NULL;
    CHECK_RC(influx_record_get_bytes(r, s, &bytes, &len), INFLUX_ERR_TYPE);
    CHECK_RC(influx_record_get_bytes(r, s, &bytes, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_f64(r, ncol, &dv), INFLUX_ERR_NOT_FOUND);
    CHECK_RC(influx_record_get_str(r, INFLUX_NO_COLUMN, &sv, &len), INFLUX_ERR_NOT_FOUND);
    CHECK_RC(influx_record_get_f64(r, d, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_str(r, d, NULL, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK(!influx_record_is_null(r, d));
    CHECK(influx_record_is_null(r, ncol));

    influx_cell cells[10];
    memset(cells, 0, sizeof cells);
    CHECK_RC(influx_record_get_cells(r, cells, ncol), INFLUX_OK);
    CHECK(cells[d].type == INFLUX_COL_DOUBLE && !cells[d].null && cells[d].v.f64 == 1.5);
    CHECK(cells[u].type == INFLUX_COL_ULONG && cells[u].v.u64 == UINT64_MAX);
    CHECK(cells[b].type == INFLUX_COL_BOOL && cells[b].v.b);
    CHECK(cells[tm].type == INFLUX_COL_TIME && cells[tm].v.ns == 1609459200000000001LL);
    CHECK(cells[s].type == INFLUX_COL_STRING && cells[s].len == 5);
    CHECK_STR(cells[s].data, "hello");
    CHECK_STR(cells[0].data, "_result"); /* empty cell: its #default */
    CHECK_RC(influx_record_get_cells(r, cells, ncol + 1), INFLUX_ERR_NOT_FOUND);
    CHECK_RC(influx_record_get_cells(r, NULL, ncol), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_record_get_cells(r, NULL, 0), INFLUX_OK);

    /* record 2: nulls */
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_RECORD);
    r = influx_query_record(q);
    CHECK(influx_record_is_null(r, d));
    CHECK(influx_record_is_null(r, s));
    CHECK_RC(influx_record_get_f64(r, d, &dv), INFLUX_ERR_NULL);
    CHECK_RC(influx_record_get_str(r, s, &sv, &len), INFLUX_ERR_NULL);
    CHECK_RC(influx_record_get_bool(r, b, &bv), INFLUX_ERR_NULL);
    memset(cells, 0xab, sizeof cells);
    CHECK_RC(influx_record_get_cells(r, cells, ncol), INFLUX_OK);
    CHECK(cells[d].null && cells[d].data == NULL && cells[d].len == 0 && cells[d].v.i64 == 0);
    CHECK(cells[s].null && cells[s].type == INFLUX_COL_STRING);
    CHECK(!cells[tm].null && cells[tm].v.ns == 1609459201000000000LL);

    /* END, repeated; views gone; a stale record view fails cleanly */
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_END);
    CHECK(influx_query_record(q) == NULL);
    CHECK_RC(influx_record_get_f64(r, d, &dv), INFLUX_ERR_INVALID_ARG);
    CHECK(influx_record_table(r) == NULL);
    ev = -1;
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_END);
    const char *m = NULL, *ref = NULL;
    CHECK_RC(influx_query_error(q, &m, &ref), INFLUX_OK);
    CHECK_STR(m, "");
    CHECK_RC(influx_query_read_raw(q, (char[4]){0}, 4, &len), INFLUX_ERR_INVALID_ARG); /* not raw */
    influx_query_close(q);
}

static void flux_error_is_sticky(influx_client *c) {
    /* The second result fails after the first was sent: an error table in the answer. The
     * server may find the error before it sent anything (then it is an HTTP 400 at open,
     * with the same message): try until the in-band case happens. */
    influx_query *q = NULL;
    for (int attempt = 0; attempt < 20 && !q; attempt++) {
        influx_result rc = influx_query_open(
            c, NULL,
            "import \"array\"\n"
            "array.from(rows:[{a:1}]) |> yield(name:\"ok\")\n"
            "array.from(rows:[{a:2}]) |> map(fn: (r) => ({r with b: die(msg:\"boom\")})) |> yield(name:\"bad\")",
            NULL, &q);
        if (rc != INFLUX_OK) {
            CHECK_RC(rc, INFLUX_ERR_HTTP);
            CHECK(strstr(influx_last_server_message(), "boom") != NULL);
        }
    }
    CHECK(q != NULL);
    if (!q) return;
    influx_query_event ev;
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_TABLE);
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_RECORD);
    CHECK_RC(influx_query_next(q, &ev), INFLUX_ERR_QUERY);
    CHECK(ev == INFLUX_QUERY_END);
    const char *m = NULL, *ref = NULL;
    CHECK_RC(influx_query_error(q, &m, &ref), INFLUX_ERR_QUERY);
    CHECK(m && strstr(m, "failed to evaluate map function: boom") != NULL);
    CHECK_STR(ref, "");
    CHECK_STR(influx_last_server_message(), m);
    CHECK(influx_query_record(q) == NULL);
    /* next after an error: the same error */
    CHECK_RC(influx_query_next(q, &ev), INFLUX_ERR_QUERY);
    CHECK_RC(influx_query_error(q, NULL, NULL), INFLUX_ERR_QUERY);
    influx_query_close(q);
}

static void http_error_at_open(influx_client *c) {
    influx_query *q = (influx_query *)1;
    CHECK_RC(influx_query_open(c, NULL, "from(bucket:\"no-such-bucket\") |> range(start:-1h)", NULL, &q),
             INFLUX_ERR_HTTP);
    CHECK(q == NULL);
    CHECK(influx_last_http_status() == 404);
    CHECK(strstr(influx_last_server_message(), "no-such-bucket") != NULL);
    CHECK_RC(influx_query_open(c, NULL, "from(bucket:", NULL, &q), INFLUX_ERR_HTTP);
    CHECK(influx_last_http_status() == 400);
    CHECK_RC(influx_query_open(c, NULL, NULL, NULL, &q), INFLUX_ERR_INVALID_ARG);
}

static void parameters_and_raw(influx_client *c) {
    influx_query_params *p = influx_query_params_new();
    CHECK_RC(influx_query_params_set_str(p, "word", "hi"), INFLUX_OK);
    CHECK_RC(influx_query_params_set_i64(p, "n", 3), INFLUX_OK);
    CHECK_RC(influx_query_params_set_i64(p, "n", 4), INFLUX_OK); /* replaces */
    CHECK_RC(influx_query_params_set_duration_ns(p, "d", 90000000000LL), INFLUX_OK);
    influx_query *q = open_ok(c,
                              "import \"array\"\n"
                              "array.from(rows:[{w: word, n: n, d: string(v: d)}])",
                              p);
    influx_query_params_free(p); /* not kept */
    if (!q) return;
    influx_query_event ev;
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    const influx_record *r = influx_query_record(q);
    const char *s = NULL;
    int64_t n = 0;
    CHECK_RC(influx_record_get_str(r, influx_record_column_index(r, "w"), &s, NULL), INFLUX_OK);
    CHECK_STR(s, "hi");
    CHECK_RC(influx_record_get_i64(r, influx_record_column_index(r, "n"), &n), INFLUX_OK);
    CHECK(n == 4);
    CHECK_RC(influx_record_get_str(r, influx_record_column_index(r, "d"), &s, NULL), INFLUX_OK);
    CHECK_STR(s, "1m30s");
    influx_query_close(q);

    influx_dialect dl;
    influx_dialect_init(&dl);
    dl.annotations = 0;
    q = NULL;
    CHECK_RC(influx_query_open_raw(c, NULL, "import \"array\"\narray.from(rows:[{a:1},{a:2}])", NULL, &dl, &q),
             INFLUX_OK);
    if (!q) return;
    CHECK_RC(influx_query_next(q, &ev), INFLUX_ERR_INVALID_ARG); /* not a cursor */
    char text[256];
    size_t used = 0, got = 1;
    while (got && used < sizeof text - 1) {
        CHECK_RC(influx_query_read_raw(q, text + used, 3, &got), INFLUX_OK);
        used += got;
    }
    text[used] = '\0';
    CHECK_STR(text, ",result,table,a\r\n,_result,0,1\r\n,_result,0,2\r\n\r\n");
    CHECK_RC(influx_query_read_raw(q, text, 0, &got), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_read_raw(q, NULL, 4, &got), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_read_raw(q, text, 4, NULL), INFLUX_ERR_INVALID_ARG);
    influx_query_close(q);
}

/* The helper the other C tests read the server with (server.h) is the query API too. */
static void the_test_helper_reads_through_the_query_api(void) {
    char id[64], flux[256];
    run_id(id, sizeof id);
    snprintf(flux, sizeof flux, "import \"array\"\narray.from(rows:[{a: 1, id: \"%s\"}])", id);
    char *v = query_value(flux);
    CHECK_STR(v, id);
    free(v);
    CHECK(query_value("import \"array\"\narray.from(rows:[{a: 1}]) |> filter(fn: (r) => r.a == 2)") == NULL);
}

int main(void) {
    null_and_misuse_without_a_query();
    char err[256];
    influx_client *c = influx_client_new(server_conf(NULL), err, sizeof err);
    CHECK(c != NULL);
    typed_values_and_misuse_on_a_real_query(c);
    flux_error_is_sticky(c);
    http_error_at_open(c);
    parameters_and_raw(c);
    influx_client_free(c);
    the_test_helper_reads_through_the_query_api();
    return check_summary("test_query");
}
