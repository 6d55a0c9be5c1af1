//! Configuration: ONE table of option keys ([`OPTIONS`]) drives parsing, validation, defaults,
//! environment variables and the generated CONFIGURATION.md ([`configuration_md`]).
//!
//! A [`Conf`] is a bag of validated `key → value` strings plus default tags. It is filled by
//! [`Conf::set`] (the C API's `influx_conf_set`), [`Conf::load_env`] (the seed's
//! `INFLUXDB_V2_*` variables, `_from_env_properties`) and [`Conf::load_file`] (the seed's
//! ini/toml/json config file, `_from_config_file`), then turned into a typed
//! [`ClientConfig`] or [`WriteOptions`]. Secrets (`token`, `password`, `cert_key_password`, proxy/URL
//! passwords) never appear in any message, `Debug` or `Display` output.
//!
//! - [`table`]: the option table; [`value`]: parsing and showing values;
//! - [`conf`]: the `Conf` bag; [`files`]: ini/TOML/JSON readers;
//! - [`settings`]: typed `ClientConfig` / `WriteOptions`; [`doc`]: CONFIGURATION.md.

pub mod conf;
pub mod doc;
pub mod files;
pub mod settings;
pub mod table;
pub mod value;

pub use conf::{Conf, MAX_CONFIG_FILE_BYTES};
pub use doc::configuration_md;
pub use settings::{BufferFullPolicy, ClientConfig, WriteOptions, WriteType};
pub use table::{
    spec, Kind, OptionSpec, Scope, DEFAULT_SECTION, DEFAULT_TAG_PREFIX, ENV_TAG_PREFIX, OPTIONS,
    TAGS_SECTION,
};
pub use value::expand_env_value;

