//! The format's rules: limits, what must be escaped, what cannot be written (and the
//! errors saying why), shared by points, line buffers and default tags.
//!
//! The `is_plain` / `string_needs_escape` tests look at eight bytes at a time (SWAR): they
//! run on every key and value of every point, and the common answer ("nothing to escape")
//! then costs a few instructions per 8 bytes.

use crate::error::{Error, Result};
use crate::types::Precision;

/// Largest measurement / key length the server accepts (bytes).
pub const MAX_KEY_LEN: usize = 65535;
/// Largest string field value the server accepts (bytes).
pub const MAX_STRING_FIELD_LEN: usize = 1 << 20;
/// Smallest timestamp (in nanoseconds) the server accepts.
pub const MIN_TIME_NS: i64 = i64::MIN + 2;
/// Largest timestamp (in nanoseconds) the server accepts.
pub const MAX_TIME_NS: i64 = i64::MAX - 1;

#[inline(always)]
pub(crate) fn load_u32_be(s: &[u8], at: usize) -> u32 {
    s.get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_be_bytes)
}

/// The first 8 bytes of `k` as a big-endian number, zero-padded (no byte-wise stores, which
/// would stall the load that follows them).
#[inline]
pub(crate) fn key_prefix(k: &[u8]) -> u64 {
    let n = k.len();
    if n >= 8 {
        return k.first_chunk::<8>().map_or(0, |b| u64::from_be_bytes(*b));
    }
    if n >= 4 {
        let hi = u64::from(load_u32_be(k, 0)) << 32;
        let lo = (u64::from(load_u32_be(k, n - 4)) << 32) >> ((n - 4) * 8);
        return hi | lo;
    }
    let b = |i: usize, shift: u32| k.get(i).map_or(0, |&x| u64::from(x) << shift);
    b(0, 56) | b(1, 48) | b(2, 40)
}

/// A user string for an error message: Debug-quoted, cut after 64 bytes.
pub(crate) fn show(s: &str) -> String {
    const MAX: usize = 64;
    if s.len() <= MAX {
        return format!("{s:?}");
    }
    let mut cut = MAX;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{:?}... ({} bytes)", s.get(..cut).unwrap_or(""), s.len())
}

pub(crate) const fn repeat(b: u8) -> u64 {
    (b as u64) * 0x0101_0101_0101_0101
}
pub(crate) const LO: u64 = repeat(0x01);
pub(crate) const HI: u64 = repeat(0x80);

#[inline(always)]
pub(crate) fn load_u64_le(s: &[u8], at: usize) -> u64 {
    s.get(at..at + 8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map_or(0, u64::from_le_bytes)
}

#[inline(always)]
pub(crate) fn load_u32_le(s: &[u8], at: usize) -> u64 {
    s.get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, |b| u64::from(u32::from_le_bytes(b)))
}

/// Run `word` over all bytes of `s` (any 8-byte words; bytes may be seen twice, and short
/// strings are padded with `pad`). True if `word` is true for any of them.
#[inline(always)]
pub(crate) fn any_word(s: &[u8], pad: u8, word: impl Fn(u64) -> bool) -> bool {
    let n = s.len();
    if n >= 8 {
        let mut i = 0;
        while i + 8 <= n {
            if word(load_u64_le(s, i)) {
                return true;
            }
            i += 8;
        }
        return i < n && word(load_u64_le(s, n - 8));
    }
    if n >= 4 {
        return word(load_u32_le(s, 0) | load_u32_le(s, n - 4) << 32);
    }
    let b = |i: usize, shift: u32| u64::from(s.get(i).copied().unwrap_or(pad)) << shift;
    word(b(0, 0) | b(1, 8) | b(2, 16) | u64::from_le_bytes([pad; 8]) & !0xff_ffff)
}

/// True if `s` needs no escaping as a measurement, key or tag value and has no backslash:
/// no byte below 0x21 (space, LF, TAB, CR, other controls), `,`, `=` or `\\`. Eight bytes at a
/// time; a `false` only means "look closer".
#[inline]
pub(crate) fn is_plain(s: &[u8]) -> bool {
    // One "any byte matches" test for all four conditions: each `y - LO` (or `x - 0x21s`)
    // term sets a byte's high bit where that byte is zero (below 0x21), borrows only
    // propagating above a real match, and `!x & HI` is shared because every pattern byte is
    // below 0x80 (so `x ^ c` has the same high bits as `x`).
    !any_word(s, b'a', |x| {
        (x.wrapping_sub(repeat(0x21))
            | (x ^ repeat(b',')).wrapping_sub(LO)
            | (x ^ repeat(b'=')).wrapping_sub(LO)
            | (x ^ repeat(b'\\')).wrapping_sub(LO))
            & !x
            & HI
            != 0
    })
}

