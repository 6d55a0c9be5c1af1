/* D6: influx_write_points with points of two precisions is all or nothing. With room in
 * the buffer for only the first precision group (policy reject), the call fails with
 * INFLUX_ERR_BUFFER_FULL and none of its points is accepted (stats.accepted unchanged, no
 * delivery report for them). Today the first group stays queued and is reported later: a
 * caller retrying the failed call duplicates it. */
#include "adv.h"
#include "fault_server.h"

static int g_reports_of_call;

static void on_error(const influx_batch *b, const influx_error *e, void *ud) {
    (void)e;
    (void)ud;
    for (size_t i = 0; i + 7 <= b->len; i++)
        if (memcmp(b->data + i, "call=1i", 7) == 0) g_reports_of_call++;
}

static void run(int room_for_all) {
    fault_server *fs = fs_start_silent(); /* the buffer cannot drain */
    const char *ckv[] = {"timeout", "5000", NULL};
    influx_client *cl = adv_client(fs_url(fs), NULL, ckv);
    const char *kv[] = {"batch_size", "10", "max_buffer_lines", "100", "buffer_full_policy", "reject",
                        "max_close_wait", "0", NULL};
    influx_write_api *w = adv_api(cl, kv, NULL, on_error, NULL, NULL);
    influx_point *fill = adv_point("m", "call", 0);
    int prefill = room_for_all ? 90 : 95;
    for (int i = 0; i < prefill; i++) influx_write(w, "b", NULL, fill);
    influx_point_free(fill);
    influx_point *pts[10];
    for (int i = 0; i < 10; i++) {
        pts[i] = adv_point("m", "call", 1);
        influx_point_set_time(pts[i], 1000 + i, i < 5 ? INFLUX_PRECISION_NS : INFLUX_PRECISION_S);
    }
    influx_write_stats s0, s1;
    influx_write_api_stats(w, &s0);
    influx_result rc = influx_write_points(w, "b", NULL, (const influx_point *const *)pts, 10);
    influx_write_api_stats(w, &s1);
    if (room_for_all) {
        EXPECT(rc == INFLUX_OK, "10 points with room for 10 -> %d", rc);
        EXPECT(s1.accepted - s0.accepted == 10, "accepted grew by %" PRIu64, s1.accepted - s0.accepted);
    } else {
        EXPECT(rc == INFLUX_ERR_BUFFER_FULL, "5 ns + 5 s points with room for 5 -> %d (%s)", rc, influx_strerror(rc));
        EXPECT(s1.accepted == s0.accepted, "a failed call had %" PRIu64 " lines accepted", s1.accepted - s0.accepted);
        EXPECT(s1.buffered_lines == s0.buffered_lines, "a failed call left %" PRIu64 " lines buffered",
               s1.buffered_lines - s0.buffered_lines);
    }
    influx_write_api_close(w); /* max_close_wait=0: every buffered line is reported */
    if (!room_for_all)
        EXPECT(g_reports_of_call == 0, "%d delivery reports for points of the failed call", g_reports_of_call);
    else
        EXPECT(g_reports_of_call == 10, "%d delivery reports for the 10 points, want 10", g_reports_of_call);
    for (int i = 0; i < 10; i++) influx_point_free(pts[i]);
    influx_client_free(cl);
    fs_stop(fs);
}

static void two_precisions_all_or_nothing(void) { run(0); }
static void two_precisions_with_room(void) { run(1); }

static const adv_case cases[] = {
    {"d06_two_precisions_all_or_nothing", two_precisions_all_or_nothing, 20,
     "BUFFER_FULL on the 2nd precision group: nothing of the call accepted or reported"},
    {"d06_two_precisions_with_room", two_precisions_with_room, 20,
     "control: with room, both groups accepted and each point reported once"},
};
ADV_MAIN("adv_d06_write_points", cases)
