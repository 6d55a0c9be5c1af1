//! Length-taking variants (`*_n`) of the calls bindings make per point: strings given as
//! pointer + byte length (`std::string_view`, Go strings), so no NUL-terminated copy is needed.
//!
//! Rules shared by every `*_n` function: a string is `len` bytes of UTF-8 at `ptr`; NULL with
//! `len` 0 is the empty string, NULL with `len` > 0 is INFLUX_ERR_INVALID_ARG; a NUL byte
//! inside the string is INFLUX_ERR_INVALID_ARG (points and line buffers never hold one);
//! otherwise each call does exactly what the NUL-terminated call of the same name does.

use std::ffi::c_char;

use super::lines::{at_index, influx_lines, influx_shape, influx_value, lines_mut};
use super::point::{influx_point, point_or_null, point_ref};
use super::write::{api_ref, influx_write_api};
use super::{array_arg, guard, influx_precision, influx_result, precision_arg, result_of};
use crate::error::{Code, Error};
use crate::lines::{LineBuffer, RowValues};
use crate::point::Point;
use crate::types::{FieldType, FieldValue};
use crate::write::WriteApi;

/// `len` bytes at `p` as UTF-8 without NUL bytes (NULL with `len` 0 is "").
///
/// # Safety
/// `p` is NULL or valid for `len` bytes that outlive `'a`.
#[inline]
pub(crate) unsafe fn str_n<'a>(p: *const c_char, len: usize, what: &str) -> crate::Result<&'a str> {
    if p.is_null() {
        return if len == 0 {
            Ok("")
        } else {
            Err(null_with_len(what))
        };
    }
    // SAFETY: non-NULL and valid for len bytes (caller contract).
    let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) };
    if plain_ascii(bytes) {
        // SAFETY: every byte is in 0x01..=0x7f: ASCII, valid UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    checked_str(bytes, what)
}

/// The exact checks, for strings [`plain_ascii`] did not pass.
#[inline(never)]
fn checked_str<'a>(bytes: &'a [u8], what: &str) -> crate::Result<&'a str> {
    if bytes.contains(&0) {
        return Err(nul_inside(what));
    }
    std::str::from_utf8(bytes).map_err(|e| bad_utf8(what, e))
}

/// Whether every byte is in 0x01..=0x7f (ASCII without NUL), a word at a time (bytes may be
/// read twice). A `false` may be wrong only for strings with a byte >= 0x80, which take the
/// exact path anyway (the zero-byte test is exact when no byte has its high bit set).
#[inline(always)]
fn plain_ascii(s: &[u8]) -> bool {
    use crate::lp::rules::{any_word, HI, LO};
    // a byte is bad if its high bit is set or it is zero (short strings padded with 'a')
    !any_word(s, b'a', |w| (w | (w.wrapping_sub(LO) & !w)) & HI != 0)
}

/// As [`str_n`], but NULL is `None` (the client's org, for example).
///
/// # Safety
/// As [`str_n`].
#[inline]
unsafe fn opt_str_n<'a>(
    p: *const c_char,
    len: usize,
    what: &str,
) -> crate::Result<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded caller contract.
        unsafe { str_n(p, len, what) }.map(Some)
    }
}

#[cold]
#[inline(never)]
fn null_with_len(what: &str) -> Error {
    Error::invalid_argument(format!("{what} is NULL with a length above 0"))
}

#[cold]
#[inline(never)]
fn nul_inside(what: &str) -> Error {
    Error::invalid_argument(format!("{what} contains a NUL byte"))
}

#[cold]
#[inline(never)]
fn bad_utf8(what: &str, e: std::str::Utf8Error) -> Error {
    Error::new(Code::InvalidUtf8, format!("{what} is not valid UTF-8: {e}"))
}

// ---------------------------------------------------------------------------- points

