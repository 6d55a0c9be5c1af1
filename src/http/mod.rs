//! HTTP for every API of the client: one [`Http`] per client (pooled connections, token
//! auth, gzip, TLS, proxy), generic requests answered with a status, headers and a streamed
//! body. What a status means (retry or not, which error code) is decided by the caller: a
//! write and a query read "retriable" differently.
//!
//! Timeouts: an exchange whose answer is read at once (a write, a management call) must
//! complete within `timeout`, on pooled connections. A streamed answer (a query,
//! [`Request::stream`]) is bounded per operation, as the seed's urllib3 `Timeout` amounts to
//! for a streamed body: connecting, and each read and write of the socket, may take at most
//! `timeout`; a response that keeps arriving is never cut however long it streams. Streamed
//! requests use connections of their own (ureq 2 applies no read timeout while waiting for
//! the answer on a reused pooled connection).
//!
//! The token lives only in the pre-built `Authorization` header value. No error message is
//! ever built from a request header or from a URL's user information: transport failures
//! are described by their kind and the OS error only.
//!
//! Session sign-in (`username` + `password`, as the seed): before the first request the
//! client signs in (`POST /api/v2/signin` with Basic credentials) and sends the session
//! cookie on every request instead of an `Authorization` header. A request answered 401
//! while a cookie was sent (the session expired or was signed out) signs in again once and
//! is sent once more. Dropping the [`Http`] signs out (best effort, briefly bounded). The
//! password lives only in the pre-built Basic value; neither it nor the cookie is ever in a
//! message or in `Debug`.
//!
//! - [`errors`]: error bodies, status texts; [`tls`]: the TLS settings.

pub mod errors;
pub mod tls;

use std::fmt;
use std::io::{Read, Write as _};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::config::ClientConfig;
use crate::error::{Code, Error, Result};

pub use errors::{http_status_error, parse_error_body};

/// Largest error body read to build an error message (the rest is not read).
const MAX_ERROR_BODY: u64 = 64 * 1024;

/// Sign-in and sign-out paths (never sent with a session cookie).
const SIGNIN_PATH: &str = "/api/v2/signin";
const SIGNOUT_PATH: &str = "/api/v2/signout";
/// Longest time dropping an [`Http`] waits for the sign-out answer.
const SIGNOUT_TIMEOUT: Duration = Duration::from_secs(2);

/// A user session: credentials for signing in, and the cookie once signed in.
struct Session {
    /// For messages only (not a secret).
    username: String,
    /// `Basic base64(username:password)`; never shown.
    basic: String,
    /// The `Cookie` header value (`name=value` pairs of the sign-in's `Set-Cookie`), `None`
    /// before signing in. Held while signing in, so that threads sign in one at a time.
    cookie: Mutex<Option<Arc<str>>>,
}

impl Session {
    fn cookie(&self) -> MutexGuard<'_, Option<Arc<str>>> {
        // A panic while holding it cannot leave a half-written cookie: take it as it is.
        self.cookie.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The HTTP side of one client. `Send + Sync`; connections are pooled.
pub struct Http {
    /// Pooled connections, a deadline of `timeout` per exchange.
    agent: ureq::Agent,
    /// Fresh connections, `timeout` per connect / read / write: for streamed answers.
    stream_agent: ureq::Agent,
    timeout: std::time::Duration,
    /// Base URL without a trailing `/`.
    base: String,
    /// The base URL as messages may show it (no user information).
    shown_base: String,
    auth_header: Option<String>,
    /// Session sign-in (`username` + `password`); then `auth_header` is `None`.
    session: Option<Session>,
    /// `Proxy-Authorization` for plain-HTTP requests through a proxy with credentials
    /// (ureq sends it only with CONNECT, i.e. for https).
    proxy_auth_header: Option<String>,
    gzip: bool,
}

impl fmt::Debug for Http {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Http")
            .field("url", &self.shown_base)
            .field("auth_header", &self.auth_header.as_ref().map(|_| "***"))
            .field(
                "session",
                &self.session.as_ref().map(|s| {
                    let signed_in = s.cookie.try_lock().map(|c| c.is_some()).ok();
                    format!(
                        "user {:?}, signed in: {signed_in:?}, password ***",
                        s.username
                    )
                }),
            )
            .field(
                "proxy_auth_header",
                &self.proxy_auth_header.as_ref().map(|_| "***"),
            )
            .field("gzip", &self.gzip)
            .finish()
    }
}

