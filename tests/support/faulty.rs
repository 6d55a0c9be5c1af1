//! A scripted, deliberately faulty HTTP/1.1 server on 127.0.0.1 for tests.
//!
//! Every connection gets its own thread; connections are kept alive (as the client's pool
//! expects) until the client closes them, a fault closes them, or the server is dropped.
//! Each request is recorded (arrival time, target, headers, gunzipped body, the status sent)
//! and answered according to a script `Fn(index, &Request) -> Action`. The script runs as
//! soon as the request line and headers are read, before the body, so that it can cut the
//! body off ([`Action::ResetMidBody`]); `content_length` is known by then, `body` is not.
//! Everything is bounded in time: reads poll a stop flag, delays sleep in slices, and `Drop`
//! stops and joins every thread.

#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often blocked reads look at the stop flag.
const POLL: Duration = Duration::from_millis(25);
/// Longest time one request may take to arrive once its first byte was read.
const REQUEST_LIMIT: Duration = Duration::from_secs(20);
/// Largest head (request line + headers) accepted.
const MAX_HEAD: usize = 64 * 1024;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    /// Position in arrival order, from 0, across all connections.
    pub index: usize,
    /// Which connection (from 0) carried it.
    pub conn: usize,
    /// When its request line was read.
    pub at: Instant,
    pub method: String,
    /// Path and query as sent, e.g. `/api/v2/write?org=o&bucket=b&precision=ns`.
    pub target: String,
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Header names lower-cased, values trimmed, in order.
    pub headers: Vec<(String, String)>,
    pub content_length: usize,
    /// The body as sent on the wire (empty until read; partial for `ResetMidBody`).
    pub raw_body: Vec<u8>,
    /// The body, gunzipped when `Content-Encoding: gzip`.
    pub body: Vec<u8>,
    /// Whether the whole body was read.
    pub complete: bool,
    /// The status of the answer, once it was written to the socket without error.
    pub status: Option<u16>,
    /// The scripted action is over (answered, cut off or closed).
    pub finished: bool,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Answered with a 2xx status.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// What the server does with a request.
#[derive(Clone, Debug)]
pub enum Action {
    /// Read the body and answer.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Read about half of the body, then drop the connection without answering.
    ResetMidBody,
    /// Wait (the body is read first), then do the inner action.
    Delay(Duration, Box<Action>),
    /// Read the body, then close the connection without answering.
    Close,
}

impl Action {
    /// An answer with an empty body.
    pub fn status(status: u16) -> Action {
        Action::Respond {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    /// An InfluxDB-style JSON error answer `{"code": .., "message": ..}`.
    pub fn error(status: u16, code: &str, message: &str) -> Action {
        let body = serde_json::json!({ "code": code, "message": message }).to_string();
        Action::Respond {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body,
        }
    }

    /// Add a response header (only meaningful for `Respond`, also inside `Delay`).
    pub fn with_header(self, name: &str, value: &str) -> Action {
        match self {
            Action::Respond {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_string(), value.to_string()));
                Action::Respond {
                    status,
                    headers,
                    body,
                }
            }
            Action::Delay(d, inner) => Action::Delay(d, Box::new(inner.with_header(name, value))),
            other => other,
        }
    }

    pub fn delayed(self, d: Duration) -> Action {
        Action::Delay(d, Box::new(self))
    }
}

pub type Script = dyn Fn(usize, &Request) -> Action + Send + Sync + 'static;

struct Inner {
    script: Box<Script>,
    log: Mutex<Vec<Request>>,
    /// Signalled whenever the log changes.
    changed: Condvar,
    stop: AtomicBool,
    conns: AtomicUsize,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// The running server; stops (and joins all its threads) on drop.
pub struct FaultyServer {
    inner: Arc<Inner>,
    port: u16,
    acceptor: Option<JoinHandle<()>>,
}

/// A port on 127.0.0.1 that nothing listens on (it was bound, then released), for
/// "server down at start"; start a server on it later with [`FaultyServer::start_on`].
pub fn unused_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local_addr").port()
}

impl FaultyServer {
    pub fn start(
        script: impl Fn(usize, &Request) -> Action + Send + Sync + 'static,
    ) -> FaultyServer {
        FaultyServer::start_on(0, script)
    }

