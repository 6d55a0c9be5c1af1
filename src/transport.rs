//! HTTP transport: `POST /api/v2/write` with token auth, optional gzip, timeouts,
//! TLS options and parsing of InfluxDB's JSON error bodies.
//!
//! The token lives only in the pre-built `Authorization` header value; it is never part of a
//! URL, an error message or Debug output.

use std::fmt;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::config::ClientConfig;
use crate::error::{Code, Error, Result};
use crate::point::Precision;
use crate::retry;

/// Longest server message kept from an error body (bytes).
const MAX_SERVER_MESSAGE: usize = 1024;

/// Sends write requests to one InfluxDB server. `Send + Sync`; connections are pooled.
pub struct Transport {
    agent: ureq::Agent,
    write_url: String,
    auth_header: Option<String>,
    gzip: bool,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("write_url", &self.write_url)
            .field("auth_header", &self.auth_header.as_ref().map(|_| "***"))
            .field("gzip", &self.gzip)
            .finish()
    }
}

/// `influxdb-client-c/<version>`, like the seed's `influxdb-client-python/<version>`.
pub fn user_agent() -> String {
    format!("influxdb-client-c/{}", crate::VERSION)
}

impl Transport {
    pub fn new(cfg: &ClientConfig) -> Result<Transport> {
        let base = cfg.url.trim_end_matches('/');
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::config(format!(
                "url: expected an http:// or https:// URL, got \"{}\"",
                cfg.url
            )));
        }
        let mut builder = ureq::AgentBuilder::new()
            .timeout(cfg.timeout)
            .user_agent(&user_agent())
            .redirects(0)
            .max_idle_connections_per_host(cfg.connection_pool_maxsize.max(1))
            .max_idle_connections(cfg.connection_pool_maxsize.max(1) * 4);
        if let Some(proxy) = cfg.proxy.as_deref().filter(|p| !p.is_empty()) {
            let p = ureq::Proxy::new(proxy)
                .map_err(|e| Error::config(format!("proxy: invalid proxy URL: {e}")))?;
            builder = builder.proxy(p);
        }
        if base.starts_with("https://") {
            builder = builder.tls_config(Arc::new(tls_config(cfg)?));
        }
        let auth_header = cfg.token.as_deref().filter(|t| !t.is_empty()).map(|t| {
            if cfg.auth_basic {
                format!("Basic {}", base64(t.as_bytes()))
            } else {
                format!("Token {t}")
            }
        });
        Ok(Transport {
            agent: builder.build(),
            write_url: format!("{base}/api/v2/write"),
            auth_header,
            gzip: cfg.enable_gzip,
        })
    }

    /// POST one line-protocol body. `Ok` only for a 2xx answer.
    pub fn write(&self, org: &str, bucket: &str, precision: Precision, body: &[u8]) -> Result<()> {
        let mut req = self
            .agent
            .post(&self.write_url)
            .query("org", org)
            .query("bucket", bucket)
            .query("precision", precision.as_str())
            .set("Content-Type", "text/plain; charset=utf-8")
            .set("Accept", "application/json");
        if let Some(auth) = &self.auth_header {
            req = req.set("Authorization", auth);
        }
        let result = if self.gzip {
            req.set("Content-Encoding", "gzip").send_bytes(&gzip(body)?)
        } else {
            req.send_bytes(body)
        };
        match result {
            Ok(resp) if (200..300).contains(&resp.status()) => {
                // Drain so the connection returns to the pool.
                let _ = resp.into_string();
                Ok(())
            }
            Ok(resp) => Err(http_error(resp)),
            Err(ureq::Error::Status(_, resp)) => Err(http_error(resp)),
            Err(ureq::Error::Transport(t)) => Err(transport_error(&t)),
        }
    }
}

fn http_error(resp: ureq::Response) -> Error {
    let status = resp.status();
    let retry_after = resp
        .header("Retry-After")
        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
    let body = resp.into_string().unwrap_or_default();
    http_status_error(status, &body, retry_after)
}

/// Build the error for a non-2xx answer from its status and body.
pub fn http_status_error(status: u16, body: &str, retry_after: Option<Duration>) -> Error {
    let server_message = parse_error_body(body);
    let message = if server_message.is_empty() {
        format!("HTTP {status} {}", reason(status))
    } else {
        format!("HTTP {status} {}: {server_message}", reason(status))
    };
    Error {
        code: Code::Http,
        message,
        http_status: status,
        server_message: Some(server_message),
        retriable: retry::is_retriable_status(status),
        retry_after,
    }
}

fn transport_error(t: &ureq::Transport) -> Error {
    let timed_out = std::error::Error::source(t)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .map(|e| {
            matches!(
                e.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            )
        })
        .unwrap_or(false);
    let code = if timed_out {
        Code::Timeout
    } else {
        Code::Transport
    };
    let mut e = Error::new(code, format!("{}: {t}", code.as_str()));
    // Connect/read/timeout failures are retried by the seed.
    e.retriable = true;
    e
}

