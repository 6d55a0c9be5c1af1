//! The management API (`src/api/`) against a REAL InfluxDB 2.x (tests/support/server.rs):
//! status calls, bucket and organization life cycles with paging, the delete API counted
//! before and after with Flux, and the server's 401/404/422 answers.

#[path = "support/server.rs"]
mod support;

use std::collections::HashSet;

use influxdb_client::api::{ListOptions, ManagementApi};
use influxdb_client::client::Client;
use influxdb_client::config::Conf;
use influxdb_client::http::{Method, Request};
use influxdb_client::point::{Point, Precision};
use influxdb_client::{Code, Error};
use support::{run_id, server};

fn client() -> Client {
    Client::new(&server().conf()).unwrap()
}

fn mgmt() -> ManagementApi {
    client().management()
}

/// A client of the test server with another token.
fn mgmt_with_token(token: &str) -> ManagementApi {
    let mut c = server().conf();
    c.set("token", token).unwrap();
    Client::new(&c).unwrap().management()
}

fn assert_no_token(e: &Error) {
    let token = &server().token;
    assert!(!e.message.contains(token.as_str()), "{}", e.message);
    assert!(
        !e.server_message
            .as_deref()
            .unwrap_or("")
            .contains(token.as_str()),
        "{e:?}"
    );
}

/// `count()` of the points of `bucket` matching the Flux predicate `filter`, through the
/// library's HTTP side (plain CSV, one row per table after `group()`).
fn count(bucket: &str, filter: &str) -> i64 {
    let s = server();
    let flux = format!(
        r#"from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => {filter}) |> group() |> count()"#
    );
    let body = serde_json::json!({"query": flux, "type": "flux",
        "dialect": {"header": true, "annotations": []}})
    .to_string();
    let c = client();
    let resp = c
        .http()
        .send(Request {
            query: &[("org", &s.org)],
            headers: &[
                ("Content-Type", "application/json"),
                ("Accept", "application/csv"),
            ],
            body: Some(body.as_bytes()),
            ..Request::new(Method::Post, "/api/v2/query")
        })
        .unwrap();
    assert!(resp.is_success(), "{:?}", resp.into_error());
    let mut text = String::new();
    std::io::Read::read_to_string(&mut resp.into_reader(), &mut text).unwrap();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return 0; // no table: nothing matched
    };
    let col = header
        .trim_end()
        .split(',')
        .position(|h| h == "_value")
        .unwrap_or_else(|| panic!("no _value column: {text}"));
    lines
        .map(|l| {
            l.trim_end()
                .split(',')
                .nth(col)
                .unwrap()
                .parse::<i64>()
                .unwrap()
        })
        .sum()
}

#[test]
fn ping_health_and_ready_describe_the_server() {
    let m = mgmt();
    let ping = m.ping().unwrap();
    assert!(ping.version.starts_with("v2."), "{ping:?}");
    assert_eq!(ping.build, "OSS");

    let h = m.health();
    assert!(h.error.is_none(), "{:?}", h.error);
    assert_eq!(h.info.name, "influxdb");
    assert_eq!(h.info.status, "pass");
    assert_eq!(h.info.message, "ready for queries and writes");
    assert_eq!(h.info.version, ping.version);
    assert!(!h.info.commit.is_empty());

    let r = m.ready().unwrap();
    assert_eq!(r.status, "ready");
    assert!(
        r.started.starts_with("20") && r.started.ends_with('Z'),
        "{r:?}"
    );
    assert!(r.up.ends_with('s'), "{r:?}");

    // The three skip authentication: a wrong token changes nothing.
    let bad = mgmt_with_token("wrong-token");
    assert_eq!(bad.ping().unwrap(), ping);
    assert!(bad.health().error.is_none());
    assert_eq!(bad.ready().unwrap().status, "ready");
}

