/* D2: under buffer_full_policy=drop_oldest the drop report runs on the writing thread; a
 * callback that writes (allowed: e.g. counting drops as a metric) must not cascade. One user
 * write into a full buffer of 5,000 one-line batches may drop a bounded number of batches
 * (one for itself, one for the callback's write), with bounded callback nesting, and the
 * process survives. Today the report runs before the dropped batch's space is released, so
 * each callback write drops the next batch: one write empties the buffer recursively and
 * 5,000 batches overflow the stack (SIGSEGV / ASan stack-overflow). */
#include "adv.h"

static influx_write_api *g_api;
static int g_armed, g_depth, g_max_depth, g_guard;
static long g_drops, g_dropped_lines, g_callback_writes;

static void on_error(const influx_batch *b, const influx_error *e, void *ud) {
    (void)ud;
    if (e->code != INFLUX_ERR_DROPPED) return;
    g_drops++;
    g_dropped_lines += (long)b->lines;
    if (!g_armed) return;
    if (++g_depth > g_max_depth) g_max_depth = g_depth;
    if (g_depth < g_guard) { /* a guard so that a cascade can be measured, not only crashed on */
        influx_point *p = adv_point("client_drops", "count", 1);
        influx_write(g_api, "b", NULL, p);
        influx_point_free(p);
        g_callback_writes++;
    }
    g_depth--;
}

static void run(int nbatches, int guard) {
    char url[64], lines[32];
    adv_dead_url(url, sizeof url);
    snprintf(lines, sizeof lines, "%d", nbatches);
    influx_client *cl = adv_client(url, NULL, NULL);
    const char *kv[] = {"batch_size", "1", "max_buffer_lines", lines, "buffer_full_policy", "drop_oldest",
                        "retry_interval", "600000", "flush_interval", "600000", "max_close_wait", "0", NULL};
    g_api = adv_api(cl, kv, NULL, on_error, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    for (int i = 0; i < nbatches; i++) influx_write(g_api, "b", NULL, p);
    long before = g_drops;
    g_guard = guard;
    g_armed = 1;
    influx_result rc = influx_write(g_api, "b", NULL, p);
    g_armed = 0;
    long by_one_write = g_drops - before;
    influx_write_stats st;
    influx_write_api_stats(g_api, &st);
    EXPECT(rc == INFLUX_OK, "the write into the full buffer -> %d (%s)", rc, influx_strerror(rc));
    EXPECT(by_one_write <= 2, "one write dropped %ld of %d batches (callback nesting %d)", by_one_write, nbatches,
           g_max_depth);
    EXPECT(g_max_depth <= 2, "drop callback nested %d deep", g_max_depth);
    EXPECT(st.accepted == st.written + st.failed + st.dropped + st.buffered_lines,
           "accepted %" PRIu64 " != written %" PRIu64 " + failed %" PRIu64 " + dropped %" PRIu64 " + buffered %" PRIu64,
           st.accepted, st.written, st.failed, st.dropped, st.buffered_lines);
    EXPECT(st.dropped == (uint64_t)g_dropped_lines, "stats.dropped %" PRIu64 " != dropped lines reported %ld",
           st.dropped, g_dropped_lines);
    influx_point_free(p);
    influx_write_api_close(g_api);
    influx_client_free(cl);
}

/* The guard in the callback stops a cascade at depth 50, so this measures it without dying. */
static void bounded_with_1000_batches(void) { run(1000, 50); }

/* The callback as a user writes it (no guard): 5,000 batches is where the recursion
 * overflowed the stack. */
static void survives_5000_batches(void) { run(5000, 1 << 30); }

static const adv_case cases[] = {
    {"d02_one_write_drops_a_bounded_number_1000", bounded_with_1000_batches, 40,
     "1,000 one-line batches, a drop callback that writes: <= 2 drops, nesting <= 2"},
    {"d02_no_stack_overflow_5000", survives_5000_batches, 50,
     "5,000 one-line batches: no crash, <= 2 drops for one write"},
};
ADV_MAIN("adv_d02_drop_cascade", cases)
