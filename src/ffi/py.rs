//! Entry points for the Python binding (bindings/python), each one call from ctypes where a
//! loop in Python would cost a call per value:
//!
//! - [`influx_lines_add_columns`]: a table of columns (a pandas DataFrame's numpy buffers) into
//!   a line buffer, row by row through [`influx_lines_add_row`] (or the per-value calls for a
//!   row with a missing non-float value), so the text and checks are the rows' own.
//! - [`influx_retry_backoff_range`]: the seed's backoff range for retry k, as the write API
//!   computes it, for the binding's `WritesRetry` (the seed's configuration class).

use std::ffi::{c_char, c_void, CStr};

use super::{
    array_arg, influx_field_type, influx_lines, influx_lines_add_field_bool,
    influx_lines_add_field_f64, influx_lines_add_field_i64, influx_lines_add_field_str,
    influx_lines_add_field_u64, influx_lines_add_row, influx_lines_add_tag, influx_lines_begin,
    influx_lines_discard_line, influx_lines_end, influx_lines_end_at, influx_result,
    influx_shape_free, influx_shape_new, influx_value, result_of, INFLUX_FIELD_BOOL,
    INFLUX_FIELD_F64, INFLUX_FIELD_I64, INFLUX_FIELD_STR, INFLUX_FIELD_U64, INFLUX_OK,
};
use crate::error::{Code, Error};
use crate::write::retry::{backoff_range, RetryPolicy};

/// Frees the shape made for one call.
struct ShapeGuard(*mut super::influx_shape);

impl Drop for ShapeGuard {
    fn drop(&mut self) {
        influx_shape_free(self.0);
    }
}

/// The error of the last failed call on this thread (`rc`), its message after `prefix`.
fn last_error(rc: influx_result, prefix: &str) -> Error {
    // SAFETY: influx_last_error_message never returns NULL and the text lives until the next
    // influx_* call on this thread; it is copied at once.
    let msg = unsafe { CStr::from_ptr(super::influx_last_error_message()) }.to_string_lossy();
    let code = Code::from_i32(rc).unwrap_or(Code::Internal);
    Error::new(code, format!("{prefix}{msg}"))
}

