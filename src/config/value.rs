//! Option values: parsing, normalizing and checking a value for its key's kind, and showing
//! values in messages without secrets.

use crate::error::{Error, Result};

use super::table::*;

/// A value shown in an error message: quoted, escaped, at most 64 characters.
pub(crate) fn shown(v: &str) -> String {
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

/// Replace the user information of `scheme://user:pass@host` with `***`: everything up to
/// the LAST `@` (as lenient URL parsers read it: a password may contain `/`, `?` or `#`), so
/// nothing of a password is ever shown; an `@` in a path over-redacts, which is harmless.
pub(crate) fn redact_userinfo(s: &str) -> String {
    if let Some(i) = s.find("://") {
        let rest = &s[i + 3..];
        if let Some(at) = rest.rfind('@') {
            return format!("{}://***@{}", &s[..i], &rest[at + 1..]);
        }
    }
    s.to_string()
}

/// How a value of `key` may be shown: secrets as `***`, URLs without credentials.
pub(crate) fn display_value(key: &str, v: &str) -> String {
    match spec(key).map(|s| s.kind) {
        Some(Kind::Secret) => "***".to_string(),
        Some(Kind::Url) => redact_userinfo(v),
        _ if key == "proxy" => redact_userinfo(v),
        _ => v.to_string(),
    }
}

pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Decimal digits with optional single `_` separators between digits (Python `int()` style).
pub(crate) fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.starts_with('_') || s.ends_with('_') || s.contains("__") {
        return None;
    }
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    s.replace('_', "").parse::<u64>().ok()
}

pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = i128::from(parse_digits(digits)?);
    i64::try_from(if neg { -n } else { n }).ok()
}

pub(crate) fn parse_ms(s: &str) -> Option<u64> {
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

pub(crate) fn parse_float(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

pub(crate) fn has_control(s: &str) -> bool {
    s.contains(['\r', '\n', '\0'])
}

pub(crate) fn is_http_url(s: &str) -> bool {
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
pub(crate) fn expected(kind: &Kind) -> String {
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
pub(crate) fn normalize(spec: &OptionSpec, value: &str) -> Result<String> {
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

pub(crate) fn unknown_key(key: &str) -> Error {
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
pub(crate) fn env_lookup(name: &str) -> Option<String> {
    if name.is_empty() || name.contains(['=', '\0']) {
        return None;
    }
    std::env::var(name).ok()
}
