//! Loopback TLS for tests: a certificate authority generated per test (rcgen), server and
//! client certificates it signs, written to a temporary directory as PEM files, and a small
//! HTTPS/1.1 server (rustls) that records every request and answers 204.
//!
//! Also a minimal HTTP/1.1 head reader ([`read_head`]) and a reader that waits out socket
//! read timeouts while polling a stop flag ([`Patient`]), shared with the test proxy.
//! Everything is bounded: connection threads poll the stop flag and `Drop` joins them.

#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// How often blocked reads look at the stop flag.
const POLL: Duration = Duration::from_millis(50);

// ---------------------------------------------------------------------------------------------
// Certificates
// ---------------------------------------------------------------------------------------------

static DIRS: AtomicUsize = AtomicUsize::new(0);

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let n = DIRS.fetch_add(1, Ordering::SeqCst);
        let p = std::env::temp_dir().join(format!(
            "influxdb-client-c-{tag}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create a temp dir");
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Write `data` to `name` in the directory; returns its path.
    pub fn write(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, data).expect("write a temp file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A certificate with its key, as DER (for the server) and as PEM files (for the client).
pub struct Identity {
    pub cert: CertificateDer<'static>,
    pub key: PrivatePkcs8KeyDer<'static>,
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
}

/// A test certificate authority; its certificate is in `ca_file` (PEM).
pub struct Pki {
    pub dir: TempDir,
    pub ca_file: PathBuf,
    ca_der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
    issued: AtomicUsize,
}

impl Pki {
    pub fn new(name: &str) -> Pki {
        let dir = TempDir::new("pki");
        let key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).expect("self-sign the CA");
        let ca_file = dir.write("ca.pem", cert.pem().as_bytes());
        Pki {
            dir,
            ca_file,
            ca_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
            issued: AtomicUsize::new(0),
        }
    }

    fn issue(&self, names: &[&str], eku: ExtendedKeyUsagePurpose) -> Identity {
        let key = KeyPair::generate().expect("leaf key");
        let sans: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let mut params = CertificateParams::new(sans).expect("leaf params");
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().copied().unwrap_or("client"),
        );
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![eku];
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("sign a leaf certificate");
        let n = self.issued.fetch_add(1, Ordering::SeqCst);
        let cert_file = self
            .dir
            .write(&format!("leaf{n}.crt"), cert.pem().as_bytes());
        let key_file = self
            .dir
            .write(&format!("leaf{n}.key"), key.serialize_pem().as_bytes());
        Identity {
            cert: cert.der().clone(),
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
            cert_file,
            key_file,
        }
    }

    /// A server certificate for `names` (DNS names or IP addresses).
    pub fn server(&self, names: &[&str]) -> Identity {
        self.issue(names, ExtendedKeyUsagePurpose::ServerAuth)
    }

    /// A client certificate (TLS client authentication) with common name `cn`.
    pub fn client(&self, cn: &str) -> Identity {
        self.issue(&[cn], ExtendedKeyUsagePurpose::ClientAuth)
    }

    pub fn roots(&self) -> rustls::RootCertStore {
        let mut r = rustls::RootCertStore::empty();
        r.add(self.ca_der.clone()).expect("add the CA");
        r
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP/1.1 plumbing
// ---------------------------------------------------------------------------------------------

/// Reads that wait out socket read timeouts (WouldBlock / TimedOut) until `stop` is set or
/// `limit` passes; then they fail with `ConnectionAborted`. Writes go straight through.
pub struct Patient<S> {
    pub inner: S,
    stop: Arc<AtomicBool>,
    limit: Duration,
}

impl<S> Patient<S> {
    pub fn new(inner: S, stop: Arc<AtomicBool>, limit: Duration) -> Patient<S> {
        Patient { inner, stop, limit }
    }
}

impl<S: Read> Read for Patient<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let until = Instant::now() + self.limit;
        loop {
            if self.stop.load(Ordering::SeqCst) || Instant::now() >= until {
                return Err(io::ErrorKind::ConnectionAborted.into());
            }
            match self.inner.read(buf) {
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                r => return r,
            }
        }
    }
}

impl<S: Write> Write for Patient<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A request line and headers.
#[derive(Clone, Debug, Default)]
pub struct Head {
    pub method: String,
    /// As sent: origin form (`/path?q`), absolute form (`http://h:p/path`) or, for CONNECT,
    /// authority form (`h:p`).
    pub target: String,
    /// Names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn content_length(&self) -> usize {
        self.header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// The path of the target, whatever its form.
    pub fn path(&self) -> &str {
        let t = self.target.as_str();
        let t = match t.find("://") {
            Some(i) => {
                let rest = &t[i + 3..];
                rest.find('/').map(|j| &rest[j..]).unwrap_or("/")
            }
            None => t,
        };
        t.split('?').next().unwrap_or(t)
    }
}