    /// Start on a given port (0: any free port).
    pub fn start_on(
        port: u16,
        script: impl Fn(usize, &Request) -> Action + Send + Sync + 'static,
    ) -> FaultyServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the faulty server");
        listener.set_nonblocking(true).expect("set_nonblocking");
        let port = listener.local_addr().expect("local_addr").port();
        let inner = Arc::new(Inner {
            script: Box::new(script),
            log: Mutex::new(Vec::new()),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
            conns: AtomicUsize::new(0),
            workers: Mutex::new(Vec::new()),
        });
        let i2 = inner.clone();
        let acceptor = std::thread::Builder::new()
            .name(format!("faulty-accept-{port}"))
            .spawn(move || accept_loop(&i2, listener))
            .expect("spawn the accept thread");
        FaultyServer {
            inner,
            port,
            acceptor: Some(acceptor),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A copy of every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.inner.log).clone()
    }

    pub fn count(&self) -> usize {
        lock(&self.inner.log).len()
    }

    /// Wait until `pred` holds for the log, or `timeout` passes; returns whether it held.
    pub fn wait_until(&self, timeout: Duration, pred: impl Fn(&[Request]) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut log = lock(&self.inner.log);
        loop {
            if pred(&log) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            log = self
                .inner
                .changed
                .wait_timeout(log, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Wait until at least `n` requests were received and dealt with.
    pub fn wait_for_requests(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |log| {
            log.iter().filter(|r| r.finished).count() >= n
        })
    }
}

impl Drop for FaultyServer {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
        let workers = std::mem::take(&mut *lock(&self.inner.workers));
        for w in workers {
            let _ = w.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn accept_loop(inner: &Arc<Inner>, listener: TcpListener) {
    while !inner.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let id = inner.conns.fetch_add(1, Ordering::SeqCst);
                let i2 = inner.clone();
                let h = std::thread::Builder::new()
                    .name(format!("faulty-conn-{id}"))
                    .spawn(move || serve(&i2, stream, id))
                    .expect("spawn a connection thread");
                let mut workers = lock(&inner.workers);
                workers.retain(|w| !w.is_finished());
                workers.push(h);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(2))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// A byte reader over the socket that polls the stop flag while it waits.
struct Conn<'a> {
    stream: TcpStream,
    buf: Vec<u8>,
    pos: usize,
    stop: &'a AtomicBool,
}

enum Filled {
    /// The peer closed the connection (or the server stops).
    Eof,
    Data,
}

impl Conn<'_> {
    /// Read more bytes into the buffer. `limit` bounds the wait once a request started.
    fn fill(&mut self, limit: Option<Instant>) -> io::Result<Filled> {
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if self.stop.load(Ordering::SeqCst) || limit.is_some_and(|l| Instant::now() >= l) {
                return Ok(Filled::Eof);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Ok(Filled::Eof),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(Filled::Data);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    continue
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The head (request line + headers) up to the blank line; None at a clean end.
    fn read_head(&mut self) -> io::Result<Option<(Instant, Vec<u8>)>> {
        let mut started: Option<Instant> = None;
        loop {
            let avail = &self.buf[self.pos..];
            // Skip stray CRLFs between requests (allowed by RFC 9112).
            let lead = avail
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            self.pos += lead;
            let avail = &self.buf[self.pos..];
            if !avail.is_empty() && started.is_none() {
                started = Some(Instant::now());
            }
            if let Some(end) = find(avail, b"\r\n\r\n") {
                let head = avail[..end].to_vec();
                self.pos += end + 4;
                return Ok(Some((started.unwrap_or_else(Instant::now), head)));
            }
            if avail.len() > MAX_HEAD {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "request head too large",
                ));
            }
            let limit = started.map(|s| s + REQUEST_LIMIT);
            match self.fill(limit)? {
                Filled::Eof => return Ok(None),
                Filled::Data => {}
            }
        }
    }

    /// Up to `n` body bytes; fewer only if the connection ended.
    fn read_body(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let limit = Some(Instant::now() + REQUEST_LIMIT);
        while self.buf.len() - self.pos < n {
            match self.fill(limit)? {
                Filled::Eof => break,
                Filled::Data => {}
            }
        }
        let take = n.min(self.buf.len() - self.pos);
        let out = self.buf[self.pos..self.pos + take].to_vec();
        self.pos += take;
        Ok(out)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn serve(inner: &Inner, stream: TcpStream, conn: usize) {
    let _ = stream.set_read_timeout(Some(POLL));
    let _ = stream.set_nodelay(true);
    let mut c = Conn {
        stream,
        buf: Vec::new(),
        pos: 0,
        stop: &inner.stop,
    };
    while let Ok(Some((at, head))) = c.read_head() {
        let Some(mut req) = parse_head(&head, at, conn) else {
            let _ = c.stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        };
        let index = {
            let mut log = lock(&inner.log);
            req.index = log.len();
            log.push(req.clone());
            inner.changed.notify_all();
            req.index
        };
        let action = (inner.script)(index, &req);
        let keep_alive = !req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let go_on = run_action(inner, &mut c, &mut req, action, false) && keep_alive;
        if !go_on {
            let _ = c.stream.shutdown(Shutdown::Both);
        }
        {
            let mut log = lock(&inner.log);
            if let Some(r) = log.get_mut(index) {
                r.finished = true;
            }
            inner.changed.notify_all();
        }
        if !go_on {
            return;
        }
    }
}

/// Perform `action` for `req` (whose body was already read if `body_read`); false when the
/// connection must end.
fn run_action(
    inner: &Inner,
    c: &mut Conn<'_>,
    req: &mut Request,
    action: Action,
    body_read: bool,
) -> bool {
    match action {
        Action::ResetMidBody => {
            if !body_read {
                let part = c.read_body(req.content_length / 2).unwrap_or_default();
                record_body(inner, req, part, false);
            }
            false // dropping the socket with unread data makes the kernel send RST
        }
        Action::Close => {
            if !body_read {
                read_full_body(inner, c, req);
            }
            false
        }
        Action::Delay(d, then) => {
            if !body_read && !read_full_body(inner, c, req) {
                return false;
            }
            let until = Instant::now() + d;
            while Instant::now() < until {
                if inner.stop.load(Ordering::SeqCst) {
                    return false;
                }
                std::thread::sleep((until - Instant::now()).min(POLL));
            }
            run_action(inner, c, req, *then, true)
        }
        Action::Respond {
            status,
            headers,
            body,
        } => {
            if !body_read && !read_full_body(inner, c, req) {
                return false;
            }
            respond(inner, c, req, status, &headers, &body)
        }
    }
}

fn read_full_body(inner: &Inner, c: &mut Conn<'_>, req: &mut Request) -> bool {
    if req.content_length == 0 {
        return true;
    }
    let raw = c.read_body(req.content_length).unwrap_or_default();
    let complete = raw.len() == req.content_length;
    record_body(inner, req, raw, complete);
    complete
}

fn record_body(inner: &Inner, req: &mut Request, raw: Vec<u8>, complete: bool) {
    let gz = req
        .header("content-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let body = if gz && complete {
        let mut out = Vec::new();
        match flate2::read::GzDecoder::new(raw.as_slice()).read_to_end(&mut out) {
            Ok(_) => out,
            Err(_) => b"<invalid gzip>".to_vec(),
        }
    } else {
        raw.clone()
    };
    req.raw_body = raw;
    req.body = body;
    req.complete = complete;
    let mut log = lock(&inner.log);
    if let Some(r) = log.get_mut(req.index) {
        r.raw_body = req.raw_body.clone();
        r.body = req.body.clone();
        r.complete = complete;
    }
    inner.changed.notify_all();
}

fn respond(
    inner: &Inner,
    c: &mut Conn<'_>,
    req: &Request,
    status: u16,
    headers: &[(String, String)],
    body: &str,
) -> bool {
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n",
        reason(status),
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    // Record the status before the client can see the answer (and undo it if the write
    // fails), so a test that reacts to the client's report always finds it in the log.
    set_status(inner, req.index, Some(status));
    let ok = c
        .stream
        .write_all(out.as_bytes())
        .and_then(|_| c.stream.flush())
        .is_ok();
    if !ok {
        set_status(inner, req.index, None);
    }
    ok
}

fn set_status(inner: &Inner, index: usize, status: Option<u16>) {
    let mut log = lock(&inner.log);
    if let Some(r) = log.get_mut(index) {
        r.status = status;
    }
    inner.changed.notify_all();
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

fn parse_head(head: &[u8], at: Instant, conn: usize) -> Option<Request> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    if !first.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let mut headers = Vec::new();
    for l in lines {
        let (k, v) = l.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let content_length = match headers.iter().find(|(k, _)| k == "content-length") {
        Some((_, v)) => v.parse().ok()?,
        None => 0,
    };
    let (path, qs) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let query = qs
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    Some(Request {
        index: 0,
        conn,
        at,
        method,
        path: path.to_string(),
        target: target.clone(),
        query,
        headers,
        content_length,
        raw_body: Vec::new(),
        body: Vec::new(),
        complete: content_length == 0,
        status: None,
        finished: false,
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
                {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