/// influx_point_new() with a measurement of `len` bytes. The `*_n` functions take strings
/// as pointer + byte length (C++ `std::string_view`, Go strings: no NUL-terminated copy).
/// Rules for all of them: `len` bytes of UTF-8; NULL with length 0 is the empty string, NULL
/// with a length above 0 is INFLUX_ERR_INVALID_ARG; a NUL byte inside is
/// INFLUX_ERR_INVALID_ARG; otherwise each does exactly what the call without `_n` does.
#[no_mangle]
pub extern "C" fn influx_point_new_n(measurement: *const c_char, len: usize) -> *mut influx_point {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller contract: NULL or `len` readable bytes.
        point_or_null(unsafe { str_n(measurement, len, "measurement") }.and_then(Point::new_box))
    })
}

/// influx_point_reset() with a measurement of `len` bytes.
#[no_mangle]
pub extern "C" fn influx_point_reset_n(
    point: *mut influx_point,
    measurement: *const c_char,
    len: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for both pointers.
        let mut p = unsafe { point_ref(point) }?;
        let m = unsafe { str_n(measurement, len, "measurement") }?;
        p.clear(m)
    })
}

/// influx_point_add_tag() with a key of `key_len` and a value of `value_len` bytes.
#[no_mangle]
pub extern "C" fn influx_point_add_tag_n(
    point: *mut influx_point,
    key: *const c_char,
    key_len: usize,
    value: *const c_char,
    value_len: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let mut p = unsafe { point_ref(point) }?;
        let k = unsafe { str_n(key, key_len, "tag key") }?;
        let v = unsafe { str_n(value, value_len, "tag value") }?;
        p.tag(k, v)
    })
}

/// # Safety
/// `point` is NULL or a live point; `key` is NULL or valid for `key_len` bytes.
#[inline(always)]
unsafe fn point_field<'a>(
    point: *mut influx_point,
    key: *const c_char,
    key_len: usize,
) -> crate::Result<(super::point::PointRef, &'a str)> {
    // SAFETY: forwarded caller contract.
    unsafe { Ok((point_ref(point)?, str_n(key, key_len, "field key")?)) }
}

/// influx_point_add_field_f64() with a key of `key_len` bytes.
#[no_mangle]
pub extern "C" fn influx_point_add_field_f64_n(
    point: *mut influx_point,
    key: *const c_char,
    key_len: usize,
    value: f64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| {
        unsafe { point_field(point, key, key_len) }.and_then(|(mut p, k)| p.field_f64(k, value))
    })
}

/// influx_point_add_field_i64() with a key of `key_len` bytes.
#[no_mangle]
pub extern "C" fn influx_point_add_field_i64_n(
    point: *mut influx_point,
    key: *const c_char,
    key_len: usize,
    value: i64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| {
        unsafe { point_field(point, key, key_len) }.and_then(|(mut p, k)| p.field_i64(k, value))
    })
}

/// influx_point_add_field_u64() with a key of `key_len` bytes.
#[no_mangle]
pub extern "C" fn influx_point_add_field_u64_n(
    point: *mut influx_point,
    key: *const c_char,
    key_len: usize,
    value: u64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| {
        unsafe { point_field(point, key, key_len) }.and_then(|(mut p, k)| p.field_u64(k, value))
    })
}

/// influx_point_add_field_bool() with a key of `key_len` bytes.
#[no_mangle]
pub extern "C" fn influx_point_add_field_bool_n(
    point: *mut influx_point,
    key: *const c_char,
    key_len: usize,
    value: bool,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| {
        unsafe { point_field(point, key, key_len) }.and_then(|(mut p, k)| p.field_bool(k, value))
    })
}

/// influx_point_add_field_str() with a key of `key_len` and a value of `value_len` bytes.
#[no_mangle]
pub extern "C" fn influx_point_add_field_str_n(
    point: *mut influx_point,
    key: *const c_char,
    key_len: usize,
    value: *const c_char,
    value_len: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let (mut p, k) = unsafe { point_field(point, key, key_len) }?;
        let v = unsafe { str_n(value, value_len, "field value") }?;
        p.field_str(k, v)
    })
}

// ---------------------------------------------------------------------------- line buffers

/// influx_lines_begin() with a measurement of `len` bytes.
#[no_mangle]
pub extern "C" fn influx_lines_begin_n(
    lines: *mut influx_lines,
    measurement: *const c_char,
    len: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for both pointers.
        let l = unsafe { lines_mut(lines) }?;
        let m = unsafe { str_n(measurement, len, "measurement") }?;
        l.begin(m)
    })
}