#[test]
fn status_calls_report_an_unreachable_server() {
    // A port nobody listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = Conf::new();
    c.set("url", &format!("http://127.0.0.1:{port}")).unwrap();
    c.set("token", &server().token).unwrap();
    let m = Client::new(&c).unwrap().management();
    let e = m.ping().unwrap_err();
    assert_eq!(e.code, Code::Transport, "{e:?}");
    let h = m.health();
    let e = h.error.expect("an error");
    assert_eq!(e.code, Code::Transport);
    assert_eq!(
        (h.info.name.as_str(), h.info.status.as_str()),
        ("influxdb", "fail")
    );
    assert_eq!(h.info.message, e.message);
    assert_no_token(&e);
    assert_eq!(m.ready().unwrap_err().code, Code::Transport);
}

#[test]
fn bucket_create_find_list_delete() {
    let s = server();
    let m = mgmt();
    let name = run_id("mgmt-bucket");
    let b = m
        .create_bucket(None, &name, Some("a test bucket"), 3600, 0)
        .unwrap();
    assert_eq!(b.name, name);
    assert_eq!(b.description, "a test bucket");
    assert_eq!(b.kind, "user");
    assert_eq!(b.retention_seconds, 3600);
    assert!(b.shard_group_duration_seconds > 0, "{b:?}");
    assert_eq!(b.org_id, m.resolve_org_id(None).unwrap());
    assert_eq!(b.org_id.len(), 16);
    assert!(!b.created_at.is_empty() && !b.updated_at.is_empty());
    let json: serde_json::Value = serde_json::from_str(&b.json).unwrap();
    assert_eq!(json["id"], b.id.as_str());
    assert!(json["links"]["self"].is_string());

    // Found by name without an org, by org name, by org ID; and by ID.
    assert_eq!(m.find_bucket(None, &name).unwrap().id, b.id);
    assert_eq!(m.find_bucket(Some(&s.org), &name).unwrap().id, b.id);
    assert_eq!(m.find_bucket(Some(&b.org_id), &name).unwrap().id, b.id);
    let by_id = m.find_bucket_by_id(&b.id).unwrap();
    assert_eq!(by_id.name, name);
    assert_eq!(by_id.retention_seconds, 3600);

    // Listed: only this name; in the org's pages.
    let page = m
        .list_buckets(&ListOptions {
            name: Some(&name),
            ..ListOptions::default()
        })
        .unwrap();
    assert_eq!(page.buckets.len(), 1);
    assert_eq!(page.buckets[0].id, b.id);
    assert!(!page.more);

    // Infinite retention, shard group duration, org given as an ID.
    let name2 = run_id("mgmt-bucket2");
    let b2 = m
        .create_bucket(Some(&b.org_id), &name2, None, 0, 0)
        .unwrap();
    assert_eq!((b2.retention_seconds, b2.description.as_str()), (0, ""));
    let name3 = run_id("mgmt-bucket3");
    let b3 = m
        .create_bucket(Some(&s.org), &name3, None, 7 * 86400, 86400)
        .unwrap();
    assert_eq!(
        (b3.retention_seconds, b3.shard_group_duration_seconds),
        (7 * 86400, 86400)
    );

    // The same name again: 422 from the server.
    let e = m.create_bucket(None, &name, None, 0, 0).unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::Http, 422), "{e:?}");
    assert!(
        e.server_message
            .as_deref()
            .unwrap()
            .contains("already exists"),
        "{e:?}"
    );

    for id in [&b.id, &b2.id, &b3.id] {
        m.delete_bucket(id).unwrap();
    }
    let e = m.find_bucket_by_id(&b.id).unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::NotFound, 404), "{e:?}");
    // By name: without an org the server answers 200 [], with one 404; both NOT_FOUND.
    assert_eq!(m.find_bucket(None, &name).unwrap_err().code, Code::NotFound);
    let e = m.find_bucket(Some(&s.org), &name).unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::NotFound, 404), "{e:?}");
    let e = m.delete_bucket(&b.id).unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::NotFound, 404), "{e:?}");
}

