/* D8: under drop_oldest, a write that cannot fit even after dropping every droppable batch
 * (the in-flight batch holds most of the buffer) must be decided up front: either it is
 * accepted, or it is rejected and NO accepted batch is dropped for it. Today every queued and
 * open batch is dropped (DROPPED reports), then the write is rejected with BUFFER_FULL anyway. */
#include "adv.h"
#include "fault_server.h"

static long g_dropped_lines;

static void on_error(const influx_batch *b, const influx_error *e, void *ud) {
    (void)ud;
    if (e->code == INFLUX_ERR_DROPPED) g_dropped_lines += (long)b->lines;
}

/* batch 1 (60 lines) in flight and retrying, batch 2 open with 30 lines, buffer 100 lines:
 * a write of `n` lines. */
static void write_n(int n, influx_result *rc, influx_write_stats *st) {
    fs_step e500 = {FS_ANSWER, 500, NULL, "{\"code\":\"internal error\",\"message\":\"scripted 500\"}", 0};
    fault_server *fs = fs_start(&e500, 1);
    influx_client *cl = adv_client(fs_url(fs), NULL, NULL);
    const char *kv[] = {"batch_size", "60", "max_buffer_lines", "100", "buffer_full_policy", "drop_oldest",
                        "retry_interval", "600000", "flush_interval", "600000", "max_close_wait", "0", NULL};
    influx_write_api *w = adv_api(cl, kv, NULL, on_error, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    for (int i = 0; i < 60; i++) influx_write(w, "b", NULL, p);
    for (int i = 0; i < 100 && fs_requests(fs) < 1; i++) adv_sleep_ms(10); /* batch 1 sent: in flight */
    for (int i = 0; i < 30; i++) influx_write(w, "b", NULL, p);
    influx_point_free(p);
    char *lp = malloc((size_t)n * 16);
    size_t off = 0;
    for (int i = 0; i < n; i++) off += (size_t)sprintf(lp + off, "%sm f=%di", i ? "\n" : "", i);
    *rc = influx_write_lp(w, "b", NULL, lp, off, INFLUX_PRECISION_NS);
    free(lp);
    influx_write_api_stats(w, st);
    influx_write_api_close(w);
    influx_client_free(cl);
    fs_stop(fs);
}

static void no_drop_when_it_cannot_make_room(void) {
    influx_result rc;
    influx_write_stats st;
    write_n(45, &rc, &st); /* 60 in flight + 45 > 100: no dropping can make room */
    EXPECT(rc == INFLUX_OK || st.dropped == 0,
           "write of 45 lines -> %d (%s) after dropping %" PRIu64 " accepted lines", rc, influx_strerror(rc),
           st.dropped);
    EXPECT(rc == INFLUX_OK || g_dropped_lines == 0, "%ld lines reported DROPPED for a rejected write",
           g_dropped_lines);
    if (rc != INFLUX_OK)
        EXPECT(st.buffered_lines == 90, "buffered %" PRIu64 " lines, want the 90 accepted before", st.buffered_lines);
}

static void drops_when_it_can_make_room(void) {
    influx_result rc;
    influx_write_stats st;
    write_n(35, &rc, &st); /* 60 + 30 + 35 > 100, but dropping the open 30 makes room */
    EXPECT(rc == INFLUX_OK, "write of 35 lines -> %d (%s)", rc, influx_strerror(rc));
    EXPECT(st.dropped == 30, "dropped %" PRIu64 " lines, want the 30 of the open batch", st.dropped);
}

static const adv_case cases[] = {
    {"d08_no_drop_when_it_cannot_make_room", no_drop_when_it_cannot_make_room, 20,
     "in-flight 60 + write 45 > 100: rejected without dropping, or accepted"},
    {"d08_drops_when_it_can_make_room", drops_when_it_can_make_room, 20,
     "control: dropping the open 30 lines makes room for 35: dropped and accepted"},
};
ADV_MAIN("adv_d08_drop_oldest", cases)
