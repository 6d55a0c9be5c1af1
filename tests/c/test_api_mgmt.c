/* The management API through the header against the real InfluxDB 2.x: NULL and misuse
 * paths, clear/free of NULL and of zeroed structs, out-structs left zeroed on failure, and
 * real ping/health/ready, bucket, organization and delete cycles. Run under ASan/UBSan too. */
#include "server.h"

#include <stdint.h>

static char run[64];

static influx_client *new_client(const char *token) {
    char err[256];
    influx_client *c = influx_client_new(server_conf(token), err, sizeof err);
    if (!c) {
        fprintf(stderr, "client: %s\n", err);
        exit(2);
    }
    return c;
}

/* An out-struct full of garbage: a call must overwrite it without reading (or freeing) it. */
#define POISON(s) memset(&(s), 0xA5, sizeof(s))

static int bucket_is_zero(const influx_bucket *b) {
    return !b->id && !b->org_id && !b->name && !b->description && !b->type && !b->created_at &&
           !b->updated_at && !b->json && b->retention_seconds == 0 &&
           b->shard_group_duration_seconds == 0;
}

static int org_is_zero(const influx_org *o) {
    return !o->id && !o->name && !o->description && !o->created_at && !o->updated_at && !o->json;
}

static void null_arguments(influx_client *c) {
    influx_bucket b;
    influx_org o;
    influx_health_info h;
    influx_ready_info r;
    influx_ping_info p;
    influx_bucket *bs = (influx_bucket *)1;
    influx_org *os = (influx_org *)1;
    size_t n = 99;
    bool more = true;
    char id[17] = "xxxxxxxxxxxxxxxx";

    CHECK_RC(influx_ping(NULL, &p), INFLUX_ERR_INVALID_ARG);
    CHECK(p.version[0] == '\0' && p.build[0] == '\0');
    CHECK_RC(influx_ping(NULL, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_health(NULL, &h), INFLUX_ERR_INVALID_ARG);
    CHECK(!h.name && !h.status && !h.message && !h.version && !h.commit);
    CHECK_RC(influx_health(c, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_ready(NULL, &r), INFLUX_ERR_INVALID_ARG);
    CHECK(!r.status && !r.started && !r.up);
    CHECK_RC(influx_ready(c, NULL), INFLUX_ERR_INVALID_ARG);

    POISON(b);
    CHECK_RC(influx_bucket_create(NULL, NULL, "x", NULL, 0, 0, &b), INFLUX_ERR_INVALID_ARG);
    CHECK(bucket_is_zero(&b));
    CHECK_STR(influx_last_error_message(), "client is NULL");
    POISON(b);
    CHECK_RC(influx_bucket_create(c, NULL, NULL, NULL, 0, 0, &b), INFLUX_ERR_INVALID_ARG);
    CHECK(bucket_is_zero(&b));
    CHECK_STR(influx_last_error_message(), "name is NULL");
    CHECK_RC(influx_bucket_create(c, NULL, "x", NULL, 0, 0, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_bucket_create(c, NULL, "", NULL, 0, 0, &b), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_bucket_create(c, NULL, "x", NULL, -1, 0, &b), INFLUX_ERR_INVALID_ARG);
    CHECK(bucket_is_zero(&b));
    CHECK_RC(influx_bucket_create(c, NULL, "\xff", NULL, 0, 0, &b), INFLUX_ERR_INVALID_UTF8);

    CHECK_RC(influx_bucket_find(NULL, NULL, "x", &b), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_bucket_find(c, NULL, NULL, &b), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_bucket_find(c, NULL, "x", NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_bucket_find_by_id(NULL, "0000000000000001", &b), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_bucket_find_by_id(c, NULL, &b), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_bucket_find_by_id(c, "0000000000000001", NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_bucket_delete(NULL, "0000000000000001"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_bucket_delete(c, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK(bucket_is_zero(&b));

    CHECK_RC(influx_buckets_list(NULL, NULL, &bs, &n, &more), INFLUX_ERR_INVALID_ARG);
    CHECK(bs == NULL && n == 0 && !more);
    CHECK_RC(influx_buckets_list(c, NULL, NULL, &n, &more), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_buckets_list(c, NULL, &bs, NULL, &more), INFLUX_ERR_INVALID_ARG);
    influx_list_opts bad = {0};
    bad.limit = 101;
    bs = (influx_bucket *)1;
    CHECK_RC(influx_buckets_list(c, &bad, &bs, &n, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK(bs == NULL && n == 0);
    bad.limit = 0;
    bad.offset = -1;
    CHECK_RC(influx_orgs_list(c, &bad, &os, &n, &more), INFLUX_ERR_INVALID_ARG);
    CHECK(os == NULL && n == 0 && !more);
    CHECK_RC(influx_orgs_list(NULL, NULL, &os, &n, &more), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_orgs_list(c, NULL, NULL, &n, &more), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_orgs_list(c, NULL, &os, NULL, NULL), INFLUX_ERR_INVALID_ARG);

    POISON(o);
    CHECK_RC(influx_org_find(NULL, "x", &o), INFLUX_ERR_INVALID_ARG);
    CHECK(org_is_zero(&o));
    CHECK_RC(influx_org_find(c, NULL, &o), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_org_find(c, "x", NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_org_create(NULL, "x", NULL, &o), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_org_create(c, NULL, NULL, &o), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_org_create(c, "x", NULL, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_org_delete(NULL, "0000000000000001"), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_org_delete(c, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_org_resolve_id(NULL, NULL, id), INFLUX_ERR_INVALID_ARG);
    CHECK(id[0] == '\0');
    CHECK_RC(influx_org_resolve_id(c, NULL, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK(org_is_zero(&o));

    CHECK_RC(influx_delete(NULL, "b", NULL, 0, 1, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_delete(c, NULL, NULL, 0, 1, NULL), INFLUX_ERR_INVALID_ARG);
    CHECK_RC(influx_delete(c, "", NULL, 0, 1, NULL), INFLUX_ERR_INVALID_ARG);

    /* Clearing NULL, zeroed structs, twice. */
    influx_health_info_clear(NULL);
    influx_ready_info_clear(NULL);
    influx_bucket_clear(NULL);
    influx_org_clear(NULL);
    influx_buckets_free(NULL, 0);
    influx_buckets_free(NULL, 7);
    influx_orgs_free(NULL, 7);
    memset(&b, 0, sizeof b);
    memset(&o, 0, sizeof o);
    memset(&h, 0, sizeof h);
    memset(&r, 0, sizeof r);
    influx_bucket_clear(&b);
    influx_bucket_clear(&b);
    influx_org_clear(&o);
    influx_health_info_clear(&h);
    influx_ready_info_clear(&r);
    CHECK(bucket_is_zero(&b) && org_is_zero(&o));
}

static void status_calls(influx_client *c) {
    influx_ping_info p;
    POISON(p);
    CHECK_RC(influx_ping(c, &p), INFLUX_OK);
    CHECK(strncmp(p.version, "v2.", 3) == 0);
    CHECK_STR(p.build, "OSS");
    CHECK_RC(influx_ping(c, NULL), INFLUX_OK);

    influx_health_info h;
    POISON(h);
    CHECK_RC(influx_health(c, &h), INFLUX_OK);
    CHECK_STR(h.name, "influxdb");
    CHECK_STR(h.status, "pass");
    CHECK_STR(h.message, "ready for queries and writes");
    CHECK_STR(h.version, p.version);
    CHECK(h.commit && h.commit[0]);
    influx_health_info_clear(&h);
    CHECK(!h.name && !h.status && !h.message && !h.version && !h.commit);
    influx_health_info_clear(&h);

    influx_ready_info r;
    POISON(r);
    CHECK_RC(influx_ready(c, &r), INFLUX_OK);
    CHECK_STR(r.status, "ready");
    CHECK(r.started && strncmp(r.started, "20", 2) == 0);
    CHECK(r.up && r.up[0] && r.up[strlen(r.up) - 1] == 's');
    influx_ready_info_clear(&r);
    CHECK(!r.status && !r.started && !r.up);
}

static void unreachable_server(void) {
    influx_conf *conf = influx_conf_new();
    influx_conf_set(conf, "url", "http://127.0.0.1:1", NULL, 0);
    influx_conf_set(conf, "timeout", "2000", NULL, 0);
    influx_client *c = influx_client_new(conf, NULL, 0);
    CHECK(c != NULL);
    influx_ping_info p;
    influx_result rc = influx_ping(c, &p);
    CHECK(rc == INFLUX_ERR_TRANSPORT || rc == INFLUX_ERR_TIMEOUT);
    CHECK(p.version[0] == '\0');
    influx_health_info h;
    rc = influx_health(c, &h);
    CHECK(rc == INFLUX_ERR_TRANSPORT || rc == INFLUX_ERR_TIMEOUT);
    CHECK_STR(h.name, "influxdb");
    CHECK_STR(h.status, "fail");
    CHECK_STR(h.message, influx_last_error_message());
    CHECK_STR(h.version, "");
    influx_health_info_clear(&h);
    influx_client_free(c);
}

static void bucket_cycle(influx_client *c) {
    char name[128];
    snprintf(name, sizeof name, "c-mgmt-%s", run);
    const char *org = env_or_die("INFLUXDB_V2_ORG");

    influx_bucket b;
    POISON(b);
    CHECK_RC(influx_bucket_create(c, NULL, name, "from C", 3600, 0, &b), INFLUX_OK);
    CHECK_STR(b.name, name);
    CHECK_STR(b.description, "from C");
    CHECK_STR(b.type, "user");
    CHECK(b.retention_seconds == 3600);
    CHECK(b.shard_group_duration_seconds > 0);
    CHECK(b.id && strlen(b.id) == 16);
    CHECK(b.created_at && b.created_at[0] && b.updated_at && b.updated_at[0]);
    CHECK(b.json && strstr(b.json, b.id) != NULL);
    char org_id[17];
    CHECK_RC(influx_org_resolve_id(c, NULL, org_id), INFLUX_OK);
    CHECK_STR(b.org_id, org_id);
    CHECK_STR(org_id, env_or_die("INFLUXDB_V2_ORG_ID"));

    /* The same name again: the server's 422. */
    influx_bucket dup;
    POISON(dup);
    CHECK_RC(influx_bucket_create(c, org, name, NULL, 0, 0, &dup), INFLUX_ERR_HTTP);
    CHECK(influx_last_http_status() == 422);
    CHECK(strstr(influx_last_server_message(), "already exists") != NULL);
    CHECK(bucket_is_zero(&dup));

    influx_bucket f;
    POISON(f);
    CHECK_RC(influx_bucket_find(c, NULL, name, &f), INFLUX_OK);
    CHECK_STR(f.id, b.id);
    influx_bucket_clear(&f);
    CHECK_RC(influx_bucket_find(c, org, name, &f), INFLUX_OK);
    CHECK_STR(f.id, b.id);
    influx_bucket_clear(&f);
    CHECK_RC(influx_bucket_find(c, org_id, name, &f), INFLUX_OK);
    CHECK_STR(f.id, b.id);
    influx_bucket_clear(&f);
    CHECK_RC(influx_bucket_find_by_id(c, b.id, &f), INFLUX_OK);
    CHECK_STR(f.name, name);
    CHECK(f.retention_seconds == 3600);
    influx_bucket_clear(&f);

    /* Listed by name; and all of the org one bucket per page with `after`. */
    influx_list_opts opts = {0};
    opts.name = name;
    influx_bucket *list = NULL;
    size_t n = 0;
    bool more = true;
    CHECK_RC(influx_buckets_list(c, &opts, &list, &n, &more), INFLUX_OK);
    CHECK(n == 1 && list != NULL && !more);
    if (n == 1) CHECK_STR(list[0].id, b.id);
    influx_buckets_free(list, n);

    memset(&opts, 0, sizeof opts);
    opts.org = org;
    opts.limit = 1;
    char after[17] = "";
    int pages = 0, found = 0;
    for (;;) {
        opts.after = after[0] ? after : NULL;
        CHECK_RC(influx_buckets_list(c, &opts, &list, &n, &more), INFLUX_OK);
        CHECK(n <= 1);
        pages++;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(list[i].id, b.id) == 0) found++;
            CHECK_STR(list[i].org_id, org_id);
        }
        if (n > 0) snprintf(after, sizeof after, "%s", list[n - 1].id);
        influx_buckets_free(list, n);
        if (!more || pages > 10000) break;
    }
    CHECK(found == 1);
    CHECK(pages >= 3); /* test-bucket, the system buckets, ours */

    CHECK_RC(influx_bucket_delete(c, b.id), INFLUX_OK);
    POISON(f);
    CHECK_RC(influx_bucket_find_by_id(c, b.id, &f), INFLUX_ERR_NOT_FOUND);
    CHECK(influx_last_http_status() == 404);
    CHECK_STR(influx_last_server_message(), "bucket not found");
    CHECK(bucket_is_zero(&f));
    CHECK_RC(influx_bucket_find(c, NULL, name, &f), INFLUX_ERR_NOT_FOUND);
    CHECK_RC(influx_bucket_find(c, org, name, &f), INFLUX_ERR_NOT_FOUND);
    CHECK_RC(influx_bucket_delete(c, b.id), INFLUX_ERR_NOT_FOUND);
    influx_bucket_clear(&b);
    CHECK(bucket_is_zero(&b));
}

static void org_cycle(influx_client *c) {
    char name[128];
    snprintf(name, sizeof name, "c-org-%s", run);
    influx_org o;
    POISON(o);
    CHECK_RC(influx_org_create(c, name, "an org from C", &o), INFLUX_OK);
    CHECK_STR(o.name, name);
    CHECK_STR(o.description, "an org from C");
    CHECK(o.id && strlen(o.id) == 16);
    CHECK(o.json && strstr(o.json, name) != NULL);

    influx_org f;
    POISON(f);
    CHECK_RC(influx_org_find(c, name, &f), INFLUX_OK);
    CHECK_STR(f.id, o.id);
    influx_org_clear(&f);
    char id[17];
    CHECK_RC(influx_org_resolve_id(c, name, id), INFLUX_OK);
    CHECK_STR(id, o.id);
    CHECK_RC(influx_org_resolve_id(c, o.id, id), INFLUX_OK);
    CHECK_STR(id, o.id);

    /* A bucket in it, created by org name, found by org ID. */
    influx_bucket b;
    CHECK_RC(influx_bucket_create(c, name, "in-the-new-org", NULL, 0, 0, &b), INFLUX_OK);
    CHECK_STR(b.org_id, o.id);
    CHECK(b.retention_seconds == 0);
    influx_bucket f2;
    CHECK_RC(influx_bucket_find(c, o.id, "in-new-org-missing", &f2), INFLUX_ERR_NOT_FOUND);
    CHECK(bucket_is_zero(&f2));
    influx_bucket_clear(&b);

    influx_org *list = NULL;
    size_t n = 0;
    bool more = false;
    int found = 0;
    influx_list_opts opts = {0};
    opts.limit = 1;
    for (int page = 0; page < 1000; page++) {
        CHECK_RC(influx_orgs_list(c, &opts, &list, &n, &more), INFLUX_OK);
        for (size_t i = 0; i < n; i++) found += strcmp(list[i].id, o.id) == 0;
        influx_orgs_free(list, n);
        if (!more) break;
        opts.offset += (int32_t)n;
    }
    CHECK(found == 1);
    CHECK_RC(influx_orgs_list(c, NULL, &list, &n, NULL), INFLUX_OK);
    CHECK(n >= 2 && list != NULL);
    influx_orgs_free(list, n);

    CHECK_RC(influx_org_delete(c, o.id), INFLUX_OK);
    CHECK_RC(influx_org_find(c, name, &f), INFLUX_ERR_NOT_FOUND);
    CHECK(influx_last_http_status() == 404);
    CHECK(org_is_zero(&f));
    CHECK_RC(influx_org_resolve_id(c, name, id), INFLUX_ERR_NOT_FOUND);
    CHECK(id[0] == '\0');
    CHECK(strstr(influx_last_error_message(), "cannot find organization") != NULL);
    CHECK_RC(influx_org_delete(c, o.id), INFLUX_ERR_NOT_FOUND);
    CHECK_RC(influx_bucket_create(c, name, "x", NULL, 0, 0, &b), INFLUX_ERR_NOT_FOUND);
    influx_org_clear(&o);
}

static long count_points(const char *bucket, const char *filter) {
    char flux[1024];
    snprintf(flux, sizeof flux,
             "from(bucket:\"%s\") |> range(start:0) |> filter(fn:(r)=>%s) |> group() |> count() "
             "|> keep(columns:[\"_value\"])",
             bucket, filter);
    char *v = query_value(flux);
    long n = v ? strtol(v, NULL, 10) : 0;
    free(v);
    return n;
}

static void delete_cycle(influx_client *c) {
    char name[128];
    snprintf(name, sizeof name, "c-delete-%s", run);
    influx_bucket b;
    CHECK_RC(influx_bucket_create(c, NULL, name, NULL, 0, 0, &b), INFLUX_OK);

    influx_conf *wo = influx_conf_new();
    influx_conf_set(wo, "write_type", "synchronous", NULL, 0);
    influx_write_api *w = influx_write_api_new(c, wo, NULL, 0);
    CHECK(w != NULL);
    const int64_t t0 = 1700000000000000000LL, sec = 1000000000LL;
    char lp[4096];
    size_t len = 0;
    for (int i = 0; i < 10; i++) {
        len += (size_t)snprintf(lp + len, sizeof lp - len, "m,host=a v=%di %lld\nm,host=b v=%di %lld\n",
                                i, (long long)(t0 + i * sec), i, (long long)(t0 + i * sec));
    }
    CHECK_RC(influx_write_lp(w, name, NULL, lp, len, INFLUX_PRECISION_NS), INFLUX_OK);
    CHECK(count_points(name, "true") == 20);

    /* host a in [t0+3s, t0+6s]: 4 points, both ends included. */
    CHECK_RC(influx_delete(c, name, NULL, t0 + 3 * sec, t0 + 6 * sec, "_measurement=\"m\" AND host=\"a\""),
             INFLUX_OK);
    CHECK(count_points(name, "r.host == \"a\"") == 6);
    CHECK(count_points(name, "r.host == \"b\"") == 10);
    CHECK(count_points(name, "r.host == \"a\" and r._value >= 3 and r._value <= 6") == 0);
    /* NULL predicate: every series in the range; bucket by ID. */
    CHECK_RC(influx_delete(c, b.id, NULL, t0, t0, NULL), INFLUX_OK);
    CHECK(count_points(name, "true") == 14);
    CHECK_RC(influx_delete(c, name, NULL, t0, t0 + sec, "host=\"a\" OR host=\"b\""), INFLUX_ERR_HTTP);
    CHECK(influx_last_http_status() == 400);
    CHECK_RC(influx_delete(c, "no-such-bucket-c", NULL, t0, t0 + sec, NULL), INFLUX_ERR_NOT_FOUND);
    CHECK(count_points(name, "true") == 14);

    CHECK_RC(influx_write_api_close(w), INFLUX_OK);
    CHECK_RC(influx_bucket_delete(c, b.id), INFLUX_OK);
    influx_bucket_clear(&b);
}

static void wrong_token(void) {
    influx_client *c = new_client("wrong-token-C-CANARY");
    influx_bucket *list = (influx_bucket *)1;
    size_t n = 5;
    CHECK_RC(influx_buckets_list(c, NULL, &list, &n, NULL), INFLUX_ERR_HTTP);
    CHECK(list == NULL && n == 0);
    CHECK(influx_last_http_status() == 401);
    CHECK_STR(influx_last_server_message(), "unauthorized access");
    CHECK(strstr(influx_last_error_message(), "CANARY") == NULL);
    influx_bucket b;
    CHECK_RC(influx_bucket_create(c, NULL, "x", NULL, 0, 0, &b), INFLUX_ERR_HTTP);
    CHECK(influx_last_http_status() == 401);
    CHECK_RC(influx_delete(c, "b", NULL, 0, 1, NULL), INFLUX_ERR_HTTP);
    CHECK(influx_last_http_status() == 401);
    CHECK_RC(influx_ping(c, NULL), INFLUX_OK); /* no authentication on /ping */
    influx_client_free(c);
}

int main(void) {
    run_id(run, sizeof run);
    influx_client *c = new_client(NULL);
    null_arguments(c);
    status_calls(c);
    unreachable_server();
    bucket_cycle(c);
    org_cycle(c);
    delete_cycle(c);
    wrong_token();
    influx_client_free(c);
    return check_summary("test_api_mgmt");
}