/// More than a page of 100 buckets in an org of their own, read with `after` paging: every
/// bucket exactly once, pages of at most `limit`, `more` until the last page. Deleting the
/// org deletes them.
#[test]
fn bucket_pages_with_after_cover_more_than_100_buckets() {
    let m = mgmt();
    let org = m
        .create_org(&run_id("mgmt-paging"), Some("paging test"))
        .unwrap();
    let mut created = HashSet::new();
    for i in 0..103 {
        let b = m
            .create_bucket(Some(&org.name), &format!("b{i:03}"), None, 0, 0)
            .unwrap();
        assert_eq!(b.org_id, org.id);
        created.insert(b.id);
    }

    for limit in [100, 7] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = m
                .list_buckets(&ListOptions {
                    org: Some(&org.id),
                    after: after.as_deref(),
                    limit,
                    ..ListOptions::default()
                })
                .unwrap();
            pages += 1;
            assert!(page.buckets.len() <= limit as usize);
            for b in &page.buckets {
                assert_eq!(b.org_id, org.id);
            }
            seen.extend(page.buckets.iter().map(|b| b.id.clone()));
            if !page.more {
                break;
            }
            assert_eq!(page.buckets.len(), limit as usize);
            after = page.buckets.last().map(|b| b.id.clone());
            assert!(pages < 100, "paging does not end");
        }
        let unique: HashSet<_> = seen.iter().cloned().collect();
        assert_eq!(
            unique.len(),
            seen.len(),
            "a bucket listed twice (limit {limit})"
        );
        // Ours, plus the system buckets a new org gets.
        assert!(created.is_subset(&unique), "limit {limit}");
        let user = seen.len() - created.len();
        assert!(user <= 2, "{user} buckets not ours");
        assert!(pages >= 103usize.div_ceil(limit as usize), "{pages} pages");
    }

    // offset paging by org name gives the same set.
    let first = m
        .list_buckets(&ListOptions {
            org: Some(&org.name),
            limit: 100,
            ..ListOptions::default()
        })
        .unwrap();
    let rest = m
        .list_buckets(&ListOptions {
            org: Some(&org.name),
            offset: 100,
            limit: 100,
            ..ListOptions::default()
        })
        .unwrap();
    assert!(first.more);
    assert!(!rest.more);
    assert_eq!(first.buckets.len() + rest.buckets.len(), created.len() + 2);

    m.delete_org(&org.id).unwrap();
    let e = m
        .find_bucket_by_id(created.iter().next().unwrap())
        .unwrap_err();
    assert_eq!(e.code, Code::NotFound, "{e:?}");
}

#[test]
fn org_create_find_list_resolve_delete() {
    let m = mgmt();
    let name = run_id("mgmt-org");
    let o = m.create_org(&name, Some("made by a test")).unwrap();
    assert_eq!(o.name, name);
    assert_eq!(o.description, "made by a test");
    assert_eq!(o.id.len(), 16);
    assert!(!o.created_at.is_empty() && !o.updated_at.is_empty());
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&o.json).unwrap()["name"],
        name.as_str()
    );

    assert_eq!(m.find_org(&name).unwrap(), o);
    assert_eq!(m.resolve_org_id(Some(&name)).unwrap(), o.id);
    assert_eq!(m.resolve_org_id(Some(&o.id)).unwrap(), o.id);
    assert_eq!(
        m.resolve_org_id(None).unwrap(),
        m.find_org(&server().org).unwrap().id
    );

    // Paged with a limit of 1: every org once, ours among them.
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = m
            .list_orgs(&ListOptions {
                offset,
                limit: 1,
                ..ListOptions::default()
            })
            .unwrap();
        assert!(page.orgs.len() <= 1);
        seen.extend(page.orgs.into_iter().map(|o| o.id));
        if !page.more {
            break;
        }
        offset += 1;
        assert!(offset < 1000);
    }
    assert!(seen.contains(&o.id), "{seen:?}");
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
    let all = m.list_orgs(&ListOptions::default()).unwrap();
    assert!(all.orgs.iter().any(|x| x.id == o.id));

    // A second org of the same name: 422.
    let e = m.create_org(&name, None).unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::Http, 422), "{e:?}");

    m.delete_org(&o.id).unwrap();
    let e = m.find_org(&name).unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::NotFound, 404), "{e:?}");
    let e = m.resolve_org_id(Some(&name)).unwrap_err();
    assert_eq!(e.code, Code::NotFound);
    assert_eq!(
        e.message,
        format!("The client cannot find organization with name: '{name}' to determine their ID.")
    );
    let e = m.delete_org(&o.id).unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::NotFound, 404), "{e:?}");
    // Creating a bucket in it now fails before any bucket request.
    let e = m.create_bucket(Some(&name), "b", None, 0, 0).unwrap_err();
    assert_eq!(e.code, Code::NotFound);
}

