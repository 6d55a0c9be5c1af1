//! Username/password sign-in against a REAL InfluxDB 2.x (tests/support/server.rs), as the
//! seed's `InfluxDBClient(url=..., username=..., password=...)`: `POST /api/v2/signin` with
//! Basic credentials before the first request, the session cookie on every request (writes
//! and streamed queries), a new sign-in and one resend when the server has forgotten the
//! session, sign-out when the client is dropped. The user is the one scripts/influxdb.sh
//! sets up. Where the test must see the cookie (to sign the session out behind the client's
//! back) the client talks to the server through the forward proxy of the test support,
//! which records each request's headers; the answers are the real server's.

#[path = "support/loopback.rs"]
mod loopback;
#[path = "support/proxy.rs"]
mod proxy;
#[path = "support/server.rs"]
mod support;

use std::time::{Duration, Instant};

use influxdb_client::client::Client;
use influxdb_client::config::Conf;
use influxdb_client::point::Precision;
use influxdb_client::query::Event;
use influxdb_client::write::WriteApi;
use influxdb_client::Code;
use proxy::{ForwardProxy, ProxyRequest};
use support::{run_id, server, Server};

/// The test user of scripts/influxdb.sh (`readonly TEST_USER=...`, `TEST_PASSWORD=...`),
/// unless INFLUXDB_TEST_USERNAME / INFLUXDB_TEST_PASSWORD say otherwise.
fn credentials() -> (String, String) {
    let script =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/influxdb.sh"))
            .expect("read scripts/influxdb.sh");
    let read = |name: &str| -> String {
        let prefix = format!("readonly {name}=\"");
        let line = script
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("{name} not found in scripts/influxdb.sh"));
        line.trim_end_matches('"').to_string()
    };
    (
        std::env::var("INFLUXDB_TEST_USERNAME").unwrap_or_else(|_| read("TEST_USER")),
        std::env::var("INFLUXDB_TEST_PASSWORD").unwrap_or_else(|_| read("TEST_PASSWORD")),
    )
}

/// A conf with the user's credentials and no token.
fn signin_conf(s: &Server, password: &str) -> Conf {
    let (user, _) = credentials();
    let mut c = Conf::new();
    c.set("url", &s.url).unwrap();
    c.set("org", &s.org).unwrap();
    c.set("username", &user).unwrap();
    c.set("password", password).unwrap();
    c
}

fn sync_api(client: &Client) -> WriteApi {
    let mut w = Conf::new();
    w.set("write_type", "synchronous").unwrap();
    client.write_api(Some(&w), None).unwrap()
}

/// Points of `run` in measurement `signin`, counted with a query through `client`.
fn count(client: &Client, bucket: &str, run: &str) -> influxdb_client::Result<i64> {
    let flux = format!(
        r#"from(bucket:"{bucket}") |> range(start:0) |> filter(fn:(r)=>r._measurement=="signin" and r.run=="{run}") |> group() |> count()"#
    );
    let mut cursor = client.query_api().query(None, &flux, None)?;
    let mut n = 0;
    loop {
        match cursor.next()? {
            Event::End => return Ok(n),
            Event::Table => {}
            Event::Record => {
                let r = cursor.record().unwrap();
                let i = r
                    .table()
                    .columns()
                    .iter()
                    .position(|c| c.label() == "_value")
                    .unwrap();
                n = r.get_str(i).unwrap().parse().unwrap();
            }
        }
    }
}

fn write(api: &WriteApi, bucket: &str, run: &str, v: i64) -> influxdb_client::Result<()> {
    let line = format!("signin,run={run} v={v}i {}", 1_700_000_000 + v);
    api.write_lp(bucket, None, line.as_bytes(), Precision::S)
}

