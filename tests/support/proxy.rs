//! A small HTTP forward proxy on 127.0.0.1 for tests (needs `loopback.rs` as `loopback`):
//! - plain HTTP: requests in absolute form (`POST http://host:port/path HTTP/1.1`) are sent
//!   on to the target in origin form over a fresh connection (`Connection: close`), and the
//!   target's answer is relayed until the target closes;
//! - `CONNECT host:port`: answered `200` and tunnelled byte for byte (for https targets).
//!
//! It records every request it gets (method, target, `Proxy-Authorization`, `Authorization`,
//! `Cookie`), and can require
//! `Proxy-Authorization: Basic <user:password>` (else `407`). Connection threads poll a stop
//! flag; `Drop` joins them all.

#![allow(dead_code)]

use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::loopback::{base64, lock, read_exact_vec, read_head, Patient};

const POLL: Duration = Duration::from_millis(50);
const LIMIT: Duration = Duration::from_secs(20);

/// One request the proxy received.
#[derive(Clone, Debug)]
pub struct ProxyRequest {
    pub method: String,
    pub target: String,
    pub proxy_authorization: Option<String>,
    /// The request's `Authorization` and `Cookie` headers (forwarded as they are).
    pub authorization: Option<String>,
    pub cookie: Option<String>,
    /// What the proxy answered itself (407, 502), or None when it forwarded / tunnelled.
    pub refused: Option<u16>,
}

