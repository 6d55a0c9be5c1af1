//! Configuration: ONE table of option keys ([`OPTIONS`]) drives parsing, validation, defaults,
//! environment variables and the generated CONFIGURATION.md ([`configuration_md`]).
//!
//! A [`Conf`] is a bag of validated `key → value` strings plus default tags. It is filled by
//! [`Conf::set`] (the C API's `influx_conf_set`), [`Conf::load_env`] (the seed's
//! `INFLUXDB_V2_*` variables, `_from_env_properties`) and [`Conf::load_file`] (the seed's
//! ini/toml/json config file, `_from_config_file`), then turned into a typed
//! [`ClientConfig`] or [`WriteOptions`]. Secrets (`token`, `cert_key_password`, proxy/URL
//! passwords) never appear in any message, `Debug` or `Display` output.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};

/// Which handle an option belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Connection options: the conf passed to `influx_client_new`.
    Client,
    /// Write API options: on the client conf (defaults for every write API) or a write API's conf.
    Write,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Client => "client",
            Scope::Write => "write",
        }
    }
}

/// The type of an option's value, with its allowed range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// Any text without CR, LF or NUL.
    Str,
    /// Like `Str`, but never shown in messages, `Debug` or `Display`.
    Secret,
    /// An `http://` or `https://` URL with a host.
    Url,
    /// `true/false`, `1/0`, `yes/no`, `on/off` (any case).
    Bool,
    /// A decimal integer (`_` separators allowed) in `min..=max`.
    Int { min: i64, max: i64 },
    /// Milliseconds in `min..=max`; a suffix `ms`, `s`, `m`/`min` or `h` is accepted.
    Ms { min: u64, max: u64 },
    /// A finite decimal number in `min..=max`.
    Float { min: f64, max: f64 },
    /// One of the listed words (any case; stored in the listed spelling).
    Enum(&'static [&'static str]),
    /// A non-empty file path (not checked for existence here).
    Path,
}

/// One configuration option.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    pub key: &'static str,
    pub scope: Scope,
    pub kind: Kind,
    /// Default value, in the option's own syntax; `None` = unset unless documented otherwise.
    pub default: Option<&'static str>,
    /// Environment variable read by [`Conf::load_env`] (the seed's names only).
    pub env: Option<&'static str>,
    /// One sentence for CONFIGURATION.md.
    pub doc: &'static str,
}

/// Prefix of the keys that set default tags: `default_tags.<name>`.
pub const DEFAULT_TAG_PREFIX: &str = "default_tags.";
/// Prefix of the environment variables that set default tags (seed: `INFLUXDB_V2_TAG_<NAME>`).
pub const ENV_TAG_PREFIX: &str = "INFLUXDB_V2_TAG_";
/// Config file section read by [`Conf::load_file`] (seed: `config_name="influx2"`).
pub const DEFAULT_SECTION: &str = "influx2";
/// Config file section holding default tags.
pub const TAGS_SECTION: &str = "tags";

const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 24 * HOUR_MS;

/// Every option, client options first. The C API, the parser, the defaults and the docs all
/// read this table.
pub static OPTIONS: &[OptionSpec] = &[
    // ---- client (seed: InfluxDBClient kwargs, `_from_config_file`, `_from_env_properties`)
    OptionSpec {
        key: "url",
        scope: Scope::Client,
        kind: Kind::Url,
        default: Some("http://localhost:8086"),
        env: Some("INFLUXDB_V2_URL"),
        doc: "Base URL of the InfluxDB server; one trailing `/` is removed.",
    },
    OptionSpec {
        key: "token",
        scope: Scope::Client,
        kind: Kind::Secret,
        default: None,
        env: Some("INFLUXDB_V2_TOKEN"),
        doc: "API token, sent as `Authorization: Token <token>` (or `username:password` with `auth_basic`); never printed.",
    },
    OptionSpec {
        key: "org",
        scope: Scope::Client,
        kind: Kind::Str,
        default: None,
        env: Some("INFLUXDB_V2_ORG"),
        doc: "Organization (name or ID) used by writes that do not name one.",
    },
    OptionSpec {
        key: "timeout",
        scope: Scope::Client,
        kind: Kind::Ms { min: 1, max: DAY_MS },
        default: Some("10000"),
        env: Some("INFLUXDB_V2_TIMEOUT"),
        doc: "HTTP request timeout in milliseconds.",
    },
    OptionSpec {
        key: "enable_gzip",
        scope: Scope::Client,
        kind: Kind::Bool,
        default: Some("false"),
        env: None,
        doc: "Compress write bodies with gzip (`Content-Encoding: gzip`).",
    },
    OptionSpec {
        key: "verify_ssl",
        scope: Scope::Client,
        kind: Kind::Bool,
        default: Some("true"),
        env: Some("INFLUXDB_V2_VERIFY_SSL"),
        doc: "Verify the server's TLS certificate and host name; turn off for testing only.",
    },
    OptionSpec {
        key: "ssl_ca_cert",
        scope: Scope::Client,
        kind: Kind::Path,
        default: None,
        env: Some("INFLUXDB_V2_SSL_CA_CERT"),
        doc: "PEM file of CA certificates to trust instead of the built-in web PKI roots.",
    },
    OptionSpec {
        key: "cert_file",
        scope: Scope::Client,
        kind: Kind::Path,
        default: None,
        env: Some("INFLUXDB_V2_CERT_FILE"),
        doc: "PEM client certificate (chain) for mutual TLS; set together with `cert_key_file`.",
    },
    OptionSpec {
        key: "cert_key_file",
        scope: Scope::Client,
        kind: Kind::Path,
        default: None,
        env: Some("INFLUXDB_V2_CERT_KEY_FILE"),
        doc: "PEM private key belonging to `cert_file`.",
    },
    OptionSpec {
        key: "cert_key_password",
        scope: Scope::Client,
        kind: Kind::Secret,
        default: None,
        env: Some("INFLUXDB_V2_CERT_KEY_PASSWORD"),
        doc: "Password of an encrypted `cert_key_file` (accepted for compatibility with the seed); never printed.",
    },
    OptionSpec {
        key: "proxy",
        scope: Scope::Client,
        kind: Kind::Str,
        default: None,
        env: None,
        doc: "Proxy URL for all requests, e.g. `http://proxy.example.com:8080`.",
    },
    OptionSpec {
        key: "connection_pool_maxsize",
        scope: Scope::Client,
        kind: Kind::Int { min: 1, max: 10_000 },
        default: None,
        env: Some("INFLUXDB_V2_CONNECTION_POOL_MAXSIZE"),
        doc: "Most idle connections kept open to the server; unset means 5 × the number of CPUs, as in the seed.",
    },
    OptionSpec {
        key: "auth_basic",
        scope: Scope::Client,
        kind: Kind::Bool,
        default: Some("false"),
        env: Some("INFLUXDB_V2_AUTH_BASIC"),
        doc: "Send `token` (`username:password`) as HTTP Basic credentials, for InfluxDB 1.8's 2.x API.",
    },
    // ---- write (seed: WriteOptions; the buffer_* / max_buffer_* options are ours)
    OptionSpec {
        key: "write_type",
        scope: Scope::Write,
        kind: Kind::Enum(&["batching", "asynchronous", "synchronous"]),
        default: Some("batching"),
        env: None,
        doc: "`batching` buffers points and writes batches in the background, `synchronous` blocks each write call until the server answered, `asynchronous` is the seed's deprecated background mode.",
    },
    OptionSpec {
        key: "batch_size",
        scope: Scope::Write,
        kind: Kind::Int { min: 1, max: 1_000_000 },
        default: Some("1000"),
        env: None,
        doc: "Points per batch; a batch is sent when it is full or `flush_interval` has passed.",
    },
    OptionSpec {
        key: "flush_interval",
        scope: Scope::Write,
        kind: Kind::Ms { min: 1, max: HOUR_MS },
        default: Some("1000"),
        env: None,
        doc: "Longest time in milliseconds a point waits in a partly filled batch.",
    },
    OptionSpec {
        key: "jitter_interval",
        scope: Scope::Write,
        kind: Kind::Ms { min: 0, max: HOUR_MS },
        default: Some("0"),
        env: None,
        doc: "Random delay of up to this many milliseconds before each batch POST (and added to a server's `Retry-After`), to spread load from many clients.",
    },
    OptionSpec {
        key: "retry_interval",
        scope: Scope::Write,
        kind: Kind::Ms { min: 1, max: HOUR_MS },
        default: Some("5000"),
        env: None,
        doc: "The first retry waits a random time between `retry_interval` and `retry_interval × exponential_base` milliseconds.",
    },
    OptionSpec {
        key: "max_retries",
        scope: Scope::Write,
        kind: Kind::Int { min: 0, max: 10_000 },
        default: Some("5"),
        env: None,
        doc: "Retries of a failed batch after its first attempt; 0 disables retrying.",
    },
    OptionSpec {
        key: "max_retry_delay",
        scope: Scope::Write,
        kind: Kind::Ms { min: 1, max: DAY_MS },
        default: Some("125000"),
        env: None,
        doc: "Upper bound in milliseconds of each backoff wait (a server's `Retry-After` is honoured in full).",
    },
    OptionSpec {
        key: "max_retry_time",
        scope: Scope::Write,
        kind: Kind::Ms { min: 0, max: 7 * DAY_MS },
        default: Some("180000"),
        env: None,
        doc: "No retry starts later than this many milliseconds after the batch's first attempt; 0 disables retrying.",
    },
    OptionSpec {
        key: "exponential_base",
        scope: Scope::Write,
        kind: Kind::Int { min: 1, max: 100 },
        default: Some("2"),
        env: None,
        doc: "Factor by which the backoff range grows with each retry.",
    },
    OptionSpec {
        key: "max_close_wait",
        scope: Scope::Write,
        kind: Kind::Ms { min: 0, max: DAY_MS },
        default: Some("300000"),
        env: None,
        doc: "Longest time in milliseconds closing a write API waits for buffered and in-flight batches.",
    },
    OptionSpec {
        key: "max_buffer_lines",
        scope: Scope::Write,
        kind: Kind::Int { min: 1, max: 100_000_000 },
        default: Some("100000"),
        env: None,
        doc: "Most points held (waiting, in flight or retrying) before `buffer_full_policy` applies.",
    },
    OptionSpec {
        key: "max_buffer_bytes",
        scope: Scope::Write,
        kind: Kind::Int { min: 1024, max: 1 << 40 },
        default: Some("67108864"),
        env: None,
        doc: "Most bytes of line protocol held (waiting, in flight or retrying) before `buffer_full_policy` applies.",
    },
    OptionSpec {
        key: "buffer_full_policy",
        scope: Scope::Write,
        kind: Kind::Enum(&["block", "reject", "drop_oldest"]),
        default: Some("block"),
        env: None,
        doc: "When the buffer is full, `block` waits up to `buffer_full_timeout`, `reject` fails the write at once, `drop_oldest` discards the oldest buffered batch.",
    },
    OptionSpec {
        key: "buffer_full_timeout",
        scope: Scope::Write,
        kind: Kind::Ms { min: 0, max: HOUR_MS },
        default: Some("10000"),
        env: None,
        doc: "Longest time in milliseconds a write blocks under `block` before it fails with \"buffer full\".",
    },
];