/// True if a string field value needs escaping (has `"` or `\\`).
#[inline]
pub(crate) fn string_needs_escape(s: &[u8]) -> bool {
    any_word(s, 0, |x| {
        ((x ^ repeat(b'"')).wrapping_sub(LO) | (x ^ repeat(b'\\')).wrapping_sub(LO)) & !x & HI != 0
    })
}

/// Whether `s` has a backslash at its end or directly before one of `specials`: a place where
/// the line protocol cannot represent a literal backslash.
pub(crate) fn has_bad_backslash(s: &[u8], specials: &[u8]) -> bool {
    let mut it = s.iter().peekable();
    while let Some(&b) = it.next() {
        if b == b'\\' {
            match it.peek() {
                None => return true,
                Some(&&n) if specials.contains(&n) => return true,
                _ => {}
            }
        }
    }
    false
}

/// Bytes a backslash must not stand before, per kind of text. Escaping makes `,`, ` ` and `=`
/// (in keys) literal, so a literal backslash before them cannot be written. InfluxDB also
/// reads `\=` and `\"` in a measurement, and `\"` in a field key, otherwise than written:
/// such a measurement is acknowledged (204) and then not stored at all, such a field key is
/// stored without its backslash. Refused as well.
pub(crate) const KEY_SPECIALS: &[u8] = b", =";
pub(crate) const FIELD_KEY_SPECIALS: &[u8] = b", =\"";
pub(crate) const MEASUREMENT_SPECIALS: &[u8] = b", =\"";

/// Why a string was refused (small, so the checks return in registers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bad {
    Empty,
    Hash,
    Reserved,
    TooLong,
    Backslash,
    Nul,
}

/// What was checked, for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum What {
    Measurement,
    TagKey,
    TagValue,
    FieldKey,
}

/// Build the error for a refused string (cold: only on the error path).
#[cold]
#[inline(never)]
pub(crate) fn bad(what: What, key: &str, value: &str, why: Bad) -> Error {
    let subject = match what {
        What::Measurement => format!("measurement {}", show(key)),
        What::TagKey => format!("tag key {}", show(key)),
        What::TagValue => format!("tag {}: value {}", show(key), show(value)),
        What::FieldKey => format!("field key {}", show(key)),
    };
    let detail = match why {
        Bad::Empty => "must not be empty".to_string(),
        Bad::Hash => "starts with '#': the server would read the line as a comment".to_string(),
        Bad::Reserved => {
            "is reserved by InfluxDB (_measurement, _field and time cannot be tag keys)".to_string()
        }
        Bad::TooLong => format!("is longer than {MAX_KEY_LEN} bytes"),
        Bad::Nul => "contains a NUL byte, which the server skips or cuts at (it would store \
                     another name or drop the line)"
            .to_string(),
        Bad::Backslash => format!(
            "has a backslash at the end or directly before {}, which line protocol cannot \
             represent (the server would read another value)",
            match what {
                What::Measurement | What::FieldKey => "',', ' ', '=' or '\"'",
                What::TagKey | What::TagValue => "',', ' ' or '='",
            }
        ),
    };
    Error::invalid_point(format!("{subject} {detail}"))
}

#[cold]
#[inline(never)]
pub(crate) fn too_large() -> Error {
    Error::invalid_point("point is too large (more than 4 GiB of text)")
}

/// Length and backslash rules; Ok(true) if `s` needs escaping.
#[inline(always)]
pub(crate) fn check_text(s: &str, specials: &[u8]) -> std::result::Result<bool, Bad> {
    if s.len() > MAX_KEY_LEN {
        return Err(Bad::TooLong);
    }
    if is_plain(s.as_bytes()) {
        return Ok(false);
    }
    if s.as_bytes().contains(&0) {
        return Err(Bad::Nul);
    }
    if has_bad_backslash(s.as_bytes(), specials) {
        return Err(Bad::Backslash);
    }
    Ok(true)
}

