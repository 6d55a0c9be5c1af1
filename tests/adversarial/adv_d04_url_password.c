/* D4: a password inside `url` (http://user:PASSWORD@host) is a secret like the token:
 * CONFIGURATION.md says it is shown as `***`. It must not appear in transport errors
 * (last error, callback messages), in influx_conf_set's error text for a rejected url, or in
 * influx_conf_get's output (url, and proxy likewise). Today all of these show it in clear. */
#include "adv.h"

#define PW "SECRET-PW-1234"

typedef struct {
    int leaks, calls;
} seen;

static void on_error(const influx_batch *b, const influx_error *e, void *ud) {
    seen *s = ud;
    (void)b;
    s->calls++;
    if (adv_has_str(e->message, PW) || adv_has_str(e->server_message, PW)) s->leaks++;
}

static void on_retry(const influx_batch *b, const influx_error *e, uint32_t k, uint64_t d, void *ud) {
    (void)k;
    (void)d;
    on_error(b, e, ud);
}

static void not_in_transport_errors(void) {
    char dead[64], url[128];
    adv_dead_url(dead, sizeof dead);
    snprintf(url, sizeof url, "http://user:" PW "@%s", dead + strlen("http://"));
    influx_client *cl = adv_client(url, NULL, NULL);
    const char *sync_kv[] = {"write_type", "synchronous", NULL};
    influx_write_api *w = adv_api(cl, sync_kv, NULL, NULL, NULL, NULL);
    influx_point *p = adv_point("m", "f", 1);
    influx_result rc = influx_write(w, "b", NULL, p);
    EXPECT(rc == INFLUX_ERR_TRANSPORT, "write to a closed port -> %d", rc);
    EXPECT(!adv_has_str(influx_last_error_message(), PW), "last error shows the url password: %s",
           influx_last_error_message());
    influx_write_api_close(w);

    seen s = {0, 0};
    const char *kv[] = {"max_retries", "1", "retry_interval", "5", NULL};
    w = adv_api(cl, kv, NULL, on_error, on_retry, &s);
    influx_write(w, "b", NULL, p);
    EXPECT_RC(influx_flush_timeout(w, 5000), INFLUX_OK);
    influx_write_api_close(w);
    EXPECT(s.calls >= 2, "expected a retry and an error report, got %d callbacks", s.calls);
    EXPECT(s.leaks == 0, "%d of %d callback messages show the url password", s.leaks, s.calls);
    influx_point_free(p);
    influx_client_free(cl);
}

static void not_in_conf_set_errors(void) {
    const char *bad[] = {"ftp://user:" PW "@host", "http://user:" PW "@[::1", "http://user:" PW "@h:99999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        influx_conf *c = influx_conf_new();
        char err[512] = "";
        influx_result rc = influx_conf_set(c, "url", bad[i], err, sizeof err);
        if (rc != INFLUX_OK) {
            EXPECT(!adv_has_str(err, PW), "conf_set(url, #%zu) errstr shows the password: %s", i, err);
            EXPECT(!adv_has_str(influx_last_error_message(), PW), "conf_set(url, #%zu) last error shows the password",
                   i);
        }
        influx_conf_free(c);
    }
    influx_conf *c = influx_conf_new();
    char err[512] = "";
    influx_result rc = influx_conf_set(c, "url", "ftp://user:" PW "@host", err, sizeof err);
    EXPECT(rc == INFLUX_ERR_CONFIG, "ftp url -> %d", rc);
    influx_conf_free(c);
}

static void not_in_conf_get(void) {
    const char *keys[] = {"url", "proxy"};
    const char *values[] = {"http://user:" PW "@db.example:8086", "http://user:" PW "@proxy.example:3128"};
    for (int i = 0; i < 2; i++) {
        influx_conf *c = influx_conf_new();
        EXPECT_RC(influx_conf_set(c, keys[i], values[i], NULL, 0), INFLUX_OK);
        char buf[256] = "";
        size_t n = sizeof buf;
        EXPECT_RC(influx_conf_get(c, keys[i], buf, &n), INFLUX_OK);
        EXPECT(!adv_has_str(buf, PW), "conf_get(%s) shows the password: %s", keys[i], buf);
        EXPECT(adv_has_str(buf, "***"), "conf_get(%s) = %s, want the password as ***", keys[i], buf);
        influx_conf_free(c);
    }
}

static const adv_case cases[] = {
    {"d04_url_password_not_in_transport_errors", not_in_transport_errors, 20,
     "transport failure: last error and retry/error callback messages"},
    {"d04_url_password_not_in_conf_set_errors", not_in_conf_set_errors, 10, "errstr of a rejected url"},
    {"d04_url_password_not_in_conf_get", not_in_conf_get, 10, "influx_conf_get(url / proxy) shows ***"},
};
ADV_MAIN("adv_d04_url_password", cases)
