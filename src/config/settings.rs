//! Typed settings: [`ClientConfig`] (connection) and [`WriteOptions`] (a write API), made
//! from a [`Conf`].

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, Result};

use super::conf::Conf;
use super::value::*;

/// Connection settings of a client.
#[derive(Clone, PartialEq)]
pub struct ClientConfig {
    /// Base URL, one trailing `/` removed.
    pub url: String,
    /// `None` if unset or empty (then no `Authorization` header is sent). Not sent when
    /// `username` and `password` are set (session sign-in, as the seed).
    pub token: Option<String>,
    /// Session sign-in user (`POST /api/v2/signin`); used only with `password`.
    pub username: Option<String>,
    /// Session sign-in password; never shown.
    pub password: Option<String>,
    pub org: Option<String>,
    pub timeout: Duration,
    pub enable_gzip: bool,
    pub verify_ssl: bool,
    pub ssl_ca_cert: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub cert_key_file: Option<PathBuf>,
    pub cert_key_password: Option<String>,
    pub proxy: Option<String>,
    pub connection_pool_maxsize: usize,
    /// Send `token` as Basic credentials (`username:password`; checked to contain `:`).
    pub auth_basic: bool,
    /// Expanded default tags, sorted by name.
    pub default_tags: Vec<(String, String)>,
}

impl Default for ClientConfig {
    /// The table's defaults (no token, no org).
    fn default() -> ClientConfig {
        Conf::new()
            .client_config()
            .unwrap_or_else(|_| ClientConfig {
                url: "http://localhost:8086".to_string(),
                token: None,
                username: None,
                password: None,
                org: None,
                timeout: Duration::from_millis(10_000),
                enable_gzip: false,
                verify_ssl: true,
                ssl_ca_cert: None,
                cert_file: None,
                cert_key_file: None,
                cert_key_password: None,
                proxy: None,
                connection_pool_maxsize: 5,
                auth_basic: false,
                default_tags: Vec::new(),
            })
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| "***");
        f.debug_struct("ClientConfig")
            .field("url", &redact_userinfo(&self.url))
            .field("token", &secret(&self.token))
            .field("username", &self.username)
            .field("password", &secret(&self.password))
            .field("org", &self.org)
            .field("timeout", &self.timeout)
            .field("enable_gzip", &self.enable_gzip)
            .field("verify_ssl", &self.verify_ssl)
            .field("ssl_ca_cert", &self.ssl_ca_cert)
            .field("cert_file", &self.cert_file)
            .field("cert_key_file", &self.cert_key_file)
            .field("cert_key_password", &secret(&self.cert_key_password))
            .field("proxy", &self.proxy.as_deref().map(redact_userinfo))
            .field("connection_pool_maxsize", &self.connection_pool_maxsize)
            .field("auth_basic", &self.auth_basic)
            .field("default_tags", &self.default_tags)
            .finish()
    }
}

/// The seed's `WriteType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteType {
    Batching,
    Asynchronous,
    Synchronous,
}

