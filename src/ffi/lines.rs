//! `influx_lines`: a line buffer — points encoded straight into line protocol, call by call,
//! and written to a write API in one call (the fast path for many points).

use std::ffi::{c_char, c_int};

use super::handle::{free_handle, into_handle};
use super::write::{api_ref, influx_write_api, write_args};
use super::{array_arg, guard, influx_precision, influx_result, precision_arg, result_of, str_arg};
use crate::error::Error;
use crate::lines::{LineBuffer, RowValues, Shape};
use crate::types::{FieldType, FieldValue};

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
pub(crate) unsafe fn lines_mut<'a>(l: *mut influx_lines) -> crate::Result<&'a mut LineBuffer> {
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
        into_handle(r.map(|inner| influx_lines { inner }))
    })
}

/// Free a line buffer (its lines are not written). NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_lines_free(lines: *mut influx_lines) {
    // SAFETY: created by influx_lines_new and not freed before (caller contract).
    guard((), || unsafe { free_handle(lines) })
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

/// The type of a field of an `influx_shape` (one of the INFLUX_FIELD_* constants).
pub type influx_field_type = c_int;
/// A float (`influx_value.f64`).
pub const INFLUX_FIELD_F64: influx_field_type = 0;
/// A signed integer (`influx_value.i64`).
pub const INFLUX_FIELD_I64: influx_field_type = 1;
/// An unsigned integer (`influx_value.u64`).
pub const INFLUX_FIELD_U64: influx_field_type = 2;
/// A boolean (`influx_value.b`).
pub const INFLUX_FIELD_BOOL: influx_field_type = 3;
/// A string (`influx_value.str`, UTF-8, NUL-terminated, not NULL).
pub const INFLUX_FIELD_STR: influx_field_type = 4;

/// A field value for influx_lines_add_row(); the member read is the one the shape's
/// INFLUX_FIELD_* type names.
#[repr(C)]
#[derive(Clone, Copy)]
pub union influx_value {
    pub f64: f64,
    pub i64: i64,
    pub u64: u64,
    pub b: bool,
    pub str: *const c_char,
}

/// The fixed part of a family of lines: measurement, tag keys and typed field keys, checked
/// and escaped once, so that influx_lines_add_row() writes a line from its values in one
/// call. Opaque; owned by the caller. Immutable: may be used from many threads at once.
pub struct influx_shape {
    pub(crate) inner: Shape,
}

/// Create a shape: `measurement`, `n_tags` tag keys, `n_fields` field keys with their
/// INFLUX_FIELD_* types, each in the order influx_lines_add_row() will take their values.
/// The keys are copied. Returns NULL on error (invalid measurement or key, an empty tag key,
/// a key given twice, no field, unknown type, NULL arrays; see influx_last_error_message()).
/// Free with influx_shape_free().
#[no_mangle]
pub extern "C" fn influx_shape_new(
    measurement: *const c_char,
    tag_keys: *const *const c_char,
    n_tags: usize,
    field_keys: *const *const c_char,
    field_types: *const influx_field_type,
    n_fields: usize,
) -> *mut influx_shape {
    guard(std::ptr::null_mut(), || {
        let r = (|| {
            // SAFETY: caller contract: NULL or a NUL-terminated string.
            let m = unsafe { str_arg(measurement, "measurement") }?;
            // SAFETY: caller contract: each array is NULL (only with a count of 0) or holds
            // its count of elements.
            let tag_ptrs = unsafe { array_arg(tag_keys, n_tags, "tag_keys") }?;
            let field_ptrs = unsafe { array_arg(field_keys, n_fields, "field_keys") }?;
            let types = unsafe { array_arg(field_types, n_fields, "field_types") }?;
            let mut tags = Vec::with_capacity(n_tags);
            for (i, &k) in tag_ptrs.iter().enumerate() {
                // SAFETY: caller contract: NULL or a NUL-terminated string.
                tags.push(unsafe { str_arg(k, &format!("tag_keys[{i}]")) }?);
            }
            let mut fields = Vec::with_capacity(n_fields);
            for (i, (&k, &t)) in field_ptrs.iter().zip(types).enumerate() {
                // SAFETY: as above.
                let k = unsafe { str_arg(k, &format!("field_keys[{i}]")) }?;
                let t = FieldType::from_i32(t).ok_or_else(|| {
                    Error::invalid_argument(format!(
                        "field_types[{i}] = {t} is not one of INFLUX_FIELD_F64/I64/U64/BOOL/STR (0..4)"
                    ))
                })?;
                fields.push((k, t));
            }
            Shape::new(m, &tags, &fields)
        })();
        into_handle(r.map(|inner| influx_shape { inner }))
    })
}