/// The option named `key` (exact, case-sensitive match).
pub fn spec(key: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|s| s.key == key)
}

// ------------------------------------------------------------------------------------------
// Value parsing
// ------------------------------------------------------------------------------------------

/// A value shown in an error message: quoted, escaped, at most 64 characters.
fn shown(v: &str) -> String {
    const MAX: usize = 64;
    let mut s: String = v
        .chars()
        .take(MAX)
        .collect::<String>()
        .escape_debug()
        .collect();
    if v.chars().nth(MAX).is_some() {
        s.push('…');
    }
    format!("\"{s}\"")
}

/// Replace the password of `scheme://user:pass@host` with `***`.
fn redact_userinfo(s: &str) -> String {
    if let Some(i) = s.find("://") {
        let rest = &s[i + 3..];
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            return format!("{}://***@{}", &s[..i], &rest[at + 1..]);
        }
    }
    s.to_string()
}

/// How a value of `key` may be shown: secrets as `***`, URLs without credentials.
fn display_value(key: &str, v: &str) -> String {
    match spec(key).map(|s| s.kind) {
        Some(Kind::Secret) => "***".to_string(),
        Some(Kind::Url) => redact_userinfo(v),
        _ if key == "proxy" => redact_userinfo(v),
        _ => v.to_string(),
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Decimal digits with optional single `_` separators between digits (Python `int()` style).
fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.starts_with('_') || s.ends_with('_') || s.contains("__") {
        return None;
    }
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    s.replace('_', "").parse::<u64>().ok()
}

fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = i128::from(parse_digits(digits)?);
    i64::try_from(if neg { -n } else { n }).ok()
}

fn parse_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n = parse_digits(num)?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "ms" => 1,
        "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => HOUR_MS,
        _ => return None,
    };
    n.checked_mul(mult)
}

fn parse_float(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

fn has_control(s: &str) -> bool {
    s.contains(['\r', '\n', '\0'])
}

fn is_http_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or("");
            !host.is_empty() && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// What a kind accepts, for error messages and docs.
fn expected(kind: &Kind) -> String {
    match kind {
        Kind::Str | Kind::Secret => "text without CR, LF or NUL".to_string(),
        Kind::Url => "an http:// or https:// URL".to_string(),
        Kind::Bool => "a boolean (true/false, 1/0, yes/no, on/off)".to_string(),
        Kind::Int { min, max } => format!("an integer in {min}..={max}"),
        Kind::Ms { min, max } => {
            format!(
                "milliseconds in {min}..={max} (an integer, optionally with suffix ms, s, m or h)"
            )
        }
        Kind::Float { min, max } => format!("a number in {min}..={max}"),
        Kind::Enum(words) => format!("one of {}", words.join(", ")),
        Kind::Path => "a non-empty file path without CR, LF or NUL".to_string(),
    }
}

/// Validate `value` for `spec`; return the stored (normalized) form.
fn normalize(spec: &OptionSpec, value: &str) -> Result<String> {
    let bad = || {
        if spec.kind == Kind::Secret {
            Error::config(format!(
                "{}: expected {} (value not shown)",
                spec.key,
                expected(&spec.kind)
            ))
        } else {
            Error::config(format!(
                "{}: expected {}, got {}",
                spec.key,
                expected(&spec.kind),
                shown(value)
            ))
        }
    };
    let out = match spec.kind {
        Kind::Str | Kind::Secret => {
            if has_control(value) {
                return Err(bad());
            }
            value.to_string()
        }
        Kind::Path => {
            if value.trim().is_empty() || has_control(value) {
                return Err(bad());
            }
            value.to_string()
        }
        Kind::Url => {
            let v = value.trim();
            if !is_http_url(v) || has_control(v) {
                return Err(bad());
            }
            v.to_string()
        }
        Kind::Bool => parse_bool(value).ok_or_else(bad)?.to_string(),
        Kind::Int { min, max } => parse_int(value)
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(bad)?
            .to_string(),
        Kind::Ms { min, max } => parse_ms(value)
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(bad)?
            .to_string(),
        Kind::Float { min, max } => parse_float(value)
            .filter(|f| *f >= min && *f <= max)
            .ok_or_else(bad)?
            .to_string(),
        Kind::Enum(words) => {
            let v = value.trim();
            words
                .iter()
                .find(|w| w.eq_ignore_ascii_case(v))
                .ok_or_else(bad)?
                .to_string()
        }
    };
    Ok(out)
}

fn unknown_key(key: &str) -> Error {
    let known: Vec<&str> = OPTIONS.iter().map(|s| s.key).collect();
    Error::config(format!(
        "unknown configuration key {}; known keys: {}, {}<name>",
        shown(key),
        known.join(", "),
        DEFAULT_TAG_PREFIX
    ))
}

/// Expand a default tag value as the seed's `PointSettings._get_value` does: a value that is
/// wholly `${env.NAME}` becomes the variable's value, or `None` (tag dropped) if it is unset.
/// Any other value is returned unchanged.
pub fn expand_env_value(v: &str, lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    match v.strip_prefix("${env.").and_then(|r| r.strip_suffix('}')) {
        Some(name) => lookup(name),
        None => Some(v.to_string()),
    }
}

/// Read an environment variable without any chance of a panic on odd names.
fn env_lookup(name: &str) -> Option<String> {
    if name.is_empty() || name.contains(['=', '\0']) {
        return None;
    }
    std::env::var(name).ok()
}

// ------------------------------------------------------------------------------------------
// Conf
// ------------------------------------------------------------------------------------------

/// Validated option values (normalized strings) and default tags (raw, `${env.X}` unexpanded).
#[derive(Clone, Default, PartialEq)]
pub struct Conf {
    values: BTreeMap<&'static str, String>,
    tags: BTreeMap<String, String>,
}

impl fmt::Debug for Conf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in &self.values {
            m.entry(k, &display_value(k, v));
        }
        for (k, v) in &self.tags {
            m.entry(&format!("{DEFAULT_TAG_PREFIX}{k}"), v);
        }
        m.finish()
    }
}

impl fmt::Display for Conf {
    /// `key=value` pairs separated by `, `; secrets shown as `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            let r = if first { Ok(()) } else { f.write_str(", ") };
            first = false;
            r
        };
        for (k, v) in &self.values {
            sep(f)?;
            write!(f, "{k}={}", display_value(k, v))?;
        }
        for (k, v) in &self.tags {
            sep(f)?;
            write!(f, "{DEFAULT_TAG_PREFIX}{k}={v}")?;
        }
        Ok(())
    }
}

/// One `key = value` read from a config file, with its line (0 for JSON).
struct Entry {
    key: String,
    value: String,
    line: usize,
}

#[derive(Default)]
struct FileEntries {
    options: Vec<Entry>,
    tags: Vec<Entry>,
}

impl Conf {
    /// An empty conf: every option at its default.
    pub fn new() -> Conf {
        Conf::default()
    }

