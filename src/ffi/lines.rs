//! `influx_lines`: a line buffer — points encoded straight into line protocol, call by call,
//! and written to a write API in one call (the fast path for many points).

use std::ffi::c_char;

use super::client::{api_ref, influx_write_api, write_args};
use super::{
    guard, influx_precision, influx_result, precision_arg, result_of, set_last_error, str_arg,
};
use crate::error::Error;
use crate::line_buffer::LineBuffer;

/// A line buffer: complete lines of line protocol plus at most one open line. Opaque; owned
/// by the caller. Not thread-safe: use one buffer from one thread at a time (one buffer per
/// writing thread). Memory grows with the lines held; it is kept after a write for reuse and
/// released by influx_lines_free().
// Invariant: built only from C strings (`str_arg`), so its text has no NUL byte.
pub struct influx_lines {
    inner: LineBuffer,
}

/// # Safety
/// `l` is NULL or a live `influx_lines`.
#[inline(always)]
unsafe fn lines_mut<'a>(l: *mut influx_lines) -> crate::Result<&'a mut LineBuffer> {
    // SAFETY: caller contract; NULL is checked.
    unsafe { l.as_mut() }
        .map(|l| &mut l.inner)
        .ok_or_else(|| Error::invalid_argument("lines is NULL"))
}

/// Create a line buffer whose timestamps are in `precision`. `api` (may be NULL) is the write
/// API it will be written to: its default tags are then added to every line (a buffer can
/// only be written to write APIs with the same default tags). Returns NULL on error (unknown
/// precision, invalid default tag; see influx_last_error_message()). Free with
/// influx_lines_free().
#[no_mangle]
pub extern "C" fn influx_lines_new(
    api: *const influx_write_api,
    precision: influx_precision,
) -> *mut influx_lines {
    guard(std::ptr::null_mut(), || {
        let r = precision_arg(precision).and_then(|p| {
            if api.is_null() {
                return Ok(LineBuffer::new(p));
            }
            // SAFETY: caller contract: NULL (checked) or a live write API.
            let api = unsafe { api_ref(api) }?;
            LineBuffer::with_default_tags(p, api.default_tags())
        });
        match r {
            Ok(inner) => {
                super::clear_last_error();
                Box::into_raw(Box::new(influx_lines { inner }))
            }
            Err(e) => {
                set_last_error(&e);
                std::ptr::null_mut()
            }
        }
    })
}

/// Free a line buffer (its lines are not written). NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_lines_free(lines: *mut influx_lines) {
    guard((), || {
        if !lines.is_null() {
            // SAFETY: created by influx_lines_new and not freed before (caller contract).
            drop(unsafe { Box::from_raw(lines) });
        }
    })
}

/// Open a new line for `measurement` (rules as influx_point_new()). Error
/// (INFLUX_ERR_INVALID_ARG) if a line is already open.
#[no_mangle]
pub extern "C" fn influx_lines_begin(
    lines: *mut influx_lines,
    measurement: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for both pointers.
        let l = unsafe { lines_mut(lines) }?;
        let m = unsafe { str_arg(measurement, "measurement") }?;
        l.begin(m)
    })
}

/// Set a tag on the open line (rules as influx_point_add_tag(): an empty key or value is
/// not written, a repeated key keeps the last value, default tags win). Tags given in
/// ascending key order are the fast path; any order gives the same sorted line.
#[no_mangle]
pub extern "C" fn influx_lines_add_tag(
    lines: *mut influx_lines,
    key: *const c_char,
    value: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all three pointers.
        let l = unsafe { lines_mut(lines) }?;
        let k = unsafe { str_arg(key, "tag key") }?;
        let v = unsafe { str_arg(value, "tag value") }?;
        l.tag(k, v)
    })
}

/// # Safety
/// `lines` is NULL or a live buffer; `key` is NULL or a NUL-terminated string.
#[inline(always)]
unsafe fn field_args<'a>(
    lines: *mut influx_lines,
    key: *const c_char,
) -> crate::Result<(&'a mut LineBuffer, &'a str)> {
    // SAFETY: forwarded caller contract.
    unsafe { Ok((lines_mut(lines)?, str_arg(key, "field key")?)) }
}

/// Set a float field on the open line. NaN and ±Inf are not written (as the seed).
/// Fields given in ascending key order are the fast path.
#[no_mangle]
pub extern "C" fn influx_lines_add_field_f64(
    lines: *mut influx_lines,
    key: *const c_char,
    value: f64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { field_args(lines, key) }.and_then(|(l, k)| l.field_f64(k, value)))
}

