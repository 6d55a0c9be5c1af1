//! Escaping of measurements, keys, tag values and string field values, as the seed writes
//! them.

use super::rules;
use super::sink::{escape_slow, escape_string_slow, put_bytes, Sink};

/// Escape table: 0 = copy the byte, else write `\` and this byte.
pub(crate) const fn escape_table(with_eq: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    t[b',' as usize] = b',';
    t[b' ' as usize] = b' ';
    t[b'\n' as usize] = b'n';
    t[b'\t' as usize] = b't';
    t[b'\r' as usize] = b'r';
    if with_eq {
        t[b'=' as usize] = b'=';
    }
    t
}

pub(crate) static MEASUREMENT_ESCAPES: [u8; 256] = escape_table(false);
pub(crate) static KEY_ESCAPES: [u8; 256] = escape_table(true);

/// Measurement escaping: `,` space LF TAB CR become `\,` `\ ` `\n` `\t` `\r`; `=` and `\`
/// are kept as they are.
pub fn escape_measurement(s: &str, out: &mut Vec<u8>) {
    if rules::is_plain(s.as_bytes()) {
        put_bytes(out, s.as_bytes());
    } else {
        escape_slow(s.as_bytes(), &MEASUREMENT_ESCAPES, out)
    }
}

/// Tag key, tag value and field key escaping: as [`escape_measurement`] plus `=` → `\=`.
/// Backslash is kept as it is.
pub fn escape_key(s: &str, out: &mut Vec<u8>) {
    if rules::is_plain(s.as_bytes()) {
        put_bytes(out, s.as_bytes());
    } else {
        escape_slow(s.as_bytes(), &KEY_ESCAPES, out)
    }
}

/// String field escaping (without the surrounding quotes): only `"` → `\"` and `\` → `\\`;
/// LF and TAB stay raw.
pub fn escape_string_field(s: &str, out: &mut Vec<u8>) {
    if rules::string_needs_escape(s.as_bytes()) {
        escape_string_slow(s.as_bytes(), out)
    } else {
        put_bytes(out, s.as_bytes());
    }
}

/// A string field value in quotes; `esc` = `rules::string_needs_escape(s)`.
#[inline(always)]
pub(crate) fn write_quoted<W: Sink>(s: &[u8], esc: bool, w: &mut W) {
    w.byte(b'"');
    if esc {
        escape_string_slow(s, w);
    } else {
        w.put(s);
    }
    w.byte(b'"');
}

/// A key or tag value, escaped if its flag (computed when the point stored it) says so.
#[inline(always)]
pub(crate) fn put_key<W: Sink>(s: &[u8], esc: bool, w: &mut W) {
    if esc {
        escape_slow(s, &KEY_ESCAPES, w)
    } else {
        w.put(s)
    }
}
