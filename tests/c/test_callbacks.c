/* Batching / asynchronous writes and delivery-report callbacks through the C API. */
#include <pthread.h>
#include <stdatomic.h>

#include "server.h"

typedef struct {
    atomic_long success_lines, error_lines, retries, success_calls, error_calls;
    atomic_int last_error_code, last_status;
    atomic_int bad_batch; /* a callback saw an inconsistent batch */
    influx_write_api *reenter; /* write API to write into from the success callback */
    atomic_int reentered;
} counters;

static const char *bucket;
static char run[64];

static int count_lines(const influx_batch *b) {
    int n = b->len ? 1 : 0;
    for (size_t i = 0; i < b->len; i++) n += b->data[i] == '\n';
    return n;
}

static void on_success(const influx_batch *b, void *ud) {
    counters *c = ud;
    if (count_lines(b) != (int)b->lines || !b->bucket || !b->org || b->attempts < 1) c->bad_batch = 1;
    c->success_lines += (long)b->lines;
    c->success_calls++;
    if (c->reenter && !c->reentered) {
        influx_point *p = influx_point_new("c_reentrant");
        influx_point_add_tag(p, "run", run);
        influx_point_add_field_i64(p, "v", 1);
        c->reentered = influx_write(c->reenter, bucket, NULL, p) == INFLUX_OK ? 1 : -1;
        influx_point_free(p);
    }
}

static void on_error(const influx_batch *b, const influx_error *e, void *ud) {
    counters *c = ud;
    if (count_lines(b) != (int)b->lines || !e->message || !e->server_message) c->bad_batch = 1;
    c->error_lines += (long)b->lines;
    c->error_calls++;
    c->last_error_code = e->code;
    c->last_status = e->http_status;
}

static void on_retry(const influx_batch *b, const influx_error *e, uint32_t retry, uint64_t delay_ms, void *ud) {
    counters *c = ud;
    (void)b;
    (void)delay_ms;
    if (!e->retriable || retry < 1) c->bad_batch = 1;
    c->retries++;
}

static influx_write_api *api(influx_client *cl, counters *cnt, const char *const *kv) {
    influx_conf *wo = influx_conf_new();
    char err[256];
    for (; kv && kv[0]; kv += 2) {
        if (influx_conf_set(wo, kv[0], kv[1], err, sizeof err)) fprintf(stderr, "conf: %s\n", err);
    }
    influx_conf_set_callbacks(wo, on_success, on_error, on_retry, cnt);
    influx_write_api *w = influx_write_api_new(cl, wo, err, sizeof err);
    if (!w) fprintf(stderr, "write_api_new: %s\n", err);
    CHECK(w != NULL);
    return w;
}

static long server_count(const char *meas) {
    char flux[512];
    snprintf(flux, sizeof flux,
             "from(bucket:\"%s\") |> range(start:0) |> filter(fn:(r)=>r._measurement==\"%s\" and "
             "r.run==\"%s\" and r._field==\"v\") |> group() |> count()",
             bucket, meas, run);
    char *v = query_value(flux);
    long n = v ? atol(v) : -1;
    free(v);
    return n;
}

typedef struct {
    influx_write_api *w;
    int thread;
    int n;
    int failures;
} writer_arg;

static void *writer(void *arg) {
    writer_arg *a = arg;
    influx_point *p = influx_point_new("c_batch");
    for (int i = 0; i < a->n; i++) {
        influx_point_reset(p, "c_batch");
        influx_point_add_tag(p, "run", run);
        char t[16];
        snprintf(t, sizeof t, "t%d", a->thread);
        influx_point_add_tag(p, "thread", t);
        influx_point_add_field_i64(p, "v", i);
        influx_point_set_time(p, 1700000000000LL + i, INFLUX_PRECISION_MS);
        if (influx_write(a->w, bucket, NULL, p) != INFLUX_OK) a->failures++;
    }
    influx_point_free(p);
    return NULL;
}

