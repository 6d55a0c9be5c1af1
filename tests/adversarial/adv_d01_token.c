/* D1: a token with a byte that cannot go into an HTTP header (DEL, a control byte, non-ASCII
 * such as a pasted NBSP) must be refused by influx_conf_set(conf, "token", ...) with
 * INFLUX_ERR_CONFIG, without echoing it; and if such a token ever reaches a request, no error
 * text, callback message or output of the process may contain it (canary).
 * Today: conf_set accepts it and every write fails with "Bad Header: invalid header
 * 'Authorization: Token <the whole token>'", a retriable transport error. */
#include "adv.h"
#include "fault_server.h"

#define CANARY "CANARY-TOKEN-1234"

static const struct {
    const char *name, *token;
} bad_tokens[] = {
    {"DEL", CANARY "\x7f"},
    {"0x01", CANARY "\x01"},
    {"ESC in the middle", CANARY "\x1b-more"},
    {"NBSP U+00A0", CANARY "\xc2\xa0"},
    {"e-acute", CANARY "-\xc3\xa9"},
};
enum { NBAD = sizeof bad_tokens / sizeof bad_tokens[0] };

static void refused_by_conf_set(void) {
    for (int i = 0; i < NBAD; i++) {
        influx_conf *c = influx_conf_new();
        char err[512] = "";
        influx_result rc = influx_conf_set(c, "token", bad_tokens[i].token, err, sizeof err);
        EXPECT(rc == INFLUX_ERR_CONFIG, "token with %s: conf_set -> %d (%s), want INFLUX_ERR_CONFIG", bad_tokens[i].name,
               rc, influx_strerror(rc));
        EXPECT(!adv_has_str(err, CANARY), "token with %s: errstr echoes the token: %s", bad_tokens[i].name, err);
        EXPECT(!adv_has_str(influx_last_error_message(), CANARY), "token with %s: last error echoes the token",
               bad_tokens[i].name);
        influx_conf_free(c);
    }
    /* TAB inside a token is allowed in a header value; plain printable ASCII too */
    influx_conf *c = influx_conf_new();
    EXPECT_RC(influx_conf_set(c, "token", "plain-token_0123456789", NULL, 0), INFLUX_OK);
    influx_conf_free(c);
}

/* The same tokens through the environment and a config file are refused as well. */
static void refused_by_env_and_file(void) {
    for (int i = 0; i < NBAD; i++) {
        setenv("INFLUXDB_V2_TOKEN", bad_tokens[i].token, 1);
        influx_conf *c = influx_conf_new();
        char err[512] = "";
        influx_result rc = influx_conf_load_env(c, err, sizeof err);
        EXPECT(rc == INFLUX_ERR_CONFIG, "env token with %s: load_env -> %d", bad_tokens[i].name, rc);
        EXPECT(!adv_has_str(err, CANARY), "env token with %s: errstr echoes the token", bad_tokens[i].name);
        influx_conf_free(c);
        unsetenv("INFLUXDB_V2_TOKEN");

        char path[] = "/tmp/adv_d01_XXXXXX"; /* no extension: ini */
        int fd = mkstemp(path);
        if (fd < 0) continue;
        dprintf(fd, "[influx2]\nurl = http://127.0.0.1:9\ntoken = %s\n", bad_tokens[i].token);
        close(fd);
        c = influx_conf_new();
        err[0] = '\0';
        rc = influx_conf_load_file(c, path, err, sizeof err);
        EXPECT(rc == INFLUX_ERR_CONFIG, "file token with %s: load_file -> %d", bad_tokens[i].name, rc);
        EXPECT(!adv_has_str(err, CANARY), "file token with %s: errstr echoes the token: %s", bad_tokens[i].name, err);
        influx_conf_free(c);
        unlink(path);
    }
}

typedef struct {
    int leaks, calls;
} seen;

static void on_error(const influx_batch *b, const influx_error *e, void *ud) {
    seen *s = ud;
    (void)b;
    s->calls++;
    if (adv_has_str(e->message, CANARY) || adv_has_str(e->server_message, CANARY)) s->leaks++;
}