/// `influxdb-client-c/<version>`, like the seed's `influxdb-client-python/<version>`.
pub fn user_agent() -> String {
    format!("influxdb-client-c/{}", crate::VERSION)
}

/// `s` with any `user:password@` after the scheme removed: everything up to the LAST `@`
/// (a password may contain `/`, `?` or `#`; an `@` in a path over-removes, harmlessly).
pub(crate) fn without_userinfo(s: &str) -> String {
    let Some(scheme_end) = s.find("://").map(|i| i + 3) else {
        return s.to_string();
    };
    let rest = &s[scheme_end..];
    match rest.rfind('@') {
        Some(at) => format!("{}{}", &s[..scheme_end], &rest[at + 1..]),
        None => s.to_string(),
    }
}

/// The user information of a URL (`user:password` before the last `@`), if any.
fn userinfo(s: &str) -> Option<&str> {
    let rest = &s[s.find("://")? + 3..];
    rest.rfind('@').map(|at| &rest[..at])
}

/// A request method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Patch,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A request to the server: `path` is appended to the base URL (`/api/v2/...`).
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub method: Method,
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    pub headers: &'a [(&'a str, &'a str)],
    /// Compressed with gzip when the client has `enable_gzip` and `gzip_body` is set.
    pub body: Option<&'a [u8]>,
    /// The answer is streamed (read as the caller consumes it, for as long as it takes):
    /// `timeout` bounds each read, not the exchange.
    pub stream: bool,
    /// Whether `enable_gzip` compresses `body` (default true). InfluxDB reads gzip request
    /// bodies on `/api/v2/write` only: a query's JSON body must go as it is (the seed
    /// compresses only writes and asks for gzip answers to queries).
    pub gzip_body: bool,
}

impl<'a> Request<'a> {
    pub fn new(method: Method, path: &'a str) -> Request<'a> {
        Request {
            method,
            path,
            query: &[],
            headers: &[],
            body: None,
            stream: false,
            gzip_body: true,
        }
    }
}

/// An answer (any status). The body is read as the caller reads it.
pub struct Response {
    status: u16,
    inner: ureq::Response,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .finish()
    }
}

impl Response {
    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A response header (first value), if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.inner.header(name)
    }

    /// The body, decompressed if the server sent it with `Content-Encoding: gzip`; reads
    /// fail with `ErrorKind::TimedOut` when the server is silent for `timeout`.
    pub fn into_reader(self) -> Box<dyn Read + Send + Sync + 'static> {
        let gzipped = self
            .inner
            .header("Content-Encoding")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"));
        let r = self.inner.into_reader();
        if gzipped {
            Box::new(flate2::read::GzDecoder::new(r))
        } else {
            Box::new(r)
        }
    }

    /// Read and drop the body (bounded), so that the connection returns to the pool.
    pub fn drain(self) {
        let mut r = self.into_reader().take(MAX_ERROR_BODY);
        let _ = std::io::copy(&mut r, &mut std::io::sink());
    }

    /// The error for this (non-2xx) answer: status, reason, the server's message.
    pub fn into_error(self) -> Error {
        let status = self.status;
        let mut body = Vec::new();
        let _ = self
            .into_reader()
            .take(MAX_ERROR_BODY)
            .read_to_end(&mut body);
        http_status_error(status, &String::from_utf8_lossy(&body))
    }
}