#[test]
fn delete_removes_exactly_the_predicates_points() {
    let m = mgmt();
    let bucket = m
        .create_bucket(None, &run_id("mgmt-delete"), None, 0, 0)
        .unwrap();
    let mut w = Conf::new();
    w.set("write_type", "synchronous").unwrap();
    let api = client().write_api(Some(&w), None).unwrap();
    let t0 = 1_700_000_000_000_000_000i64;
    let sec = 1_000_000_000i64;
    let mut points = Vec::new();
    for meas in ["cpu", "mem"] {
        for host in ["a", "b"] {
            for i in 0..10 {
                let mut p = Point::new(meas).unwrap();
                p.tag("host", host).unwrap();
                p.field_i64("v", i).unwrap();
                p.set_time(t0 + i * sec, Precision::Ns).unwrap();
                points.push(p);
            }
        }
    }
    let refs: Vec<&Point> = points.iter().collect();
    api.write_points(&bucket.name, None, &refs).unwrap();
    let all = "true";
    let cpu_a = r#"r._measurement == "cpu" and r.host == "a""#;
    assert_eq!(count(&bucket.name, all), 40);
    assert_eq!(count(&bucket.name, cpu_a), 10);

    // cpu/a in [t0+2s, t0+5s]: 4 points (both ends included), nothing else.
    m.delete(
        &bucket.name,
        None,
        t0 + 2 * sec,
        t0 + 5 * sec,
        r#"_measurement="cpu" AND host="a""#,
    )
    .unwrap();
    assert_eq!(count(&bucket.name, cpu_a), 6);
    assert_eq!(
        count(
            &bucket.name,
            r#"r._measurement == "cpu" and r.host == "a" and r._value >= 2 and r._value <= 5"#
        ),
        0
    );
    assert_eq!(count(&bucket.name, all), 36);

    // No predicate: everything in the range, of every series; bucket and org by ID.
    m.delete(
        &bucket.id,
        Some(&bucket.org_id),
        t0 + 8 * sec,
        t0 + 20 * sec,
        "",
    )
    .unwrap();
    assert_eq!(count(&bucket.name, all), 36 - 4 * 2);
    assert_eq!(count(&bucket.name, r#"r.host == "b""#), 16);

    // A predicate the server refuses, an unknown bucket, an unknown org.
    let e = m
        .delete(&bucket.name, None, t0, t0 + sec, r#"host="a" OR host="b""#)
        .unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::Http, 400), "{e:?}");
    let e = m
        .delete(&run_id("no-such-bucket"), None, t0, t0 + sec, "")
        .unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::NotFound, 404), "{e:?}");
    let e = m
        .delete(&bucket.name, Some("no-such-org"), t0, t0 + sec, "")
        .unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::NotFound, 404), "{e:?}");
    assert_eq!(count(&bucket.name, all), 28);
    m.delete_bucket(&bucket.id).unwrap();
}

