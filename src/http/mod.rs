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
//! - [`errors`]: error bodies, status texts; [`tls`]: the TLS settings.

pub mod errors;
pub mod tls;

use std::fmt;
use std::io::{Read, Write as _};
use std::sync::Arc;

use crate::config::ClientConfig;
use crate::error::{Code, Error, Result};

pub use errors::{http_status_error, parse_error_body};

/// Largest error body read to build an error message (the rest is not read).
const MAX_ERROR_BODY: u64 = 64 * 1024;

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
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::config(format!(
                "url: expected an http:// or https:// URL, got \"{}\"",
                without_userinfo(&cfg.url)
            )));
        }
        let tls = if base.starts_with("https://") {
            Some(Arc::new(tls::tls_config(cfg)?))
        } else {
            None
        };
        let proxy = match cfg.proxy.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => Some(ureq::Proxy::new(p).map_err(|e| {
                Error::config(format!(
                    "proxy: invalid proxy URL {:?}: {}",
                    without_userinfo(p),
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
        let auth_header = cfg.token.as_deref().filter(|t| !t.is_empty()).map(|t| {
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
            proxy_auth_header,
            gzip: cfg.enable_gzip,
        })
    }

    /// Whether request bodies are compressed (and gzip responses asked for).
    pub fn gzip(&self) -> bool {
        self.gzip
    }

    /// Send a request; any HTTP status is an `Ok` answer. Errors: `Transport` or `Timeout`
    /// (no answer), `Internal` (gzip failed).
    pub fn send(&self, req: Request<'_>) -> Result<Response> {
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
            token: Some("TOKEN-CANARY\u{7f}".into()),
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
}