impl Http {
    pub fn new(cfg: &ClientConfig) -> Result<Http> {
        let base = cfg.url.trim_end_matches('/');
        let problem = crate::config::value::url_problem(&cfg.url);
        if !(base.starts_with("http://") || base.starts_with("https://")) || problem.is_some() {
            return Err(Error::config(format!(
                "url: expected an http:// or https:// URL{}, got \"{}\"",
                problem.map(|p| format!(" ({p})")).unwrap_or_default(),
                without_userinfo(&cfg.url)
            )));
        }
        let tls = if base.starts_with("https://") {
            Some(Arc::new(tls::tls_config(cfg)?))
        } else {
            None
        };
        let proxy = match cfg.proxy.as_deref().filter(|p| !p.is_empty()) {
            Some(p) if crate::config::value::proxy_problem(p).is_some() => {
                return Err(Error::config(format!(
                    "proxy: invalid proxy URL {:?}: {}",
                    crate::config::value::redact_userinfo(p),
                    crate::config::value::proxy_problem(p).unwrap_or_default()
                )));
            }
            Some(p) => Some(ureq::Proxy::new(p).map_err(|e| {
                Error::config(format!(
                    "proxy: invalid proxy URL {:?}: {}",
                    crate::config::value::redact_userinfo(p),
                    e.kind()
                ))
            })?),
            None => None,
        };
        let builder = |pooled: bool| {
            let idle = if pooled {
                cfg.connection_pool_maxsize.max(1)
            } else {
                0
            };
            let mut b = ureq::AgentBuilder::new()
                .timeout_connect(cfg.timeout)
                .timeout_read(cfg.timeout)
                .timeout_write(cfg.timeout)
                .user_agent(&user_agent())
                .redirects(0)
                .max_idle_connections_per_host(idle)
                .max_idle_connections(idle * 4);
            if let Some(p) = &proxy {
                b = b.proxy(p.clone());
            }
            if let Some(t) = &tls {
                b = b.tls_config(t.clone());
            }
            b.build()
        };
        // A token that cannot be a header value would fail every request (with the header
        // in the HTTP library's message): refused here too, for configs not made by `Conf`.
        if cfg
            .token
            .as_deref()
            .is_some_and(|t| !t.bytes().all(|b| b == b'\t' || (0x20..=0x7e).contains(&b)))
        {
            return Err(Error::config(
                "token: expected printable ASCII text (it is sent in an HTTP header); it has a \
                 control character, DEL or a non-ASCII character (value not shown)",
            ));
        }
        // Seed `_BaseClient.__init__`: with username and password set, no Authorization
        // header (token or auth_basic) is sent; the session cookie authenticates instead.
        let session = match (cfg.username.as_deref(), cfg.password.as_deref()) {
            (Some(u), Some(p)) if !u.is_empty() && !p.is_empty() => {
                if u.contains(':') {
                    return Err(Error::config(
                        "username: must not contain ':' (it is sent as HTTP Basic credentials user:password)",
                    ));
                }
                Some(Session {
                    username: u.to_string(),
                    basic: format!("Basic {}", base64(format!("{u}:{p}").as_bytes())),
                    cookie: Mutex::new(None),
                })
            }
            _ => None,
        };
        let auth_header = cfg
            .token
            .as_deref()
            .filter(|t| !t.is_empty() && session.is_none())
            .map(|t| {
                if cfg.auth_basic {
                    format!("Basic {}", base64(t.as_bytes()))
                } else {
                    format!("Token {t}")
                }
            });
        let proxy_auth_header = cfg
            .proxy
            .as_deref()
            .filter(|_| base.starts_with("http://"))
            .and_then(userinfo)
            .filter(|u| !u.is_empty())
            .map(|u| format!("Basic {}", base64(u.as_bytes())));
        Ok(Http {
            agent: builder(true),
            stream_agent: builder(false),
            timeout: cfg.timeout,
            base: base.to_string(),
            shown_base: without_userinfo(base),
            auth_header,
            session,
            proxy_auth_header,
            gzip: cfg.enable_gzip,
        })
    }

    /// Whether request bodies are compressed (and gzip responses asked for).
    pub fn gzip(&self) -> bool {
        self.gzip
    }