static void on_retry(const influx_batch *b, const influx_error *e, uint32_t k, uint64_t d, void *ud) {
    (void)k;
    (void)d;
    on_error(b, e, ud);
}

/* If a bad token gets past conf_set, it must still never show: not in the last error, not in
 * a callback message, not on stdout/stderr; and the failure must not be a retriable transport
 * error (retrying cannot fix a token). A scripted server answers 204 to whatever arrives. */
static void never_shown_if_used(void) {
    fs_step ok = {FS_ANSWER, 204, NULL, NULL, 0};
    fault_server *fs = fs_start(&ok, 1);
    EXPECT(fs != NULL, "fault server");
    for (int i = 0; i < NBAD; i++) {
        influx_conf *c = influx_conf_new();
        influx_conf_set(c, "url", fs_url(fs), NULL, 0);
        influx_conf_set(c, "org", "o", NULL, 0);
        if (influx_conf_set(c, "token", bad_tokens[i].token, NULL, 0) != INFLUX_OK) {
            influx_conf_free(c); /* refused: the fixed behaviour, nothing more to see */
            continue;
        }
        adv_capture cap;
        adv_capture_begin(&cap);
        char err[512] = "";
        influx_client *cl = influx_client_new(c, err, sizeof err);
        int leaked_client = adv_has_str(err, CANARY);
        int leaked_sync = 0, sync_rc = 0, leaked_cb = 0, retriable_transport = 0;
        seen s = {0, 0};
        if (cl) {
            const char *sync_kv[] = {"write_type", "synchronous", NULL};
            influx_write_api *w = adv_api(cl, sync_kv, NULL, NULL, NULL, NULL);
            influx_point *p = adv_point("m", "f", 1);
            sync_rc = influx_write(w, "b", NULL, p);
            leaked_sync = adv_has_str(influx_last_error_message(), CANARY) ||
                          adv_has_str(influx_last_server_message(), CANARY);
            influx_write_api_close(w);
            const char *batch_kv[] = {"max_retries", "2", "retry_interval", "5", "max_close_wait", "3000", NULL};
            w = adv_api(cl, batch_kv, NULL, on_error, on_retry, &s);
            influx_write(w, "b", NULL, p);
            influx_flush_timeout(w, 3000);
            influx_write_api_close(w);
            influx_point_free(p);
            influx_client_free(cl);
            leaked_cb = s.leaks;
            retriable_transport = sync_rc == INFLUX_ERR_TRANSPORT;
        }
        size_t outlen = 0;
        char *out = adv_capture_end(&cap, &outlen);
        EXPECT(!leaked_client, "token with %s: client_new errstr shows the token", bad_tokens[i].name);
        EXPECT(!leaked_sync, "token with %s: influx_last_error_message() shows the token (write -> %d)",
               bad_tokens[i].name, sync_rc);
        EXPECT(!leaked_cb, "token with %s: %d of %d callback messages show the token", bad_tokens[i].name, s.leaks,
               s.calls);
        EXPECT(!adv_has(out, outlen, CANARY), "token with %s: stdout/stderr show the token", bad_tokens[i].name);
        EXPECT(!retriable_transport, "token with %s: classed as a retriable transport error", bad_tokens[i].name);
        free(out);
    }
    fs_stop(fs);
}

static const adv_case cases[] = {
    {"d01_bad_token_refused_by_conf_set", refused_by_conf_set, 20,
     "DEL/control/non-ASCII token -> INFLUX_ERR_CONFIG, not echoed"},
    {"d01_bad_token_refused_from_env_and_file", refused_by_env_and_file, 20,
     "the same tokens from INFLUXDB_V2_TOKEN and an ini file -> INFLUX_ERR_CONFIG"},
    {"d01_bad_token_never_shown", never_shown_if_used, 40,
     "canary never in last error, callbacks, stdout/stderr; not a retriable transport error"},
};
ADV_MAIN("adv_d01_token", cases)
