//! The option table: every key, its scope, kind, range, default, environment variable and
//! documentation, in one place ([`OPTIONS`]).

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
    /// A secret that goes into an HTTP header: printable ASCII (0x20-0x7E) and TAB only.
    Token,
    /// An `http://` or `https://` URL with a host, a valid port, no query or fragment.
    Url,
    /// An HTTP proxy: `[http://][user:password@]host[:port]`.
    Proxy,
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

pub(crate) const HOUR_MS: u64 = 3_600_000;
pub(crate) const DAY_MS: u64 = 24 * HOUR_MS;

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
        kind: Kind::Token,
        default: None,
        env: Some("INFLUXDB_V2_TOKEN"),
        doc: "API token, sent as `Authorization: Token <token>` (or `username:password` with `auth_basic`); printable ASCII only, as it goes into an HTTP header; never printed.",
    },
    OptionSpec {
        key: "username",
        scope: Scope::Client,
        kind: Kind::Str,
        default: None,
        env: None,
        doc: "User name for session sign-in (`POST /api/v2/signin`), set together with `password`; with both set the client signs in before its first request and sends the session cookie instead of `token`, as the seed does. No `:` (HTTP Basic credentials).",
    },
    OptionSpec {
        key: "password",
        scope: Scope::Client,
        kind: Kind::Secret,
        default: None,
        env: None,
        doc: "Password of `username`; never printed.",
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
        kind: Kind::Proxy,
        default: None,
        env: None,
        doc: "HTTP proxy for all requests, `[http://][user:password@]host[:port]`, e.g. `http://proxy.example.com:8080`; no path, query or fragment.",
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
        doc: "No retry starts later than this many milliseconds after the batch's first attempt (a `Retry-After` ending later gives up at once); 0 disables retrying.",
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