    /// Send a request; any HTTP status is an `Ok` answer. Errors: `Transport` or `Timeout`
    /// (no answer), `Internal` (gzip failed); with session sign-in also a failed sign-in
    /// (`Http` with the sign-in's status, or `Transport` / `Timeout`).
    pub fn send(&self, req: Request<'_>) -> Result<Response> {
        let Some(session) = self
            .session
            .as_ref()
            .filter(|_| req.path != SIGNIN_PATH && req.path != SIGNOUT_PATH)
        else {
            return self.send_once(&req, None);
        };
        let (cookie, fresh) = self.session_cookie(session, None)?;
        let resp = self.send_once(&req, Some(&cookie))?;
        // A 401 on the cookie this very call signed in for is the answer (not a lost session).
        if resp.status != 401 || fresh {
            return Ok(resp);
        }
        // The server forgot the session (expired after its TTL, signed out, restarted with
        // a new store): sign in again and send the request once more.
        resp.drain();
        let (renewed, _) = self.session_cookie(session, Some(&cookie))?;
        self.send_once(&req, Some(&renewed))
    }

    /// The session cookie: the current one, or a new sign-in's (then `true`) when there is
    /// none yet or the current one is `stale` (another thread may have replaced it already).
    fn session_cookie(
        &self,
        session: &Session,
        stale: Option<&Arc<str>>,
    ) -> Result<(Arc<str>, bool)> {
        let mut current = session.cookie();
        if let Some(c) = current.as_ref() {
            let is_stale = match stale {
                Some(s) => Arc::ptr_eq(s, c),
                None => false,
            };
            if !is_stale {
                return Ok((c.clone(), false));
            }
        }
        *current = None;
        let fresh: Arc<str> = self.sign_in(session)?.into();
        *current = Some(fresh.clone());
        Ok((fresh, true))
    }

    /// `POST /api/v2/signin` with Basic credentials; the `Cookie` value to send from then on.
    fn sign_in(&self, session: &Session) -> Result<String> {
        let failed = |what: String| {
            format!(
                "sign-in as user {:?} failed (POST {}{SIGNIN_PATH}): {what}",
                session.username, self.shown_base
            )
        };
        let mut r = self
            .agent
            .post(&format!("{}{SIGNIN_PATH}", self.base))
            .timeout(self.timeout)
            .set("Authorization", &session.basic);
        if let Some(auth) = &self.proxy_auth_header {
            r = r.set("Proxy-Authorization", auth);
        }
        let resp = match r.call() {
            Ok(resp) => resp,
            Err(ureq::Error::Status(status, inner)) => {
                let mut e = Response { status, inner }.into_error();
                let hint = if status == 401 {
                    " (wrong user name or password?)"
                } else {
                    ""
                };
                e.message = failed(format!("{}{hint}", e.message));
                return Err(e);
            }
            Err(ureq::Error::Transport(t)) => {
                let mut e = transport_error(&t, Method::Post, &self.shown_base, SIGNIN_PATH);
                e.message = failed(e.message);
                return Err(e);
            }
        };
        let cookie = resp
            .all("set-cookie")
            .iter()
            .filter_map(|c| c.split(';').next())
            .map(str::trim)
            .filter(|c| c.contains('=') && is_header_value(c))
            .collect::<Vec<_>>()
            .join("; ");
        let status = resp.status();
        Response {
            status,
            inner: resp,
        }
        .drain();
        if cookie.is_empty() {
            return Err(Error::new(
                Code::Http,
                failed(format!(
                    "HTTP {status} without a session cookie (Set-Cookie)"
                )),
            ));
        }
        Ok(cookie)
    }

