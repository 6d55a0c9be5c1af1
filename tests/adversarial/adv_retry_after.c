/* F15 (FINDINGS: UNCLEAR, "honoured in full"): a Retry-After that ends after max_retry_time
 * cannot lead to a retry the policy allows ("no retry starts once max_retry_time has passed
 * since the first attempt"), so the batch is given up at once and reported
 * (INFLUX_ERR_RETRIES_EXHAUSTED), instead of parking it (and every batch behind it) for the
 * whole wait: one reply with Retry-After: 4294967295 stalls the pipeline for ~136 years and
 * flush() never returns. This fails today. */
#include "adv.h"
#include "fault_server.h"

typedef struct {
    int errors, retries, code;
    long lines;
    double at;
} seen;

static void on_error(const influx_batch *b, const influx_error *e, void *ud) {
    seen *s = ud;
    s->errors++;
    s->lines += (long)b->lines;
    s->code = e->code;
    s->at = adv_now();
}

static void on_retry(const influx_batch *b, const influx_error *e, uint32_t k, uint64_t d, void *ud) {
    (void)b;
    (void)e;
    (void)k;
    (void)d;
    ((seen *)ud)->retries++;
}

static void run(const char *retry_after, const char *max_retry_time) {
    char header[64];
    snprintf(header, sizeof header, "Retry-After: %s\r\n", retry_after);
    fs_step step = {FS_ANSWER, 503, header, "{\"code\":\"unavailable\",\"message\":\"scripted 503\"}", 0};
    fault_server *fs = fs_start(&step, 1);
    influx_client *cl = adv_client(fs_url(fs), NULL, NULL);
    seen s = {0, 0, 0, 0, 0};
    const char *kv[] = {"max_retry_time", max_retry_time, "max_retries", "5", "retry_interval", "10",
                        "max_close_wait", "500", NULL};
    influx_write_api *w = adv_api(cl, kv, NULL, on_error, on_retry, &s);
    influx_point *p = adv_point("m", "f", 1);
    double t0 = adv_now();
    EXPECT_RC(influx_write(w, "b", NULL, p), INFLUX_OK);
    influx_result rc = influx_flush_timeout(w, 5000);
    EXPECT(rc == INFLUX_OK, "Retry-After %s, max_retry_time=%s: flush_timeout(5000) -> %d (%s): the batch is parked",
           retry_after, max_retry_time, rc, influx_strerror(rc));
    EXPECT(s.errors == 1 && s.lines == 1, "error reports: %d (%ld lines), want 1", s.errors, s.lines);
    EXPECT(s.errors == 0 || s.code == INFLUX_ERR_RETRIES_EXHAUSTED, "reported with %d, want RETRIES_EXHAUSTED",
           s.code);
    EXPECT(s.errors == 0 || s.at - t0 < 2.0, "reported after %.2f s, want at once", s.at - t0);
    EXPECT(fs_requests(fs) == 1, "%d requests, want 1 (no retry)", fs_requests(fs));
    EXPECT(s.retries == 0, "%d retry callbacks for a retry that never starts", s.retries);
    double c0 = adv_now();
    influx_write_api_close(w);
    EXPECT(adv_now() - c0 < 2.0, "close took %.2f s", adv_now() - c0);
    influx_point_free(p);
    influx_client_free(cl);
    fs_stop(fs);
}

static void longer_than_max_retry_time(void) { run("3600", "1000"); }
static void huge_value_default_max_retry_time(void) { run("4294967295", "180000"); }

static const adv_case cases[] = {
    {"retry_after_longer_than_max_retry_time", longer_than_max_retry_time, 20,
     "503 + Retry-After: 3600, max_retry_time 1 s: given up at once, reported"},
    {"retry_after_huge_value", huge_value_default_max_retry_time, 20,
     "503 + Retry-After: 4294967295 with the default max_retry_time: given up at once"},
};
ADV_MAIN("adv_retry_after", cases)