    /// Set an option (validated now) or, with `default_tags.<name>`, a default tag.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        if let Some(name) = key.strip_prefix(DEFAULT_TAG_PREFIX) {
            if name.is_empty() {
                return Err(Error::config(format!(
                    "{DEFAULT_TAG_PREFIX}<name>: the tag name must not be empty"
                )));
            }
            self.tags.insert(name.to_string(), value.to_string());
            return Ok(());
        }
        let spec = spec(key).ok_or_else(|| unknown_key(key))?;
        let v = normalize(spec, value)?;
        self.values.insert(spec.key, v);
        Ok(())
    }

    /// The value as stored (normalized: booleans `true`/`false`, durations in ms, enum words
    /// in their listed spelling); `None` if unset. A secret is returned as set.
    pub fn get(&self, key: &str) -> Option<&str> {
        match key.strip_prefix(DEFAULT_TAG_PREFIX) {
            Some(name) => self.tags.get(name).map(String::as_str),
            None => self.values.get(key).map(String::as_str),
        }
    }

    /// The value if set, else the table's default.
    pub fn get_or_default(&self, key: &str) -> Option<&str> {
        self.get(key).or_else(|| spec(key).and_then(|s| s.default))
    }

    /// Apply the seed's environment variables from the process environment.
    pub fn load_env(&mut self) -> Result<()> {
        let mut vars = Vec::new();
        for (k, v) in std::env::vars_os() {
            let Some(k) = k.to_str() else { continue };
            if !(k.starts_with(ENV_TAG_PREFIX) || OPTIONS.iter().any(|s| s.env == Some(k))) {
                continue;
            }
            match v.into_string() {
                Ok(v) => vars.push((k.to_string(), v)),
                Err(_) => {
                    return Err(Error::config(format!(
                        "environment variable {k}: value is not valid UTF-8"
                    )))
                }
            }
        }
        self.load_env_from(vars)
    }

    /// Apply `INFLUXDB_V2_*` variables from `vars` (seed `_from_env_properties`): each option's
    /// variable sets it when present and non-empty; `INFLUXDB_V2_TAG_<NAME>` sets default tag
    /// `<name>` (lowercased, as the seed does). Other variables are ignored. All or nothing:
    /// on error the conf is unchanged.
    pub fn load_env_from(
        &mut self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<()> {
        let mut next = self.clone();
        for (k, v) in vars {
            if let Some(name) = k.strip_prefix(ENV_TAG_PREFIX) {
                if !name.is_empty() {
                    next.tags.insert(name.to_lowercase(), v);
                }
                continue;
            }
            let Some(spec) = OPTIONS.iter().find(|s| s.env == Some(k.as_str())) else {
                continue;
            };
            if v.is_empty() {
                continue;
            }
            let n = normalize(spec, &v)
                .map_err(|e| Error::config(format!("environment variable {k}: {}", e.message)))?;
            next.values.insert(spec.key, n);
        }
        *self = next;
        Ok(())
    }

    /// Read a config file's `[influx2]` and `[tags]` sections (see [`Conf::load_file_section`]).
    pub fn load_file(&mut self, path: &Path) -> Result<()> {
        self.load_file_section(path, DEFAULT_SECTION)
    }

    /// Read a config file as the seed's `_from_config_file(config_name=section)` does.
    ///
    /// Format: `.json`, or content starting with `{`, is JSON (the seed's flat object with a
    /// `"tags"` object; an object under the `section` key is also accepted); `.toml` is a
    /// TOML subset; anything else is ini. Options come from `[section]`, default tags from
    /// `[tags]`. Keys this library does not know (the seed's `profilers`, ...) are ignored so
    /// seed config files load unchanged. All or nothing: on error the conf is unchanged.
    pub fn load_file_section(&mut self, path: &Path, section: &str) -> Result<()> {
        let where_ = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(format!("cannot read config file {where_}: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::config(format!("{where_}: config file is not valid UTF-8")))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let parsed = if ext == "json" || text.trim_start().starts_with('{') {
            parse_json(text, section)
        } else {
            parse_ini(text, section, ext == "toml")
        }
        .map_err(|m| Error::config(format!("{where_}: {m}")))?;

        let mut next = self.clone();
        for e in parsed.options {
            if spec(&e.key).is_none() && !e.key.starts_with(DEFAULT_TAG_PREFIX) {
                continue; // unknown keys are ignored, as the seed does
            }
            next.set(&e.key, &e.value).map_err(|err| {
                let at = if e.line > 0 {
                    format!("{where_}:{}", e.line)
                } else {
                    where_.clone()
                };
                Error::config(format!("{at}: {}", err.message))
            })?;
        }
        for e in parsed.tags {
            next.tags.insert(e.key, e.value);
        }
        *self = next;
        Ok(())
    }

    /// Copy every value set in `other` into `self` (other's values win).
    pub fn merge_from(&mut self, other: &Conf) {
        for (k, v) in &other.values {
            self.values.insert(k, v.clone());
        }
        for (k, v) in &other.tags {
            self.tags.insert(k.clone(), v.clone());
        }
    }

    /// The set option keys of `scope` (default tags belong to both scopes and are not listed).
    pub fn keys_in_scope(&self, scope: Scope) -> impl Iterator<Item = &str> + '_ {
        self.values
            .keys()
            .copied()
            .filter(move |k| spec(k).is_some_and(|s| s.scope == scope))
    }

    /// Default tags sorted by name, `${env.NAME}` values expanded from the process
    /// environment; tags whose value is empty or names an unset variable are left out.
    pub fn default_tags(&self) -> Vec<(String, String)> {
        self.default_tags_with(env_lookup)
    }

    /// [`Conf::default_tags`] with a custom environment lookup.
    pub fn default_tags_with(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Vec<(String, String)> {
        self.tags
            .iter()
            .filter_map(|(k, v)| {
                let v = expand_env_value(v, &lookup)?;
                (!k.is_empty() && !v.is_empty()).then(|| (k.clone(), v))
            })
            .collect()
    }

    // ---- typed access (values were validated by `set`; a failure here is a bug)

    fn raw(&self, key: &str) -> Result<&str> {
        self.get_or_default(key)
            .ok_or_else(|| Error::internal(format!("config: {key} has no value and no default")))
    }

    fn text(&self, key: &str) -> Option<String> {
        self.get(key).filter(|v| !v.is_empty()).map(str::to_string)
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        self.text(key).map(PathBuf::from)
    }

    fn flag(&self, key: &str) -> Result<bool> {
        parse_bool(self.raw(key)?)
            .ok_or_else(|| Error::internal(format!("config: {key} is not a boolean")))
    }

    fn int(&self, key: &str) -> Result<i64> {
        parse_int(self.raw(key)?)
            .ok_or_else(|| Error::internal(format!("config: {key} is not an integer")))
    }

    fn millis(&self, key: &str) -> Result<Duration> {
        parse_ms(self.raw(key)?)
            .map(Duration::from_millis)
            .ok_or_else(|| Error::internal(format!("config: {key} is not a duration")))
    }

    fn usize_of(&self, key: &str) -> Result<usize> {
        usize::try_from(self.int(key)?).map_err(|_| {
            Error::config(format!(
                "{key}: value does not fit this platform's address size"
            ))
        })
    }

    fn u32_of(&self, key: &str) -> Result<u32> {
        u32::try_from(self.int(key)?)
            .map_err(|_| Error::internal(format!("config: {key} out of range")))
    }

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

// ------------------------------------------------------------------------------------------
// Config files
// ------------------------------------------------------------------------------------------

/// Cut an inline comment: `#` (and for ini `;`) outside quotes; for ini only when preceded by
/// whitespace (so `http://h/#x` survives).
fn strip_inline_comment(s: &str, toml: bool) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_ws = true;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' && toml {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else if c == '"' || (toml && c == '\'') {
            quote = Some(c);
        } else if (c == '#' || (!toml && c == ';')) && (toml || prev_ws) {
            return &s[..i];
        }
        prev_ws = c.is_whitespace();
    }
    s
}

/// An ini value: comment cut, trimmed, surrounding `"` removed (seed: `value.strip('"')`).
fn ini_value(s: &str) -> String {
    strip_inline_comment(s, false)
        .trim()
        .trim_matches('"')
        .to_string()
}

/// A TOML value: a basic or literal string, or a bare word/number/boolean kept as text.
fn toml_value(s: &str) -> std::result::Result<String, String> {
    let s = s.trim();
    if s.starts_with("\"\"\"") || s.starts_with("'''") {
        return Err("multi-line strings are not supported".to_string());
    }
    let (value, rest) = if let Some(body) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    end = Some(i + 1);
                    break;
                }
                '\\' => {
                    let (_, e) = chars.next().ok_or("unterminated string")?;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        'u' | 'U' => {
                            let n = if e == 'u' { 4 } else { 8 };
                            let hex: String = (0..n)
                                .filter_map(|_| chars.next().map(|(_, h)| h))
                                .collect();
                            let ch = u32::from_str_radix(&hex, 16)
                                .ok()
                                .filter(|_| hex.len() == n)
                                .and_then(char::from_u32)
                                .ok_or("invalid unicode escape")?;
                            out.push(ch);
                        }
                        _ => return Err("invalid escape sequence".to_string()),
                    }
                }
                c => out.push(c),
            }
        }
        let end = end.ok_or("unterminated string")?;
        (out.trim_matches('"').to_string(), &body[end..])
    } else if let Some(body) = s.strip_prefix('\'') {
        let end = body.find('\'').ok_or("unterminated string")?;
        (body[..end].to_string(), &body[end + 1..])
    } else {
        return Ok(strip_inline_comment(s, true).trim().to_string());
    };
    let rest = rest.trim();
    if !rest.is_empty() && !rest.starts_with('#') {
        return Err("unexpected text after the string".to_string());
    }
    Ok(value)
}

