//! Entry points for the Python binding (bindings/python), each one call from ctypes where a
//! loop in Python would cost a call per value:
//!
//! - [`influx_lines_add_columns`]: a table of columns (a pandas DataFrame's numpy buffers) into
//!   a line buffer, row by row through [`influx_lines_add_row`] (or the per-value calls for a
//!   row with a missing non-float value), so the text and checks are the rows' own.
//! - [`influx_query_next_records`]: many records of a query's current table converted and
//!   packed into one caller buffer (fixed-size slots and a string table), so reading a
//!   record costs no C call of its own.
//! - [`influx_write_packed`]: packed points added to a line buffer and written, one call per
//!   `write()` of the binding (a Point per call is the seed's common loop).
//! - [`influx_retry_backoff_range`]: the seed's backoff range for retry k, as the write API
//!   computes it, for the binding's `WritesRetry` (the seed's configuration class).

use std::ffi::{c_char, c_int, c_void, CStr};

use super::query::{decode_bytes, event_code, influx_query, influx_query_event};
use super::{
    array_arg, influx_field_type, influx_lines, influx_lines_add_field_bool,
    influx_lines_add_field_f64, influx_lines_add_field_i64, influx_lines_add_field_str,
    influx_lines_add_field_u64, influx_lines_add_row, influx_lines_add_tag, influx_lines_begin,
    influx_lines_discard_line, influx_lines_end, influx_lines_end_at, influx_result,
    influx_shape_free, influx_shape_new, influx_value, result_of, INFLUX_FIELD_BOOL,
    INFLUX_FIELD_F64, INFLUX_FIELD_I64, INFLUX_FIELD_STR, INFLUX_FIELD_U64, INFLUX_OK,
};
use crate::error::{Code, Error};
use crate::query::convert::{write_rfc3339_nanos, RFC3339_NANOS_LEN};
use crate::query::{ColumnType, Event, Record};
use crate::write::retry::{backoff_range, RetryPolicy};

/// The line text of influx_lines_add_columns(): the seed's `Point` text (the default).
pub const INFLUX_TEXT_POINT: c_int = 0;
/// The line text of influx_lines_add_columns(): the seed's DataFrame writer's (`30.0`, `True`).
pub const INFLUX_TEXT_DATAFRAME: c_int = 1;

/// Sets a line buffer's text for one call and puts the one it had back.
struct FrameText(*mut influx_lines, bool);

impl FrameText {
    /// # Safety
    /// `l` is a live influx_lines that outlives the guard.
    unsafe fn set(l: *mut influx_lines, on: bool) -> crate::Result<FrameText> {
        // SAFETY: caller contract.
        let b = unsafe { super::lines::lines_mut(l)? };
        let was = b.frame_text();
        b.set_frame_text(on);
        Ok(FrameText(l, was))
    }
}