static void batching_delivers_every_point_once(void) {
    influx_client *cl = influx_client_new(server_conf(NULL), NULL, 0);
    counters cnt = {0};
    const char *kv[] = {"batch_size", "1000", "flush_interval", "200", NULL};
    influx_write_api *w = api(cl, &cnt, kv);
    cnt.reenter = w;
    enum { THREADS = 4, PER_THREAD = 6000 };
    pthread_t th[THREADS];
    writer_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (writer_arg){w, i, PER_THREAD, 0};
        pthread_create(&th[i], NULL, writer, &args[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK(args[i].failures == 0);
    }
    CHECK_RC(influx_flush(w), INFLUX_OK);
    /* flush returned: every point accepted before it is reported */
    CHECK(cnt.success_lines >= THREADS * PER_THREAD);
    influx_write_stats st;
    CHECK_RC(influx_write_api_stats(w, &st), INFLUX_OK);
    CHECK_RC(influx_write_api_close(w), INFLUX_OK);
    CHECK(cnt.reentered == 1);
    CHECK(cnt.success_lines == THREADS * PER_THREAD + 1);
    CHECK(cnt.error_lines == 0);
    CHECK(cnt.bad_batch == 0);
    CHECK(st.accepted >= (uint64_t)THREADS * PER_THREAD);
    CHECK(st.failed == 0 && st.dropped == 0);
    CHECK(server_count("c_batch") == THREADS * PER_THREAD);
    CHECK(server_count("c_reentrant") == 1);
    influx_client_free(cl);
}

static void not_retriable_error_is_reported_once(void) {
    influx_client *cl = influx_client_new(server_conf(NULL), NULL, 0);
    counters cnt = {0};
    const char *kv[] = {"write_type", "asynchronous", "retry_interval", "10", NULL};
    influx_write_api *w = api(cl, &cnt, kv);
    influx_point *p = influx_point_new("c_err");
    influx_point_add_field_i64(p, "v", 1);
    CHECK_RC(influx_write(w, "no-such-bucket-cb", NULL, p), INFLUX_OK);
    CHECK_RC(influx_write(w, "no-such-bucket-cb", NULL, p), INFLUX_OK);
    CHECK_RC(influx_flush_timeout(w, 30000), INFLUX_OK);
    CHECK(cnt.error_calls == 2);
    CHECK(cnt.error_lines == 2);
    CHECK(cnt.retries == 0);
    CHECK(cnt.last_error_code == INFLUX_ERR_HTTP);
    CHECK(cnt.last_status == 404);
    influx_point_free(p);
    CHECK_RC(influx_write_api_close(w), INFLUX_OK);
    influx_client_free(cl);
}

static influx_client *dead_server_client(void) {
    influx_conf *c = influx_conf_new();
    influx_conf_set(c, "url", "http://127.0.0.1:9", NULL, 0); /* discard port: refused */
    influx_conf_set(c, "org", "o", NULL, 0);
    influx_conf_set(c, "timeout", "1000", NULL, 0);
    return influx_client_new(c, NULL, 0);
}

static void retries_then_reports_exhausted(void) {
    influx_client *cl = dead_server_client();
    counters cnt = {0};
    const char *kv[] = {"batch_size", "10", "flush_interval", "10", "retry_interval", "20",
                        "max_retries", "3", "max_retry_delay", "50", NULL};
    influx_write_api *w = api(cl, &cnt, kv);
    const char *lp = "c_dead v=1i 1\nc_dead v=2i 2";
    CHECK_RC(influx_write_lp(w, "b", NULL, lp, strlen(lp), INFLUX_PRECISION_S), INFLUX_OK);
    CHECK_RC(influx_flush(w), INFLUX_OK);
    CHECK(cnt.retries == 3);
    CHECK(cnt.error_calls == 1);
    CHECK(cnt.error_lines == 2);
    CHECK(cnt.last_error_code == INFLUX_ERR_RETRIES_EXHAUSTED);
    CHECK(cnt.success_lines == 0);
    influx_write_stats st;
    influx_write_api_stats(w, &st);
    CHECK(st.retries == 3 && st.failed == 2 && st.buffered_lines == 0 && st.buffered_bytes == 0);
    CHECK_RC(influx_write_api_close(w), INFLUX_OK);
    influx_client_free(cl);
}

static void full_buffer_policies(void) {
    influx_client *cl = dead_server_client();
    /* reject: the write fails at once, nothing is lost silently */
    counters cnt = {0};
    const char *kv[] = {"batch_size", "5", "max_buffer_lines", "20", "buffer_full_policy", "reject",
                        "retry_interval", "60000", "max_close_wait", "200", NULL};
    influx_write_api *w = api(cl, &cnt, kv);
    int ok = 0, full = 0;
    for (int i = 0; i < 200; i++) {
        char line[64];
        snprintf(line, sizeof line, "c_full v=%di", i);
        influx_result rc = influx_write_lp(w, "b", NULL, line, strlen(line), INFLUX_PRECISION_NS);
        if (rc == INFLUX_OK) ok++;
        else if (rc == INFLUX_ERR_BUFFER_FULL) full++;
    }
    CHECK(ok == 20);
    CHECK(full == 180);
    influx_write_stats st;
    influx_write_api_stats(w, &st);
    CHECK(st.buffered_lines <= 20);
    CHECK_RC(influx_write_api_close(w), INFLUX_ERR_TIMED_OUT);
    /* close reported every accepted line failed */
    CHECK(cnt.error_lines == 20);
    CHECK(cnt.success_lines == 0);

    /* drop_oldest: old batches are reported dropped, new writes are accepted */
    counters cnt2 = {0};
    const char *kv2[] = {"batch_size", "5", "max_buffer_lines", "20", "buffer_full_policy", "drop_oldest",
                         "retry_interval", "60000", "max_close_wait", "200", NULL};
    w = api(cl, &cnt2, kv2);
    ok = 0;
    for (int i = 0; i < 200; i++) {
        char line[64];
        snprintf(line, sizeof line, "c_full v=%di", i);
        if (influx_write_lp(w, "b", NULL, line, strlen(line), INFLUX_PRECISION_NS) == INFLUX_OK) ok++;
    }
    influx_write_api_stats(w, &st);
    CHECK(st.buffered_lines <= 20);
    CHECK(st.dropped > 0);
    CHECK(cnt2.last_error_code == INFLUX_ERR_DROPPED || cnt2.last_error_code == INFLUX_ERR_TIMED_OUT);
    influx_write_api_close(w);
    /* every accepted line got exactly one terminal report */
    CHECK(cnt2.error_lines + cnt2.success_lines == ok);
    influx_client_free(cl);
}

typedef struct {
    influx_write_api *w;
    const influx_shape *shape; /* shared by the threads; NULL: call by call */
    int thread;
    int n;
    int failures;
} lines_arg;

/* One line buffer per thread, written every 700 lines (batches are made of pieces of
 * several buffers), with a single point now and then in between. */
static void *lines_writer(void *arg) {
    lines_arg *a = arg;
    influx_lines *lb = influx_lines_new(a->w, INFLUX_PRECISION_MS);
    char t[16];
    snprintf(t, sizeof t, "t%d", a->thread);
    for (int i = 0; i < a->n; i++) {
        int64_t time = 1700000000000LL + i;
        if (a->shape) {
            const char *tags[] = {run, t};
            influx_value v[] = {{.i64 = i}};
            if (influx_lines_add_row(lb, a->shape, tags, v, &time) != INFLUX_OK) a->failures++;
        } else {
            influx_lines_begin(lb, "c_lines_batch");
            influx_lines_add_tag(lb, "run", run);
            influx_lines_add_tag(lb, "thread", t);
            influx_lines_add_field_i64(lb, "v", i);
            if (influx_lines_end_at(lb, time) != INFLUX_OK) a->failures++;
        }
        if (influx_lines_count(lb) == 700 && influx_write_lines(a->w, bucket, NULL, lb) != INFLUX_OK)
            a->failures++;
        if (i % 5000 == 0) { /* a point between two buffers: same batch, order kept */
            influx_point *p = influx_point_new("c_lines_batch");
            influx_point_add_tag(p, "run", run);
            influx_point_add_tag(p, "thread", "single");
            influx_point_add_field_i64(p, "v", i);
            influx_point_set_time(p, time, INFLUX_PRECISION_MS);
            if (influx_write(a->w, bucket, NULL, p) != INFLUX_OK) a->failures++;
            influx_point_free(p);
        }
    }
    if (influx_write_lines(a->w, bucket, NULL, lb) != INFLUX_OK) a->failures++;
    influx_lines_free(lb);
    return NULL;
}

static void line_buffers_through_batching(void) {
    influx_client *cl = influx_client_new(server_conf(NULL), NULL, 0);
    counters cnt = {0};
    const char *kv[] = {"batch_size", "1000", "flush_interval", "200", NULL};
    influx_write_api *w = api(cl, &cnt, kv);
    const char *tag_keys[] = {"run", "thread"};
    const char *field_keys[] = {"v"};
    influx_field_type types[] = {INFLUX_FIELD_I64};
    influx_shape *shape = influx_shape_new("c_lines_batch", tag_keys, 2, field_keys, types, 1);
    CHECK(shape != NULL);
    enum { THREADS = 3, PER_THREAD = 12000, SINGLES = THREADS * ((PER_THREAD + 4999) / 5000) };
    pthread_t th[THREADS];
    lines_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (lines_arg){w, i == 0 ? NULL : shape, i, PER_THREAD, 0};
        pthread_create(&th[i], NULL, lines_writer, &args[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK(args[i].failures == 0);
    }
    influx_shape_free(shape);
    CHECK_RC(influx_flush(w), INFLUX_OK);
    influx_write_stats st;
    CHECK_RC(influx_write_api_stats(w, &st), INFLUX_OK);
    CHECK_RC(influx_write_api_close(w), INFLUX_OK);
    CHECK(st.accepted == (uint64_t)(THREADS * PER_THREAD + SINGLES));
    CHECK(st.written == st.accepted && st.failed == 0 && st.dropped == 0);
    CHECK(cnt.success_lines == THREADS * PER_THREAD + SINGLES);
    CHECK(cnt.error_lines == 0);
    CHECK(cnt.bad_batch == 0);
    /* the "single" points share timestamps across threads: the server keeps one per time */
    CHECK(server_count("c_lines_batch") == THREADS * PER_THREAD + (PER_THREAD + 4999) / 5000);
    influx_client_free(cl);
}

int main(void) {
    bucket = env_or_die("INFLUXDB_V2_BUCKET");
    run_id(run, sizeof run);
    batching_delivers_every_point_once();
    line_buffers_through_batching();
    not_retriable_error_is_reported_once();
    retries_then_reports_exhausted();
    full_buffer_policies();
    return check_summary("test_callbacks");
}