struct Shared {
    stop: Arc<AtomicBool>,
    /// `Basic <base64(user:password)>` the proxy requires, if any.
    required: Option<String>,
    log: Mutex<Vec<ProxyRequest>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

pub struct ForwardProxy {
    port: u16,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl ForwardProxy {
    /// A proxy; with `credentials` (`user:password`) it requires them.
    pub fn start(credentials: Option<&str>) -> ForwardProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        listener.set_nonblocking(true).expect("set_nonblocking");
        let port = listener.local_addr().expect("local_addr").port();
        let shared = Arc::new(Shared {
            stop: Arc::new(AtomicBool::new(false)),
            required: credentials.map(|c| format!("Basic {}", base64(c.as_bytes()))),
            log: Mutex::new(Vec::new()),
            workers: Mutex::new(Vec::new()),
        });
        let s2 = shared.clone();
        let acceptor = std::thread::spawn(move || {
            while !s2.stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((tcp, _)) => {
                        let s3 = s2.clone();
                        let h = std::thread::spawn(move || serve(&s3, tcp));
                        let mut w = lock(&s2.workers);
                        w.retain(|h| !h.is_finished());
                        w.push(h);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        ForwardProxy {
            port,
            shared,
            acceptor: Some(acceptor),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`, or with `user:password@` when `userinfo` is given.
    pub fn url(&self, userinfo: Option<&str>) -> String {
        match userinfo {
            Some(u) => format!("http://{u}@127.0.0.1:{}", self.port),
            None => format!("http://127.0.0.1:{}", self.port),
        }
    }

    pub fn requests(&self) -> Vec<ProxyRequest> {
        lock(&self.shared.log).clone()
    }

    pub fn count(&self) -> usize {
        lock(&self.shared.log).len()
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
        for h in std::mem::take(&mut *lock(&self.shared.workers)) {
            let _ = h.join();
        }
    }
}

fn answer(w: &mut impl Write, status: u16, reason: &str, extra: &str) -> io::Result<()> {
    w.write_all(
        format!("HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: 0\r\n\r\n").as_bytes(),
    )?;
    w.flush()
}

fn serve(shared: &Shared, client: TcpStream) {
    let _ = client.set_nonblocking(false);
    let _ = client.set_read_timeout(Some(POLL));
    let Ok(client_w) = client.try_clone() else {
        return;
    };
    let mut client_w = client_w;
    let mut r = BufReader::new(Patient::new(client, shared.stop.clone(), LIMIT));
    loop {
        let head = match read_head(&mut r) {
            Ok(Some(h)) => h,
            _ => return,
        };
        let auth = head.header("proxy-authorization").map(str::to_string);
        let mut entry = ProxyRequest {
            method: head.method.clone(),
            target: head.target.clone(),
            proxy_authorization: auth.clone(),
            authorization: head.header("authorization").map(str::to_string),
            cookie: head.header("cookie").map(str::to_string),
            refused: None,
        };
        let authorized = match (&shared.required, &auth) {
            (None, _) => true,
            (Some(req), Some(got)) => {
                // the scheme is case-insensitive (RFC 9110 §11.1)
                let (s1, c1) = req.split_once(' ').unwrap_or(("", ""));
                let (s2, c2) = got.split_once(' ').unwrap_or(("", ""));
                s1.eq_ignore_ascii_case(s2) && c1 == c2.trim()
            }
            (Some(_), None) => false,
        };
        let body = match read_exact_vec(&mut r, head.content_length()) {
            Ok(b) => b,
            Err(_) => return,
        };
        if !authorized {
            entry.refused = Some(407);
            lock(&shared.log).push(entry);
            let _ = answer(
                &mut client_w,
                407,
                "Proxy Authentication Required",
                "Proxy-Authenticate: Basic realm=\"test\"\r\n",
            );
            if head.method == "CONNECT" {
                return;
            }
            continue;
        }
        if head.method == "CONNECT" {
            let upstream = TcpStream::connect(head.target.as_str());
            let Ok(upstream) = upstream else {
                entry.refused = Some(502);
                lock(&shared.log).push(entry);
                let _ = answer(&mut client_w, 502, "Bad Gateway", "");
                return;
            };
            lock(&shared.log).push(entry);
            if answer(&mut client_w, 200, "Connection Established", "").is_err() {
                return;
            }
            // bytes the client sent after the head (it usually waits for the 200)
            let early = r.buffer().to_vec();
            let client = r.into_inner().inner;
            tunnel(shared, client, early, upstream);
            return;
        }
        // absolute form: http://host[:port]/path?query
        let Some(rest) = head.target.strip_prefix("http://") else {
            entry.refused = Some(400);
            lock(&shared.log).push(entry);
            let _ = answer(&mut client_w, 400, "Bad Request", "");
            return;
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let addr = if authority.contains(':') {
            authority.to_string()
        } else {
            format!("{authority}:80")
        };
        let Ok(mut up) = TcpStream::connect(addr.as_str()) else {
            entry.refused = Some(502);
            lock(&shared.log).push(entry);
            let _ = answer(&mut client_w, 502, "Bad Gateway", "");
            continue;
        };
        lock(&shared.log).push(entry);
        let mut out = format!("{} {path} HTTP/1.1\r\n", head.method);
        for (k, v) in &head.headers {
            if matches!(
                k.as_str(),
                "proxy-authorization" | "proxy-connection" | "connection"
            ) {
                continue;
            }
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("Connection: close\r\n\r\n");
        let _ = up.set_read_timeout(Some(POLL));
        let sent = up
            .write_all(out.as_bytes())
            .and_then(|_| up.write_all(&body))
            .and_then(|_| up.flush());
        if sent.is_err() {
            let _ = answer(&mut client_w, 502, "Bad Gateway", "");
            continue;
        }
        // relay the answer until the target closes
        let mut up = Patient::new(up, shared.stop.clone(), LIMIT);
        if io::copy(&mut up, &mut client_w).is_err() {
            return;
        }
        if head
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
        {
            return;
        }
    }
}

/// Copy bytes both ways until both directions ended.
fn tunnel(shared: &Shared, client: TcpStream, early: Vec<u8>, upstream: TcpStream) {
    let _ = upstream.set_read_timeout(Some(POLL));
    let (Ok(c2), Ok(mut u2)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    if !early.is_empty() && u2.write_all(&early).is_err() {
        return;
    }
    let stop = shared.stop.clone();
    let up_to_client = std::thread::spawn(move || pump(upstream, c2, stop));
    pump(client, u2, shared.stop.clone());
    let _ = up_to_client.join();
}

fn pump(from: TcpStream, mut to: TcpStream, stop: Arc<AtomicBool>) {
    let Ok(from_ctl) = from.try_clone() else {
        return;
    };
    let mut from = Patient::new(from, stop, Duration::from_secs(3600));
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from_ctl.shutdown(Shutdown::Read);
}