impl Drop for FrameText {
    fn drop(&mut self) {
        // SAFETY: live for the call that made this guard (FrameText::set's contract).
        if let Ok(b) = unsafe { super::lines::lines_mut(self.0) } {
            b.set_frame_text(self.1);
        }
    }
}

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
/// `text` is INFLUX_TEXT_POINT (the default line text, as the seed's `Point` writes it) or
/// INFLUX_TEXT_DATAFRAME (as the seed's DataFrame writer prints values: floats keep `.0`,
/// `30.0`; booleans `True`/`False`), for the lines of this call only.
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
    text: c_int,
) -> influx_result {
    result_of(|| {
        if lines.is_null() {
            return Err(Error::invalid_argument("lines is NULL"));
        }
        let frame = match text {
            INFLUX_TEXT_POINT => false,
            INFLUX_TEXT_DATAFRAME => true,
            t => return Err(Error::invalid_argument(format!("text: unknown text {t}"))),
        };
        // SAFETY: `lines` is a live influx_lines for this call (caller contract).
        let _text = unsafe { FrameText::set(lines, frame)? };
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

/// Hash of a string cell for the per-call string table (FNV-1a; collisions only cost a
/// duplicate entry: equal hashes are compared byte for byte).
fn str_hash(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h = (h ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The high bit of a string table entry's length: the entry is a BYTES cell's decoded
/// bytes (else UTF-8 text).
const BYTES_FLAG: u32 = 1 << 31;

/// The string table entry at `off`: its length word and its bytes (`off` from this call).
fn entry(buf: &[u8], off: usize) -> (u32, &[u8]) {
    let word = u32::from_le_bytes([buf[off], buf[off + 1], buf[off + 2], buf[off + 3]]);
    let len = (word & !(BYTES_FLAG | TIME_FLAG)) as usize;
    (word, &buf[off + 4..off + 4 + len])
}

/// The high bits of a string table entry's length word: the entry is a TIME cell's text
/// (`YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, UTC).
const TIME_FLAG: u32 = 1 << 30;

/// The index of `bytes` (of kind `flag`) in this call's string table, added at `*str_at`
/// if new; None: it does not fit.
#[allow(clippy::too_many_arguments)]
fn intern(
    strings: &mut std::collections::HashMap<u64, (u32, u32)>,
    buf: &mut [u8],
    bytes: &[u8],
    flag: u32,
    str_at: &mut usize,
    n_strings: &mut u32,
    added: &mut Vec<u64>,
) -> crate::Result<Option<u64>> {
    let h = str_hash(bytes) ^ u64::from(flag);
    if let Some(&(k, off)) = strings.get(&h) {
        if entry(buf, off as usize) == (flag | bytes.len() as u32, bytes) {
            return Ok(Some(u64::from(k)));
        }
    }
    let len = u32::try_from(bytes.len())
        .ok()
        .filter(|&l| l < TIME_FLAG)
        .ok_or_else(|| Error::invalid_argument("a cell of 1 GiB or more"))?;
    let end = *str_at + 4 + bytes.len();
    if end > buf.len() {
        return Ok(None);
    }
    buf[*str_at..*str_at + 4].copy_from_slice(&(len | flag).to_le_bytes());
    buf[*str_at + 4..end].copy_from_slice(bytes);
    let k = *n_strings;
    if strings.insert(h, (k, *str_at as u32)).is_none() {
        added.push(h);
    }
    *str_at = end;
    *n_strings += 1;
    Ok(Some(u64::from(k)))
}

/// Take back the strings a record that did not fit added; false.
fn undo(
    strings: &mut std::collections::HashMap<u64, (u32, u32)>,
    added: Vec<u64>,
    str_at: &mut usize,
    n_strings: &mut u32,
    mark_at: usize,
    mark_n: u32,
) -> bool {
    for h in added {
        strings.remove(&h);
    }
    *str_at = mark_at;
    *n_strings = mark_n;
    false
}

/// Bytes of one record's slots in influx_query_next_records() for a table of `n_columns`.
fn record_size(n_columns: usize) -> usize {
    8 * (n_columns.div_ceil(64).max(1) + n_columns)
}

/// Pack the current record at `rec` (its slots) and its new strings at `buf[*str_at..]`.
/// Ok(false): it does not fit (nothing of it counts).
#[allow(clippy::too_many_arguments)]
fn pack_record(
    q: &influx_query,
    r: &Record<'_>,
    strings: &mut std::collections::HashMap<u64, (u32, u32)>,
    buf: &mut [u8],
    rec: usize,
    str_at: &mut usize,
    n_strings: &mut u32,
) -> crate::Result<bool> {
    let table = r.table();
    let n = table.columns().len();
    let words = n.div_ceil(64).max(1);
    let (mark_at, mark_n) = (*str_at, *n_strings);
    let mut added: Vec<u64> = Vec::new();
    let slots = rec + 8 * words;
    buf[rec..slots + 8 * n].fill(0);
    for (j, col) in table.columns().iter().enumerate() {
        let at = slots + 8 * j;
        if r.is_null(j) {
            buf[rec + 8 * (j / 64) + (j % 64) / 8] |= 1 << (j % 8);
            continue;
        }
        let ty = col.column_type();
        let v: u64 = match ty {
            ColumnType::Double => r.get_f64(j)?.to_bits(),
            ColumnType::Long => r.get_i64(j)? as u64,
            ColumnType::ULong => r.get_u64(j)?,
            ColumnType::Bool => u64::from(r.get_bool(j)?),
            ColumnType::Time => {
                let mut text = [0u8; RFC3339_NANOS_LEN];
                write_rfc3339_nanos(r.get_time_ns(j)?, &mut text);
                match intern(
                    strings, buf, &text, TIME_FLAG, str_at, n_strings, &mut added,
                )? {
                    Some(k) => k,
                    None => return Ok(undo(strings, added, str_at, n_strings, mark_at, mark_n)),
                }
            }
            ColumnType::Duration => r.get_duration_ns(j)? as u64,
            ColumnType::String | ColumnType::Unknown | ColumnType::Bytes => {
                let owned;
                let bytes: &[u8] = if ty == ColumnType::Bytes {
                    let (p, len) = decode_bytes(q, r, j)?;
                    // SAFETY: the query's buffer for column j, alive until the next decode.
                    owned = unsafe { std::slice::from_raw_parts(p, len) }.to_vec();
                    &owned
                } else {
                    r.get_str(j)?.as_bytes()
                };
                let flag = if ty == ColumnType::Bytes {
                    BYTES_FLAG
                } else {
                    0
                };
                match intern(strings, buf, bytes, flag, str_at, n_strings, &mut added)? {
                    Some(k) => k,
                    None => return Ok(undo(strings, added, str_at, n_strings, mark_at, mark_n)),
                }
            }
        };
        buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
    Ok(true)
}

/// Read many records of the current table in one call (the Python binding's query
/// reader). `buf` (`capacity` bytes, 8-byte aligned) receives up to `max_records` records
/// of R = 8 × (W + C) bytes each, C the table's column count and W = max(1, ⌈C / 64⌉),
/// from offset 0, then, from offset `max_records` × R, the call's string table:
/// `*n_strings` entries of a u32 length word (little-endian) and that many bytes, back to
/// back; bit 31 of the word marks a BYTES cell's decoded bytes (else UTF-8 text), the low
/// 31 bits are the length.
/// A record is W null-mask words (bit j of word j / 64: column j is null, its slot 0) and
/// C 8-byte little-endian slots, one per column: DOUBLE the double, LONG / TIME / DURATION
/// the int64 (TIME, DURATION in ns), ULONG the uint64, BOOL 0 or 1, and STRING, UNKNOWN
/// and BYTES (decoded) the index of the cell's bytes in the string table (equal texts of a
/// call share one entry).
///
/// `*event`: INFLUX_QUERY_RECORD with `*n_records` ≥ 1 records of the current table (the
/// one the last INFLUX_QUERY_TABLE described); INFLUX_QUERY_TABLE with none: a new table
/// starts (influx_query_table() describes it; `max_records` × R of its own records fit
/// from the next call); INFLUX_QUERY_END with none: the answer is complete. A call
/// returns at the next table boundary, when `max_records` records are packed or when the
/// next one does not fit (it is kept for the next call). A record that does not fit an
/// empty call: INFLUX_ERR_INVALID_ARG, the record kept (call again with a larger buffer).
/// Errors as influx_query_next() and influx_record_get_cells(); records packed before a
/// failing one are returned first, the error by the next call. Strings are copies: the
/// buffer stays valid after the next call on the query. May be mixed with
/// influx_query_next() (which also returns a kept event first).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn influx_query_next_records(
    query: *mut influx_query,
    buf: *mut c_void,
    capacity: usize,
    max_records: usize,
    n_records: *mut usize,
    n_strings: *mut usize,
    event: *mut influx_query_event,
) -> influx_result {
    result_of(|| {
        if n_records.is_null() || n_strings.is_null() || event.is_null() {
            return Err(Error::invalid_argument(
                "n_records, n_strings or event is NULL",
            ));
        }
        // SAFETY: all three are valid for writes (caller contract).
        unsafe {
            *n_records = 0;
            *n_strings = 0;
            *event = super::query::INFLUX_QUERY_END;
        }
        // SAFETY: caller contract.
        let q =
            unsafe { query.as_mut() }.ok_or_else(|| Error::invalid_argument("query is NULL"))?;
        if buf.is_null() || capacity == 0 || max_records == 0 {
            return Err(Error::invalid_argument(
                "buf is NULL, or capacity or max_records is 0",
            ));
        }
        // SAFETY: buf is valid for capacity bytes of writes (caller contract).
        let buf = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), capacity) };
        let mut strings = std::mem::take(&mut q.strings);
        strings.clear();
        let (mut n, mut str_at, mut n_str) = (0usize, 0usize, 0u32);
        let mut result = Ok(());
        let mut ev_out = super::query::INFLUX_QUERY_RECORD;
        while n < max_records {
            let ev = match q.advance("influx_query_next_records") {
                Ok(ev) => ev,
                Err(e) if n > 0 => {
                    // the records so far first; the error again from the next call
                    let _ = e;
                    break;
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            if ev != Event::Record {
                if n > 0 {
                    q.held = Some(ev);
                } else {
                    ev_out = event_code(ev);
                }
                break;
            }
            // Some(outcome) ends the call; the record is kept (held) unless it was packed
            let (packed, stop): (bool, Option<crate::Result<()>>) = {
                let Some(r) = q.cursor().and_then(|c| c.record()) else {
                    result = Err(Error::internal("a RECORD event without a record"));
                    break;
                };
                let size = record_size(r.table().columns().len());
                match max_records.checked_mul(size).filter(|&b| b <= capacity) {
                    None => (
                        false,
                        Some(Err(Error::invalid_argument(format!(
                            "capacity {capacity}: max_records {max_records} records of {size} \
                             bytes do not fit"
                        )))),
                    ),
                    Some(region) => {
                        if n == 0 {
                            str_at = region;
                        }
                        match pack_record(
                            q,
                            &r,
                            &mut strings,
                            buf,
                            n * size,
                            &mut str_at,
                            &mut n_str,
                        ) {
                            Ok(true) => (true, None),
                            Ok(false) if n == 0 => (
                                false,
                                Some(Err(Error::invalid_argument(format!(
                                    "capacity {capacity}: one record does not fit (its strings \
                                     need up to {} bytes)",
                                    record_strings_len(&r)
                                )))),
                            ),
                            Ok(false) => (false, Some(Ok(()))),
                            Err(e) if n == 0 => (false, Some(Err(e))),
                            Err(_) => (false, Some(Ok(()))),
                        }
                    }
                }
            };
            if packed {
                n += 1;
                continue;
            }
            q.held = Some(ev);
            if let Some(Err(e)) = stop {
                result = Err(e);
            }
            break;
        }
        q.strings = strings;
        result?;
        // SAFETY: as above.
        unsafe {
            *n_records = n;
            *n_strings = n_str as usize;
            *event = if n > 0 {
                super::query::INFLUX_QUERY_RECORD
            } else {
                ev_out
            };
        }
        Ok(())
    })
}

/// The bytes a record's string cells need in the string table (an upper bound).
fn record_strings_len(r: &Record<'_>) -> usize {
    (0..r.len())
        .map(|j| r.text(j).ok().flatten().map_or(0, |t| 4 + t.len()))
        .sum()
}

/// Add the packed points `data` (`len` bytes, influx_lines_add_packed()'s format) to `lines`
/// and write the buffer's lines to `bucket` / `org` (influx_write_lines()), in one call: the
/// binding's `write()` of Points. Results as the two calls'; all or nothing: on error
/// nothing is written and `lines` holds what it held before the call.
#[no_mangle]
pub extern "C" fn influx_write_packed(
    api: *mut super::influx_write_api,
    bucket: *const c_char,
    org: *const c_char,
    lines: *mut influx_lines,
    data: *const u8,
    len: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let (api, bucket, org) = unsafe { super::write::write_args(api, bucket, org) }?;
        let lb = unsafe { super::lines::lines_mut(lines) }?;
        // SAFETY: data is NULL (only with len 0) or valid for len bytes (caller contract).
        let bytes = unsafe { array_arg(data, len, "data") }?;
        let mark = lb.mark();
        lb.add_packed(bytes)?;
        api.write_lines(bucket, org, lb)
            .inspect_err(|_| lb.truncate_to(mark))
    })
}

#[cfg(test)]
mod tests {
    use super::super::{
        influx_client_free, influx_client_new, influx_conf_new, influx_conf_set,
        influx_lines_count, influx_lines_free, influx_lines_new, influx_write_api_close,
        influx_write_api_new, INFLUX_ERR_BUFFER_FULL, INFLUX_ERR_INVALID_ARG,
    };
    use super::*;
    use std::ptr::{null, null_mut};

    /// A packed point: measurement "m", field v=i (i64), no time.
    fn packed(out: &mut Vec<u8>, i: i64) {
        out.extend_from_slice(&1u32.to_le_bytes());
        out.push(b'm');
        out.extend_from_slice(&0u32.to_le_bytes()); // no tags
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.push(b'v');
        out.push(1);
        out.extend_from_slice(&i.to_le_bytes());
        out.push(0); // no time
    }

    #[test]
    fn write_packed_is_all_or_nothing() {
        let conf = influx_conf_new();
        for (k, v) in [(c"url", c"http://127.0.0.1:9"), (c"org", c"o")] {
            assert_eq!(
                influx_conf_set(conf, k.as_ptr(), v.as_ptr(), null_mut(), 0),
                0
            );
        }
        let client = influx_client_new(conf, null_mut(), 0);
        assert!(!client.is_null());
        let w = influx_conf_new();
        for (k, v) in [
            (c"batch_size", c"2"),
            (c"max_buffer_lines", c"3"),
            (c"buffer_full_policy", c"reject"),
            (c"flush_interval", c"600000"),
            (c"max_close_wait", c"0"),
        ] {
            assert_eq!(influx_conf_set(w, k.as_ptr(), v.as_ptr(), null_mut(), 0), 0);
        }
        let api = influx_write_api_new(client, w, null_mut(), 0);
        assert!(!api.is_null());
        let lb = influx_lines_new(api, 0);
        let mut two = Vec::new();
        packed(&mut two, 1);
        packed(&mut two, 2);
        let b = c"b".as_ptr();
        assert_eq!(
            influx_write_packed(api, b, null(), lb, two.as_ptr(), two.len()),
            0
        );
        assert_eq!(influx_lines_count(lb), 0);
        // two more lines do not fit: nothing written, the buffer as it was
        assert_eq!(
            influx_write_packed(api, b, null(), lb, two.as_ptr(), two.len()),
            INFLUX_ERR_BUFFER_FULL
        );
        assert_eq!(influx_lines_count(lb), 0);
        // malformed packed data (truncated): nothing added
        assert_eq!(
            influx_write_packed(api, b, null(), lb, two.as_ptr(), two.len() - 3),
            INFLUX_ERR_INVALID_ARG
        );
        assert_eq!(influx_lines_count(lb), 0);
        // one fits
        assert_eq!(
            influx_write_packed(api, b, null(), lb, two.as_ptr(), two.len() / 2),
            0
        );
        influx_lines_free(lb);
        influx_write_api_close(api);
        influx_client_free(client);
    }
}
