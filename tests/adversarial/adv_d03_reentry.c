/* D3: influx_flush, influx_flush_timeout and influx_write_api_close called from ANY callback
 * return INFLUX_ERR_INVALID_ARG at once (close "does nothing"), including the two error
 * reports that do not run on the background thread:
 *   - the drop report under drop_oldest, on the writing thread;
 *   - the reports of batches close() gives up on, on the closing thread.
 * Today the guard only knows the background thread: flush deadlocks, flush_timeout waits its
 * full timeout and returns TIMED_OUT, close deadlocks. A hang is killed by the runner. */
#include <pthread.h>

#include "adv.h"
#include "fault_server.h"

typedef enum { CALL_FLUSH, CALL_FLUSH_TIMEOUT, CALL_CLOSE } call_kind;
static const char *const call_names[] = {"influx_flush", "influx_flush_timeout(1000)", "influx_write_api_close"};

static influx_write_api *g_api;
static call_kind g_call;
static int g_done, g_rc = -1, g_ran_on_main;
static double g_elapsed;
static pthread_t g_main;

static void call_from_callback(void) {
    double t0 = adv_now();
    g_rc = g_call == CALL_FLUSH           ? influx_flush(g_api)
           : g_call == CALL_FLUSH_TIMEOUT ? influx_flush_timeout(g_api, 1000)
                                          : influx_write_api_close(g_api);
    g_elapsed = adv_now() - t0;
}

static void expect_refused(const char *where) {
    EXPECT(g_done >= 1, "%s: the callback did not run", where);
    EXPECT(g_rc == INFLUX_ERR_INVALID_ARG, "%s: %s -> %d (%s), want INFLUX_ERR_INVALID_ARG", where,
           call_names[g_call], g_rc, g_rc >= 0 ? influx_strerror(g_rc) : "not returned");
    EXPECT(g_elapsed < 0.2, "%s: %s took %.3f s, want at once", where, call_names[g_call], g_elapsed);
}

/* ---- the drop report, on the writing thread ---- */

static void on_drop(const influx_batch *b, const influx_error *e, void *ud) {
    (void)b;
    (void)ud;
    if (e->code != INFLUX_ERR_DROPPED || g_done++) return;
    g_ran_on_main = pthread_equal(pthread_self(), g_main);
    call_from_callback();
}

static void from_drop_report(call_kind k) {
    g_call = k;
    g_main = pthread_self();
    char url[64];
    adv_dead_url(url, sizeof url);
    influx_client *cl = adv_client(url, NULL, NULL);
    const char *kv[] = {"batch_size", "10", "max_buffer_lines", "20", "buffer_full_policy", "drop_oldest",
                        "retry_interval", "600000", "max_close_wait", "300", NULL};
    g_api = adv_api(cl, kv, NULL, on_drop, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    for (int i = 0; i < 40; i++) influx_write(g_api, "b", NULL, p); /* the 3rd batch forces a drop */
    EXPECT(g_ran_on_main, "the drop report did not run on the writing thread");
    expect_refused("drop report");
    /* the API still works and closes normally */
    EXPECT_RC(influx_write(g_api, "b", NULL, p), INFLUX_OK);
    influx_point_free(p);
    double t0 = adv_now();
    influx_result rc = influx_write_api_close(g_api);
    EXPECT(rc == INFLUX_ERR_TIMED_OUT || rc == INFLUX_OK, "close after the callback -> %d", rc);
    EXPECT(adv_now() - t0 < 3.0, "close after the callback took %.2f s", adv_now() - t0);
    influx_client_free(cl);
}

static void drop_report_flush(void) { from_drop_report(CALL_FLUSH); }
static void drop_report_flush_timeout(void) { from_drop_report(CALL_FLUSH_TIMEOUT); }
static void drop_report_close(void) { from_drop_report(CALL_CLOSE); }

/* ---- the reports of batches close() gives up on, on the closing thread ---- */

static void on_close_report(const influx_batch *b, const influx_error *e, void *ud) {
    (void)b;
    (void)e;
    (void)ud;
    if (!pthread_equal(pthread_self(), g_main) || g_done++) return;
    call_from_callback();
}

static void from_close_report(call_kind k) {
    g_call = k;
    g_main = pthread_self();
    fault_server *fs = fs_start_silent(); /* connections complete, no answer ever comes */
    const char *ckv[] = {"timeout", "5000", NULL};
    influx_client *cl = adv_client(fs_url(fs), NULL, ckv);
    const char *kv[] = {"batch_size", "10", "max_close_wait", "300", NULL};
    g_api = adv_api(cl, kv, NULL, on_close_report, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    for (int i = 0; i < 30; i++) influx_write(g_api, "b", NULL, p); /* 1 batch in flight, 2 queued */
    influx_point_free(p);
    adv_sleep_ms(200);
    influx_result rc = influx_write_api_close(g_api);
    EXPECT(rc == INFLUX_ERR_TIMED_OUT, "the outer close -> %d, want INFLUX_ERR_TIMED_OUT", rc);
    expect_refused("close report");
    influx_client_free(cl);
    fs_stop(fs);
}

static void close_report_flush(void) { from_close_report(CALL_FLUSH); }
static void close_report_flush_timeout(void) { from_close_report(CALL_FLUSH_TIMEOUT); }
static void close_report_close(void) { from_close_report(CALL_CLOSE); }

static const adv_case cases[] = {
    {"d03_drop_report_flush", drop_report_flush, 10, "flush from the drop report (writing thread) -> INVALID_ARG"},
    {"d03_drop_report_flush_timeout", drop_report_flush_timeout, 10,
     "flush_timeout(1000) from the drop report -> INVALID_ARG at once"},
    {"d03_drop_report_close", drop_report_close, 10, "close from the drop report -> INVALID_ARG, does nothing"},
    {"d03_close_report_flush", close_report_flush, 15, "flush from a close report (closing thread) -> INVALID_ARG"},
    {"d03_close_report_flush_timeout", close_report_flush_timeout, 15,
     "flush_timeout(1000) from a close report -> INVALID_ARG at once"},
    {"d03_close_report_close", close_report_close, 15, "close from a close report -> INVALID_ARG, does nothing"},
};
ADV_MAIN("adv_d03_reentry", cases)