/// Add `n_rows` lines from columns: every line has `measurement`, the tags `tag_keys[j]` =
/// the row's value in `tag_columns[j]` and the fields `field_keys[j]` (type `field_types[j]`)
/// = the row's value in `field_columns[j]`, and the time `times[row]` in the buffer's
/// precision (`times` NULL: no timestamp). Column layout: a tag column and an
/// INFLUX_FIELD_STR column hold `n_rows` NUL-terminated UTF-8 strings back to back; F64, I64,
/// U64 columns `n_rows` doubles / int64 / uint64; a BOOL column `n_rows` bytes (0 or 1).
/// `field_nulls` (may be NULL) holds `n_fields` pointers, each NULL or `n_rows` bytes where
/// nonzero means the row has no value in that column (the field is left out of that line).
/// Each line is what influx_lines_add_row() (or, for a row with a missing value, the
/// influx_lines_begin / add_* / end calls) writes: sorted keys, empty tag values and NaN/±Inf
/// floats left out, the buffer's default tags added. A row with no field to write (every
/// value missing, NaN or ±Inf) is skipped and counted in `*skipped` (may be NULL), as the
/// seed's DataFrame writer drops it; `*added` (may be NULL) receives the lines added.
/// Errors name the row (`row <i>: ...`); the rows before it stay in the buffer, so clear it
/// with influx_lines_clear() to drop a partly added table.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn influx_lines_add_columns(
    lines: *mut influx_lines,
    measurement: *const c_char,
    tag_keys: *const *const c_char,
    tag_columns: *const *const c_char,
    n_tags: usize,
    field_keys: *const *const c_char,
    field_types: *const influx_field_type,
    field_columns: *const *const c_void,
    field_nulls: *const *const u8,
    n_fields: usize,
    times: *const i64,
    n_rows: usize,
    added: *mut usize,
    skipped: *mut usize,
) -> influx_result {
    result_of(|| {
        if lines.is_null() {
            return Err(Error::invalid_argument("lines is NULL"));
        }
        // SAFETY: caller contract: each array is NULL (only when empty) or of the given size.
        let (tkeys, tcols, fkeys, ftypes, fcols) = unsafe {
            (
                array_arg(tag_keys, n_tags, "tag_keys")?,
                array_arg(tag_columns, n_tags, "tag_columns")?,
                array_arg(field_keys, n_fields, "field_keys")?,
                array_arg(field_types, n_fields, "field_types")?,
                array_arg(field_columns, n_fields, "field_columns")?,
            )
        };
        let nulls: &[*const u8] = if field_nulls.is_null() {
            &[]
        } else {
            // SAFETY: n_fields pointers (caller contract).
            unsafe { std::slice::from_raw_parts(field_nulls, n_fields) }
        };
        let times: &[i64] = if times.is_null() || n_rows == 0 {
            &[]
        } else {
            // SAFETY: n_rows int64 (caller contract).
            unsafe { std::slice::from_raw_parts(times, n_rows) }
        };
        if fcols.iter().any(|p| p.is_null()) || tcols.iter().any(|p| p.is_null()) {
            return Err(Error::invalid_argument("a column pointer is NULL"));
        }
        let shape = ShapeGuard(influx_shape_new(
            measurement,
            tag_keys,
            n_tags,
            field_keys,
            field_types,
            n_fields,
        ));
        if shape.0.is_null() {
            return Err(last_error(Code::InvalidArgument as influx_result, ""));
        }
        // cursors into the string columns: the next row's string
        let mut tag_at: Vec<*const c_char> = tcols.to_vec();
        let mut str_at: Vec<*const c_char> = fcols.iter().map(|p| p.cast::<c_char>()).collect();
        let mut tag_vals: Vec<*const c_char> = vec![std::ptr::null(); n_tags];
        let mut vals: Vec<influx_value> = vec![influx_value { i64: 0 }; n_fields];
        let mut missing: Vec<bool> = vec![false; n_fields];
        let (mut n_added, mut n_skipped) = (0usize, 0usize);
        for row in 0..n_rows {
            for (j, at) in tag_at.iter_mut().enumerate() {
                tag_vals[j] = *at;
                // SAFETY: *at points to a NUL-terminated string inside the column.
                *at = unsafe { at.add(CStr::from_ptr(*at).to_bytes().len() + 1) };
            }
            let mut writable = false;
            let mut any_missing = false;
            for j in 0..n_fields {
                // SAFETY: row < n_rows; each non-NULL null mask holds n_rows bytes.
                let null = nulls
                    .get(j)
                    .is_some_and(|p| !p.is_null() && unsafe { *p.add(row) } != 0);
                let col = fcols[j];
                // SAFETY: each column holds n_rows values of its type (caller contract).
                unsafe {
                    vals[j] = match ftypes[j] {
                        INFLUX_FIELD_F64 => {
                            let v = *col.cast::<f64>().add(row);
                            writable |= !null && v.is_finite();
                            influx_value { f64: v }
                        }
                        INFLUX_FIELD_I64 => influx_value {
                            i64: *col.cast::<i64>().add(row),
                        },
                        INFLUX_FIELD_U64 => influx_value {
                            u64: *col.cast::<u64>().add(row),
                        },
                        INFLUX_FIELD_BOOL => influx_value {
                            b: *col.cast::<u8>().add(row) != 0,
                        },
                        INFLUX_FIELD_STR => {
                            let s = str_at[j];
                            str_at[j] = s.add(CStr::from_ptr(s).to_bytes().len() + 1);
                            influx_value { str: s }
                        }
                        t => {
                            return Err(Error::invalid_argument(format!(
                                "field_types[{j}]: unknown type {t}"
                            )))
                        }
                    };
                }
                if ftypes[j] != INFLUX_FIELD_F64 {
                    writable |= !null;
                }
                missing[j] = null;
                any_missing |= null;
            }
            if !writable {
                n_skipped += 1;
                continue;
            }
            let time = times.get(row);
            let rc = if any_missing {
                by_calls(
                    lines,
                    measurement,
                    tkeys,
                    &tag_vals,
                    fkeys,
                    ftypes,
                    &vals,
                    &missing,
                    time,
                )
            } else {
                influx_lines_add_row(
                    lines,
                    shape.0,
                    tag_vals.as_ptr(),
                    vals.as_ptr(),
                    time.map_or(std::ptr::null(), |t| t as *const i64),
                )
            };
            if rc != INFLUX_OK {
                let e = last_error(rc, &format!("row {row}: "));
                influx_lines_discard_line(lines);
                return Err(e);
            }
            n_added += 1;
        }
        // SAFETY: NULL or writable (caller contract).
        unsafe {
            if let Some(a) = added.as_mut() {
                *a = n_added;
            }
            if let Some(s) = skipped.as_mut() {
                *s = n_skipped;
            }
        }
        Ok(())
    })
}