fn unquote_key(k: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = k.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    k
}

/// The ini / TOML-subset reader (seed: `configparser.ConfigParser`, which also reads the
/// seed's `.toml` files): `[section]` headers, `key = value` (ini also `key: value`),
/// full-line `#`/`;` comments, keys lowercased as configparser does. Duplicate sections or
/// keys are errors, as with configparser's strict mode.
fn parse_ini(text: &str, section: &str, toml: bool) -> std::result::Result<FileEntries, String> {
    let mut out = FileEntries::default();
    let mut current: Option<String> = None;
    let mut sections = BTreeSet::new();
    let mut keys = BTreeSet::new();
    let mut found = false;
    for (idx, raw) in text.lines().enumerate() {
        let n = idx + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with("[[") {
            // TOML array of tables: never one of ours.
            current = Some(format!("[{}]", line.trim_matches(['[', ']'])));
            continue;
        }
        if let Some(body) = line.strip_prefix('[') {
            let end = body
                .find(']')
                .ok_or_else(|| format!("line {n}: malformed section header"))?;
            let rest = body[end + 1..].trim();
            if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
                return Err(format!(
                    "line {n}: unexpected text after the section header"
                ));
            }
            let name = unquote_key(body[..end].trim()).to_string();
            if !sections.insert(name.clone()) {
                return Err(format!("line {n}: duplicate section [{name}]"));
            }
            found |= name == section;
            current = Some(name);
            continue;
        }
        let Some(cur) = current.as_deref() else {
            return Err(format!("line {n}: `key = value` before any [section]"));
        };
        let pos = if toml {
            line.find('=')
        } else {
            line.find(['=', ':'])
        };
        let Some(pos) = pos else {
            return Err(format!("line {n}: expected `key = value` or `[section]`"));
        };
        let key = unquote_key(line[..pos].trim()).to_lowercase();
        if key.is_empty() {
            return Err(format!("line {n}: empty key"));
        }
        let is_opt = cur == section;
        if !is_opt && cur != TAGS_SECTION {
            continue;
        }
        let value = if toml {
            toml_value(&line[pos + 1..]).map_err(|m| format!("line {n}: {key}: {m}"))?
        } else {
            ini_value(&line[pos + 1..])
        };
        if !keys.insert((cur.to_string(), key.clone())) {
            return Err(format!("line {n}: duplicate key {key} in [{cur}]"));
        }
        let e = Entry {
            key,
            value,
            line: n,
        };
        if is_opt {
            out.options.push(e);
        } else {
            out.tags.push(e);
        }
    }
    if !found {
        return Err(format!("no [{section}] section"));
    }
    Ok(out)
}

/// A JSON scalar as text (seed: `str(value).strip('"')`); `Ok(None)` for null; `Err` otherwise.
fn json_scalar(v: &serde_json::Value) -> std::result::Result<Option<String>, ()> {
    use serde_json::Value;
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::String(s) => Ok(Some(s.trim_matches('"').to_string())),
        Value::Array(_) | Value::Object(_) => Err(()),
    }
}

/// The seed's JSON config: a flat object of options plus a `"tags"` object. An object under
/// the `section` key is used for the options instead, if present.
fn parse_json(text: &str, section: &str) -> std::result::Result<FileEntries, String> {
    use serde_json::Value;
    let root: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(root) = root else {
        return Err("expected a JSON object at the top level".to_string());
    };
    let (opts, tags) = match root.get(section) {
        Some(Value::Object(inner)) => (
            inner,
            inner.get(TAGS_SECTION).or_else(|| root.get(TAGS_SECTION)),
        ),
        _ => (&root, root.get(TAGS_SECTION)),
    };
    let mut out = FileEntries::default();
    for (k, v) in opts {
        if k == TAGS_SECTION || k == section {
            continue;
        }
        match json_scalar(v) {
            Ok(Some(value)) => out.options.push(Entry {
                key: k.clone(),
                value,
                line: 0,
            }),
            Ok(None) => {}
            Err(()) if spec(k).is_some() => {
                return Err(format!("{k}: expected a string, number or boolean"));
            }
            Err(()) => {}
        }
    }
    match tags {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                match json_scalar(v) {
                    Ok(Some(value)) => out.tags.push(Entry {
                        key: k.clone(),
                        value,
                        line: 0,
                    }),
                    Ok(None) => {}
                    Err(()) => {
                        return Err(format!("tags.{k}: expected a string, number or boolean"))
                    }
                }
            }
        }
        Some(_) => return Err("\"tags\" must be an object".to_string()),
    }
    Ok(out)
}

// ------------------------------------------------------------------------------------------
// Typed settings
// ------------------------------------------------------------------------------------------

