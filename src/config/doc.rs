//! CONFIGURATION.md, generated from the option table.

use super::table::*;
use super::value::*;

pub(crate) fn human_ms(ms: u64) -> String {
    match ms {
        0 => "0".to_string(),
        m if m % HOUR_MS == 0 => format!("{} h", m / HOUR_MS),
        m if m % 60_000 == 0 => format!("{} min", m / 60_000),
        m if m % 1_000 == 0 => format!("{} s", m / 1_000),
        m => format!("{m} ms"),
    }
}

pub(crate) fn human_bytes(n: i64) -> String {
    match n {
        n if n >= 1 << 40 && n % (1 << 40) == 0 => format!("{} TiB", n >> 40),
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} B"),
    }
}

pub(crate) fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

pub(crate) fn md_type(k: &Kind) -> &'static str {
    match k {
        Kind::Str => "string",
        Kind::Secret => "secret string",
        Kind::Token => "secret string",
        Kind::Url => "URL",
        Kind::Proxy => "URL",
        Kind::Bool => "boolean",
        Kind::Int { .. } => "integer",
        Kind::Ms { .. } => "milliseconds",
        Kind::Float { .. } => "number",
        Kind::Enum(_) => "enum",
        Kind::Path => "file path",
    }
}

pub(crate) fn md_range(s: &OptionSpec) -> String {
    match s.kind {
        Kind::Str | Kind::Secret => "text".to_string(),
        Kind::Token => "printable ASCII".to_string(),
        Kind::Url => "`http://…` or `https://…`".to_string(),
        Kind::Proxy => "`[http://]host[:port]`".to_string(),
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

pub(crate) fn md_default(s: &OptionSpec) -> String {
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

pub(crate) fn md_table(out: &mut String, scope: Scope) {
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

pub(crate) const MD_INTRO: &str = r#"<!-- Generated from the option table in src/config/table.rs by `cargo run -q --bin gen-config-doc > CONFIGURATION.md`. Do not edit. -->
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

pub(crate) const MD_AFTER_CLIENT: &str = r#"
`token`, `password` and `cert_key_password` are never printed: not in error messages, logs or
debug output (a password inside `url` or `proxy` is shown as `***` as well, and the session cookie
of a `username`/`password` sign-in is never shown).

## Write options

"#;

pub(crate) const MD_AFTER_WRITE: &str = r#"
Retries follow the seed: a batch is retried on HTTP 429, any status above it (all 5xx) and on
network errors; other 4xx fail at once. Retry *k* waits the server's `Retry-After` (plus a random
part of `jitter_interval`) if it sent one, else a random time in
[`retry_interval` × `exponential_base`^(k−1), `retry_interval` × `exponential_base`^k], capped at
`max_retry_delay`; with the defaults 5–10 s, 10–20 s, 20–40 s, 40–80 s, then 80–125 s. No retry
starts after `max_retries` retries or once `max_retry_time` has passed since the first attempt;
a `Retry-After` that would end after `max_retry_time` gives the batch up at once (reported with
`INFLUX_ERR_RETRIES_EXHAUSTED`) instead of holding it, and every batch behind it, for that long.

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

pub(crate) const MD_FILES: &str = r#"
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
