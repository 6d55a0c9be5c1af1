/* influx_query_next_records() (the batched record reader of the Python binding) through the
 * header against the real InfluxDB 2.x: its NULL and misuse paths; every column type of a
 * csv.from table, with a row of nulls, decoded from the packed slots and string table; and
 * 3,000 written points read back in small batches: table boundaries, every value, strings
 * shared within a call, a record that does not fit kept for the next call, and mixing with
 * influx_query_next(). Run under ASan/UBSan too. */
#include "server.h"

#include <stdint.h>

static const char *TYPED =
    "import \"csv\"\n"
    "csv.from(csv: \"#datatype,string,long,dateTime:RFC3339,double,long,unsignedLong,boolean,string,string\n"
    "#group,false,false,false,false,false,false,false,true,false\n"
    "#default,_result,,,,,,,,\n"
    ",result,table,_time,d,l,u,b,tag,s\n"
    ",,0,2021-01-01T00:00:00.000000001Z,1.5,-7,18446744073709551615,true,x,hello\n"
    ",,0,2021-01-01T00:00:01Z,,,,,x,\n"
    "\")";

#define CAP 65536
static uint64_t buf[CAP / 8];

/* A call's string table: entry k at offsets[k] (its length word), up to 4096 entries. */
static size_t offsets[4096];

static uint64_t slot(size_t rec_size, size_t rec, size_t word) {
    return buf[(rec * rec_size) / 8 + word];
}