/// Connection settings of a client.
#[derive(Clone, PartialEq)]
pub struct ClientConfig {
    /// Base URL, one trailing `/` removed.
    pub url: String,
    /// `None` if unset or empty (then no `Authorization` header is sent).
    pub token: Option<String>,
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

// ------------------------------------------------------------------------------------------
// CONFIGURATION.md
// ------------------------------------------------------------------------------------------

fn human_ms(ms: u64) -> String {
    match ms {
        0 => "0".to_string(),
        m if m % HOUR_MS == 0 => format!("{} h", m / HOUR_MS),
        m if m % 60_000 == 0 => format!("{} min", m / 60_000),
        m if m % 1_000 == 0 => format!("{} s", m / 1_000),
        m => format!("{m} ms"),
    }
}

fn human_bytes(n: i64) -> String {
    match n {
        n if n >= 1 << 40 && n % (1 << 40) == 0 => format!("{} TiB", n >> 40),
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} B"),
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn md_type(k: &Kind) -> &'static str {
    match k {
        Kind::Str => "string",
        Kind::Secret => "secret string",
        Kind::Url => "URL",
        Kind::Bool => "boolean",
        Kind::Int { .. } => "integer",
        Kind::Ms { .. } => "milliseconds",
        Kind::Float { .. } => "number",
        Kind::Enum(_) => "enum",
        Kind::Path => "file path",
    }
}

fn md_range(s: &OptionSpec) -> String {
    match s.kind {
        Kind::Str | Kind::Secret => "text".to_string(),
        Kind::Url => "`http://…` or `https://…`".to_string(),
        Kind::Path => "path".to_string(),
        Kind::Bool => "`true` / `false`".to_string(),
        Kind::Int { min, max } if s.key.ends_with("_bytes") => {
            format!(
                "{min} – {max} ({} – {})",
                human_bytes(min),
                human_bytes(max)
            )
        }
        Kind::Int { min, max } => format!("{min} – {max}"),
        Kind::Ms { min, max } => format!("{} – {}", human_ms(min), human_ms(max)),
        Kind::Float { min, max } => format!("{min} – {max}"),
        Kind::Enum(words) => words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn md_default(s: &OptionSpec) -> String {
    let Some(d) = s.default else {
        return "unset".to_string();
    };
    match s.kind {
        Kind::Ms { .. } => match parse_ms(d) {
            Some(ms) if ms >= 1000 => format!("`{d}` ({})", human_ms(ms)),
            _ => format!("`{d}`"),
        },
        Kind::Int { .. } if s.key.ends_with("_bytes") => match parse_int(d) {
            Some(n) => format!("`{d}` ({})", human_bytes(n)),
            None => format!("`{d}`"),
        },
        _ => format!("`{d}`"),
    }
}

fn md_table(out: &mut String, scope: Scope) {
    out.push_str("| Key | Type | Allowed | Default | Environment | Description |\n");
    out.push_str("|-----|------|---------|---------|-------------|-------------|\n");
    for s in OPTIONS.iter().filter(|s| s.scope == scope) {
        let env = s.env.map_or_else(|| "—".to_string(), |e| format!("`{e}`"));
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            s.key,
            md_type(&s.kind),
            md_cell(&md_range(s)),
            md_cell(&md_default(s)),
            env,
            md_cell(s.doc)
        ));
    }
}

/// The complete CONFIGURATION.md, generated from [`OPTIONS`].
pub fn configuration_md() -> String {
    let fill = |t: &str| {
        t.replace("{SECTION}", DEFAULT_SECTION)
            .replace("{TAGS}", TAGS_SECTION)
            .replace("{TAG_KEY}", DEFAULT_TAG_PREFIX)
            .replace("{TAG_ENV}", ENV_TAG_PREFIX)
    };
    let mut o = fill(MD_INTRO);
    md_table(&mut o, Scope::Client);
    o.push_str(&fill(MD_AFTER_CLIENT));
    md_table(&mut o, Scope::Write);
    o.push_str(&fill(MD_AFTER_WRITE));
    for s in OPTIONS {
        if let Some(env) = s.env {
            o.push_str(&format!("| `{env}` | `{}` |\n", s.key));
        }
    }
    o.push_str(&fill(MD_FILES));
    o
}

const MD_INTRO: &str = r#"<!-- Generated from src/config.rs by `cargo run -q --bin gen-config-doc > CONFIGURATION.md`. Do not edit. -->
# Configuration

Every setting is a string key with a string value, validated when it is set: an unknown key or a
bad value fails at once with the configuration error code, and the message names the key and what
it accepts (a secret's value is never echoed). There are three ways to set options; whatever is
applied last wins, so the usual order is file, then environment, then explicit calls:

1. **Explicitly**: `influx_conf_set(conf, "batch_size", "5000")` in C, `Conf::set` in Rust.
2. **Environment**: `influx_conf_load_env` / `Conf::load_env` read the seed's `INFLUXDB_V2_*`
   variables (table below, and `{TAG_ENV}<NAME>`).
3. **Config file**: `influx_conf_load_file` / `Conf::load_file` read the seed's ini / TOML / JSON
   file with an `[{SECTION}]` section and a `[{TAGS}]` section.

**Scopes.** *Client* options configure the connection and belong on the conf passed to
`influx_client_new`. *Write* options configure a write API: set on the client's conf they are the
defaults of every write API of that client; set on the conf given when a write API is created they
override those defaults for that API (a client option there is an error).

**Values.** Booleans: `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, any case. Integers may use
`_` separators (`100_000`). Durations are integer milliseconds; a unit suffix `ms`, `s`, `m` or
`h` is also accepted (`30s` = `30000`). Enum words are case-insensitive.

## Client options

"#;

const MD_AFTER_CLIENT: &str = r#"
`token` and `cert_key_password` are never printed: not in error messages, logs or debug output (a
password inside `url` or `proxy` is shown as `***` as well).

## Write options

"#;

const MD_AFTER_WRITE: &str = r#"
Retries follow the seed: a batch is retried on HTTP 429, any status above it (all 5xx) and on
network errors; other 4xx fail at once. Retry *k* waits the server's `Retry-After` (plus a random
part of `jitter_interval`) if it sent one, else a random time in
[`retry_interval` × `exponential_base`^(k−1), `retry_interval` × `exponential_base`^k], capped at
`max_retry_delay`; with the defaults 5–10 s, 10–20 s, 20–40 s, 40–80 s, then 80–125 s. No retry
starts after `max_retries` retries or once `max_retry_time` has passed since the first attempt.

`max_buffer_lines`, `max_buffer_bytes`, `buffer_full_policy` and `buffer_full_timeout` are not in
the seed, whose buffer is unbounded: here memory is bounded and a full buffer has a stated outcome.

## Default tags

Default tags are added to every point written. Set them with the key `{TAG_KEY}<name>`
(`influx_conf_set(conf, "{TAG_KEY}host", "db-1")`), with `{TAG_ENV}<NAME>` variables (the tag
name is lowercased, as in the seed) or in a config file's `[{TAGS}]` section. A value that is
exactly `${env.NAME}` is replaced by environment variable `NAME` when the client or write API is
created; if that variable is unset, or a value is empty, the tag is left out. Tags set on the
client conf override write-API tags of the same name.

## Environment variables

| Variable | Key |
|----------|-----|
| `{TAG_ENV}<NAME>` | `{TAG_KEY}<name>` |
"#;

const MD_FILES: &str = r#"
Variables that are unset or empty are ignored; no other variables are read. Unlike the seed, no
token or org is invented when the variables are absent, and a malformed value is an error naming
the variable (the seed reads e.g. `INFLUXDB_V2_VERIFY_SSL=1` as false).

## Config files

The format follows the file name: `.json` (or content starting with `{`) is JSON, `.toml` is TOML,
anything else is ini. Options are read from the `[{SECTION}]` section (Rust's
`Conf::load_file_section` takes another name, like the seed's `config_name`), default tags from
`[{TAGS}]`. Keys the library does not know, such as the seed's `profilers`, are ignored, so a seed
config file loads unchanged; a bad value for a known key is an error naming the file, line and
key. Duplicate sections or keys are errors. Loading is all-or-nothing.

- ini: `key = value` or `key: value`; lines starting with `#` or `;` are comments, as is the rest
  of a line after ` #` or ` ;`; surrounding `"` are removed; keys are lowercased.
- TOML: `key = "string"`, `'literal'`, numbers and booleans, `#` comments; multi-line strings,
  arrays and nested tables are not supported.
- JSON: the seed's flat object of options with a `"{TAGS}"` object (an object under `"{SECTION}"`
  is also accepted).

```ini
[{SECTION}]
url = http://localhost:8086
org = my-org
token = my-token
timeout = 6000
batch_size = 5000

[{TAGS}]
id = 132-987-655
customer = California Miner
data_center = ${env.data_center}
```

```toml
[{SECTION}]
  url = "http://localhost:8086"
  org = "my-org"
  token = "my-token"
  timeout = 6000
  verify_ssl = true

[{TAGS}]
  id = "132-987-655"
  data_center = "${env.data_center}"
```

```json
{
  "url": "http://localhost:8086",
  "org": "my-org",
  "token": "my-token",
  "timeout": 6000,
  "{TAGS}": {
    "id": "132-987-655",
    "data_center": "${env.data_center}"
  }
}
```
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const TOKEN: &str = "SECRET-TOKEN-6f1d";
    const KEY_PW: &str = "KEY-PASSWORD-93ab";
    const PROXY_PW: &str = "PROXY-PASSWORD-77c0";

    fn no_env(_: &str) -> Option<String> {
        None
    }

    /// A temp file with a unique name, removed on drop.
    struct TempFile(PathBuf);
    impl TempFile {
        fn new(name: &str, content: &str) -> TempFile {
            static N: AtomicUsize = AtomicUsize::new(0);
            let n = N.fetch_add(1, Ordering::Relaxed);
            let dir =
                std::env::temp_dir().join(format!("influx-conf-test-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let p = dir.join(name);
            std::fs::write(&p, content).expect("write temp file");
            TempFile(p)
        }
    }
    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
            if let Some(d) = self.0.parent() {
                let _ = std::fs::remove_dir(d);
            }
        }
    }

    fn config_err(r: Result<()>) -> String {
        let e = r.expect_err("expected an error");
        assert_eq!(e.code, Code::Config, "{e:?}");
        e.message
    }

    #[test]
    fn table_keys_are_unique_and_snake_case() {
        let mut seen = BTreeSet::new();
        for s in OPTIONS {
            assert!(seen.insert(s.key), "duplicate {}", s.key);
            assert!(
                s.key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                s.key
            );
            assert!(!s.doc.is_empty() && s.doc.ends_with('.'), "{}", s.key);
            if let Some(env) = s.env {
                assert!(env.starts_with("INFLUXDB_V2_"), "{env}");
            }
        }
    }

    #[test]
    fn every_default_parses_and_builds() {
        for s in OPTIONS {
            if let Some(d) = s.default {
                assert_eq!(normalize(s, d).as_deref(), Ok(d), "default of {}", s.key);
            }
        }
        Conf::new().client_config().expect("default client config");
        Conf::new().write_options().expect("default write options");
    }

    #[test]
    fn garbage_is_rejected_for_every_typed_key() {
        for s in OPTIONS {
            let mut c = Conf::new();
            let bad: &[&str] = match s.kind {
                Kind::Str | Kind::Secret => &["a\nb", "a\rb", "a\0b"],
                Kind::Path => &["", "   ", "a\nb"],
                Kind::Url => &["garbage!", "ftp://x", "http://", "http:// x", ""],
                Kind::Bool => &["garbage!", "", "2", "truee"],
                Kind::Int { .. } | Kind::Ms { .. } | Kind::Float { .. } => &[
                    "garbage!",
                    "",
                    "1.5x",
                    "1__0",
                    "_1",
                    "99999999999999999999999",
                ],
                Kind::Enum(_) => &["garbage!", ""],
            };
            for v in bad {
                let msg = config_err(c.set(s.key, v));
                assert!(msg.starts_with(&format!("{}: expected ", s.key)), "{msg}");
                assert_eq!(c.get(s.key), None);
            }
        }
    }

    #[test]
    fn ranges_are_enforced_at_both_ends() {
        for s in OPTIONS {
            let mut c = Conf::new();
            match s.kind {
                Kind::Int { min, max } => {
                    c.set(s.key, &min.to_string()).unwrap();
                    c.set(s.key, &max.to_string()).unwrap();
                    assert_eq!(c.get(s.key), Some(max.to_string().as_str()));
                    config_err(c.set(s.key, &(min - 1).to_string()));
                    config_err(c.set(s.key, &(max + 1).to_string()));
                }
                Kind::Ms { min, max } => {
                    c.set(s.key, &min.to_string()).unwrap();
                    c.set(s.key, &max.to_string()).unwrap();
                    if min > 0 {
                        config_err(c.set(s.key, &(min - 1).to_string()));
                    }
                    config_err(c.set(s.key, &(max + 1).to_string()));
                    config_err(c.set(s.key, "-1"));
                }
                _ => {}
            }
        }
    }

    #[test]
    fn error_message_names_key_range_and_value() {
        let mut c = Conf::new();
        assert_eq!(
            config_err(c.set("batch_size", "abc")),
            "batch_size: expected an integer in 1..=1000000, got \"abc\""
        );
        let msg = config_err(c.set("write_type", "fast"));
        assert!(
            msg.contains("one of batching, asynchronous, synchronous"),
            "{msg}"
        );
        let long = "x".repeat(500);
        let msg = config_err(c.set("timeout", &long));
        assert!(msg.len() < 300, "{msg}");
    }

    #[test]
    fn values_are_normalized() {
        let mut c = Conf::new();
        for (v, want) in [
            ("TRUE", "true"),
            ("1", "true"),
            ("yes", "true"),
            (" On ", "true"),
        ] {
            c.set("enable_gzip", v).unwrap();
            assert_eq!(c.get("enable_gzip"), Some(want));
        }
        for v in ["False", "0", "NO", "off"] {
            c.set("verify_ssl", v).unwrap();
            assert_eq!(c.get("verify_ssl"), Some("false"));
        }
        for (v, want) in [
            ("30s", "30000"),
            ("2m", "120000"),
            ("1h", "3600000"),
            ("250ms", "250"),
            ("1_000", "1000"),
            (" 7 ", "7"),
        ] {
            c.set("flush_interval", v).unwrap();
            assert_eq!(c.get("flush_interval"), Some(want), "{v}");
        }
        c.set("batch_size", "+5_000").unwrap();
        assert_eq!(c.get("batch_size"), Some("5000"));
        c.set("write_type", "SYNCHRONOUS").unwrap();
        assert_eq!(c.get("write_type"), Some("synchronous"));
        c.set("buffer_full_policy", "Drop_Oldest").unwrap();
        assert_eq!(c.get("buffer_full_policy"), Some("drop_oldest"));
        c.set("url", " https://example.com:8086/ ").unwrap();
        assert_eq!(c.get("url"), Some("https://example.com:8086/"));
        assert_eq!(c.client_config().unwrap().url, "https://example.com:8086");
    }

    #[test]
    fn float_kind_parses() {
        let s = OptionSpec {
            key: "ratio",
            scope: Scope::Write,
            kind: Kind::Float { min: 0.0, max: 1.0 },
            default: None,
            env: None,
            doc: "x.",
        };
        assert_eq!(normalize(&s, "0.25").as_deref(), Ok("0.25"));
        for bad in ["1.5", "-0.1", "NaN", "inf", "x"] {
            assert!(normalize(&s, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_key_is_an_error_listing_known_keys() {
        let mut c = Conf::new();
        let msg = config_err(c.set("batchsize", "5"));
        assert!(msg.contains("\"batchsize\""), "{msg}");
        assert!(
            msg.contains("batch_size") && msg.contains("default_tags.<name>"),
            "{msg}"
        );
        config_err(c.set("URL", "http://x"));
        config_err(c.set("default_tags.", "x"));
    }

    #[test]
    fn typed_settings_from_set_values() {
        let mut c = Conf::new();
        for (k, v) in [
            ("url", "https://influx.example.com/"),
            ("token", TOKEN),
            ("org", "acme"),
            ("timeout", "2500"),
            ("enable_gzip", "true"),
            ("verify_ssl", "false"),
            ("ssl_ca_cert", "/etc/ca.pem"),
            ("cert_file", "/etc/c.pem"),
            ("cert_key_file", "/etc/k.pem"),
            ("cert_key_password", KEY_PW),
            ("proxy", "http://proxy:3128"),
            ("connection_pool_maxsize", "7"),
            ("write_type", "synchronous"),
            ("batch_size", "10"),
            ("flush_interval", "20"),
            ("jitter_interval", "30"),
            ("retry_interval", "40"),
            ("max_retries", "0"),
            ("max_retry_delay", "50"),
            ("max_retry_time", "0"),
            ("exponential_base", "3"),
            ("max_close_wait", "60"),
            ("max_buffer_lines", "70"),
            ("max_buffer_bytes", "4096"),
            ("buffer_full_policy", "reject"),
            ("buffer_full_timeout", "80"),
            ("default_tags.b", "2"),
            ("default_tags.a", "1"),
        ] {
            c.set(k, v).unwrap();
        }
        let cc = c.client_config().unwrap();
        assert_eq!(cc.url, "https://influx.example.com");
        assert_eq!(cc.token.as_deref(), Some(TOKEN));
        assert_eq!(cc.org.as_deref(), Some("acme"));
        assert_eq!(cc.timeout, Duration::from_millis(2500));
        assert!(cc.enable_gzip && !cc.verify_ssl && !cc.auth_basic);
        assert_eq!(cc.ssl_ca_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(cc.cert_file, Some(PathBuf::from("/etc/c.pem")));
        assert_eq!(cc.cert_key_file, Some(PathBuf::from("/etc/k.pem")));
        assert_eq!(cc.cert_key_password.as_deref(), Some(KEY_PW));
        assert_eq!(cc.proxy.as_deref(), Some("http://proxy:3128"));
        assert_eq!(cc.connection_pool_maxsize, 7);
        let tags = vec![
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "2".to_string()),
        ];
        assert_eq!(cc.default_tags, tags);
        let w = c.write_options().unwrap();
        let ms = Duration::from_millis;
        assert_eq!(
            w,
            WriteOptions {
                write_type: WriteType::Synchronous,
                batch_size: 10,
                flush_interval: ms(20),
                jitter_interval: ms(30),
                retry_interval: ms(40),
                max_retries: 0,
                max_retry_delay: ms(50),
                max_retry_time: ms(0),
                exponential_base: 3,
                max_close_wait: ms(60),
                max_buffer_lines: 70,
                max_buffer_bytes: 4096,
                buffer_full_policy: BufferFullPolicy::Reject,
                buffer_full_timeout: ms(80),
                default_tags: tags,
            }
        );
    }

    #[test]
    fn defaults_match_the_seed() {
        let w = WriteOptions::default();
        let ms = Duration::from_millis;
        assert_eq!(w.write_type, WriteType::Batching);
        assert_eq!(w.batch_size, 1000);
        assert_eq!(w.flush_interval, ms(1000));
        assert_eq!(w.jitter_interval, ms(0));
        assert_eq!(w.retry_interval, ms(5000));
        assert_eq!(w.max_retries, 5);
        assert_eq!(w.max_retry_delay, ms(125_000));
        assert_eq!(w.max_retry_time, ms(180_000));
        assert_eq!(w.exponential_base, 2);
        assert_eq!(w.max_close_wait, ms(300_000));
        assert_eq!(w.max_buffer_lines, 100_000);
        assert_eq!(w.max_buffer_bytes, 64 << 20);
        assert_eq!(w.buffer_full_policy, BufferFullPolicy::Block);
        assert_eq!(w.buffer_full_timeout, ms(10_000));
        let c = ClientConfig::default();
        assert_eq!(c.url, "http://localhost:8086");
        assert_eq!(c.timeout, ms(10_000));
        assert!(
            c.token.is_none() && c.org.is_none() && !c.enable_gzip && c.verify_ssl && !c.auth_basic
        );
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(c.connection_pool_maxsize, cpus * 5);
    }

    #[test]
    fn auth_basic_needs_user_colon_password_token() {
        let mut c = Conf::new();
        c.set("auth_basic", "true").unwrap();
        assert_eq!(c.client_config().unwrap_err().code, Code::Config);
        c.set("token", TOKEN).unwrap();
        let e = c.client_config().unwrap_err();
        assert!(!e.message.contains(TOKEN), "{e:?}");
        c.set("token", "user:pass").unwrap();
        assert!(c.client_config().unwrap().auth_basic);
    }

    #[test]
    fn empty_token_and_org_mean_unset() {
        let mut c = Conf::new();
        c.set("token", "").unwrap();
        c.set("org", "").unwrap();
        let cc = c.client_config().unwrap();
        assert_eq!((cc.token, cc.org), (None, None));
    }

    #[test]
    fn secrets_never_appear_in_debug_display_or_errors() {
        let mut c = Conf::new();
        c.set("token", TOKEN).unwrap();
        c.set("cert_key_password", KEY_PW).unwrap();
        c.set("proxy", &format!("http://user:{PROXY_PW}@proxy:3128"))
            .unwrap();
        c.set("url", &format!("https://user:{PROXY_PW}@influx:8086"))
            .unwrap();
        c.set("default_tags.host", "h1").unwrap();
        let cc = c.client_config().unwrap();
        for text in [
            format!("{c:?}"),
            format!("{c}"),
            format!("{c:#?}"),
            format!("{cc:?}"),
            format!("{cc:#?}"),
        ] {
            for secret in [TOKEN, KEY_PW, PROXY_PW] {
                assert!(!text.contains(secret), "{secret} leaked in {text}");
            }
            assert!(text.contains("***"), "{text}");
        }
        assert!(format!("{c}").contains("token=***"));
        assert!(format!("{c}").contains("default_tags.host=h1"));
        // An invalid secret is rejected without echoing it.
        let bad = format!("{TOKEN}\n");
        let msg = config_err(c.set("token", &bad));
        assert!(!msg.contains(TOKEN) && msg.starts_with("token: "), "{msg}");
        let msg =
            config_err(Conf::new().load_env_from(vec![("INFLUXDB_V2_TOKEN".into(), bad.clone())]));
        assert!(
            !msg.contains(TOKEN) && msg.contains("INFLUXDB_V2_TOKEN"),
            "{msg}"
        );
        let f = TempFile::new(
            "secret.ini",
            &format!("[influx2]\ntoken = {TOKEN}\nauth_basic = true\n"),
        );
        let mut c2 = Conf::new();
        c2.load_file(&f.0).unwrap();
        let e = c2.client_config().unwrap_err();
        assert!(!format!("{e:?}").contains(TOKEN));
    }

    #[test]
    fn env_mapping_follows_the_seed() {
        let env: Vec<(String, String)> = [
            ("INFLUXDB_V2_URL", "http://influx:8086"),
            ("INFLUXDB_V2_TOKEN", TOKEN),
            ("INFLUXDB_V2_ORG", "my-org"),
            ("INFLUXDB_V2_TIMEOUT", "6000"),
            ("INFLUXDB_V2_VERIFY_SSL", "False"),
            ("INFLUXDB_V2_SSL_CA_CERT", "/ca.pem"),
            ("INFLUXDB_V2_CERT_FILE", "/c.pem"),
            ("INFLUXDB_V2_CERT_KEY_FILE", "/k.pem"),
            ("INFLUXDB_V2_CERT_KEY_PASSWORD", KEY_PW),
            ("INFLUXDB_V2_CONNECTION_POOL_MAXSIZE", "55"),
            ("INFLUXDB_V2_AUTH_BASIC", "false"),
            ("INFLUXDB_V2_PROFILERS", "query, operator"),
            ("INFLUXDB_V2_TAG_ID", "132-987-655"),
            ("INFLUXDB_V2_TAG_Data_Center", "${env.data_center}"),
            ("INFLUXDB_V2_TAG_EMPTY", ""),
            ("INFLUXDB_V2_TAG_", "no name"),
            ("PATH", "/bin"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let mut c = Conf::new();
        c.load_env_from(env).unwrap();
        let cc = c.client_config().unwrap();
        assert_eq!(cc.url, "http://influx:8086");
        assert_eq!(cc.token.as_deref(), Some(TOKEN));
        assert_eq!(cc.org.as_deref(), Some("my-org"));
        assert_eq!(cc.timeout, Duration::from_millis(6000));
        assert!(!cc.verify_ssl);
        assert_eq!(cc.ssl_ca_cert, Some(PathBuf::from("/ca.pem")));
        assert_eq!(cc.cert_file, Some(PathBuf::from("/c.pem")));
        assert_eq!(cc.cert_key_file, Some(PathBuf::from("/k.pem")));
        assert_eq!(cc.cert_key_password.as_deref(), Some(KEY_PW));
        assert_eq!(cc.connection_pool_maxsize, 55);
        assert!(!cc.auth_basic);
        assert_eq!(c.get("default_tags.id"), Some("132-987-655"));
        assert_eq!(
            c.get("default_tags.data_center"),
            Some("${env.data_center}")
        );
        let lookup = |n: &str| (n == "data_center").then(|| "LA".to_string());
        assert_eq!(
            c.default_tags_with(lookup),
            vec![
                ("data_center".to_string(), "LA".to_string()),
                ("id".to_string(), "132-987-655".to_string())
            ]
        );
        assert_eq!(
            c.default_tags_with(no_env),
            vec![("id".to_string(), "132-987-655".to_string())]
        );
    }

    #[test]
    fn every_env_var_in_the_table_is_read() {
        for s in OPTIONS {
            let Some(env) = s.env else { continue };
            let value = match s.kind {
                Kind::Bool => "yes",
                Kind::Int { min, .. } if min > 1 => "2000",
                Kind::Int { .. } | Kind::Ms { .. } => "2",
                Kind::Url => "http://h",
                _ => "v",
            };
            let mut c = Conf::new();
            c.load_env_from(vec![(env.to_string(), value.to_string())])
                .unwrap();
            assert!(c.get(s.key).is_some(), "{env} did not set {}", s.key);
        }
    }

    #[test]
    fn env_errors_name_the_variable_and_change_nothing() {
        let mut c = Conf::new();
        c.set("org", "before").unwrap();
        let msg = config_err(c.load_env_from(vec![
            ("INFLUXDB_V2_ORG".to_string(), "after".to_string()),
            ("INFLUXDB_V2_TIMEOUT".to_string(), "soon".to_string()),
        ]));
        assert!(
            msg.starts_with("environment variable INFLUXDB_V2_TIMEOUT: timeout: expected"),
            "{msg}"
        );
        assert_eq!(c.get("org"), Some("before"));
        // Empty variables are ignored rather than rejected.
        c.load_env_from(vec![("INFLUXDB_V2_TIMEOUT".to_string(), String::new())])
            .unwrap();
        assert_eq!(c.get("timeout"), None);
    }

    #[test]
    fn load_env_reads_the_process_environment() {
        // Only reads; the test environment may or may not define INFLUXDB_V2_* variables.
        let mut c = Conf::new();
        let _ = c.load_env();
    }

    const SEED_INI: &str = "[influx2]\nurl=http://localhost:8086\norg=my-org\ntoken=my-token\ntimeout=6000\nconnection_pool_maxsize=55\nauth_basic=false\nprofilers=query, operator\n\n[tags]\nid = 132-987-655\ncustomer = California Miner\ndata_center = ${env.data_center}";
    const SEED_TOML: &str = "[influx2]\n  url = \"http://localhost:8086\"\n  token = \"my-token\"\n  org = \"my-org\"\n  active = true\n  timeout = 6000\n  connection_pool_maxsize = 55\n  auth_basic = False\n  profilers = \"query, operator\"\n\n[tags]\n  id = \"132-987-655\"\n  customer = \"California Miner\"\n  data_center = \"${env.data_center}\"\n";
    const SEED_JSON: &str = "{\n  \"url\": \"http://localhost:8086\",\n  \"token\": \"my-token\",\n  \"org\": \"my-org\",\n  \"active\": true,\n  \"timeout\": 6000,\n  \"connection_pool_maxsize\": 55,\n  \"auth_basic\": false,\n  \"profilers\": \"query, operator\",\n  \"tags\": {\n    \"id\": \"132-987-655\",\n    \"customer\": \"California Miner\",\n    \"data_center\": \"${env.data_center}\"\n  }\n}";

    /// The seed's `assertConfig` (tests/test_InfluxDBClient.py).
    fn assert_seed_config(c: &Conf) {
        let cc = c.client_config().unwrap();
        assert_eq!(cc.url, "http://localhost:8086");
        assert_eq!(cc.org.as_deref(), Some("my-org"));
        assert_eq!(cc.token.as_deref(), Some("my-token"));
        assert_eq!(cc.timeout, Duration::from_millis(6000));
        assert_eq!(cc.connection_pool_maxsize, 55);
        assert!(!cc.auth_basic);
        assert_eq!(c.get("default_tags.id"), Some("132-987-655"));
        assert_eq!(c.get("default_tags.customer"), Some("California Miner"));
        assert_eq!(
            c.get("default_tags.data_center"),
            Some("${env.data_center}")
        );
        let lookup = |n: &str| (n == "data_center").then(|| "LA".to_string());
        let tags = c.default_tags_with(lookup);
        assert_eq!(
            tags,
            vec![
                ("customer".to_string(), "California Miner".to_string()),
                ("data_center".to_string(), "LA".to_string()),
                ("id".to_string(), "132-987-655".to_string()),
            ]
        );
    }

    #[test]
    fn seed_ini_file_loads() {
        let f = TempFile::new("config.ini", SEED_INI);
        let mut c = Conf::new();
        c.load_file(&f.0).unwrap();
        assert_seed_config(&c);
    }

    #[test]
    fn seed_toml_file_loads() {
        let f = TempFile::new("config.toml", SEED_TOML);
        let mut c = Conf::new();
        c.load_file(&f.0).unwrap();
        assert_seed_config(&c);
    }

    #[test]
    fn seed_json_file_loads() {
        let f = TempFile::new("config.json", SEED_JSON);
        let mut c = Conf::new();
        c.load_file(&f.0).unwrap();
        assert_seed_config(&c);
        // JSON detected by content whatever the extension (the seed falls back to JSON too).
        let f = TempFile::new("config.conf", SEED_JSON);
        let mut c = Conf::new();
        c.load_file(&f.0).unwrap();
        assert_seed_config(&c);
    }

    #[test]
    fn json_with_a_section_object() {
        let f = TempFile::new(
            "c.json",
            r#"{"influx2": {"url": "http://a:1", "batch_size": 10, "verify_ssl": false, "org": null}, "tags": {"n": 5, "b": true}}"#,
        );
        let mut c = Conf::new();
        c.load_file(&f.0).unwrap();
        assert_eq!(c.get("url"), Some("http://a:1"));
        assert_eq!(c.get("batch_size"), Some("10"));
        assert_eq!(c.get("verify_ssl"), Some("false"));
        assert_eq!(c.get("org"), None);
        assert_eq!(c.get("default_tags.n"), Some("5"));
        assert_eq!(c.get("default_tags.b"), Some("true"));
    }

    #[test]
    fn custom_section_name() {
        let f = TempFile::new(
            "config2.ini",
            "[influx2]\norg=wrong\n[test_name]\norg = right\nurl: http://h:9\n",
        );
        let mut c = Conf::new();
        c.load_file_section(&f.0, "test_name").unwrap();
        assert_eq!(c.get("org"), Some("right"));
        assert_eq!(c.get("url"), Some("http://h:9"));
    }

    #[test]
    fn ini_comments_quotes_and_case() {
        let text = "# comment\n; another\n[influx2]\nURL = \"http://h:1/#frag\"  # trailing\nOrg = \"a ; b\" ; note\nbatch_size = 5_000\nflush_interval = 2s\ndefault_tags.region = eu\n[other]\nurl = ignored\n[tags]\nHost = \"h1\"\n";
        let f = TempFile::new("c.ini", text);
        let mut c = Conf::new();
        c.load_file(&f.0).unwrap();
        assert_eq!(c.get("url"), Some("http://h:1/#frag"));
        assert_eq!(c.get("org"), Some("a ; b"));
        assert_eq!(c.get("batch_size"), Some("5000"));
        assert_eq!(c.get("flush_interval"), Some("2000"));
        assert_eq!(c.get("default_tags.region"), Some("eu"));
        assert_eq!(c.get("default_tags.host"), Some("h1"));
    }

    #[test]
    fn toml_strings_comments_and_escapes() {
        let text = "[influx2] # main\nurl = \"http://h:1\" # c\norg = 'lit\\eral'\ntoken = \"a\\\"b\\u0041\"\ntimeout = 6_000 # ms\nenable_gzip = true\n\"batch_size\" = 7\n[[servers]]\nurl = \"x\"\n[tags]\nq = \"x # not a comment\"\n";
        let f = TempFile::new("c.toml", text);
        let mut c = Conf::new();
        c.load_file(&f.0).unwrap();
        assert_eq!(c.get("url"), Some("http://h:1"));
        assert_eq!(c.get("org"), Some("lit\\eral"));
        assert_eq!(c.get("token"), Some("a\"bA"));
        assert_eq!(c.get("timeout"), Some("6000"));
        assert_eq!(c.get("enable_gzip"), Some("true"));
        assert_eq!(c.get("batch_size"), Some("7"));
        assert_eq!(c.get("default_tags.q"), Some("x # not a comment"));
    }

    #[test]
    fn file_errors() {
        let cases: &[(&str, &str, &str)] = &[
            ("a.ini", "[tags]\nx=1\n", "no [influx2] section"),
            (
                "b.ini",
                "url=http://h\n[influx2]\n",
                "line 1: `key = value` before any [section]",
            ),
            (
                "c.ini",
                "[influx2]\norg=a\norg=b\n",
                "line 3: duplicate key org in [influx2]",
            ),
            (
                "d.ini",
                "[influx2]\n[influx2]\n",
                "line 2: duplicate section [influx2]",
            ),
            (
                "e.ini",
                "[influx2]\njust words\n",
                "line 2: expected `key = value`",
            ),
            (
                "f.ini",
                "[influx2]\norg=a\nbatch_size = many\n",
                ":3: batch_size: expected an integer",
            ),
            ("g.ini", "[influx2\n", "line 1: malformed section header"),
            (
                "h.toml",
                "[influx2]\norg = \"open\n",
                "line 2: org: unterminated string",
            ),
            (
                "i.toml",
                "[influx2]\norg = \"a\" b\n",
                "unexpected text after the string",
            ),
            ("j.toml", "[influx2]\norg = \"\\q\"\n", "invalid escape"),
            ("k.toml", "[influx2]\norg = \"\"\"x\n", "multi-line strings"),
            ("l.json", "{\"url\": ", "invalid JSON"),
            ("m.json", "[1, 2]", "expected a JSON object"),
            ("n.json", "{\"url\": [\"x\"]}", "url: expected a string"),
            ("o.json", "{\"tags\": [1]}", "\"tags\" must be an object"),
            (
                "p.json",
                "{\"timeout\": \"soon\"}",
                "timeout: expected milliseconds",
            ),
        ];
        for (name, text, want) in cases {
            let f = TempFile::new(name, text);
            let mut c = Conf::new();
            c.set("org", "kept").unwrap();
            let msg = config_err(c.load_file(&f.0));
            assert!(msg.contains(want), "{name}: {msg}");
            assert!(
                msg.contains(name),
                "{name}: message should name the file: {msg}"
            );
            assert_eq!(c.get("org"), Some("kept"), "{name}: conf must be unchanged");
        }
        let bin = TempFile::new("bin.ini", "");
        std::fs::write(&bin.0, [0xff, 0xfe, 0x00]).unwrap();
        config_err(Conf::new().load_file(&bin.0));
        let missing = std::env::temp_dir().join("influx-conf-test-does-not-exist.ini");
        let e = Conf::new().load_file(&missing).unwrap_err();
        assert_eq!(e.code, Code::Io);
        assert!(e.message.contains("does-not-exist"), "{e:?}");
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let f = TempFile::new(
            "w.ini",
            "\u{feff}[influx2]\r\norg = x\r\n[tags]\r\nt = v\r\n",
        );
        let mut c = Conf::new();
        c.load_file(&f.0).unwrap();
        assert_eq!(c.get("org"), Some("x"));
        assert_eq!(c.get("default_tags.t"), Some("v"));
    }

    #[test]
    fn expand_env_value_follows_point_settings() {
        let lookup = |n: &str| match n {
            "HOST" => Some("box".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        assert_eq!(
            expand_env_value("${env.HOST}", lookup),
            Some("box".to_string())
        );
        assert_eq!(expand_env_value("${env.NOPE}", lookup), None);
        assert_eq!(
            expand_env_value("${env.EMPTY}", lookup),
            Some(String::new())
        );
        assert_eq!(expand_env_value("plain", lookup), Some("plain".to_string()));
        assert_eq!(
            expand_env_value("x${env.HOST}", lookup),
            Some("x${env.HOST}".to_string())
        );
        assert_eq!(
            expand_env_value("${env.HOST", lookup),
            Some("${env.HOST".to_string())
        );
        assert_eq!(expand_env_value("${env.}", lookup), None);
        // The process-environment lookup never panics on odd names.
        assert_eq!(env_lookup(""), None);
        assert_eq!(env_lookup("A=B"), None);
        assert_eq!(env_lookup("A\0B"), None);
        let mut c = Conf::new();
        c.set("default_tags.odd", "${env.A=B}").unwrap();
        assert!(c.default_tags().is_empty());
    }

    #[test]
    fn default_tags_sorted_and_empty_dropped() {
        let mut c = Conf::new();
        c.set("default_tags.z", "1").unwrap();
        c.set("default_tags.a", "2").unwrap();
        c.set("default_tags.e", "").unwrap();
        c.set("default_tags.m", "${env.EMPTY}").unwrap();
        let lookup = |n: &str| (n == "EMPTY").then(String::new);
        assert_eq!(
            c.default_tags_with(lookup),
            vec![
                ("a".to_string(), "2".to_string()),
                ("z".to_string(), "1".to_string())
            ]
        );
    }

    #[test]
    fn merge_from_prefers_other() {
        let mut a = Conf::new();
        a.set("org", "a").unwrap();
        a.set("batch_size", "1").unwrap();
        a.set("default_tags.t", "a").unwrap();
        let mut b = Conf::new();
        b.set("org", "b").unwrap();
        b.set("default_tags.t", "b").unwrap();
        b.set("default_tags.u", "b").unwrap();
        a.merge_from(&b);
        assert_eq!(a.get("org"), Some("b"));
        assert_eq!(a.get("batch_size"), Some("1"));
        assert_eq!(a.get("default_tags.t"), Some("b"));
        assert_eq!(a.get("default_tags.u"), Some("b"));
    }

    #[test]
    fn keys_in_scope_lists_set_keys() {
        let mut c = Conf::new();
        c.set("org", "a").unwrap();
        c.set("batch_size", "1").unwrap();
        c.set("token", TOKEN).unwrap();
        c.set("default_tags.t", "x").unwrap();
        assert_eq!(
            c.keys_in_scope(Scope::Client).collect::<Vec<_>>(),
            vec!["org", "token"]
        );
        assert_eq!(
            c.keys_in_scope(Scope::Write).collect::<Vec<_>>(),
            vec!["batch_size"]
        );
        // Each side ignores the other's keys.
        c.client_config().unwrap();
        c.write_options().unwrap();
    }

    #[test]
    fn get_or_default_falls_back_to_the_table() {
        let c = Conf::new();
        assert_eq!(c.get("batch_size"), None);
        assert_eq!(c.get_or_default("batch_size"), Some("1000"));
        assert_eq!(c.get_or_default("token"), None);
        assert_eq!(c.get_or_default("nope"), None);
    }

    #[test]
    fn configuration_md_examples_load() {
        let md = configuration_md();
        for lang in ["ini", "toml", "json"] {
            let open = format!("```{lang}\n");
            let start = md
                .find(&open)
                .map(|i| i + open.len())
                .expect("example present");
            let len = md[start..].find("```").expect("closed fence");
            let f = TempFile::new(&format!("example.{lang}"), &md[start..start + len]);
            let mut c = Conf::new();
            c.load_file(&f.0)
                .unwrap_or_else(|e| panic!("{lang} example: {e}"));
            assert_eq!(c.get("org"), Some("my-org"), "{lang}");
            assert_eq!(c.get("timeout"), Some("6000"), "{lang}");
            assert_eq!(c.get("default_tags.id"), Some("132-987-655"), "{lang}");
        }
    }

    #[test]
    fn configuration_md_documents_every_key() {
        let md = configuration_md();
        for s in OPTIONS {
            assert!(
                md.contains(&format!("| `{}` |", s.key)),
                "{} missing",
                s.key
            );
            if let Some(env) = s.env {
                assert!(md.contains(&format!("`{env}`")), "{env} missing");
            }
        }
        assert!(md.contains("INFLUXDB_V2_TAG_<NAME>"));
        assert!(md.contains("default_tags.<name>"));
        assert!(md.contains("`125000` (125 s)"));
        assert!(md.contains("`67108864` (64 MiB)"));
        // Every table row has the same number of cells as the header.
        for line in md.lines().filter(|l| l.starts_with("| `")) {
            let cells = line.replace("\\|", "").matches('|').count();
            assert!(cells == 7 || cells == 3, "{line}");
        }
    }
}