#[inline(always)]
pub(crate) fn check_measurement_fast(m: &str) -> std::result::Result<bool, Bad> {
    match m.as_bytes().first() {
        None => Err(Bad::Empty),
        Some(b'#') => Err(Bad::Hash),
        _ => check_text(m, MEASUREMENT_SPECIALS),
    }
}

#[inline(always)]
pub(crate) fn check_tag_key_fast(key: &str) -> std::result::Result<bool, Bad> {
    if matches!(key, "_measurement" | "_field" | "time") {
        return Err(Bad::Reserved);
    }
    check_text(key, KEY_SPECIALS)
}

#[inline(always)]
pub(crate) fn check_field_key_fast(key: &str) -> std::result::Result<bool, Bad> {
    if key.is_empty() {
        return Err(Bad::Empty);
    }
    check_text(key, FIELD_KEY_SPECIALS)
}

/// Checks a measurement name; Ok(true) if it needs escaping.
#[inline(always)]
pub(crate) fn check_measurement(m: &str) -> Result<bool> {
    check_measurement_fast(m).map_err(|b| bad(What::Measurement, m, "", b))
}

/// Checks a non-empty tag key; Ok(true) if it needs escaping.
#[inline]
pub(crate) fn check_tag_key(key: &str) -> Result<bool> {
    check_tag_key_fast(key).map_err(|b| bad(What::TagKey, key, "", b))
}

/// Checks a non-empty tag value (`key` names it in the message); Ok(true) if it needs escaping.
#[inline]
pub(crate) fn check_tag_value(key: &str, value: &str) -> Result<bool> {
    check_text(value, KEY_SPECIALS).map_err(|b| bad(What::TagValue, key, value, b))
}

/// Checks a field key; Ok(true) if it needs escaping.
#[inline]
pub(crate) fn check_field_key(key: &str) -> Result<bool> {
    check_field_key_fast(key).map_err(|b| bad(What::FieldKey, key, "", b))
}

/// Checks a string field value's length (at most 1 MiB).
#[inline]
pub(crate) fn check_string_len(key: &str, v: &str) -> Result<()> {
    if v.len() > MAX_STRING_FIELD_LEN {
        return Err(Error::invalid_point(format!(
            "field {}: string value of {} bytes is longer than {MAX_STRING_FIELD_LEN} bytes (1 MiB)",
            show(key),
            v.len()
        )));
    }
    Ok(())
}

/// Checks that `time` in `precision` units is an instant the server accepts
/// ([`MIN_TIME_NS`]..=[`MAX_TIME_NS`] nanoseconds).
#[inline]
pub(crate) fn check_time(time: i64, precision: Precision) -> Result<()> {
    match time.checked_mul(precision.nanos_per_unit()) {
        Some(ns) if (MIN_TIME_NS..=MAX_TIME_NS).contains(&ns) => Ok(()),
        _ => Err(Error::invalid_point(format!(
            "time {time} {precision} is outside the range InfluxDB accepts \
             ({MIN_TIME_NS}..={MAX_TIME_NS} ns)"
        ))),
    }
}

/// The error for a point or line with no field the server can store.
#[cold]
#[inline(never)]
pub(crate) fn nothing_to_write(measurement: &str, has_fields: bool) -> Error {
    let why = if has_fields {
        "all its fields are NaN or infinite, which InfluxDB cannot store"
    } else {
        "it has no fields"
    };
    Error::invalid_point(format!(
        "point {} has nothing to write: {why}",
        show(measurement)
    ))
}

#[cold]
#[inline(never)]
pub(crate) fn series_key_too_long(measurement: &str) -> Error {
    Error::invalid_point(format!(
        "measurement {}: series key (measurement and tags) is longer than {MAX_KEY_LEN} bytes",
        show(measurement)
    ))
}

/// Test helper shared by the point and line-protocol tests.
#[cfg(test)]
pub(crate) fn assert_invalid_point<T: std::fmt::Debug>(r: Result<T>, needle: &str) {
    match r {
        Err(e) => {
            assert_eq!(e.code, crate::error::Code::InvalidPoint, "{e:?}");
            assert!(
                e.message.contains(needle),
                "{:?} does not contain {needle:?}",
                e.message
            );
        }
        Ok(v) => panic!("expected an InvalidPoint error, got Ok({v:?})"),
    }
}
