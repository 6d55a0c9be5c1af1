/* D5: influx_write_lp checks only UTF-8, so text that can never be valid line protocol is
 * accepted with INFLUX_OK, joins a batch of validated points, and InfluxDB rejects the whole
 * request (400): "one bad point never poisons a batch" does not hold. Fixed behaviour: NUL
 * bytes, an unterminated string quote, a line with no field set are rejected by
 * influx_write_lp (INFLUX_ERR_INVALID_POINT, the message names the line number), nothing of
 * that call is queued, and the valid points of the same batch are delivered. */
#include "adv.h"

static void expect_rejected(influx_write_api *w, const char *what, const char *data, size_t len, int line) {
    influx_write_stats s0, s1;
    influx_write_api_stats(w, &s0);
    influx_result rc = influx_write_lp(w, "b", NULL, data, len, INFLUX_PRECISION_NS);
    char want[32];
    snprintf(want, sizeof want, "line %d", line);
    const char *msg = influx_last_error_message();
    EXPECT(rc == INFLUX_ERR_INVALID_POINT, "%s: write_lp -> %d (%s), want INFLUX_ERR_INVALID_POINT", what, rc,
           influx_strerror(rc));
    EXPECT(rc == INFLUX_OK || adv_has_str(msg, want), "%s: message does not name %s: %s", what, want, msg);
    influx_write_api_stats(w, &s1);
    EXPECT(s1.accepted == s0.accepted, "%s: %" PRIu64 " lines accepted by a failed call", what,
           s1.accepted - s0.accepted);
}

static influx_write_api *offline_api(influx_client **cl) {
    char url[64];
    adv_dead_url(url, sizeof url);
    *cl = adv_client(url, NULL, NULL);
    const char *kv[] = {"retry_interval", "600000", "flush_interval", "600000", "max_close_wait", "0", NULL};
    return adv_api(*cl, kv, NULL, NULL, NULL, NULL);
}

static void nul_bytes_rejected(void) {
    influx_client *cl;
    influx_write_api *w = offline_api(&cl);
    const char a[] = "m f=1i\0junk";
    expect_rejected(w, "NUL inside line 1", a, sizeof a - 1, 1);
    const char b[] = "m f=1i\nm f=2i\nm f=3i\0";
    expect_rejected(w, "NUL at the end of line 3", b, sizeof b - 1, 3);
    const char c[] = "m,t=a\0b f=1i";
    expect_rejected(w, "NUL in a tag value", c, sizeof c - 1, 1);
    influx_write_api_close(w);
    influx_client_free(cl);
}

static void unterminated_quote_rejected(void) {
    influx_client *cl;
    influx_write_api *w = offline_api(&cl);
    const char *a = "m s=\"abc";
    expect_rejected(w, "unterminated string", a, strlen(a), 1);
    const char *b = "m f=1i\nm s=\"abc 1700000000\nm f=3i";
    expect_rejected(w, "quote opened on line 2 (swallows line 3)", b, strlen(b), 2);
    influx_write_api_close(w);
    influx_client_free(cl);
}

static void line_without_fields_rejected(void) {
    influx_client *cl;
    influx_write_api *w = offline_api(&cl);
    const char *a = "m,t=a";
    expect_rejected(w, "measurement and tag only", a, strlen(a), 1);
    const char *b = "m f=1i\nm";
    expect_rejected(w, "measurement only on line 2", b, strlen(b), 2);
    const char *c = "m f=1i\nm f=2i\nm,t=x  1700000000";
    expect_rejected(w, "empty field set on line 3", c, strlen(c), 3);
    /* valid text is still accepted, in every form the seed writes */
    const char *ok = "m f=1i\nm,t=a\\ b g=2,s=\"x\\\"y\" 1700000000\nm u=3u,b=true";
    EXPECT_RC(influx_write_lp(w, "b", NULL, ok, strlen(ok), INFLUX_PRECISION_S), INFLUX_OK);
    influx_write_api_close(w);
    influx_client_free(cl);
}

typedef struct {
    long ok_lines, failed_lines;
} delivery;

static void on_success(const influx_batch *b, void *ud) { ((delivery *)ud)->ok_lines += (long)b->lines; }
static void on_error(const influx_batch *b, const influx_error *e, void *ud) {
    (void)e;
    ((delivery *)ud)->failed_lines += (long)b->lines;
}

/* Real InfluxDB: 20 valid points, bad raw text written between them; the 20 are delivered. */
static void valid_points_of_the_batch_survive(void) {
    const char *url = getenv("INFLUXDB_V2_URL"), *token = getenv("INFLUXDB_V2_TOKEN");
    const char *org = getenv("INFLUXDB_V2_ORG"), *bucket = getenv("INFLUXDB_V2_BUCKET");
    EXPECT(url && token && org && bucket, "INFLUXDB_V2_URL/TOKEN/ORG/BUCKET not set (run through with-influxdb.sh)");
    if (!url || !token || !org || !bucket) return;
    influx_conf *c = influx_conf_new();
    const char *ckv[] = {"url", url, "token", token, "org", org, NULL};
    adv_conf_kv(c, ckv);
    influx_client *cl = influx_client_new(c, NULL, 0);
    delivery d = {0, 0};
    const char *kv[] = {"batch_size", "1000", "flush_interval", "60000", NULL};
    influx_write_api *w = adv_api(cl, kv, on_success, on_error, NULL, &d);
    const char nul[] = "adv_d05 seq=99i\0";
    const char *quote = "adv_d05 s=\"open";
    const char *nofield = "adv_d05,t=x";
    for (int i = 0; i < 20; i++) {
        influx_point *p = adv_point("adv_d05", "seq", i);
        EXPECT_RC(influx_write(w, bucket, NULL, p), INFLUX_OK);
        influx_point_free(p);
        if (i == 5) influx_write_lp(w, bucket, NULL, nul, sizeof nul - 1, INFLUX_PRECISION_NS);
        if (i == 10) influx_write_lp(w, bucket, NULL, quote, strlen(quote), INFLUX_PRECISION_NS);
        if (i == 15) influx_write_lp(w, bucket, NULL, nofield, strlen(nofield), INFLUX_PRECISION_NS);
    }
    EXPECT_RC(influx_flush_timeout(w, 20000), INFLUX_OK);
    influx_write_stats st;
    influx_write_api_stats(w, &st);
    EXPECT(d.ok_lines >= 20, "valid points delivered: %ld of 20 (lines reported failed: %ld)", d.ok_lines,
           d.failed_lines);
    EXPECT(d.failed_lines == 0, "%ld lines reported failed", d.failed_lines);
    EXPECT(st.written == st.accepted, "written %" PRIu64 " of %" PRIu64 " accepted", st.written, st.accepted);
    influx_write_api_close(w);
    influx_client_free(cl);
}

static const adv_case cases[] = {
    {"d05_nul_bytes_rejected", nul_bytes_rejected, 10, "NUL bytes -> INVALID_POINT naming the line, nothing queued"},
    {"d05_unterminated_quote_rejected", unterminated_quote_rejected, 10, "unterminated string quote -> INVALID_POINT"},
    {"d05_line_without_fields_rejected", line_without_fields_rejected, 10, "a line with no field set -> INVALID_POINT"},
    {"d05_valid_points_of_the_batch_survive", valid_points_of_the_batch_survive, 40,
     "real InfluxDB: bad raw text between 20 valid points; all 20 delivered"},
};
ADV_MAIN("adv_d05_raw_lp", cases)
