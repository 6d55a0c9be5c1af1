//! The seed's config files: ini and TOML (`[influx2]`, `[tags]`) and JSON, read into
//! key/value entries with line numbers for messages.

use std::collections::BTreeSet;

use super::table::*;

/// One `key = value` read from a config file, with its line (0 for JSON).
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) value: String,
    pub(crate) line: usize,
}

#[derive(Default)]
pub(crate) struct FileEntries {
    pub(crate) options: Vec<Entry>,
    pub(crate) tags: Vec<Entry>,
}

/// Cut an inline comment: `#` (and for ini `;`) outside quotes; for ini only when preceded by
/// whitespace (so `http://h/#x` survives).
pub(crate) fn strip_inline_comment(s: &str, toml: bool) -> &str {
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
pub(crate) fn ini_value(s: &str) -> String {
    strip_inline_comment(s, false)
        .trim_ascii()
        .trim_matches('"')
        .to_string()
}

/// A TOML value: a basic or literal string, or a bare word/number/boolean kept as text.
pub(crate) fn toml_value(s: &str) -> std::result::Result<String, String> {
    let s = s.trim_ascii();
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
        return Ok(strip_inline_comment(s, true).trim_ascii().to_string());
    };
    let rest = rest.trim_ascii();
    if !rest.is_empty() && !rest.starts_with('#') {
        return Err("unexpected text after the string".to_string());
    }
    Ok(value)
}

pub(crate) fn unquote_key(k: &str) -> &str {
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
pub(crate) fn parse_ini(
    text: &str,
    section: &str,
    toml: bool,
) -> std::result::Result<FileEntries, String> {
    let mut out = FileEntries::default();
    let mut current: Option<String> = None;
    let mut sections = BTreeSet::new();
    let mut keys = BTreeSet::new();
    let mut found = false;
    for (idx, raw) in text.lines().enumerate() {
        let n = idx + 1;
        let line = raw.trim_ascii();
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
            let rest = body[end + 1..].trim_ascii();
            if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
                return Err(format!(
                    "line {n}: unexpected text after the section header"
                ));
            }
            let name = unquote_key(body[..end].trim_ascii()).to_string();
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
        let key = unquote_key(line[..pos].trim_ascii()).to_lowercase();
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
pub(crate) fn json_scalar(v: &serde_json::Value) -> std::result::Result<Option<String>, ()> {
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
pub(crate) fn parse_json(text: &str, section: &str) -> std::result::Result<FileEntries, String> {
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