fn paths(reqs: &[ProxyRequest]) -> Vec<String> {
    reqs.iter()
        .map(|r| {
            let path = r
                .target
                .split_once("://")
                .map_or("", |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
            let path = path.split('?').next().unwrap_or("");
            format!("{} {path}", r.method)
        })
        .collect()
}

#[test]
fn writes_and_queries_with_username_and_password_and_no_token() {
    let s = server();
    let (_, password) = credentials();
    let client = Client::new(&signin_conf(s, &password)).unwrap();
    assert!(client.config().token.is_none());
    let api = sync_api(&client);
    let run = run_id("signin");
    for v in 0..3 {
        write(&api, &s.bucket, &run, v).unwrap();
    }
    // the query streams its answer on a connection of its own, with the same cookie
    assert_eq!(count(&client, &s.bucket, &run).unwrap(), 3);
    // and the server stored them (read with the token)
    assert_eq!(s.count("signin", &run, "v"), 3);
    let shown = format!("{client:?} {:#?} {:?}", client.config(), client.http());
    assert!(!shown.contains(&password), "{shown}");
    assert!(shown.contains("***"));
}

#[test]
fn a_wrong_password_is_a_clear_401_that_never_shows_the_password() {
    let s = server();
    let (user, _) = credentials();
    let wrong = "WRONG-password-canary-5c1e";
    let client = Client::new(&signin_conf(s, wrong)).unwrap();
    let api = sync_api(&client);
    let t0 = Instant::now();
    let e = write(&api, &s.bucket, &run_id("wrong"), 1).unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(5), "not retried");
    assert_eq!((e.code, e.http_status), (Code::Http, 401), "{e:?}");
    assert!(!e.retriable, "{e:?}");
    assert!(
        e.message.contains("sign-in") && e.message.contains(&user),
        "{}",
        e.message
    );
    let qe = count(&client, &s.bucket, "x").unwrap_err();
    assert_eq!((qe.code, qe.http_status), (Code::Http, 401), "{qe:?}");
    let me = client
        .management()
        .find_bucket(None, &s.bucket)
        .unwrap_err();
    assert_eq!(me.http_status, 401, "{me:?}");
    for text in [
        format!("{e} {e:?}"),
        format!("{qe} {qe:?}"),
        format!("{me:?}"),
        format!("{client:?}"),
    ] {
        assert!(!text.contains(wrong), "{text}");
    }
}

#[test]
fn a_session_the_server_forgot_is_renewed_and_the_request_sent_again() {
    let s = server();
    let (_, password) = credentials();
    let proxy = ForwardProxy::start(None);
    let mut conf = signin_conf(s, &password);
    conf.set("proxy", &proxy.url(None)).unwrap();
    // as the seed: with username and password, the token is not sent (a wrong one is harmless)
    conf.set("token", "not-sent-token").unwrap();
    let client = Client::new(&conf).unwrap();
    let api = sync_api(&client);
    let run = run_id("renew");
    write(&api, &s.bucket, &run, 1).unwrap();
    let reqs = proxy.requests();
    assert_eq!(
        paths(&reqs),
        ["POST /api/v2/signin", "POST /api/v2/write"],
        "{reqs:?}"
    );
    assert!(reqs[0]
        .authorization
        .as_deref()
        .unwrap()
        .starts_with("Basic "));
    assert!(reqs[0].cookie.is_none());
    assert!(reqs[1].authorization.is_none(), "{reqs:?}");
    let cookie = reqs[1]
        .cookie
        .clone()
        .expect("the write sent the session cookie");
    assert!(cookie.starts_with("influxdb-oss-session="), "{cookie}");

    // the server forgets the session: signed out with its cookie, behind the client's back
    let signout = |cookie: &str| {
        ureq::post(&format!("{}/api/v2/signout", s.url))
            .set("Cookie", cookie)
            .call()
            .map(|r| r.status())
            .unwrap_or_else(|e| match e {
                ureq::Error::Status(st, _) => st,
                other => panic!("{other}"),
            })
    };
    assert_eq!(signout(&cookie), 204);
    // the next write is answered 401, signs in again and is sent again: it succeeds
    write(&api, &s.bucket, &run, 2).unwrap();
    let reqs = proxy.requests();
    assert_eq!(
        paths(&reqs[2..]),
        [
            "POST /api/v2/write",
            "POST /api/v2/signin",
            "POST /api/v2/write"
        ],
        "{reqs:?}"
    );
    let cookie2 = reqs[4].cookie.clone().unwrap();
    assert_ne!(cookie, cookie2);
    // a streamed query after the session is forgotten again: renewed the same way
    assert_eq!(signout(&cookie2), 204);
    assert_eq!(count(&client, &s.bucket, &run).unwrap(), 2);
    let reqs = proxy.requests();
    assert_eq!(
        paths(&reqs[5..]),
        [
            "POST /api/v2/query",
            "POST /api/v2/signin",
            "POST /api/v2/query"
        ],
        "{reqs:?}"
    );
    let cookie3 = reqs[7].cookie.clone().unwrap();
    assert_eq!(s.count("signin", &run, "v"), 2);

    // dropping the client (its write API first) signs out: the cookie no longer works
    drop(api);
    let t0 = Instant::now();
    drop(client);
    assert!(t0.elapsed() < Duration::from_secs(3));
    let reqs = proxy.requests();
    assert_eq!(paths(&reqs[8..]), ["POST /api/v2/signout"], "{reqs:?}");
    assert_eq!(reqs[8].cookie.as_deref(), Some(cookie3.as_str()));
    let status = ureq::get(&format!("{}/api/v2/buckets", s.url))
        .set("Cookie", &cookie3)
        .call()
        .map(|r| r.status())
        .unwrap_or_else(|e| match e {
            ureq::Error::Status(st, _) => st,
            other => panic!("{other}"),
        });
    assert_eq!(status, 401);
}

