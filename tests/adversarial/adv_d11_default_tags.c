/* D11: a default tag that can never be written (reserved key time/_field/_measurement, a
 * value ending in '\', a value over 64 KiB) is accepted by conf_set, client_new and
 * write_api_new today; every write then fails with INVALID_POINT and influx_lines_new(api)
 * returns NULL. Fixed behaviour: the error comes no later than influx_write_api_new (NULL,
 * with a message naming the tag), or already from influx_conf_set (INFLUX_ERR_CONFIG). A
 * value from `${env.VAR}` is only known when the API is created: write_api_new fails then. */
#include "adv.h"

/* The tag must be refused by conf_set, client_new or write_api_new, with a message naming it. */
static void expect_refused(const char *key, const char *value, const char *name, int on_client) {
    char url[64];
    adv_dead_url(url, sizeof url);
    influx_conf *c = influx_conf_new();
    influx_conf_set(c, "url", url, NULL, 0);
    influx_conf_set(c, "org", "o", NULL, 0);
    influx_conf *w = influx_conf_new();
    influx_conf_set(w, "max_close_wait", "0", NULL, 0);
    char err[512] = "";
    influx_result rc = influx_conf_set(on_client ? c : w, key, value, err, sizeof err);
    if (rc != INFLUX_OK) {
        EXPECT(rc == INFLUX_ERR_CONFIG, "%s: conf_set -> %d", key, rc);
        EXPECT(adv_has_str(err, name), "%s: conf_set message does not name the tag: %s", key, err);
        influx_conf_free(c);
        influx_conf_free(w);
        return;
    }
    influx_client *cl = influx_client_new(c, err, sizeof err);
    if (!cl) {
        EXPECT(adv_has_str(err, name), "%s: client_new message does not name the tag: %s", key, err);
        influx_conf_free(w);
        return;
    }
    err[0] = '\0';
    influx_write_api *api = influx_write_api_new(cl, w, err, sizeof err);
    EXPECT(api == NULL, "%s=\"%.20s\" on the %s conf: write_api_new succeeded", key, value, on_client ? "client" : "write");
    if (!api) EXPECT(adv_has_str(err, name), "%s: write_api_new message does not name the tag: %s", key, err);
    if (api) {
        influx_point *p = adv_point("m", "f", 1);
        influx_result wrc = influx_write(api, "b", NULL, p);
        fprintf(stderr, "    (%s: the API was created; a write then returns %d, %s)\n", key, wrc, influx_strerror(wrc));
        influx_point_free(p);
        influx_write_api_close(api);
    }
    influx_client_free(cl);
}

static void reserved_keys(void) {
    const char *keys[] = {"time", "_field", "_measurement"};
    for (int i = 0; i < 3; i++) {
        char key[64];
        snprintf(key, sizeof key, "default_tags.%s", keys[i]);
        expect_refused(key, "x", keys[i], 0);
        expect_refused(key, "x", keys[i], 1);
    }
}

static void unwritable_values(void) {
    expect_refused("default_tags.host", "ends\\", "host", 0);
    expect_refused("default_tags.host", "ends\\", "host", 1);
    char *big = malloc(70001);
    memset(big, 'v', 70000);
    big[70000] = '\0';
    expect_refused("default_tags.big", big, "big", 0);
    free(big);
}

static void env_value_checked_at_api_creation(void) {
    setenv("ADV_D11_TAG", "from-env\\", 1);
    char url[64];
    adv_dead_url(url, sizeof url);
    influx_client *cl = adv_client(url, NULL, NULL);
    influx_conf *w = influx_conf_new();
    EXPECT_RC(influx_conf_set(w, "default_tags.site", "${env.ADV_D11_TAG}", NULL, 0), INFLUX_OK);
    char err[512] = "";
    influx_write_api *api = influx_write_api_new(cl, w, err, sizeof err);
    EXPECT(api == NULL, "a default tag from ${env} ending in '\\': write_api_new succeeded");
    if (!api) EXPECT(adv_has_str(err, "site"), "message does not name the tag: %s", err);
    influx_write_api_close(api);
    influx_client_free(cl);
    unsetenv("ADV_D11_TAG");
}

static const adv_case cases[] = {
    {"d11_reserved_keys", reserved_keys, 10, "default_tags.time/_field/_measurement refused by api_new at the latest"},
    {"d11_unwritable_values", unwritable_values, 10, "value ending in '\\', 70,000-byte value"},
    {"d11_env_value_checked_at_api_creation", env_value_checked_at_api_creation, 10,
     "${env.VAR} resolving to an invalid value: write_api_new fails"},
};
ADV_MAIN("adv_d11_default_tags", cases)
