//! `influx_point`: build a point and render its line protocol.

use std::ffi::c_char;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

use super::{
    guard, influx_precision, influx_result, precision_arg, result_of, set_last_error, str_arg,
};
use crate::error::Error;
use crate::point::{Point, PointData};

/// A point (measurement, tags, fields, optional time). Opaque; owned by the caller.
/// Not thread-safe: do not use one point from two threads at once (reading it from several
/// threads while nobody modifies it is fine).
//
// The handle is the core point's own allocation (`Point::into_box`): one allocation per
// point, recycled through the core's per-thread pool. Never dereferenced as this type.
// Invariant: a point is only ever built and modified from C strings (`str_arg`), so none of
// its strings contains a NUL byte (influx_point_to_line_protocol relies on it).
pub struct influx_point {
    _private: [u8; 0],
}

/// A C point as a `Point`, borrowed for one call: the allocation stays the caller's (it is
/// never dropped or moved here, even if the call panics).
pub(crate) struct PointRef(ManuallyDrop<Point>);

impl Deref for PointRef {
    type Target = Point;
    fn deref(&self) -> &Point {
        &self.0
    }
}

impl DerefMut for PointRef {
    fn deref_mut(&mut self) -> &mut Point {
        &mut self.0
    }
}

/// # Safety
/// `p` is NULL or a live `influx_point`, not used by another thread during the borrow.
pub(crate) unsafe fn point_ref(p: *const influx_point) -> crate::Result<PointRef> {
    if p.is_null() {
        return Err(Error::invalid_argument("point is NULL"));
    }
    // SAFETY: a live handle is a `Box<PointData>` given out by `influx_point_new`; the
    // `ManuallyDrop` keeps this borrow from freeing it, and no `Point` method replaces the
    // allocation, so the handle stays valid.
    let b = unsafe { Box::from_raw(p.cast::<PointData>().cast_mut()) };
    Ok(PointRef(ManuallyDrop::new(Point::from_box(b))))
}

/// Create a point with the given measurement (UTF-8, not empty, not starting with '#').
/// Returns NULL on invalid input (see influx_last_error_message()). Free with
/// influx_point_free().
#[no_mangle]
pub extern "C" fn influx_point_new(measurement: *const c_char) -> *mut influx_point {
    guard(std::ptr::null_mut(), || {
        // SAFETY: C caller passes NULL or a NUL-terminated string.
        point_or_null(unsafe { str_arg(measurement, "measurement") }.and_then(Point::new_box))
    })
}

/// A new point handed to C, or NULL with this thread's last error set.
pub(super) fn point_or_null(r: Result<Box<PointData>, Error>) -> *mut influx_point {
    match r {
        Ok(d) => {
            super::clear_last_error();
            Box::into_raw(d).cast::<influx_point>()
        }
        Err(e) => {
            set_last_error(&e);
            std::ptr::null_mut()
        }
    }
}

/// Free a point. NULL is a no-op. (A small point may be kept by the calling thread for reuse
/// by its next influx_point_new(); up to 4 per thread, released when the thread exits.)
#[no_mangle]
pub extern "C" fn influx_point_free(point: *mut influx_point) {
    guard((), || {
        if !point.is_null() {
            // SAFETY: made by influx_point_new and not freed before (caller contract).
            let b = unsafe { Box::from_raw(point.cast::<PointData>()) };
            drop(Point::from_box(b)); // back to this thread's pool, or freed
        }
    })
}

/// Reuse a point for a new measurement: removes tags, fields and time, keeps its memory.
/// Setting the same keys in the same order as before is then the fast path (the result is
/// the same for any order; see "Performance notes" in README.md).
#[no_mangle]
pub extern "C" fn influx_point_reset(
    point: *mut influx_point,
    measurement: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let mut p = unsafe { point_ref(point) }?;
        // SAFETY: caller contract.
        let m = unsafe { str_arg(measurement, "measurement") }?;
        p.clear(m)
    })
}

/// Set a tag (copied). An empty key or value is accepted and not written (as the seed).
/// Setting a key again replaces its value. Errors: NULL, invalid UTF-8, a value ending in
/// '\\', reserved keys (`_measurement`, `_field`, `time`).
#[no_mangle]
pub extern "C" fn influx_point_add_tag(
    point: *mut influx_point,
    key: *const c_char,
    value: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all three pointers.
        let mut p = unsafe { point_ref(point) }?;
        let k = unsafe { str_arg(key, "tag key") }?;
        let v = unsafe { str_arg(value, "tag value") }?;
        p.tag(k, v)
    })
}