#[test]
fn threads_share_one_session() {
    let s = server();
    let (_, password) = credentials();
    let proxy = ForwardProxy::start(None);
    let mut conf = signin_conf(s, &password);
    conf.set("proxy", &proxy.url(None)).unwrap();
    let client = Client::new(&conf).unwrap();
    let run = run_id("threads");
    std::thread::scope(|scope| {
        for t in 0..4 {
            let client = &client;
            let run = &run;
            scope.spawn(move || {
                let api = sync_api(client);
                for v in 0..5 {
                    write(&api, &s.bucket, run, t * 100 + v).unwrap();
                }
            });
        }
    });
    let signins = paths(&proxy.requests())
        .iter()
        .filter(|p| p.ends_with("/api/v2/signin"))
        .count();
    assert_eq!(signins, 1);
    assert_eq!(count(&client, &s.bucket, &run).unwrap(), 20);
}

#[test]
fn a_user_without_permission_gets_the_servers_403_after_one_sign_in() {
    let s = server();
    let api_url = |p: &str| format!("{}{p}", s.url);
    let token = format!("Token {}", s.token);
    let name = run_id("noperm");
    let body = ureq::post(&api_url("/api/v2/users"))
        .set("Authorization", &token)
        .set("Content-Type", "application/json")
        .send_string(&serde_json::json!({ "name": name }).to_string())
        .unwrap()
        .into_string()
        .unwrap();
    let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let password = "noperm-password-canary-71";
    ureq::post(&api_url(&format!("/api/v2/users/{id}/password")))
        .set("Authorization", &token)
        .set("Content-Type", "application/json")
        .send_string(&serde_json::json!({ "password": password }).to_string())
        .unwrap();
    let proxy = ForwardProxy::start(None);
    let mut conf = signin_conf(s, password);
    conf.set("username", &name).unwrap();
    conf.set("proxy", &proxy.url(None)).unwrap();
    let client = Client::new(&conf).unwrap();
    let e = write(&sync_api(&client), &s.bucket, &name, 1).unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::Http, 403), "{e:?}");
    assert!(!format!("{e:?}").contains(password));
    assert_eq!(
        paths(&proxy.requests()),
        ["POST /api/v2/signin", "POST /api/v2/write"]
    );
    drop(client);
    ureq::delete(&api_url(&format!("/api/v2/users/{id}")))
        .set("Authorization", &token)
        .call()
        .unwrap();
}