impl WriteType {
    pub fn as_str(self) -> &'static str {
        match self {
            WriteType::Batching => "batching",
            WriteType::Asynchronous => "asynchronous",
            WriteType::Synchronous => "synchronous",
        }
    }
    /// Parse the option value (any case).
    pub fn parse(s: &str) -> Option<WriteType> {
        [
            WriteType::Batching,
            WriteType::Asynchronous,
            WriteType::Synchronous,
        ]
        .into_iter()
        .find(|w| w.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// What a write does when the bounded buffer is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufferFullPolicy {
    /// Wait up to `buffer_full_timeout` for room, then fail with "buffer full".
    Block,
    /// Fail at once with "buffer full".
    Reject,
    /// Discard the oldest buffered batch (reported as dropped) to make room.
    DropOldest,
}

impl BufferFullPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            BufferFullPolicy::Block => "block",
            BufferFullPolicy::Reject => "reject",
            BufferFullPolicy::DropOldest => "drop_oldest",
        }
    }
    /// Parse the option value (any case).
    pub fn parse(s: &str) -> Option<BufferFullPolicy> {
        [
            BufferFullPolicy::Block,
            BufferFullPolicy::Reject,
            BufferFullPolicy::DropOldest,
        ]
        .into_iter()
        .find(|w| w.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Write API settings: the seed's `WriteOptions` plus our bounded-buffer options.
#[derive(Clone, Debug, PartialEq)]
pub struct WriteOptions {
    pub write_type: WriteType,
    pub batch_size: usize,
    pub flush_interval: Duration,
    pub jitter_interval: Duration,
    pub retry_interval: Duration,
    pub max_retries: u32,
    pub max_retry_delay: Duration,
    pub max_retry_time: Duration,
    /// An integer in the seed too (default 2).
    pub exponential_base: u32,
    pub max_close_wait: Duration,
    pub max_buffer_lines: usize,
    pub max_buffer_bytes: usize,
    pub buffer_full_policy: BufferFullPolicy,
    /// How long a write may block under [`BufferFullPolicy::Block`].
    pub buffer_full_timeout: Duration,
    /// Expanded default tags, sorted by name.
    pub default_tags: Vec<(String, String)>,
}

impl Default for WriteOptions {
    /// The table's defaults (the seed's `WriteOptions()` plus ours).
    fn default() -> WriteOptions {
        Conf::new()
            .write_options()
            .unwrap_or_else(|_| WriteOptions {
                write_type: WriteType::Batching,
                batch_size: 1000,
                flush_interval: Duration::from_millis(1000),
                jitter_interval: Duration::ZERO,
                retry_interval: Duration::from_millis(5000),
                max_retries: 5,
                max_retry_delay: Duration::from_millis(125_000),
                max_retry_time: Duration::from_millis(180_000),
                exponential_base: 2,
                max_close_wait: Duration::from_millis(300_000),
                max_buffer_lines: 100_000,
                max_buffer_bytes: 64 << 20,
                buffer_full_policy: BufferFullPolicy::Block,
                buffer_full_timeout: Duration::from_millis(10_000),
                default_tags: Vec::new(),
            })
    }
}

impl Conf {
    /// The client (connection) settings. Write options in this conf are ignored here.
    pub fn client_config(&self) -> Result<ClientConfig> {
        let url = self.raw("url")?;
        // Seed `_BaseClient.__init__`: a trailing "/" is removed from the URL.
        let url = url.strip_suffix('/').unwrap_or(url).to_string();
        let token = self.text("token");
        let auth_basic = self.flag("auth_basic")?;
        if auth_basic {
            match &token {
                None => {
                    return Err(Error::config(
                        "auth_basic: requires `token` set to \"username:password\"",
                    ))
                }
                Some(t) if !t.contains(':') => return Err(Error::config(
                    "auth_basic: `token` must have the form username:password (value not shown)",
                )),
                Some(_) => {}
            }
        }
        let username = self.text("username");
        let password = self.text("password");
        // Seed `_BaseClient.__init__`: sign-in needs both; with both set the token is not
        // sent. One without the other and no token would send unauthenticated requests that
        // fail later with 401: refused here instead.
        if username.is_some() != password.is_some() && token.is_none() {
            return Err(Error::config(if username.is_some() {
                "username: set `password` too (sign-in needs both)"
            } else {
                "password: set `username` too (sign-in needs both)"
            }));
        }
        if username.as_deref().is_some_and(|u| u.contains(':')) {
            return Err(Error::config(
                "username: must not contain ':' (it is sent as HTTP Basic credentials user:password)",
            ));
        }
        let connection_pool_maxsize = match self.get("connection_pool_maxsize") {
            Some(_) => self.usize_of("connection_pool_maxsize")?,
            // Seed `Configuration.__init__`: `multiprocessing.cpu_count() * 5`.
            None => std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .saturating_mul(5),
        };
        Ok(ClientConfig {
            url,
            token,
            username,
            password,
            org: self.text("org"),
            timeout: self.millis("timeout")?,
            enable_gzip: self.flag("enable_gzip")?,
            verify_ssl: self.flag("verify_ssl")?,
            ssl_ca_cert: self.path("ssl_ca_cert"),
            cert_file: self.path("cert_file"),
            cert_key_file: self.path("cert_key_file"),
            cert_key_password: self.text("cert_key_password"),
            proxy: self.text("proxy"),
            connection_pool_maxsize,
            auth_basic,
            default_tags: self.default_tags(),
        })
    }

    /// The write API settings. Client options in this conf are ignored here.
    pub fn write_options(&self) -> Result<WriteOptions> {
        let write_type = WriteType::parse(self.raw("write_type")?)
            .ok_or_else(|| Error::internal("config: write_type is invalid"))?;
        let buffer_full_policy = BufferFullPolicy::parse(self.raw("buffer_full_policy")?)
            .ok_or_else(|| Error::internal("config: buffer_full_policy is invalid"))?;
        Ok(WriteOptions {
            write_type,
            batch_size: self.usize_of("batch_size")?,
            flush_interval: self.millis("flush_interval")?,
            jitter_interval: self.millis("jitter_interval")?,
            retry_interval: self.millis("retry_interval")?,
            max_retries: self.u32_of("max_retries")?,
            max_retry_delay: self.millis("max_retry_delay")?,
            max_retry_time: self.millis("max_retry_time")?,
            exponential_base: self.u32_of("exponential_base")?,
            max_close_wait: self.millis("max_close_wait")?,
            max_buffer_lines: self.usize_of("max_buffer_lines")?,
            max_buffer_bytes: self.usize_of("max_buffer_bytes")?,
            buffer_full_policy,
            buffer_full_timeout: self.millis("buffer_full_timeout")?,
            default_tags: self.default_tags(),
        })
    }
}