static uint32_t word_at(size_t off) {
    const unsigned char *b = (const unsigned char *)buf + off;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void index_strings(size_t region, size_t n_strings) {
    size_t at = region;
    for (size_t k = 0; k < n_strings && k < 4096; k++) {
        offsets[k] = at;
        at += 4 + (word_at(at) & 0x3fffffffu);
    }
}

/* Entry k equals text (kind: 0 text, 1 time, 2 bytes). */
static int entry_is(size_t k, unsigned kind, const char *text) {
    uint32_t w = word_at(offsets[k]);
    size_t len = w & 0x3fffffffu;
    return (w >> 30) == kind && len == strlen(text) &&
           memcmp((const char *)buf + offsets[k] + 4, text, len) == 0;
}

static void misuse(influx_client *c) {
    size_t n = 9, ns = 9;
    influx_query_event ev = -1;
    CHECK_RC(influx_query_next_records(NULL, buf, CAP, 4, &n, &ns, &ev), INFLUX_ERR_INVALID_ARG);
    CHECK(n == 0 && ns == 0 && ev == INFLUX_QUERY_END);
    influx_query *q = NULL;
    CHECK_RC(influx_query_open(c, NULL, TYPED, NULL, &q), INFLUX_OK);
    if (!q) return;
    CHECK_RC(influx_query_next_records(q, NULL, CAP, 4, &n, &ns, &ev), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_next_records(q, buf, 0, 4, &n, &ns, &ev), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_next_records(q, buf, CAP, 0, &n, &ns, &ev), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_next_records(q, buf, CAP, 4, NULL, &ns, &ev), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_next_records(q, buf, CAP, 4, &n, NULL, &ev), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_next_records(q, buf, CAP, 4, &n, &ns, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_query_next_records(q, buf, CAP, 4, &n, &ns, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_TABLE && n == 0);
    /* 9 columns: 80-byte records; 1000 of them do not fit 64 KiB: the record is kept */
    CHECK_RC(influx_query_next_records(q, buf, CAP, 1000, &n, &ns, &ev), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "do not fit") != NULL);
    /* a record whose strings do not fit: kept too */
    CHECK_RC(influx_query_next_records(q, buf, 100, 1, &n, &ns, &ev), INFLUX_ERR_INVALID_ARG);
    CHECK(strstr(influx_last_error_message(), "does not fit") != NULL);
    /* ... and influx_query_next() sees it */
    CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_RECORD);
    int64_t l = 0;
    CHECK_RC(influx_record_get_i64(influx_query_record(q), 4, &l), INFLUX_OK);
    CHECK(l == -7);
    influx_query_close(q);
    /* a raw query */
    CHECK_RC(influx_query_open_raw(c, NULL, TYPED, NULL, NULL, &q), INFLUX_OK);
    CHECK_RC(influx_query_next_records(q, buf, CAP, 4, &n, &ns, &ev), INFLUX_ERR_INVALID_ARG);
    influx_query_close(q);
}

static void every_type(influx_client *c) {
    influx_query *q = NULL;
    CHECK_RC(influx_query_open(c, NULL, TYPED, NULL, &q), INFLUX_OK);
    if (!q) return;
    size_t n = 0, ns = 0;
    influx_query_event ev = -1;
    CHECK_RC(influx_query_next_records(q, buf, CAP, 16, &n, &ns, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_TABLE && n == 0 && ns == 0);
    CHECK(influx_table_column_count(influx_query_table(q)) == 9);
    CHECK_RC(influx_query_next_records(q, buf, CAP, 16, &n, &ns, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_RECORD && n == 2);
    const size_t R = 8 * (1 + 9);
    index_strings(16 * R, ns);
    /* columns: result table _time d l u b tag s */
    CHECK(slot(R, 0, 0) == 0); /* no nulls */
    CHECK(entry_is(slot(R, 0, 1 + 0), 0, "_result"));
    CHECK(slot(R, 0, 1 + 1) == 0);
    CHECK(entry_is(slot(R, 0, 1 + 2), 1, "2021-01-01T00:00:00.000000001Z"));
    double d;
    uint64_t dbits = slot(R, 0, 1 + 3);
    memcpy(&d, &dbits, sizeof d);
    CHECK(d == 1.5);
    CHECK((int64_t)slot(R, 0, 1 + 4) == -7);
    CHECK(slot(R, 0, 1 + 5) == UINT64_MAX);
    CHECK(slot(R, 0, 1 + 6) == 1);
    CHECK(entry_is(slot(R, 0, 1 + 7), 0, "x"));
    CHECK(entry_is(slot(R, 0, 1 + 8), 0, "hello"));
    /* record 2: d l u b s null (bits 3 4 5 6 8), the rest shared with record 1 */
    CHECK(slot(R, 1, 0) == ((1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 8)));
    CHECK(slot(R, 1, 1 + 0) == slot(R, 0, 1 + 0)); /* "_result" once per call */
    CHECK(slot(R, 1, 1 + 7) == slot(R, 0, 1 + 7));
    CHECK(entry_is(slot(R, 1, 1 + 2), 1, "2021-01-01T00:00:01.000000000Z"));
    CHECK(slot(R, 1, 1 + 3) == 0 && slot(R, 1, 1 + 8) == 0);
    CHECK(ns == 5); /* _result, 2 times, x, hello */
    CHECK_RC(influx_query_next_records(q, buf, CAP, 16, &n, &ns, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_END && n == 0);
    CHECK_RC(influx_query_next_records(q, buf, CAP, 16, &n, &ns, &ev), INFLUX_OK);
    CHECK(ev == INFLUX_QUERY_END); /* END repeats */
    influx_query_close(q);
}

static void written_points_in_batches(influx_client *c) {
    char run[64], err[256];
    run_id(run, sizeof run);
    const char *bucket = env_or_die("INFLUXDB_V2_BUCKET");
    influx_conf *wo = influx_conf_new();
    influx_conf_set(wo, "write_type", "synchronous", NULL, 0);
    influx_write_api *w = influx_write_api_new(c, wo, err, sizeof err);
    CHECK(w != NULL);
    if (!w) return;
    influx_lines *lb = influx_lines_new(w, INFLUX_PRECISION_NS);
    const char *hosts[] = {"a", "b", "c"};
    for (int h = 0; h < 3; h++) {
        for (int i = 0; i < 1000; i++) {
            influx_lines_begin(lb, run);
            influx_lines_add_tag(lb, "host", hosts[h]);
            influx_lines_add_field_i64(lb, "v", h * 1000 + i);
            influx_lines_end_at(lb, 1700000000000000000LL + (int64_t)i * 1000);
        }
    }
    CHECK_RC(influx_write_lines(w, bucket, NULL, lb), INFLUX_OK);
    influx_lines_free(lb);
    CHECK_RC(influx_write_api_close(w), INFLUX_OK);

    char flux[512];
    /* the per-record reader agrees on what was written */
    snprintf(flux, sizeof flux,
             "from(bucket: \"%s\") |> range(start: 2023-01-01T00:00:00Z) "
             "|> filter(fn: (r) => r._measurement == \"%s\") |> group() |> count()",
             bucket, run);
    char *count = query_value(flux);
    CHECK_STR(count, "3000");
    free(count);
    snprintf(flux, sizeof flux,
             "from(bucket: \"%s\") |> range(start: 2023-01-01T00:00:00Z) "
             "|> filter(fn: (r) => r._measurement == \"%s\") |> keep(columns: [\"_time\", \"_value\", \"host\"])",
             bucket, run);
    influx_query *q = NULL;
    CHECK_RC(influx_query_open(c, NULL, flux, NULL, &q), INFLUX_OK);
    if (!q) return;
    int tables = 0, records = 0, calls = 0, bad = 0, by_next = 0;
    size_t ncol = 0, R = 0, t_col = 0, v_col = 0, h_col = 0, max_rec = 64;
    for (;;) {
        size_t n = 0, ns = 0;
        influx_query_event ev = -1;
        if (calls % 7 == 6) {
            /* one record through influx_query_next() now and then */
            CHECK_RC(influx_query_next(q, &ev), INFLUX_OK);
            calls++;
            if (ev == INFLUX_QUERY_RECORD) {
                int64_t v = -1;
                influx_record_get_i64(influx_query_record(q), v_col, &v);
                if (v != tables * 1000 - 1000 + (records % 1000)) bad++;
                records++;
                by_next++;
                continue;
            }
        } else {
            CHECK_RC(influx_query_next_records(q, buf, CAP, max_rec, &n, &ns, &ev), INFLUX_OK);
            calls++;
        }
        if (ev == INFLUX_QUERY_END) break;
        if (ev == INFLUX_QUERY_TABLE) {
            const influx_table *t = influx_query_table(q);
            ncol = influx_table_column_count(t);
            R = 8 * (1 + ncol);
            t_col = influx_table_column_index(t, "_time");
            v_col = influx_table_column_index(t, "_value");
            h_col = influx_table_column_index(t, "host");
            CHECK(records == tables * 1000); /* tables end at their boundaries */
            tables++;
            continue;
        }
        CHECK(n >= 1 && n <= max_rec);
        index_strings(max_rec * R, ns);
        CHECK(ns == n + 2); /* "_result" and the host once per call, each time once */
        for (size_t k = 0; k < n; k++, records++) {
            int i = records % 1000;
            char when[64];
            snprintf(when, sizeof when, "2023-11-14T22:13:20.%06d000Z", i);
            if (slot(R, k, 0) != 0 || (int64_t)slot(R, k, 1 + v_col) != (tables - 1) * 1000 + i ||
                !entry_is(slot(R, k, 1 + h_col), 0, hosts[tables - 1]) ||
                !entry_is(slot(R, k, 1 + t_col), 1, when))
                bad++;
        }
    }
    CHECK(tables == 3);
    CHECK(records == 3000);
    CHECK(bad == 0);
    CHECK(by_next > 0);
    CHECK(calls < 3000 / 10);
    influx_query_close(q);
}

int main(void) {
    char err[256];
    influx_client *c = influx_client_new(server_conf(NULL), err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        misuse(c);
        every_type(c);
        written_points_in_batches(c);
        influx_client_free(c);
    }
    return check_summary("test_query_batch");
}