/// influx_lines_add_tag() with a key of `key_len` and a value of `value_len` bytes.
#[no_mangle]
pub extern "C" fn influx_lines_add_tag_n(
    lines: *mut influx_lines,
    key: *const c_char,
    key_len: usize,
    value: *const c_char,
    value_len: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let l = unsafe { lines_mut(lines) }?;
        let k = unsafe { str_n(key, key_len, "tag key") }?;
        let v = unsafe { str_n(value, value_len, "tag value") }?;
        l.tag(k, v)
    })
}

/// Set field `key` (`key_len` bytes) of the open line of `lines` with `set`.
///
/// # Safety
/// `lines` is NULL or a live buffer; `key` is NULL or valid for `key_len` bytes.
#[inline(always)]
unsafe fn lines_field(
    lines: *mut influx_lines,
    key: *const c_char,
    key_len: usize,
    set: impl FnOnce(&mut LineBuffer, &str) -> crate::Result<()>,
) -> crate::Result<()> {
    // SAFETY: forwarded caller contract.
    let l = unsafe { lines_mut(lines) }?;
    let k = unsafe { str_n(key, key_len, "field key") }?;
    set(l, k)
}

/// influx_lines_add_field_f64() with a key of `key_len` bytes.
#[no_mangle]
pub extern "C" fn influx_lines_add_field_f64_n(
    lines: *mut influx_lines,
    key: *const c_char,
    key_len: usize,
    value: f64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { lines_field(lines, key, key_len, |l, k| l.field_f64(k, value)) })
}

/// influx_lines_add_field_i64() with a key of `key_len` bytes.
#[no_mangle]
pub extern "C" fn influx_lines_add_field_i64_n(
    lines: *mut influx_lines,
    key: *const c_char,
    key_len: usize,
    value: i64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { lines_field(lines, key, key_len, |l, k| l.field_i64(k, value)) })
}

/// influx_lines_add_field_u64() with a key of `key_len` bytes.
#[no_mangle]
pub extern "C" fn influx_lines_add_field_u64_n(
    lines: *mut influx_lines,
    key: *const c_char,
    key_len: usize,
    value: u64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { lines_field(lines, key, key_len, |l, k| l.field_u64(k, value)) })
}

/// influx_lines_add_field_bool() with a key of `key_len` bytes.
#[no_mangle]
pub extern "C" fn influx_lines_add_field_bool_n(
    lines: *mut influx_lines,
    key: *const c_char,
    key_len: usize,
    value: bool,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { lines_field(lines, key, key_len, |l, k| l.field_bool(k, value)) })
}

/// influx_lines_add_field_str() with a key of `key_len` and a value of `value_len` bytes.
#[no_mangle]
pub extern "C" fn influx_lines_add_field_str_n(
    lines: *mut influx_lines,
    key: *const c_char,
    key_len: usize,
    value: *const c_char,
    value_len: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let v = unsafe { str_n(value, value_len, "field value") }?;
        unsafe { lines_field(lines, key, key_len, |l, k| l.field_str(k, v)) }
    })
}

/// A row's values in C arrays with string lengths.
struct CRowN<'a> {
    tags: &'a [*const c_char],
    tag_lens: &'a [usize],
    fields: &'a [influx_value],
    /// Empty when the shape has no string field.
    field_lens: &'a [usize],
}