/// Extract the human message from an InfluxDB error body: JSON `message` (v2) or `error` (v1);
/// otherwise the body text with whitespace collapsed (e.g. a proxy's HTML), truncated.
pub fn parse_error_body(body: &str) -> String {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(body) {
        for key in ["message", "error"] {
            if let Some(serde_json::Value::String(m)) = map.get(key) {
                return truncate(m.trim());
            }
        }
    }
    let collapsed: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&collapsed)
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_SERVER_MESSAGE {
        return s.to_string();
    }
    let mut end = MAX_SERVER_MESSAGE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
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

fn tls_config(cfg: &ClientConfig) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("TLS setup failed: {e}")))?;
    let builder = if !cfg.verify_ssl {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
    } else {
        let mut roots = rustls::RootCertStore::empty();
        match &cfg.ssl_ca_cert {
            Some(path) => {
                for cert in read_pem_certs(path, "ssl_ca_cert")? {
                    roots.add(cert).map_err(|e| {
                        Error::config(format!(
                            "ssl_ca_cert: invalid certificate in {}: {e}",
                            path.display()
                        ))
                    })?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        builder.with_root_certificates(roots)
    };
    match (&cfg.cert_file, &cfg.cert_key_file) {
        (Some(cert), Some(key)) => {
            if cfg
                .cert_key_password
                .as_deref()
                .is_some_and(|p| !p.is_empty())
            {
                return Err(Error::config(
                    "cert_key_password: encrypted private keys are not supported; use an unencrypted PEM key",
                ));
            }
            let certs = read_pem_certs(cert, "cert_file")?;
            let data = std::fs::read(key).map_err(|e| {
                Error::io(format!("cert_key_file: cannot read {}: {e}", key.display()))
            })?;
            let key = rustls_pemfile::private_key(&mut data.as_slice())
                .ok()
                .flatten()
                .ok_or_else(|| Error::config("cert_key_file: no PEM private key found"))?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| Error::config(format!("cert_file/cert_key_file: {e}")))
        }
        (None, None) => Ok(builder.with_no_client_auth()),
        _ => Err(Error::config(
            "cert_file and cert_key_file must be set together",
        )),
    }
}

fn read_pem_certs(
    path: &std::path::Path,
    key: &str,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>> {
    let data = std::fs::read(path)
        .map_err(|e| Error::io(format!("{key}: cannot read {}: {e}", path.display())))?;
    let certs: std::result::Result<Vec<_>, _> =
        rustls_pemfile::certs(&mut data.as_slice()).collect();
    match certs {
        Ok(c) if !c.is_empty() => Ok(c),
        Ok(_) => Err(Error::config(format!(
            "{key}: no PEM certificate in {}",
            path.display()
        ))),
        Err(e) => Err(Error::config(format!(
            "{key}: invalid PEM in {}: {e}",
            path.display()
        ))),
    }
}

/// `verify_ssl = false`: accept any server certificate (signatures are still checked).
#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_v2_json_message() {
        let m = parse_error_body(r#"{"code":"not found","message":"bucket \"nope\" not found"}"#);
        assert_eq!(m, "bucket \"nope\" not found");
    }

    #[test]
    fn error_body_v1_json_error() {
        assert_eq!(
            parse_error_body(r#"{"error":"database not found: \"x\""}"#),
            "database not found: \"x\""
        );
    }

    #[test]
    fn error_body_html_is_collapsed_text() {
        let m = parse_error_body("<html>\n  <body>502   Bad Gateway</body>\n</html>\n");
        assert_eq!(m, "<html> <body>502 Bad Gateway</body> </html>");
    }

    #[test]
    fn error_body_json_without_message_keeps_text() {
        assert_eq!(parse_error_body(r#"{"code":"x"}"#), r#"{"code":"x"}"#);
    }

    #[test]
    fn error_body_is_truncated_at_char_boundary() {
        let long = "é".repeat(2000);
        let m = parse_error_body(&long);
        assert!(m.len() <= MAX_SERVER_MESSAGE + 3);
        assert!(m.ends_with("..."));
    }

    #[test]
    fn http_error_fields() {
        let e = http_status_error(
            401,
            r#"{"code":"unauthorized","message":"unauthorized access"}"#,
            None,
        );
        assert_eq!(e.code, Code::Http);
        assert_eq!(e.http_status, 401);
        assert_eq!(e.server_message.as_deref(), Some("unauthorized access"));
        assert_eq!(e.message, "HTTP 401 Unauthorized: unauthorized access");
        assert!(!e.retriable);
        let e = http_status_error(503, "", Some(Duration::from_secs(3)));
        assert!(e.retriable);
        assert_eq!(e.retry_after, Some(Duration::from_secs(3)));
        assert_eq!(e.message, "HTTP 503 Service Unavailable");
    }

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
        use std::io::Read;
        let body = b"cpu value=1i 1\ncpu value=2i 2".repeat(100);
        let z = gzip(&body).unwrap();
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(z.as_slice())
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, body);
    }
}