/// One line through the per-value calls, leaving out the missing fields.
#[allow(clippy::too_many_arguments)]
fn by_calls(
    lines: *mut influx_lines,
    measurement: *const c_char,
    tkeys: &[*const c_char],
    tvals: &[*const c_char],
    fkeys: &[*const c_char],
    ftypes: &[influx_field_type],
    vals: &[influx_value],
    missing: &[bool],
    time: Option<&i64>,
) -> influx_result {
    let rc = influx_lines_begin(lines, measurement);
    if rc != INFLUX_OK {
        return rc;
    }
    for (k, v) in tkeys.iter().zip(tvals) {
        let rc = influx_lines_add_tag(lines, *k, *v);
        if rc != INFLUX_OK {
            return rc;
        }
    }
    for j in 0..fkeys.len() {
        if missing[j] {
            continue;
        }
        let k = fkeys[j];
        // SAFETY: the member read is the one the type names (set by the caller above).
        let rc = unsafe {
            match ftypes[j] {
                INFLUX_FIELD_F64 => influx_lines_add_field_f64(lines, k, vals[j].f64),
                INFLUX_FIELD_I64 => influx_lines_add_field_i64(lines, k, vals[j].i64),
                INFLUX_FIELD_U64 => influx_lines_add_field_u64(lines, k, vals[j].u64),
                INFLUX_FIELD_BOOL => influx_lines_add_field_bool(lines, k, vals[j].b),
                _ => influx_lines_add_field_str(lines, k, vals[j].str),
            }
        };
        if rc != INFLUX_OK {
            return rc;
        }
    }
    match time {
        Some(t) => influx_lines_end_at(lines, *t),
        None => influx_lines_end(lines),
    }
}

/// The backoff range `[*start_s, *stop_s]` (seconds) before retry `retry` (1 = the first
/// retry; 0 is read as 1) for `retry_interval_s`, `exponential_base` and
/// `max_retry_delay_s` (seconds), exactly as the batching write API computes it (the seed's
/// WritesRetry.get_backoff_time range). Negative or non-finite durations:
/// INFLUX_ERR_INVALID_ARG.
#[no_mangle]
pub extern "C" fn influx_retry_backoff_range(
    retry_interval_s: f64,
    exponential_base: u32,
    max_retry_delay_s: f64,
    retry: u32,
    start_s: *mut f64,
    stop_s: *mut f64,
) -> influx_result {
    result_of(|| {
        let dur = |s: f64, what: &str| {
            std::time::Duration::try_from_secs_f64(s)
                .map_err(|_| Error::invalid_argument(format!("{what} {s} is not a duration")))
        };
        let p = RetryPolicy {
            retry_interval: dur(retry_interval_s, "retry_interval")?,
            exponential_base,
            max_retry_delay: dur(max_retry_delay_s, "max_retry_delay")?,
            ..RetryPolicy::default()
        };
        let (a, b) = backoff_range(&p, retry);
        // SAFETY: NULL or writable (caller contract).
        unsafe {
            if let Some(s) = start_s.as_mut() {
                *s = a.as_secs_f64();
            }
            if let Some(s) = stop_s.as_mut() {
                *s = b.as_secs_f64();
            }
        }
        Ok(())
    })
}