impl RowValues for CRowN<'_> {
    #[inline(always)]
    fn tag(&self, index: usize) -> crate::Result<&str> {
        let p = self.tags.get(index).copied().unwrap_or(std::ptr::null());
        let n = self.tag_lens.get(index).copied().unwrap_or(0);
        // SAFETY: each element is NULL or valid for its length (caller contract).
        unsafe { str_n(p, n, "tag value") }.map_err(|e| at_index(e, "tag_values", index))
    }

    #[inline(always)]
    fn field(&self, index: usize, _key: &str, ty: FieldType) -> crate::Result<FieldValue<'_>> {
        let Some(v) = self.fields.get(index) else {
            return Err(Error::internal("field index out of range"));
        };
        // SAFETY: the member read is the one the shape's type names (caller contract); a
        // string member is NULL or valid for field_lens[index] bytes.
        Ok(unsafe {
            match ty {
                FieldType::F64 => FieldValue::F64(v.f64),
                FieldType::I64 => FieldValue::I64(v.i64),
                FieldType::U64 => FieldValue::U64(v.u64),
                FieldType::Bool => FieldValue::Bool(v.b),
                FieldType::Str => {
                    let n = self.field_lens.get(index).copied().unwrap_or(0);
                    FieldValue::Str(
                        str_n(v.str, n, "field value")
                            .map_err(|e| at_index(e, "field_values", index))?,
                    )
                }
            }
        })
    }
}

/// influx_lines_add_row() with string lengths: `tag_lens[i]` is the length of
/// `tag_values[i]`; `field_lens[i]` the length of `field_values[i].str` for the shape's
/// string fields (other entries are not read; `field_lens` may be NULL if the shape has no
/// string field). Same text, checks and errors as influx_lines_add_row().
#[no_mangle]
pub extern "C" fn influx_lines_add_row_n(
    lines: *mut influx_lines,
    shape: *const influx_shape,
    tag_values: *const *const c_char,
    tag_lens: *const usize,
    field_values: *const influx_value,
    field_lens: *const usize,
    time: *const i64,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let l = unsafe { lines_mut(lines) }?;
        let shape = &unsafe { shape.as_ref() }
            .ok_or_else(|| Error::invalid_argument("shape is NULL"))?
            .inner;
        let (nt, nf) = (shape.tag_count(), shape.field_count());
        let field_lens = if field_lens.is_null() {
            if (0..nf).any(|i| shape.field_type(i) == Some(FieldType::Str)) {
                return Err(Error::invalid_argument(
                    "field_lens is NULL and the shape has a string field",
                ));
            }
            &[]
        } else {
            // SAFETY: valid for nf elements (caller contract).
            unsafe { array_arg(field_lens, nf, "field_lens") }?
        };
        let row = CRowN {
            tags: unsafe { array_arg(tag_values, nt, "tag_values") }?,
            tag_lens: unsafe { array_arg(tag_lens, nt, "tag_lens") }?,
            fields: unsafe { array_arg(field_values, nf, "field_values") }?,
            field_lens,
        };
        // SAFETY: NULL or a readable i64 (caller contract).
        let time = unsafe { time.as_ref() }.copied();
        l.row_from(shape, &row, time)
    })
}

// ---------------------------------------------------------------------------- writes

/// The write API, bucket and org (NULL = the client's) of a `_n` write call.
///
/// # Safety
/// `api` is NULL or live; `bucket`/`org` NULL or valid for their lengths for `'a`.
#[inline(always)]
unsafe fn write_args_n<'a>(
    api: *const influx_write_api,
    bucket: *const c_char,
    bucket_len: usize,
    org: *const c_char,
    org_len: usize,
) -> crate::Result<(&'a WriteApi, &'a str, Option<&'a str>)> {
    // SAFETY: forwarded caller contract.
    unsafe {
        Ok((
            api_ref(api)?,
            str_n(bucket, bucket_len, "bucket")?,
            opt_str_n(org, org_len, "org")?,
        ))
    }
}

/// influx_write() with a bucket of `bucket_len` bytes and an org of `org_len` bytes
/// (`org` NULL: the client's org; `org_len` is then not read).
#[no_mangle]
pub extern "C" fn influx_write_n(
    api: *mut influx_write_api,
    bucket: *const c_char,
    bucket_len: usize,
    org: *const c_char,
    org_len: usize,
    point: *const influx_point,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let (api, bucket, org) = unsafe { write_args_n(api, bucket, bucket_len, org, org_len) }?;
        let p = unsafe { point_ref(point) }?;
        api.write_point(bucket, org, &p)
    })
}