    /// One exchange, with `cookie` as the `Cookie` header (session) or the `Authorization`
    /// header (token) if any.
    fn send_once(&self, req: &Request<'_>, cookie: Option<&str>) -> Result<Response> {
        let url = format!("{}{}", self.base, req.path);
        let mut r = if req.stream {
            self.stream_agent.request(req.method.as_str(), &url)
        } else {
            self.agent
                .request(req.method.as_str(), &url)
                .timeout(self.timeout)
        };
        for (k, v) in req.query {
            r = r.query(k, v);
        }
        for (k, v) in req.headers {
            r = r.set(k, v);
        }
        if let Some(auth) = &self.proxy_auth_header {
            r = r.set("Proxy-Authorization", auth);
        }
        if let Some(auth) = &self.auth_header {
            r = r.set("Authorization", auth);
        }
        if let Some(cookie) = cookie {
            r = r.set("Cookie", cookie);
        }
        let result = match req.body {
            Some(body) if self.gzip && req.gzip_body => {
                r.set("Content-Encoding", "gzip").send_bytes(&gzip(body)?)
            }
            Some(body) => r.send_bytes(body),
            None => r.call(),
        };
        match result {
            Ok(inner) => Ok(Response {
                status: inner.status(),
                inner,
            }),
            Err(ureq::Error::Status(status, inner)) => Ok(Response { status, inner }),
            Err(ureq::Error::Transport(t)) => {
                Err(transport_error(&t, req.method, &self.shown_base, req.path))
            }
        }
    }
}

impl Drop for Http {
    /// Sign out of the session, if signed in: best effort, waits at most
    /// min(`timeout`, 2 s); any failure is ignored.
    fn drop(&mut self) {
        let Some(session) = &self.session else {
            return;
        };
        let Some(cookie) = session.cookie().take() else {
            return;
        };
        let mut r = self
            .agent
            .post(&format!("{}{SIGNOUT_PATH}", self.base))
            .timeout(self.timeout.min(SIGNOUT_TIMEOUT))
            .set("Cookie", &cookie);
        if let Some(auth) = &self.proxy_auth_header {
            r = r.set("Proxy-Authorization", auth);
        }
        let _ = r.call();
    }
}

/// Printable ASCII (and TAB): what may go into a header value as it is.
fn is_header_value(s: &str) -> bool {
    s.bytes().all(|b| b == b'\t' || (0x20..=0x7e).contains(&b))
}

/// The error for a request that got no answer, from the failure's kind and OS error only
/// (never ureq's text, which may quote a header or the URL's user information).
fn transport_error(t: &ureq::Transport, method: Method, base: &str, path: &str) -> Error {
    let io = std::error::Error::source(t).and_then(|s| s.downcast_ref::<std::io::Error>());
    let timed_out = io.is_some_and(|e| {
        matches!(
            e.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        )
    });
    let code = if timed_out {
        Code::Timeout
    } else {
        Code::Transport
    };
    let mut what = t.kind().to_string();
    if let Some(io) = io {
        what = format!("{what}: {}", io_error_text(io));
    }
    Error::new(
        code,
        format!(
            "{}: {what} ({} {base}{path})",
            code.as_str(),
            method.as_str()
        ),
    )
}

/// An OS error's text (its kind and errno), without any payload it may carry.
fn io_error_text(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => std::io::Error::from_raw_os_error(n).to_string(),
        None => e.kind().to_string(),
    }
}

/// A read of a streamed body that failed, as an error.
pub fn read_error(e: &std::io::Error) -> Error {
    let code = if matches!(
        e.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    ) {
        Code::Timeout
    } else {
        Code::Transport
    };
    Error::new(
        code,
        format!(
            "{}: reading the response failed: {}",
            code.as_str(),
            io_error_text(e)
        ),
    )
}

