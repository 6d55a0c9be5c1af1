/* D10: CONFIGURATION.md: values are "validated when set". These urls and proxies pass
 * influx_conf_set and influx_client_new today and fail only per write, as a retriable
 * transport error (or the request goes to a wrong path such as "/?x=1/api/v2/write").
 * Fixed behaviour: influx_conf_set refuses them with INFLUX_ERR_CONFIG and a message naming
 * the key; the conf keeps its previous value. */
#include "adv.h"

static void expect_refused(const char *key, const char *value) {
    influx_conf *c = influx_conf_new();
    char err[512] = "";
    influx_result rc = influx_conf_set(c, key, value, err, sizeof err);
    EXPECT(rc == INFLUX_ERR_CONFIG, "conf_set(%s, \"%s\") -> %d (%s)", key, value, rc, influx_strerror(rc));
    EXPECT(rc == INFLUX_OK || adv_has_str(err, key), "errstr does not name %s: %s", key, err);
    char buf[256] = "";
    size_t n = sizeof buf;
    influx_conf_get(c, key, buf, &n);
    EXPECT(strcmp(buf, value) != 0, "the refused value %s was stored", value);
    influx_conf_free(c);
}

static void bad_urls_refused(void) {
    const char *urls[] = {"http://[::1",          "http://127.0.0.1:99999", "http://127.0.0.1:-1",
                          "http://127.0.0.1:9?x=1", "http://127.0.0.1:9#frag", "http://127.0.0.1:9/path?q#f",
                          "http://127.0.0.1:65536"};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) expect_refused("url", urls[i]);
}

static void bad_proxies_refused(void) {
    const char *proxies[] = {"::::not a url", "http://[::1", "http://proxy:99999", "not a url at all"};
    for (size_t i = 0; i < sizeof proxies / sizeof proxies[0]; i++) expect_refused("proxy", proxies[i]);
}

/* control: the valid forms stay accepted (B13 held) */
static void good_urls_accepted(void) {
    const char *urls[] = {"http://127.0.0.1:8086", "https://db.example", "http://[::1]:8086", "http://h:65535/",
                          "http://h/influx/"};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        influx_conf *c = influx_conf_new();
        char err[512] = "";
        EXPECT(influx_conf_set(c, "url", urls[i], err, sizeof err) == INFLUX_OK, "url %s refused: %s", urls[i], err);
        influx_conf_free(c);
    }
    influx_conf *c = influx_conf_new();
    EXPECT_RC(influx_conf_set(c, "proxy", "http://proxy.example:3128", NULL, 0), INFLUX_OK);
    influx_conf_free(c);
}

static const adv_case cases[] = {
    {"d10_bad_urls_refused", bad_urls_refused, 10, "[::1 unclosed, port 99999/-1/65536, ?query, #fragment -> CONFIG"},
    {"d10_bad_proxies_refused", bad_proxies_refused, 10, "a proxy that is not a URL -> CONFIG"},
    {"d10_good_urls_accepted", good_urls_accepted, 10, "control: valid urls and proxy accepted"},
};
ADV_MAIN("adv_d10_url", cases)