#[cfg(test)]
mod tests {
    use super::table::*;
    use super::value::*;
    use super::*;
    use crate::error::Code;
    use crate::error::Result;
    use std::collections::BTreeSet;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    const TOKEN: &str = "SECRET-TOKEN-6f1d";
    const KEY_PW: &str = "KEY-PASSWORD-93ab";
    const PROXY_PW: &str = "PROXY-PASSWORD-77c0";
    const USER_PW: &str = "USER-PASSWORD-2e5a";

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
                Kind::Token => &["a\nb", "a\x7fb", "a\x01b", "a\u{a0}b", "é"],
                Kind::Url => &[
                    "garbage!",
                    "ftp://x",
                    "http://",
                    "http:// x",
                    "",
                    "http://[::1",
                    "http://h:99999",
                    "http://h:-1",
                    "http://h:0",
                    "http://h?x=1",
                    "http://h/p#f",
                    "http:///path",
                ],
                Kind::Proxy => &[
                    "::::not a url",
                    "not a url at all",
                    "http://p:99999",
                    "socks5://p:1080",
                    "http://p/x",
                ],
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
    fn sign_in_needs_username_and_password_without_a_colon() {
        let mut c = Conf::new();
        c.set("username", "my-user").unwrap();
        let e = c.client_config().unwrap_err();
        assert!(e.message.starts_with("username: "), "{e:?}");
        // as the seed: with a token, a lone username is ignored
        c.set("token", TOKEN).unwrap();
        let cc = c.client_config().unwrap();
        assert_eq!(cc.username.as_deref(), Some("my-user"));
        assert!(cc.password.is_none());
        let mut c = Conf::new();
        c.set("password", USER_PW).unwrap();
        let e = c.client_config().unwrap_err();
        assert!(e.message.starts_with("password: ") && !e.message.contains(USER_PW));
        c.set("username", "").unwrap();
        assert!(c.client_config().is_err(), "an empty username is unset");
        c.set("username", "a:b").unwrap();
        let e = c.client_config().unwrap_err();
        assert!(
            e.message.contains("':'") && !e.message.contains(USER_PW),
            "{e:?}"
        );
        c.set("username", "my-user").unwrap();
        let cc = c.client_config().unwrap();
        assert_eq!(
            (cc.username.as_deref(), cc.password.as_deref()),
            (Some("my-user"), Some(USER_PW))
        );
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
    fn tokens_that_cannot_be_a_header_are_refused_everywhere_unshown() {
        for bad in ["\u{7f}", "\u{1}", "-\u{1b}-", "\u{a0}", "-é"] {
            let token = format!("{TOKEN}{bad}");
            let msg = config_err(Conf::new().set("token", &token));
            assert!(!msg.contains(TOKEN) && msg.starts_with("token: "), "{msg}");
            let msg = config_err(
                Conf::new().load_env_from(vec![("INFLUXDB_V2_TOKEN".into(), token.clone())]),
            );
            assert!(!msg.contains(TOKEN), "{msg}");
            let f = TempFile::new("bad-token.ini", &format!("[influx2]\ntoken = {token}\n"));
            let msg = config_err(Conf::new().load_file(&f.0));
            assert!(!msg.contains(TOKEN), "{msg}");
        }
        // TAB and space are header text
        Conf::new().set("token", "a b\tc").unwrap();
    }

    #[test]
    fn a_refused_url_or_proxy_never_shows_its_password() {
        for (key, v) in [
            ("url", "ftp://user:PW-1234@host"),
            ("url", "http://user:PW-1234@host:99999"),
            ("url", "http://user:PW-1234@host?x"),
            ("url", "http://user:PW/1234@host"),
            ("proxy", "user:PW-1234@host:99999"),
            ("proxy", "socks5://user:PW-1234@host"),
        ] {
            let msg = config_err(Conf::new().set(key, v));
            assert!(!msg.contains("PW"), "{msg}");
            assert!(msg.contains("***@"), "{msg}");
        }
    }

    #[test]
    fn urls_are_checked_as_urls() {
        for ok in [
            "http://127.0.0.1:8086",
            "https://db.example",
            "http://[::1]:8086",
            "http://h:65535/",
            "http://h/influx/",
            "http://u:p@h:1",
        ] {
            Conf::new().set("url", ok).unwrap();
        }
        for ok in [
            "http://proxy.example:3128",
            "proxy:3128",
            "http://u:p@p:1/",
            "",
        ] {
            Conf::new().set("proxy", ok).unwrap();
        }
        let msg = config_err(Conf::new().set("url", "http://h:1?x=1"));
        assert!(msg.contains("query"), "{msg}");
        let msg = config_err(Conf::new().set("url", "http://h:99999"));
        assert!(msg.contains("port"), "{msg}");
    }

    #[test]
    fn config_files_must_be_small_regular_files() {
        let e = Conf::new()
            .load_file(std::path::Path::new("/dev/zero"))
            .unwrap_err();
        assert_eq!(e.code, Code::Io, "{e:?}");
        assert!(e.message.contains("not a regular file"), "{}", e.message);
        let big = TempFile::new(
            "big.ini",
            &format!(
                "[influx2]\n# {}\n",
                "x".repeat(MAX_CONFIG_FILE_BYTES as usize)
            ),
        );
        let e = Conf::new().load_file(&big.0).unwrap_err();
        assert_eq!(e.code, Code::Config, "{e:?}");
        assert!(e.message.contains("larger than"), "{}", e.message);
        let dir = std::env::temp_dir().join(format!("influx-fifo-{}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        let made = std::process::Command::new("mkfifo").arg(&dir).status();
        if made.is_ok_and(|s| s.success()) {
            let e = Conf::new().load_file(&dir).unwrap_err();
            assert_eq!(e.code, Code::Io, "{e:?}");
            let _ = std::fs::remove_file(&dir);
        }
    }

    #[test]
    fn secrets_never_appear_in_debug_display_or_errors() {
        let mut c = Conf::new();
        c.set("token", TOKEN).unwrap();
        c.set("cert_key_password", KEY_PW).unwrap();
        c.set("username", "my-user").unwrap();
        c.set("password", USER_PW).unwrap();
        c.set("proxy", &format!("http://user:{PROXY_PW}@proxy:3128"))
            .unwrap();
        c.set("url", &format!("https://user:{PROXY_PW}@influx:8086"))
            .unwrap();
        c.set("default_tags.host", "h1").unwrap();
        let cc = c.client_config().unwrap();
        assert_eq!(cc.password.as_deref(), Some(USER_PW));
        let http = crate::http::Http::new(&cc).unwrap();
        for text in [
            format!("{c:?}"),
            format!("{c}"),
            format!("{c:#?}"),
            format!("{cc:?}"),
            format!("{cc:#?}"),
            format!("{http:?}"),
            format!("{http:#?}"),
        ] {
            for secret in [TOKEN, KEY_PW, PROXY_PW, USER_PW] {
                assert!(!text.contains(secret), "{secret} leaked in {text}");
            }
            assert!(text.contains("***"), "{text}");
        }
        assert!(format!("{c}").contains("token=***"));
        assert!(format!("{c}").contains("password=***"));
        assert!(format!("{c}").contains("username=my-user"));
        assert_eq!(c.get_shown("password").unwrap(), "***");
        let msg = config_err(c.set("password", &format!("{USER_PW}\r")));
        assert!(
            !msg.contains(USER_PW) && msg.starts_with("password: "),
            "{msg}"
        );
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
        let text = "# comment\n; another\n[influx2]\nURL = \"http://h:1/x\"  # trailing\nOrg = \"a ; b # c\" ; note\nbatch_size = 5_000\nflush_interval = 2s\ndefault_tags.region = eu\n[other]\nurl = ignored\n[tags]\nHost = \"h1\"\n";
        let f = TempFile::new("c.ini", text);
        let mut c = Conf::new();
        c.load_file(&f.0).unwrap();
        assert_eq!(c.get("url"), Some("http://h:1/x"));
        assert_eq!(c.get("org"), Some("a ; b # c"));
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
                ":3: batch_size: invalid value (expected an integer",
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
                "timeout: invalid value (expected milliseconds",
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
