//! [`Conf`]: validated option values and default tags, filled by `set`, the environment and
//! config files, read back with secrets masked.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};

use super::files::{parse_ini, parse_json};
use super::table::*;
use super::value::*;

/// Validated option values (normalized strings) and default tags (raw, `${env.X}` unexpanded).
#[derive(Clone, Default, PartialEq)]
pub struct Conf {
    pub(crate) values: BTreeMap<&'static str, String>,
    pub(crate) tags: BTreeMap<String, String>,
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

/// Largest config file read (bytes): a config file is a few hundred bytes; anything much
/// larger is a mistake (a log, a device) and is refused rather than read into memory.
pub const MAX_CONFIG_FILE_BYTES: u64 = 1 << 20;

/// Read a config file: a regular file (not a FIFO, device or directory, which could block
/// forever or never end) of at most [`MAX_CONFIG_FILE_BYTES`].
fn read_config_file(path: &Path, where_: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let io = |e: std::io::Error| Error::io(format!("cannot read config file {where_}: {e}"));
    let not_regular = || {
        Error::io(format!(
            "cannot read config file {where_}: not a regular file"
        ))
    };
    // Checked before opening: opening a FIFO for reading waits for a writer.
    if !std::fs::metadata(path).map_err(io)?.is_file() {
        return Err(not_regular());
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // In case the path was replaced by a FIFO since: do not wait for a writer.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let too_large = || {
        Error::config(format!(
            "{where_}: config file is larger than {MAX_CONFIG_FILE_BYTES} bytes (1 MiB)"
        ))
    };
    if meta.len() > MAX_CONFIG_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_CONFIG_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_CONFIG_FILE_BYTES {
        return Err(too_large()); // it grew while being read
    }
    Ok(bytes)
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

    /// The value of `key` as it may be shown, exactly as `Debug` shows it: a secret as `***`,
    /// a URL or proxy without its user information; the table's default if unset; `""` if
    /// it has none; a default tag (`default_tags.<name>`) as given. Error: unknown key.
    pub fn get_shown(&self, key: &str) -> Result<String> {
        if key.starts_with(DEFAULT_TAG_PREFIX) {
            return Ok(self.get(key).unwrap_or("").to_string());
        }
        if spec(key).is_none() {
            return Err(unknown_key(key));
        }
        Ok(self
            .get_or_default(key)
            .map(|v| display_value(key, v))
            .unwrap_or_default())
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
        let bytes = read_config_file(path, &where_)?;
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
            next.set(&e.key, &e.value).map_err(|_| {
                let at = if e.line > 0 {
                    format!("{where_}:{}", e.line)
                } else {
                    where_.clone()
                };
                // The value is not shown: a malformed line (a lost newline, a stray quote) may
                // hold the next option's secret.
                let want = spec(&e.key)
                    .map(|s| format!(" (expected {})", expected(&s.kind)))
                    .unwrap_or_default();
                Error::config(format!(
                    "{at}: {}: invalid value{want}; the value is not shown",
                    e.key
                ))
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

    pub(crate) fn raw(&self, key: &str) -> Result<&str> {
        self.get_or_default(key)
            .ok_or_else(|| Error::internal(format!("config: {key} has no value and no default")))
    }

    pub(crate) fn text(&self, key: &str) -> Option<String> {
        self.get(key).filter(|v| !v.is_empty()).map(str::to_string)
    }

    pub(crate) fn path(&self, key: &str) -> Option<PathBuf> {
        self.text(key).map(PathBuf::from)
    }

    pub(crate) fn flag(&self, key: &str) -> Result<bool> {
        parse_bool(self.raw(key)?)
            .ok_or_else(|| Error::internal(format!("config: {key} is not a boolean")))
    }

    pub(crate) fn int(&self, key: &str) -> Result<i64> {
        parse_int(self.raw(key)?)
            .ok_or_else(|| Error::internal(format!("config: {key} is not an integer")))
    }

    pub(crate) fn millis(&self, key: &str) -> Result<Duration> {
        parse_ms(self.raw(key)?)
            .map(Duration::from_millis)
            .ok_or_else(|| Error::internal(format!("config: {key} is not a duration")))
    }

    pub(crate) fn usize_of(&self, key: &str) -> Result<usize> {
        usize::try_from(self.int(key)?).map_err(|_| {
            Error::config(format!(
                "{key}: value does not fit this platform's address size"
            ))
        })
    }

    pub(crate) fn u32_of(&self, key: &str) -> Result<u32> {
        u32::try_from(self.int(key)?)
            .map_err(|_| Error::internal(format!("config: {key} out of range")))
    }
}
