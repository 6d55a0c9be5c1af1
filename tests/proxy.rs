//! Writes through an HTTP proxy (`proxy` option): plain HTTP targets are forwarded in
//! absolute form, https targets tunnelled with CONNECT; a proxy that wants credentials
//! gets them from the proxy URL's user information; a proxy that is down is a transport
//! error. No error ever shows the proxy password or the token.

#[path = "support/faulty.rs"]
mod faulty;
#[path = "support/loopback.rs"]
mod loopback;
#[path = "support/proxy.rs"]
mod proxy;

use std::path::Path;

use faulty::{unused_port, Action, FaultyServer};
use influxdb_client::client::Client;
use influxdb_client::config::Conf;
use influxdb_client::point::Point;
use influxdb_client::write::WriteApi;
use influxdb_client::{Code, Error};
use loopback::{base64, server_config, HttpsServer, Pki};
use proxy::ForwardProxy;

const TOKEN: &str = "proxy-TOKEN-canary-0b7d";
const PASSWORD: &str = "PROXY-pw-canary-91";

fn conf(pairs: &[(&str, &str)]) -> Conf {
    let mut c = Conf::new();
    for (k, v) in pairs {
        c.set(k, v).unwrap_or_else(|e| panic!("set {k}={v}: {e}"));
    }
    c
}

fn client(url: &str, proxy: &str, extra: &[(&str, &str)]) -> WriteApi {
    let mut c = vec![
        ("url", url),
        ("token", TOKEN),
        ("org", "org"),
        ("timeout", "5000"),
        ("proxy", proxy),
    ];
    c.extend_from_slice(extra);
    Client::new(&conf(&c))
        .expect("client")
        .write_api(Some(&conf(&[("write_type", "synchronous")])), None)
        .expect("write api")
}

fn write_n(api: &WriteApi, n: i64) -> Result<(), Error> {
    let mut p = Point::new("px").unwrap();
    p.field_i64("n", n).unwrap();
    api.write_point("bucket", None, &p)
}