/// Read a request head; `Ok(None)` at a clean end of the connection before a request.
pub fn read_head<R: BufRead>(r: &mut R) -> io::Result<Option<Head>> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let n = r.read_line(&mut line)?;
        if n == 0 {
            if lines.is_empty() {
                return Ok(None);
            }
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            if lines.is_empty() {
                continue; // stray CRLF between requests
            }
            break;
        }
        lines.push(line);
        if lines.len() > 200 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too long"));
        }
    }
    let mut first = lines[0].split(' ');
    let (Some(method), Some(target), Some(version)) = (first.next(), first.next(), first.next())
    else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not HTTP/1.x"));
    }
    let mut headers = Vec::new();
    for l in &lines[1..] {
        let Some((k, v)) = l.split_once(':') else {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "bad header"));
        };
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    Ok(Some(Head {
        method: method.to_string(),
        target: target.to_string(),
        headers,
    }))
}

/// Exactly `n` bytes.
pub fn read_exact_vec<R: Read>(r: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut body = vec![0u8; n];
    r.read_exact(&mut body)?;
    Ok(body)
}

/// RFC 4648 base64 (for `Proxy-Authorization: Basic`).
pub fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in input.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            out.push(if i <= c.len() {
                T[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------------------------
// The HTTPS server
// ---------------------------------------------------------------------------------------------

/// One request as the HTTPS server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub head: Head,
    pub body: Vec<u8>,
    /// The client presented a certificate (that the server's verifier accepted).
    pub client_cert: bool,
}

struct Shared {
    stop: Arc<AtomicBool>,
    seen: Mutex<Vec<Seen>>,
    /// Connections that ended in a TLS or I/O error before a complete request.
    failed: Mutex<Vec<String>>,
    connections: AtomicUsize,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// An HTTPS/1.1 server on 127.0.0.1 answering every request `204 No Content`.
pub struct HttpsServer {
    port: u16,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

/// Server TLS settings: its certificate and, optionally, the CA that client certificates
/// must chain to (then a client certificate is required).
pub fn server_config(
    id: &Identity,
    client_ca: Option<rustls::RootCertStore>,
) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let b = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("protocol versions");
    let b = match client_ca {
        Some(roots) => {
            let v = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .expect("client verifier");
            b.with_client_cert_verifier(v)
        }
        None => b.with_no_client_auth(),
    };
    let key = PrivateKeyDer::Pkcs8(id.key.clone_key());
    Arc::new(
        b.with_single_cert(vec![id.cert.clone()], key)
            .expect("server certificate"),
    )
}

impl HttpsServer {
    pub fn start(config: Arc<rustls::ServerConfig>) -> HttpsServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the HTTPS server");
        listener.set_nonblocking(true).expect("set_nonblocking");
        let port = listener.local_addr().expect("local_addr").port();
        let shared = Arc::new(Shared {
            stop: Arc::new(AtomicBool::new(false)),
            seen: Mutex::new(Vec::new()),
            failed: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            workers: Mutex::new(Vec::new()),
        });
        let s2 = shared.clone();
        let acceptor = std::thread::spawn(move || {
            while !s2.stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((tcp, _)) => {
                        s2.connections.fetch_add(1, Ordering::SeqCst);
                        let s3 = s2.clone();
                        let cfg = config.clone();
                        let h = std::thread::spawn(move || serve_tls(&s3, cfg, tcp));
                        let mut w = lock(&s2.workers);
                        w.retain(|h| !h.is_finished());
                        w.push(h);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        HttpsServer {
            port,
            shared,
            acceptor: Some(acceptor),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `https://<host>:<port>` (`host` must resolve to 127.0.0.1 for the server to be reached).
    pub fn url(&self, host: &str) -> String {
        format!("https://{host}:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Seen> {
        lock(&self.shared.seen).clone()
    }

    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Wait up to `timeout` for at least `n` failed connections; returns their errors.
    pub fn wait_failures(&self, n: usize, timeout: Duration) -> Vec<String> {
        let until = Instant::now() + timeout;
        loop {
            let f = lock(&self.shared.failed).clone();
            if f.len() >= n || Instant::now() >= until {
                return f;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for HttpsServer {
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

fn serve_tls(shared: &Shared, config: Arc<rustls::ServerConfig>, tcp: TcpStream) {
    let _ = tcp.set_nonblocking(false);
    let _ = tcp.set_read_timeout(Some(POLL));
    let conn = match rustls::ServerConnection::new(config) {
        Ok(c) => c,
        Err(e) => {
            lock(&shared.failed).push(format!("{e}"));
            return;
        }
    };
    let tls = rustls::StreamOwned::new(conn, tcp);
    let mut r = BufReader::new(Patient::new(
        tls,
        shared.stop.clone(),
        Duration::from_secs(20),
    ));
    let mut served = 0usize;
    loop {
        let head = match read_head(&mut r) {
            Ok(Some(h)) => h,
            Ok(None) => return,
            Err(e) => {
                if served == 0 {
                    lock(&shared.failed).push(e.to_string());
                }
                return;
            }
        };
        let body = match read_exact_vec(&mut r, head.content_length()) {
            Ok(b) => b,
            Err(e) => {
                lock(&shared.failed).push(e.to_string());
                return;
            }
        };
        let client_cert = r.get_ref().inner.conn.peer_certificates().is_some();
        let close = head
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        lock(&shared.seen).push(Seen {
            head,
            body,
            client_cert,
        });
        served += 1;
        let w = r.get_mut();
        if w.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
            .and_then(|_| w.flush())
            .is_err()
            || close
        {
            w.inner.conn.send_close_notify();
            let _ = w.flush();
            return;
        }
    }
}
