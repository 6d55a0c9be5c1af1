//! The encoder's writers into a [`Tail`] for the line buffers (which encode as calls
//! arrive): same escaping and number text as `crate::point::encode_point`.

use super::digits::{digits8, Digits};
use super::escape::{put_key, write_quoted, MEASUREMENT_ESCAPES};
use super::numbers::{write_finite_f64, write_int};
use super::rules::string_needs_escape;
use super::sink::{escape_slow, Sink, Tail};
use crate::types::FieldValue;

/// A measurement; `esc` as returned by `point::check_measurement`.
#[inline]
pub(crate) fn measurement(s: &[u8], esc: bool, out: &mut Tail<'_>) {
    if esc {
        escape_slow(s, &MEASUREMENT_ESCAPES, out);
    } else {
        out.put(s);
    }
}

/// A tag key, tag value or field key; `esc` as returned by its `point::check_*`.
#[inline(always)]
pub(crate) fn key(s: &[u8], esc: bool, out: &mut Tail<'_>) {
    put_key(s, esc, out);
}

/// A quoted string field value; `esc` = `point::string_needs_escape(s)`.
#[inline]
pub(crate) fn string(s: &[u8], esc: bool, out: &mut Tail<'_>) {
    write_quoted(s, esc, out);
}

/// A finite float as the seed writes it.
#[inline(always)]
pub(crate) fn finite_f64(v: f64, out: &mut Tail<'_>) {
    debug_assert!(v.is_finite());
    write_finite_f64(v, out);
}

/// A signed integer in decimal (no suffix).
#[inline(always)]
pub(crate) fn int(v: i64, out: &mut Tail<'_>) {
    write_int(v, out);
}

/// An unsigned integer in decimal (no suffix).
#[inline(always)]
pub(crate) fn uint(v: u64, out: &mut Tail<'_>) {
    out.digits(Digits::of(v));
}

/// The text of a timestamp's digits above the last eight, kept from the previous
/// timestamp: consecutive timestamps usually share them (nanoseconds: ~0.1 s apart).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TimeCache {
    /// `t / 10^8 + 1` of the cached timestamp (0: nothing cached).
    hi: u64,
    digits: [u8; 16],
    len: usize,
}

/// A timestamp in decimal, as [`int`] writes it, reusing `cache` for its high digits.
#[inline(always)]
pub(crate) fn time(v: i64, cache: &mut TimeCache, out: &mut Tail<'_>) {
    const E8: u64 = 100_000_000;
    if v < E8 as i64 {
        return int(v, out);
    }
    let n = v as u64;
    let hi = n / E8;
    if hi + 1 != cache.hi {
        let d = Digits::of(hi);
        let b = d.bytes();
        let len = d.len();
        if len > 16 {
            // above 10^24 cannot happen for a u64 / 10^8; keep the plain path anyway
            return int(v, out);
        }
        cache.digits[..len].copy_from_slice(&b[..len]);
        cache.len = len;
        cache.hi = hi + 1;
    }
    out.put(&cache.digits[..cache.len]);
    out.put(&digits8(n % E8).to_le_bytes());
}

/// A field value as the encoder writes it: a finite float, an integer with its `i`/`u`
/// suffix, `true`/`false`, a quoted (escaped) string. Non-finite floats are the caller's
/// to leave out.
#[inline(always)]
pub(crate) fn value(v: FieldValue<'_>, out: &mut Tail<'_>) {
    match v {
        FieldValue::F64(x) => finite_f64(x, out),
        FieldValue::I64(x) => {
            int(x, out);
            out.byte(b'i');
        }
        FieldValue::U64(x) => {
            uint(x, out);
            out.byte(b'u');
        }
        FieldValue::Bool(x) => out.put(if x { b"true" } else { b"false" }),
        FieldValue::Str(s) => string(s.as_bytes(), string_needs_escape(s.as_bytes()), out),
    }
}

/// A field value as the seed's DataFrame writer prints it (`LineBuffer::set_frame_text`): a
/// float keeps Python's `.0` when its text has no `.` or exponent (`30.0`), a boolean is
/// `True` / `False`; other values as [`value`].
#[inline(never)]
pub(crate) fn frame_value(v: FieldValue<'_>, out: &mut Tail<'_>) {
    match v {
        FieldValue::F64(x) => {
            let start = out.n;
            finite_f64(x, out);
            let text = out.b.get(start..out.n).unwrap_or_default();
            if !text.iter().any(|&c| c == b'.' || c == b'e') {
                out.put(b".0");
            }
        }
        FieldValue::Bool(x) => out.put(if x { b"True" } else { b"False" }),
        v => value(v, out),
    }
}

/// Raw bytes (punctuation, `true`/`false`).
#[inline(always)]
pub(crate) fn bytes(s: &[u8], out: &mut Tail<'_>) {
    out.put(s);
}

#[inline(always)]
pub(crate) fn byte(b: u8, out: &mut Tail<'_>) {
    out.byte(b);
}