/// influx_write_points() with bucket and org lengths (as influx_write_n()).
#[no_mangle]
pub extern "C" fn influx_write_points_n(
    api: *mut influx_write_api,
    bucket: *const c_char,
    bucket_len: usize,
    org: *const c_char,
    org_len: usize,
    points: *const *const influx_point,
    n: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let (api, bucket, org) = unsafe { write_args_n(api, bucket, bucket_len, org, org_len) }?;
        let ptrs = unsafe { array_arg(points, n, "points") }?;
        let mut borrowed = Vec::with_capacity(n);
        for (i, &p) in ptrs.iter().enumerate() {
            if p.is_null() {
                return Err(Error::invalid_argument(format!("points[{i}] is NULL")));
            }
            // SAFETY: a live point (caller contract).
            borrowed.push(unsafe { point_ref(p) }?);
        }
        let refs: Vec<&Point> = borrowed.iter().map(|p| &**p).collect();
        api.write_points(bucket, org, &refs)
    })
}

/// influx_write_lines() with bucket and org lengths (as influx_write_n()).
#[no_mangle]
pub extern "C" fn influx_write_lines_n(
    api: *mut influx_write_api,
    bucket: *const c_char,
    bucket_len: usize,
    org: *const c_char,
    org_len: usize,
    lines: *mut influx_lines,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let (api, bucket, org) = unsafe { write_args_n(api, bucket, bucket_len, org, org_len) }?;
        let l = unsafe { lines_mut(lines) }?;
        api.write_lines(bucket, org, l)
    })
}

/// influx_write_lp() with bucket and org lengths (as influx_write_n()).
#[no_mangle]
pub extern "C" fn influx_write_lp_n(
    api: *mut influx_write_api,
    bucket: *const c_char,
    bucket_len: usize,
    org: *const c_char,
    org_len: usize,
    data: *const c_char,
    len: usize,
    precision: influx_precision,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let (api, bucket, org) = unsafe { write_args_n(api, bucket, bucket_len, org, org_len) }?;
        let precision = precision_arg(precision)?;
        // SAFETY: data is NULL (only with len 0) or valid for len bytes (caller contract).
        let bytes = unsafe { array_arg(data.cast::<u8>(), len, "data") }?;
        api.write_lp(bucket, org, bytes, precision)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_n_rules() {
        // SAFETY: static bytes of the given lengths.
        unsafe {
            assert_eq!(str_n(std::ptr::null(), 0, "k").unwrap(), "");
            assert_eq!(
                str_n(std::ptr::null(), 1, "k").unwrap_err().code,
                Code::InvalidArgument
            );
            assert_eq!(
                str_n(b"ab\0c".as_ptr().cast(), 4, "k").unwrap_err().code,
                Code::InvalidArgument
            );
            assert_eq!(
                str_n(b"ab\xffc".as_ptr().cast(), 4, "k").unwrap_err().code,
                Code::InvalidUtf8
            );
            assert_eq!(str_n(b"abcdef".as_ptr().cast(), 3, "k").unwrap(), "abc");
        }
    }

    #[test]
    fn plain_ascii_at_every_length_and_position() {
        for len in 0..24usize {
            for pos in 0..len.max(1) {
                for bad in [
                    None,
                    Some(0u8),
                    Some(0x80),
                    Some(0xff),
                    Some(0x7f),
                    Some(0x01),
                ] {
                    let mut s = vec![b'a'; len];
                    if let (Some(b), Some(x)) = (bad, s.get_mut(pos)) {
                        *x = b;
                    }
                    let want = s.iter().all(|&b| b != 0 && b < 0x80);
                    assert_eq!(plain_ascii(&s), want, "{s:?}");
                    // SAFETY: s is live for its length.
                    let r = unsafe { str_n(s.as_ptr().cast(), s.len(), "k") };
                    match (s.contains(&0), std::str::from_utf8(&s)) {
                        (true, _) => assert_eq!(r.unwrap_err().code, Code::InvalidArgument),
                        (false, Ok(t)) => assert_eq!(r.unwrap(), t),
                        (false, Err(_)) => assert_eq!(r.unwrap_err().code, Code::InvalidUtf8),
                    }
                }
            }
        }
    }
}