/// # Safety
/// `point` is NULL or a live point; `key` is NULL or a NUL-terminated string.
#[inline(always)]
unsafe fn field_args<'a>(
    point: *mut influx_point,
    key: *const c_char,
) -> crate::Result<(PointRef, &'a str)> {
    // SAFETY: forwarded caller contract.
    unsafe { Ok((point_ref(point)?, str_arg(key, "field key")?)) }
}

/// Set a float field. NaN and ±Inf are accepted and not written (as the seed); a point
/// whose only fields are such values fails to encode. Setting a key again replaces it.
#[no_mangle]
pub extern "C" fn influx_point_add_field_f64(
    point: *mut influx_point,
    key: *const c_char,
    value: f64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { field_args(point, key) }.and_then(|(mut p, k)| p.field_f64(k, value)))
}

/// Set a signed integer field (written with suffix `i`).
#[no_mangle]
pub extern "C" fn influx_point_add_field_i64(
    point: *mut influx_point,
    key: *const c_char,
    value: i64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { field_args(point, key) }.and_then(|(mut p, k)| p.field_i64(k, value)))
}

/// Set an unsigned integer field (written with suffix `u`).
#[no_mangle]
pub extern "C" fn influx_point_add_field_u64(
    point: *mut influx_point,
    key: *const c_char,
    value: u64,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { field_args(point, key) }.and_then(|(mut p, k)| p.field_u64(k, value)))
}

/// Set a boolean field (`true`/`false`).
#[no_mangle]
pub extern "C" fn influx_point_add_field_bool(
    point: *mut influx_point,
    key: *const c_char,
    value: bool,
) -> influx_result {
    // SAFETY: caller contract for both pointers.
    result_of(|| unsafe { field_args(point, key) }.and_then(|(mut p, k)| p.field_bool(k, value)))
}

/// Set a string field (UTF-8, copied).
#[no_mangle]
pub extern "C" fn influx_point_add_field_str(
    point: *mut influx_point,
    key: *const c_char,
    value: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all three pointers.
        let (mut p, k) = unsafe { field_args(point, key) }?;
        let v = unsafe { str_arg(value, "field value") }?;
        p.field_str(k, v)
    })
}

/// Set the timestamp in the given precision. The number is written as given (never
/// rescaled); the precision travels with the write. Error if the time is outside what
/// InfluxDB accepts, or the precision is unknown.
#[no_mangle]
pub extern "C" fn influx_point_set_time(
    point: *mut influx_point,
    time: i64,
    precision: influx_precision,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let mut p = unsafe { point_ref(point) }?;
        p.set_time(time, precision_arg(precision)?)
    })
}

/// Render the point's line protocol (no default tags, no trailing newline) into a new
/// NUL-terminated string `*out`, length (without NUL) in `*len_out` (may be NULL).
/// Free `*out` with influx_string_free(). On error `*out` is set to NULL.
#[no_mangle]
pub extern "C" fn influx_point_to_line_protocol(
    point: *const influx_point,
    out: *mut *mut c_char,
    len_out: *mut usize,
) -> influx_result {
    result_of(|| {
        if out.is_null() {
            return Err(Error::invalid_argument("out is NULL"));
        }
        // SAFETY: out is non-NULL and writable (caller contract).
        unsafe { *out = std::ptr::null_mut() };
        // SAFETY: caller contract.
        let p = unsafe { point_ref(point) }?;
        let s = crate::point::encode_point_then(&p, |line| {
            debug_assert!(!line.contains(&0));
            // SAFETY: malloc of len + 1 bytes (NULL checked), `line` copied into it, then the
            // NUL. `line` has no NUL byte: every string of an `influx_point` came from a C
            // string (see `influx_point`), and the encoder adds only ASCII punctuation,
            // digits and letters.
            unsafe {
                let s = malloc(line.len() + 1).cast::<u8>();
                if !s.is_null() {
                    std::ptr::copy_nonoverlapping(line.as_ptr(), s, line.len());
                    *s.add(line.len()) = 0;
                }
                (s.cast::<c_char>(), line.len())
            }
        })?;
        if s.0.is_null() {
            return Err(Error::internal("out of memory"));
        }
        // SAFETY: out checked above; len_out is NULL or writable.
        unsafe {
            *out = s.0;
            if !len_out.is_null() {
                *len_out = s.1;
            }
        }
        Ok(())
    })
}

// Strings handed to C are allocated with the C library's malloc, so that
// influx_string_free is a plain free() (no length to recompute). Through the libc crate:
// declared here, cbindgen would copy malloc/free into the header.
use libc::{free, malloc};

/// Free a string returned by this library (it was allocated with malloc; this is free()).
/// NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_string_free(s: *mut c_char) {
    guard((), || {
        if !s.is_null() {
            // SAFETY: malloc'ed by this library and not freed before (caller contract).
            unsafe { free(s.cast()) };
        }
    })
}