/// Free a shape. NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_shape_free(shape: *mut influx_shape) {
    // SAFETY: created by influx_shape_new and not freed before (caller contract).
    guard((), || unsafe { free_handle(shape) })
}

/// A row's values in the caller's C arrays, read (and checked) as the row is written.
struct CRow<'a> {
    tags: &'a [*const c_char],
    fields: &'a [influx_value],
}

impl RowValues for CRow<'_> {
    #[inline(always)]
    fn tag(&self, index: usize) -> crate::Result<&str> {
        let p = self.tags.get(index).copied().unwrap_or(std::ptr::null());
        // SAFETY: each element is NULL or a NUL-terminated string (caller contract).
        unsafe { str_arg(p, "tag value") }.map_err(|e| at_index(e, "tag_values", index))
    }

    #[inline(always)]
    fn field(&self, index: usize, _key: &str, ty: FieldType) -> crate::Result<FieldValue<'_>> {
        let Some(v) = self.fields.get(index) else {
            return Err(Error::internal("field index out of range"));
        };
        // SAFETY: the member read is the one the shape's type names (caller contract); a
        // string member is NULL or a NUL-terminated string.
        Ok(unsafe {
            match ty {
                FieldType::F64 => FieldValue::F64(v.f64),
                FieldType::I64 => FieldValue::I64(v.i64),
                FieldType::U64 => FieldValue::U64(v.u64),
                FieldType::Bool => FieldValue::Bool(v.b),
                FieldType::Str => FieldValue::Str(
                    str_arg(v.str, "field value")
                        .map_err(|e| at_index(e, "field_values", index))?,
                ),
            }
        })
    }
}

/// Write one complete line of `shape` into `lines` from values alone: `tag_values[i]` is the
/// value of the shape's i-th tag key (an empty string leaves the tag out), `field_values[i]`
/// the value of its i-th field in the member its type names, `time` points to the timestamp
/// in the buffer's precision (NULL: no timestamp, the server's clock). The line is what the
/// same influx_lines_begin / add_* / end calls would write (sorted keys, NaN/±Inf floats
/// not written, the buffer's default tags added). One call per point: the fastest way to
/// encode points of a fixed shape.
/// Errors (nothing is written): INFLUX_ERR_INVALID_ARG (NULL arrays or strings, a line is
/// open), INFLUX_ERR_INVALID_UTF8, INFLUX_ERR_INVALID_POINT (an invalid tag value, time out
/// of range, nothing to write).
#[no_mangle]
pub extern "C" fn influx_lines_add_row(
    lines: *mut influx_lines,
    shape: *const influx_shape,
    tag_values: *const *const c_char,
    field_values: *const influx_value,
    time: *const i64,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let l = unsafe { lines_mut(lines) }?;
        let shape = &unsafe { shape.as_ref() }
            .ok_or_else(|| Error::invalid_argument("shape is NULL"))?
            .inner;
        let row = CRow {
            tags: unsafe { array_arg(tag_values, shape.tag_count(), "tag_values") }?,
            fields: unsafe { array_arg(field_values, shape.field_count(), "field_values") }?,
        };
        // SAFETY: NULL or a readable i64 (caller contract).
        let time = unsafe { time.as_ref() }.copied();
        l.row_from(shape, &row, time)
    })
}

/// `e` with its message prefixed by the array element it is about (`what[i]: ...`).
#[cold]
#[inline(never)]
pub(super) fn at_index(mut e: Error, what: &str, i: usize) -> Error {
    e.message = format!("{what}[{i}]: {}", e.message);
    e
}

/// Add many points in one call (for bindings: one call per batch, not per tag and field):
/// `data` holds `len` bytes of points packed as README "Many points in one call" describes
/// (per point: measurement, tags, typed fields, optional time in the buffer's precision;
/// u32/u64 little-endian, UTF-8 strings with a u32 length). Each point gets the text and the
/// checks of the equivalent influx_lines_* calls. All or nothing: on error the buffer is
/// unchanged and the message names the point (`point <i>: ...`). `added` (may be NULL)
/// receives the number of lines added. Error if a line is open.
#[no_mangle]
pub extern "C" fn influx_lines_add_packed(
    lines: *mut influx_lines,
    data: *const u8,
    len: usize,
    added: *mut usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for both pointers.
        let lb = unsafe { lines_mut(lines) }?;
        // SAFETY: data is NULL (only with len 0) or valid for len bytes (caller contract).
        let bytes = unsafe { array_arg(data, len, "data") }?;
        let n = lb.add_packed(bytes)?;
        // SAFETY: added is NULL or writable (caller contract).
        if let Some(a) = unsafe { added.as_mut() } {
            *a = n;
        }
        Ok(())
    })
}