fn gzip(body: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4 + 64),
        flate2::Compression::fast(),
    );
    enc.write_all(body)
        .and_then(|_| enc.finish())
        .map_err(|e| Error::internal(format!("gzip failed: {e}")))
}

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
    }

    #[test]
    fn gzip_roundtrip() {
        let body = b"cpu value=1i 1\ncpu value=2i 2".repeat(100);
        let z = gzip(&body).unwrap();
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(z.as_slice())
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, body);
    }

    #[test]
    fn userinfo_is_removed() {
        assert_eq!(without_userinfo("http://u:PW@h:1/p"), "http://h:1/p");
        // an '@' after the password: over-removed, never shown
        assert_eq!(without_userinfo("http://u:PW@h:1/p?q=a@b"), "http://b");
        // a password with '/', '?' or '#' is removed whole
        assert_eq!(without_userinfo("http://u:p/w?x#y@h:1/p"), "http://h:1/p");
        assert_eq!(without_userinfo("http://h:1/p"), "http://h:1/p");
        assert_eq!(without_userinfo("h:1"), "h:1");
    }

    #[test]
    fn transport_errors_name_no_header_and_no_password() {
        let cfg = ClientConfig {
            url: "http://user:PASSWORD-x1@127.0.0.1:1".into(),
            token: Some("TOKEN-CANARY".into()),
            ..ClientConfig::default()
        };
        let http = Http::new(&cfg).unwrap();
        let e = http
            .send(Request {
                body: Some(b"m f=1"),
                ..Request::new(Method::Post, "/api/v2/write")
            })
            .unwrap_err();
        assert!(matches!(e.code, Code::Transport | Code::Timeout), "{e:?}");
        for secret in ["TOKEN-CANARY", "PASSWORD-x1"] {
            assert!(!e.message.contains(secret), "{}", e.message);
        }
    }

    fn session_cfg(url: &str, timeout_ms: u64) -> ClientConfig {
        ClientConfig {
            url: url.into(),
            token: Some("TOKEN-CANARY".into()),
            username: Some("my-user".into()),
            password: Some("PASSWORD-CANARY-3f".into()),
            timeout: std::time::Duration::from_millis(timeout_ms),
            ..ClientConfig::default()
        }
    }

    #[test]
    fn a_sign_in_that_gets_no_answer_names_the_user_not_the_password() {
        let http = Http::new(&session_cfg("http://127.0.0.1:1", 10_000)).unwrap();
        assert!(
            http.auth_header.is_none(),
            "the token is not sent with a session"
        );
        let e = http
            .send(Request::new(Method::Get, "/api/v2/buckets"))
            .unwrap_err();
        assert!(matches!(e.code, Code::Transport | Code::Timeout), "{e:?}");
        assert!(
            e.message.starts_with("sign-in as user \"my-user\" failed"),
            "{e:?}"
        );
        let shown = format!("{e:?} {e} {http:?} {http:#?}");
        for secret in ["TOKEN-CANARY", "PASSWORD-CANARY-3f"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(!shown.contains(&base64(b"my-user:PASSWORD-CANARY-3f")));
    }

    #[test]
    fn sign_out_on_drop_is_bounded_when_the_server_is_silent() {
        // a server that accepts connections and never answers (a real one can't be made so)
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let http = Http::new(&session_cfg(&url, 60_000)).unwrap();
        if let Some(s) = &http.session {
            *s.cookie() = Some("influxdb-oss-session=COOKIE-CANARY".into());
        }
        assert!(!format!("{http:?}").contains("COOKIE-CANARY"));
        let t0 = std::time::Instant::now();
        drop(http);
        let took = t0.elapsed();
        assert!(took < std::time::Duration::from_secs(4), "{took:?}");
        drop(listener);
        // and with nothing listening at all it returns at once
        let http = Http::new(&session_cfg("http://127.0.0.1:1", 60_000)).unwrap();
        if let Some(s) = &http.session {
            *s.cookie() = Some("influxdb-oss-session=x".into());
        }
        let t0 = std::time::Instant::now();
        drop(http);
        assert!(t0.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_a_config_error_not_shown() {
        for bad in [
            "TOKEN-CANARY\u{7f}",
            "TOKEN-CANARY\u{1}",
            "TOKEN-CANARY\u{a0}",
            "TOKEN-CANARYé",
        ] {
            let cfg = ClientConfig {
                url: "http://127.0.0.1:1".into(),
                token: Some(bad.into()),
                ..ClientConfig::default()
            };
            let e = Http::new(&cfg).unwrap_err();
            assert_eq!(e.code, Code::Config, "{e:?}");
            assert!(!e.message.contains("TOKEN-CANARY"), "{}", e.message);
        }
    }
}