/// Set a signed integer field (written with suffix `i`).
#[no_mangle]
pub extern "C" fn influx_lines_add_field_i64(
    lines: *mut influx_lines,
    key: *const c_char,
    value: i64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { field_args(lines, key) }.and_then(|(l, k)| l.field_i64(k, value)))
}

/// Set an unsigned integer field (written with suffix `u`).
#[no_mangle]
pub extern "C" fn influx_lines_add_field_u64(
    lines: *mut influx_lines,
    key: *const c_char,
    value: u64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { field_args(lines, key) }.and_then(|(l, k)| l.field_u64(k, value)))
}

/// Set a boolean field (`true`/`false`).
#[no_mangle]
pub extern "C" fn influx_lines_add_field_bool(
    lines: *mut influx_lines,
    key: *const c_char,
    value: bool,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { field_args(lines, key) }.and_then(|(l, k)| l.field_bool(k, value)))
}

/// Set a string field (UTF-8, at most 1 MiB).
#[no_mangle]
pub extern "C" fn influx_lines_add_field_str(
    lines: *mut influx_lines,
    key: *const c_char,
    value: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all three pointers.
        let (l, k) = unsafe { field_args(lines, key) }?;
        let v = unsafe { str_arg(value, "field value") }?;
        l.field_str(k, v)
    })
}

/// Finish the open line with `time` in the buffer's precision. Errors (the line stays open):
/// INFLUX_ERR_INVALID_POINT for a time out of range, a line with nothing to write (no field,
/// or only NaN/±Inf), a series key over 65535 bytes; INFLUX_ERR_INVALID_ARG if no line is open.
#[no_mangle]
pub extern "C" fn influx_lines_end_at(lines: *mut influx_lines, time: i64) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let l = unsafe { lines_mut(lines) }?;
        l.end_at(time)
    })
}

/// Finish the open line without a timestamp (the server uses its clock). Errors as
/// influx_lines_end_at().
#[no_mangle]
pub extern "C" fn influx_lines_end(lines: *mut influx_lines) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let l = unsafe { lines_mut(lines) }?;
        l.end()
    })
}

/// Drop the open line, if any (complete lines stay). NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_lines_discard_line(lines: *mut influx_lines) {
    guard((), || {
        // SAFETY: caller contract: NULL or a live buffer.
        if let Some(l) = unsafe { lines.as_mut() } {
            l.inner.discard_line();
        }
    })
}

/// Drop every line, complete and open (memory is kept for reuse). NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_lines_clear(lines: *mut influx_lines) {
    guard((), || {
        // SAFETY: caller contract: NULL or a live buffer.
        if let Some(l) = unsafe { lines.as_mut() } {
            l.inner.clear();
        }
    })
}

/// Number of complete lines held (0 for NULL).
#[no_mangle]
pub extern "C" fn influx_lines_count(lines: *const influx_lines) -> usize {
    // SAFETY: caller contract: NULL or a live buffer.
    guard(0, || {
        unsafe { lines.as_ref() }.map_or(0, |l| l.inner.lines())
    })
}

/// The complete lines as line protocol, joined by '\n' (no trailing newline), NOT
/// NUL-terminated: `*len_out` (may be NULL) receives the length. The pointer is owned by the
/// buffer and valid until the next call that changes it. NULL `lines` gives NULL and 0.
#[no_mangle]
pub extern "C" fn influx_lines_data(
    lines: *const influx_lines,
    len_out: *mut usize,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: caller contract: NULL or a live buffer.
        let (p, n) = match unsafe { lines.as_ref() } {
            Some(l) => (
                l.inner.data().as_ptr().cast::<c_char>(),
                l.inner.data().len(),
            ),
            None => (std::ptr::null(), 0),
        };
        if !len_out.is_null() {
            // SAFETY: non-NULL and writable (caller contract).
            unsafe { *len_out = n };
        }
        p
    })
}

/// Write the buffer's complete lines to `bucket` in `org` (NULL = the client's org) with the
/// buffer's precision, then clear it (memory kept). One call for all the lines: the fast
/// path for many points. Results as influx_write(); on error nothing is written and the
/// buffer is unchanged (so the call can be repeated, e.g. after INFLUX_ERR_BUFFER_FULL).
/// Also INFLUX_ERR_INVALID_ARG if a line is still open, or if the buffer was made for a write
/// API with other default tags. An empty buffer writes nothing and returns INFLUX_OK.
#[no_mangle]
pub extern "C" fn influx_write_lines(
    api: *mut influx_write_api,
    bucket: *const c_char,
    org: *const c_char,
    lines: *mut influx_lines,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let (api, bucket, org) = unsafe { write_args(api, bucket, org) }?;
        let l = unsafe { lines_mut(lines) }?;
        api.write_lines(bucket, org, l)
    })
}