/// No secret in an error's message or Debug form.
fn assert_no_secret(e: &Error) {
    for s in [TOKEN, PASSWORD] {
        assert!(
            !e.message.contains(s),
            "secret in the message: {}",
            e.message
        );
        assert!(!format!("{e:?}").contains(s), "secret in Debug: {e:?}");
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn http_writes_reach_the_server_through_the_proxy() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let px = ForwardProxy::start(None);
    let api = client(&server.url(), &px.url(None), &[]);
    for n in 0..3 {
        write_n(&api, n).unwrap();
    }
    // the proxy got every request, in absolute form, and the server got them from it
    let seen = px.requests();
    assert_eq!(seen.len(), 3, "{seen:?}");
    for r in &seen {
        assert_eq!(r.method, "POST");
        assert!(
            r.target
                .starts_with(&format!("{}/api/v2/write?", server.url())),
            "{}",
            r.target
        );
        assert_eq!(r.refused, None);
        assert_eq!(r.proxy_authorization, None);
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    for (n, r) in reqs.iter().enumerate() {
        assert_eq!(r.path, "/api/v2/write");
        assert_eq!(r.param("bucket"), Some("bucket"));
        assert_eq!(
            r.header("authorization"),
            Some(format!("Token {TOKEN}").as_str())
        );
        assert_eq!(r.body_text(), format!("px n={n}i"));
    }
}

#[test]
fn https_writes_are_tunnelled_with_connect() {
    let pki = Pki::new("proxy test CA");
    let server = HttpsServer::start(server_config(&pki.server(&["localhost"]), None));
    let px = ForwardProxy::start(None);
    let api = client(
        &server.url("localhost"),
        &px.url(None),
        &[("ssl_ca_cert", path(&pki.ca_file))],
    );
    write_n(&api, 1).unwrap();
    write_n(&api, 2).unwrap();
    let seen = px.requests();
    assert!(!seen.is_empty());
    for r in &seen {
        assert_eq!(r.method, "CONNECT", "{seen:?}");
        assert_eq!(r.target, format!("localhost:{}", server.port()));
    }
    let got = server.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].head.path(), "/api/v2/write");
    assert_eq!(String::from_utf8_lossy(&got[1].body), "px n=2i");
    // the tunnel carried TLS end to end: the server's certificate was verified by the
    // client (a wrong CA fails even through the proxy)
    let other = Pki::new("other CA");
    let api = client(
        &server.url("localhost"),
        &px.url(None),
        &[("ssl_ca_cert", path(&other.ca_file))],
    );
    let e = write_n(&api, 3).unwrap_err();
    assert_eq!(e.code, Code::Transport, "{e:?}");
    assert_no_secret(&e);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn proxy_credentials_are_sent_on_connect() {
    let pki = Pki::new("proxy test CA");
    let server = HttpsServer::start(server_config(&pki.server(&["localhost"]), None));
    let creds = format!("gw:{PASSWORD}");
    let px = ForwardProxy::start(Some(&creds));
    let api = client(
        &server.url("localhost"),
        &px.url(Some(&creds)),
        &[("ssl_ca_cert", path(&pki.ca_file))],
    );
    write_n(&api, 7).unwrap();
    let seen = px.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let auth = seen[0]
        .proxy_authorization
        .as_deref()
        .expect("Proxy-Authorization");
    let (scheme, value) = auth.split_once(' ').unwrap();
    assert!(scheme.eq_ignore_ascii_case("basic"), "{auth}");
    assert_eq!(value, base64(creds.as_bytes()));
    assert_eq!(server.requests().len(), 1);
    // the token goes to the server only, never to the proxy
    assert!(!format!("{seen:?}").contains(TOKEN));
}

#[test]
fn wrong_proxy_credentials_fail_without_showing_the_password() {
    let pki = Pki::new("proxy test CA");
    let server = HttpsServer::start(server_config(&pki.server(&["localhost"]), None));
    let px = ForwardProxy::start(Some("gw:right-password"));
    let creds = format!("gw:{PASSWORD}");
    let api = client(
        &server.url("localhost"),
        &px.url(Some(&creds)),
        &[("ssl_ca_cert", path(&pki.ca_file))],
    );
    let e = write_n(&api, 1).unwrap_err();
    assert_eq!(e.code, Code::Transport, "{e:?}");
    assert_no_secret(&e);
    assert_eq!(px.requests()[0].refused, Some(407));
    assert!(server.requests().is_empty());
}

/// The proxy URL's credentials on plain-HTTP requests (ureq 2.12 sends
/// `Proxy-Authorization` only with CONNECT; the library adds it to forwarded requests).
#[test]
fn proxy_credentials_are_sent_on_plain_http_requests() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let creds = format!("gw:{PASSWORD}");
    let px = ForwardProxy::start(Some(&creds));
    let api = client(&server.url(), &px.url(Some(&creds)), &[]);
    write_n(&api, 1).unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_plain_http_write_refused_by_the_proxy_shows_no_secret() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let creds = format!("gw:{PASSWORD}");
    // the proxy wants other credentials: it answers 407
    let px = ForwardProxy::start(Some("gw:another-password"));
    let api = client(&server.url(), &px.url(Some(&creds)), &[]);
    let e = write_n(&api, 1).unwrap_err();
    assert_no_secret(&e);
    assert!(e.message.contains("407"), "{e:?}");
    assert!(server.requests().is_empty());
    assert_eq!(px.requests()[0].refused, Some(407));
}

#[test]
fn a_proxy_that_is_down_is_a_transport_error() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let down = format!("http://gw:{PASSWORD}@127.0.0.1:{}", unused_port());
    let api = client(&server.url(), &down, &[]);
    let e = write_n(&api, 1).unwrap_err();
    assert_eq!(e.code, Code::Transport, "{e:?}");
    assert_no_secret(&e);
    assert!(server.requests().is_empty());

    // an https target behind a proxy that is down
    let pki = Pki::new("proxy test CA");
    let tls = HttpsServer::start(server_config(&pki.server(&["localhost"]), None));
    let api = client(
        &tls.url("localhost"),
        &down,
        &[("ssl_ca_cert", path(&pki.ca_file))],
    );
    let e = write_n(&api, 1).unwrap_err();
    assert_eq!(e.code, Code::Transport, "{e:?}");
    assert_no_secret(&e);
    assert!(tls.requests().is_empty());
}