#[test]
fn wrong_token_is_401_everywhere_with_no_token_in_messages() {
    let s = server();
    let m = mgmt_with_token("wrong-token-CANARY");
    let errors = [
        m.list_buckets(&ListOptions::default()).unwrap_err(),
        m.find_bucket(None, &s.bucket).unwrap_err(),
        m.find_bucket_by_id("0000000000000001").unwrap_err(),
        m.create_bucket(Some("0000000000000001"), "x", None, 0, 0)
            .unwrap_err(),
        m.delete_bucket("0000000000000001").unwrap_err(),
        m.find_org(&s.org).unwrap_err(),
        m.list_orgs(&ListOptions::default()).unwrap_err(),
        m.create_org("x", None).unwrap_err(),
        m.delete_org("0000000000000001").unwrap_err(),
        m.resolve_org_id(None).unwrap_err(),
        m.delete(&s.bucket, None, 0, 1, "").unwrap_err(),
    ];
    for e in errors {
        assert_eq!((e.code, e.http_status), (Code::Http, 401), "{e:?}");
        assert_eq!(
            e.server_message.as_deref(),
            Some("unauthorized access"),
            "{e:?}"
        );
        assert!(!e.message.contains("CANARY"), "{}", e.message);
    }
    // With the right token, errors carry no token either.
    let e = mgmt().find_bucket_by_id("0000000000000001").unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::NotFound, 404));
    assert_eq!(e.server_message.as_deref(), Some("bucket not found"));
    assert_no_token(&e);
    // An ID of the wrong form is the server's 400.
    let e = mgmt().find_bucket_by_id("not-an-id").unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::Http, 400), "{e:?}");
}

#[test]
fn bad_arguments_fail_before_any_request() {
    let m = mgmt();
    let bad = |e: Error| assert_eq!(e.code, Code::InvalidArgument, "{e:?}");
    bad(m.create_bucket(None, "", None, 0, 0).unwrap_err());
    bad(m.create_bucket(None, "x", None, -1, 0).unwrap_err());
    bad(m.create_bucket(None, "x", None, 0, -1).unwrap_err());
    bad(m.find_bucket(None, "").unwrap_err());
    bad(m.find_bucket_by_id("").unwrap_err());
    bad(m.delete_bucket("").unwrap_err());
    bad(m.find_org("").unwrap_err());
    bad(m.create_org("", None).unwrap_err());
    bad(m.delete_org("").unwrap_err());
    bad(m.resolve_org_id(Some("")).unwrap_err());
    bad(m.delete("", None, 0, 1, "").unwrap_err());
    for (offset, limit) in [(-1, 0), (0, -1), (0, 101)] {
        let o = ListOptions {
            offset,
            limit,
            ..ListOptions::default()
        };
        bad(m.list_buckets(&o).unwrap_err());
        bad(m.list_orgs(&o).unwrap_err());
    }
    // No org anywhere: resolving needs one.
    let mut c = Conf::new();
    c.set("url", &server().url).unwrap();
    c.set("token", &server().token).unwrap();
    let no_org = Client::new(&c).unwrap().management();
    bad(no_org.resolve_org_id(None).unwrap_err());
    bad(no_org.create_bucket(None, "x", None, 0, 0).unwrap_err());
}

/// With `enable_gzip` the management bodies still go uncompressed: InfluxDB reads gzip
/// request bodies on `/api/v2/write` only (a gzip bucket or delete body is its 400).
#[test]
fn management_calls_work_with_gzip_enabled() {
    let mut c = server().conf();
    c.set("enable_gzip", "true").unwrap();
    let client = Client::new(&c).unwrap();
    let m = client.management();
    let org = m.create_org(&run_id("mgmt-gzip-org"), None).unwrap();
    let b = m
        .create_bucket(None, &run_id("mgmt-gzip"), Some("gzip"), 0, 0)
        .unwrap();
    let mut w = Conf::new();
    w.set("write_type", "synchronous").unwrap();
    let api = client.write_api(Some(&w), None).unwrap();
    api.write_lp(
        &b.name,
        None,
        b"m,host=a v=1i 1\nm,host=a v=2i 2",
        Precision::Ns,
    )
    .unwrap();
    assert_eq!(count(&b.name, "true"), 2);
    m.delete(&b.name, None, 0, 1, r#"host="a""#).unwrap();
    assert_eq!(count(&b.name, "true"), 1);
    assert_eq!(m.find_bucket_by_id(&b.id).unwrap().description, "gzip");
    m.delete_bucket(&b.id).unwrap();
    m.delete_org(&org.id).unwrap();
}
