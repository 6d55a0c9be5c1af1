//! Default tags, validated, sorted and escaped once (when a write API or a line buffer is
//! made), then merged into every line: they win over a line's own tag of the same key, and
//! a default tag with an empty value removes the line's tag of that key (the seed's
//! `_append_default_tags` calls `record.tag(key, val)` on every point).

use crate::error::{Error, Result};

use super::rules::{check_tag_key, check_tag_value};

/// One default tag with its escaping flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultTag {
    pub key: String,
    /// Empty: the tag is not written and hides the line's tag of this key.
    pub value: String,
    pub key_esc: bool,
    pub value_esc: bool,
}

/// Default tags as given (for comparison) and in force: sorted by key, one per key (the
/// last given wins), empty keys dropped, each checked as a tag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DefaultTags {
    given: Vec<(String, String)>,
    tags: Vec<DefaultTag>,
}

impl DefaultTags {
    /// No default tags.
    pub fn none() -> DefaultTags {
        DefaultTags::default()
    }

    /// Check and prepare `given`. Errors (`InvalidPoint`): a reserved key (`time`,
    /// `_measurement`, `_field`), a key or value longer than 65535 bytes or with a backslash
    /// that cannot be written; the message names it as a default tag.
    pub fn new(given: &[(String, String)]) -> Result<DefaultTags> {
        let mut tags = Vec::with_capacity(given.len());
        for (k, v) in sorted_default_tags(given) {
            if k.is_empty() {
                continue;
            }
            let (mut key_esc, mut value_esc) = (false, false);
            if !v.is_empty() {
                key_esc = check_tag_key(k).map_err(default_tag_error)?;
                value_esc = check_tag_value(k, v).map_err(default_tag_error)?;
            }
            tags.push(DefaultTag {
                key: k.clone(),
                value: v.clone(),
                key_esc,
                value_esc,
            });
        }
        Ok(DefaultTags {
            given: given.to_vec(),
            tags,
        })
    }

    /// The tags as given to [`DefaultTags::new`].
    pub fn given(&self) -> &[(String, String)] {
        &self.given
    }

    /// The tags in force, sorted by key.
    pub fn tags(&self) -> &[DefaultTag] {
        &self.tags
    }

    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }
}

/// A default tag's error, named as such.
pub(crate) fn default_tag_error(mut e: Error) -> Error {
    e.message = format!("default {}", e.message);
    e
}

/// Default tags sorted by key, one per key: for a repeated key the last given wins.
pub(crate) fn sorted_default_tags(default_tags: &[(String, String)]) -> Vec<&(String, String)> {
    let mut sorted: Vec<&(String, String)> = default_tags.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0)); // stable: equal keys keep their order
    sorted.reverse();
    sorted.dedup_by(|a, b| a.0 == b.0); // keeps the first of a run = the last given
    sorted.reverse();
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    fn given(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn sorted_unique_last_wins_empty_keys_dropped() {
        let d = DefaultTags::new(&given(&[("b", "1"), ("a", "x"), ("", "z"), ("b", "2")])).unwrap();
        let keys: Vec<(&str, &str)> = d
            .tags()
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        assert_eq!(keys, [("a", "x"), ("b", "2")]);
        assert_eq!(d.given().len(), 4);
    }

    #[test]
    fn escaping_flags_computed_once() {
        let d = DefaultTags::new(&given(&[("a b", "c=d"), ("e", "f")])).unwrap();
        assert!(d.tags()[0].key_esc && d.tags()[0].value_esc);
        assert!(!d.tags()[1].key_esc && !d.tags()[1].value_esc);
    }

    #[test]
    fn invalid_default_tags_are_refused_with_their_name() {
        for bad in [
            ("time", "x"),
            ("_field", "x"),
            ("k", "ends\\"),
            ("k\\", "v"),
        ] {
            let e = DefaultTags::new(&given(&[bad])).unwrap_err();
            assert_eq!(e.code, Code::InvalidPoint, "{bad:?}");
            assert!(e.message.starts_with("default tag"), "{}", e.message);
        }
        // an empty value is a removal: its key is not checked as a written tag
        assert!(DefaultTags::new(&given(&[("time", "")])).is_ok());
    }
}
