//! `influx_query`: Flux queries read as tables and records (a pull cursor) or as raw CSV;
//! `influx_query_params`: bind parameters; `influx_table` / `influx_record`: borrowed views.
//!
//! Views: `influx_query_table()` and `influx_query_record()` hand out the query handle's
//! own address under the view's type; the `influx_table_*` / `influx_record_*` functions
//! cast it back and look at the handle's *current* table or record. A view therefore never
//! dangles while its query is open: a record view used after the next `influx_query_next()`
//! (a contract violation) reads the new current record, or fails with INVALID_ARG when
//! there is none, instead of reading freed memory.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_uint, c_void, CString};

use super::client::influx_client;
use super::handle::{free_handle, into_handle};
use super::{array_arg, guard, influx_result, opt_str_arg, result_of, str_arg, to_cstring};
use crate::error::{Code, Error};
use crate::query::params::{ANNOTATION_DATATYPE, ANNOTATION_DEFAULT, ANNOTATION_GROUP};
use crate::query::{
    Column, ColumnType, Dialect, Event, Param, QueryCursor, QueryParams, RawQuery, Record, Table,
};

/// What influx_query_next() produced: INFLUX_QUERY_END, _TABLE or _RECORD.
pub type influx_query_event = c_int;
/// The response is complete.
pub const INFLUX_QUERY_END: influx_query_event = 0;
/// A new table starts: influx_query_table() describes it.
pub const INFLUX_QUERY_TABLE: influx_query_event = 1;
/// influx_query_record() is the next row of the current table.
pub const INFLUX_QUERY_RECORD: influx_query_event = 2;

/// Type of a column, from its #datatype annotation.
pub type influx_column_type = c_int;
/// A #datatype this library does not know: cells read as text.
pub const INFLUX_COL_UNKNOWN: influx_column_type = 0;
/// string
pub const INFLUX_COL_STRING: influx_column_type = 1;
/// double
pub const INFLUX_COL_DOUBLE: influx_column_type = 2;
/// long
pub const INFLUX_COL_LONG: influx_column_type = 3;
/// unsignedLong
pub const INFLUX_COL_ULONG: influx_column_type = 4;
/// boolean
pub const INFLUX_COL_BOOL: influx_column_type = 5;
/// dateTime:RFC3339, dateTime:RFC3339Nano (and bare dateTime)
pub const INFLUX_COL_TIME: influx_column_type = 6;
/// duration
pub const INFLUX_COL_DURATION: influx_column_type = 7;
/// base64Binary
pub const INFLUX_COL_BYTES: influx_column_type = 8;

/// "No such column" from the *_column_index() lookups ((size_t)-1).
pub const INFLUX_NO_COLUMN: usize = -1isize as usize;

/// influx_dialect.annotations: the #datatype row.
pub const INFLUX_ANNOTATION_DATATYPE: c_uint = 1;
/// influx_dialect.annotations: the #group row.
pub const INFLUX_ANNOTATION_GROUP: c_uint = 2;
/// influx_dialect.annotations: the #default row.
pub const INFLUX_ANNOTATION_DEFAULT: c_uint = 4;

/// The value of a converted cell (which member: influx_cell.type).
#[repr(C)]
#[derive(Clone, Copy)]
pub union influx_cell_value {
    /// DOUBLE
    pub f64: f64,
    /// LONG
    pub i64: i64,
    /// ULONG
    pub u64: u64,
    /// BOOL
    pub b: bool,
    /// TIME: ns since 1970-01-01T00:00:00Z; DURATION: ns
    pub ns: i64,
}

/// One converted cell, for influx_record_get_cells().
/// cbindgen:field-names=[type, null, v, data, len]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct influx_cell {
    /// The column's type.
    pub type_: influx_column_type,
    /// true: no value (v, data and len are zero).
    pub null: bool,
    /// The value, for DOUBLE, LONG, ULONG, BOOL, TIME and DURATION.
    pub v: influx_cell_value,
    /// STRING, UNKNOWN: the text (NUL-terminated); BYTES: the decoded bytes; otherwise NULL.
    /// Borrowed: valid until the next influx_query_next() or influx_query_close().
    pub data: *const c_char,
    /// Bytes at data.
    pub len: usize,
}

/// Shape of the CSV of a raw query (the seed's Dialect). Fill it with influx_dialect_init()
/// first.
#[repr(C)]
pub struct influx_dialect {
    /// Write the header row (default true).
    pub header: bool,
    /// Column delimiter, one ASCII character (default ',').
    pub delimiter: c_char,
    /// INFLUX_ANNOTATION_* bits (default all three).
    pub annotations: c_uint,
    /// "RFC3339" (default) or "RFC3339Nano"; NULL means "RFC3339".
    pub date_time_format: *const c_char,
}

/// Bind parameters of a query, sent as Flux `extern` options. Opaque; single-thread.
pub struct influx_query_params {
    params: QueryParams,
}

/// Metadata of the current table of a query (a borrowed view). Opaque.
pub struct influx_table {
    _view: [u8; 0],
}

/// The current record of a query (a borrowed view). Opaque.
pub struct influx_record {
    _view: [u8; 0],
}

// One per handle, itself boxed: a second box for the cursor would only add an indirection.
#[allow(clippy::large_enum_variant)]
enum Mode {
    Cursor(QueryCursor),
    Raw(RawQuery),
}

/// The error that ended a query, kept for influx_query_error().
struct Ended {
    code: Code,
    message: CString,
    reference: CString,
}

/// An open query: one HTTP response being read. Opaque; use it from one thread at a time.
pub struct influx_query {
    mode: Mode,
    ended: Option<Ended>,
    /// Decoded BYTES cells of the current record, one buffer per column (reused).
    bytes: RefCell<Vec<Vec<u8>>>,
    /// An event the cursor reached that influx_query_next_records() (ffi/py.rs) has not
    /// handed out yet: the next influx_query_next() or influx_query_next_records() returns
    /// it without reading further.
    pub(super) held: Option<Event>,
    /// influx_query_next_records(): the strings of one call (hash -> index, offset), reused.
    pub(super) strings: std::collections::HashMap<u64, (u32, u32)>,
}

impl influx_query {
    pub(super) fn cursor(&self) -> Option<&QueryCursor> {
        match &self.mode {
            Mode::Cursor(c) => Some(c),
            Mode::Raw(_) => None,
        }
    }

    /// The next event: the held one if any, else the cursor's next (an error ends the
    /// query and is kept for influx_query_error()). A raw query: INVALID_ARG.
    pub(super) fn advance(&mut self, what: &str) -> crate::Result<Event> {
        if let Some(ev) = self.held.take() {
            return Ok(ev);
        }
        let Mode::Cursor(c) = &mut self.mode else {
            return Err(Error::invalid_argument(format!(
                "{what} on a raw query: use influx_query_read_raw"
            )));
        };
        match c.next() {
            Ok(ev) => Ok(ev),
            Err(e) => {
                self.end(&e);
                Err(e)
            }
        }
    }

    /// Keep the error that ended the query.
    fn end(&mut self, e: &Error) {
        if self.ended.is_some() {
            return;
        }
        let (message, reference) = match &self.mode {
            Mode::Cursor(c) => match c.query_error() {
                Some(q) if e.code == Code::Query => (q.message.clone(), q.reference.clone()),
                _ => (e.message.clone(), String::new()),
            },
            Mode::Raw(_) => (e.message.clone(), String::new()),
        };
        self.ended = Some(Ended {
            code: e.code,
            message: to_cstring(&message),
            reference: to_cstring(&reference),
        });
    }
}

// ------------------------------------------------------------------------- parameters

/// New, empty bind parameters. Free with influx_query_params_free().
#[no_mangle]
pub extern "C" fn influx_query_params_new() -> *mut influx_query_params {
    guard(std::ptr::null_mut(), || {
        into_handle(Ok(influx_query_params {
            params: QueryParams::new(),
        }))
    })
}

/// Free bind parameters. NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_query_params_free(params: *mut influx_query_params) {
    // SAFETY: made by influx_query_params_new, not freed before (caller contract).
    guard((), || unsafe { free_handle(params) })
}

/// # Safety
/// `params` is NULL or a live `influx_query_params`; `name` NULL or a C string.
unsafe fn set_param(
    params: *mut influx_query_params,
    name: *const c_char,
    value: impl FnOnce() -> crate::Result<Param>,
) -> crate::Result<()> {
    // SAFETY: caller contract.
    let p = unsafe { params.as_mut() }.ok_or_else(|| Error::invalid_argument("params is NULL"))?;
    // SAFETY: caller contract.
    let name = unsafe { str_arg(name, "name") }?;
    Ok(p.params.set(name, value()?)?)
}

/// Set `option <name> = "<value>"` (a StringLiteral). Each setter replaces an earlier value
/// of the same name; names must be Flux identifiers (else INFLUX_ERR_INVALID_ARG).
#[no_mangle]
pub extern "C" fn influx_query_params_set_str(
    params: *mut influx_query_params,
    name: *const c_char,
    value: *const c_char,
) -> influx_result {
    result_of(|| unsafe {
        // SAFETY: caller contract for all pointers.
        set_param(params, name, || {
            Ok(Param::String(str_arg(value, "value")?.to_owned()))
        })
    })
}

/// An IntegerLiteral.
#[no_mangle]
pub extern "C" fn influx_query_params_set_i64(
    params: *mut influx_query_params,
    name: *const c_char,
    value: i64,
) -> influx_result {
    // SAFETY: caller contract for all pointers.
    result_of(|| unsafe { set_param(params, name, || Ok(Param::Int(value))) })
}

/// A FloatLiteral (NaN and infinities: INFLUX_ERR_INVALID_ARG).
#[no_mangle]
pub extern "C" fn influx_query_params_set_f64(
    params: *mut influx_query_params,
    name: *const c_char,
    value: f64,
) -> influx_result {
    // SAFETY: caller contract for all pointers.
    result_of(|| unsafe { set_param(params, name, || Ok(Param::Float(value))) })
}

/// A BooleanLiteral.
#[no_mangle]
pub extern "C" fn influx_query_params_set_bool(
    params: *mut influx_query_params,
    name: *const c_char,
    value: bool,
) -> influx_result {
    // SAFETY: caller contract for all pointers.
    result_of(|| unsafe { set_param(params, name, || Ok(Param::Bool(value))) })
}

/// A DateTimeLiteral `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` of `ns` since the epoch (UTC).
#[no_mangle]
pub extern "C" fn influx_query_params_set_time_ns(
    params: *mut influx_query_params,
    name: *const c_char,
    ns: i64,
) -> influx_result {
    // SAFETY: caller contract for all pointers.
    result_of(|| unsafe { set_param(params, name, || Ok(Param::TimeNs(ns))) })
}

/// A DurationLiteral of `ns` nanoseconds (in "us" when divisible by 1000, as the seed sends
/// a timedelta; negative: a unary minus around it).
#[no_mangle]
pub extern "C" fn influx_query_params_set_duration_ns(
    params: *mut influx_query_params,
    name: *const c_char,
    ns: i64,
) -> influx_result {
    // SAFETY: caller contract for all pointers.
    result_of(|| unsafe { set_param(params, name, || Ok(Param::DurationNs(ns))) })
}

/// Any Flux AST expression as JSON, e.g. {"type":"ArrayExpression","elements":[...]} (the
/// seed accepts lists and AST objects as parameter values). Not JSON: INFLUX_ERR_INVALID_ARG.
#[no_mangle]
pub extern "C" fn influx_query_params_set_ast(
    params: *mut influx_query_params,
    name: *const c_char,
    expression_json: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let p =
            unsafe { params.as_mut() }.ok_or_else(|| Error::invalid_argument("params is NULL"))?;
        // SAFETY: caller contract.
        let name = unsafe { str_arg(name, "name") }?;
        // SAFETY: caller contract.
        let json = unsafe { str_arg(expression_json, "expression_json") }?;
        Ok(p.params.set_ast_json(name, json)?)
    })
}

/// `import "profiler"` + `option profiler.enabledProfilers = [names...]` (the seed's
/// QueryOptions(profilers=)); n = 0 removes them. The profilers' tables (`_profiler`
/// results) arrive after the query's own.
#[no_mangle]
pub extern "C" fn influx_query_params_set_profilers(
    params: *mut influx_query_params,
    names: *const *const c_char,
    n: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let p =
            unsafe { params.as_mut() }.ok_or_else(|| Error::invalid_argument("params is NULL"))?;
        // SAFETY: names is NULL or valid for n pointers (caller contract).
        let ptrs = unsafe { array_arg(names, n, "names") }?;
        let mut list = Vec::with_capacity(n);
        for (i, &s) in ptrs.iter().enumerate() {
            // SAFETY: each is NULL or a C string (caller contract).
            list.push(unsafe { str_arg(s, &format!("names[{i}]")) }?.to_owned());
        }
        p.params.set_profilers(list);
        Ok(())
    })
}

// ------------------------------------------------------------------------- opening

/// Fill `dialect` with the seed's default dialect (header, ',', all annotations, RFC3339).
/// NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_dialect_init(dialect: *mut influx_dialect) {
    guard((), || {
        // SAFETY: NULL or valid for writes (caller contract).
        if let Some(d) = unsafe { dialect.as_mut() } {
            *d = influx_dialect {
                header: true,
                delimiter: b',' as c_char,
                annotations: INFLUX_ANNOTATION_DATATYPE
                    | INFLUX_ANNOTATION_GROUP
                    | INFLUX_ANNOTATION_DEFAULT,
                date_time_format: c"RFC3339".as_ptr(),
            };
        }
    })
}

/// # Safety
/// `d` is NULL or a valid `influx_dialect` whose `date_time_format` is NULL or a C string.
unsafe fn dialect_arg(d: *const influx_dialect) -> crate::Result<Dialect> {
    // SAFETY: caller contract.
    let Some(d) = (unsafe { d.as_ref() }) else {
        return Ok(Dialect::default());
    };
    let byte = d.delimiter as u8;
    if byte == 0 || !byte.is_ascii() {
        return Err(Error::invalid_argument(
            "dialect delimiter must be one ASCII character",
        ));
    }
    let known = ANNOTATION_DATATYPE | ANNOTATION_GROUP | ANNOTATION_DEFAULT;
    if d.annotations & !known != 0 {
        return Err(Error::invalid_argument(format!(
            "dialect annotations {:#x}: only INFLUX_ANNOTATION_* bits",
            d.annotations
        )));
    }
    // SAFETY: caller contract.
    let format = unsafe { opt_str_arg(d.date_time_format, "dialect date_time_format") }?;
    Ok(Dialect {
        header: d.header,
        delimiter: char::from(byte),
        annotations: d.annotations,
        date_time_format: format.unwrap_or("RFC3339").to_owned(),
    })
}

/// The common arguments of both opens.
///
/// # Safety
/// Pointers as documented on influx_query_open().
unsafe fn open_with(
    client: *mut influx_client,
    org: *const c_char,
    flux: *const c_char,
    params: *const influx_query_params,
    out: *mut *mut influx_query,
    open: impl FnOnce(
        &crate::query::QueryApi,
        Option<&str>,
        &str,
        Option<&QueryParams>,
    ) -> crate::Result<Mode>,
) -> crate::Result<()> {
    if out.is_null() {
        return Err(Error::invalid_argument("out is NULL"));
    }
    // SAFETY: out is valid for a write (caller contract).
    unsafe { *out = std::ptr::null_mut() };
    // SAFETY: caller contract for every pointer.
    let client =
        unsafe { client.as_ref() }.ok_or_else(|| Error::invalid_argument("client is NULL"))?;
    // SAFETY: as above.
    let org = unsafe { opt_str_arg(org, "org") }?;
    // SAFETY: as above.
    let flux = unsafe { str_arg(flux, "flux") }?;
    // SAFETY: as above.
    let params = unsafe { params.as_ref() }.map(|p| &p.params);
    let mode = open(&client.client.query_api(), org, flux, params)?;
    let q = Box::new(influx_query {
        mode,
        ended: None,
        bytes: RefCell::new(Vec::new()),
        held: None,
        strings: std::collections::HashMap::new(),
    });
    // SAFETY: as above.
    unsafe { *out = Box::into_raw(q) };
    Ok(())
}

/// POST /api/v2/query with the annotated-CSV dialect and open a cursor over the answer.
/// `org` is a name or an ID (NULL: the client's `org`; none at all: no org parameter, as
/// for InfluxDB Cloud); `params` may be NULL and is not kept. Returns once the response
/// headers are in: an HTTP error is reported here (INFLUX_ERR_HTTP,
/// influx_last_http_status(), influx_last_server_message()), nothing of the body has been
/// read yet. On error *out is NULL. Close the query with influx_query_close().
#[no_mangle]
pub extern "C" fn influx_query_open(
    client: *mut influx_client,
    org: *const c_char,
    flux: *const c_char,
    params: *const influx_query_params,
    out: *mut *mut influx_query,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        unsafe {
            open_with(client, org, flux, params, out, |api, org, flux, params| {
                api.query(org, flux, params).map(Mode::Cursor)
            })
        }
    })
}

/// Like influx_query_open() but for influx_query_read_raw(): the body is not parsed.
/// `dialect` NULL means the default dialect.
#[no_mangle]
pub extern "C" fn influx_query_open_raw(
    client: *mut influx_client,
    org: *const c_char,
    flux: *const c_char,
    params: *const influx_query_params,
    dialect: *const influx_dialect,
    out: *mut *mut influx_query,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        unsafe {
            if !out.is_null() {
                *out = std::ptr::null_mut();
            }
            let dialect = dialect_arg(dialect)?;
            open_with(client, org, flux, params, out, |api, org, flux, params| {
                api.query_raw(org, flux, params, &dialect).map(Mode::Raw)
            })
        }
    })
}

/// Stop reading, drop the connection if the body is not finished, free the handle. NULL is
/// a no-op. Every view of the query becomes invalid.
#[no_mangle]
pub extern "C" fn influx_query_close(query: *mut influx_query) {
    // SAFETY: made by an influx_query_open*, not closed before (caller contract).
    guard((), || unsafe { free_handle(query) })
}

// ------------------------------------------------------------------------- reading

/// Advance the cursor: *event is INFLUX_QUERY_TABLE, _RECORD or _END (END repeats). Blocks
/// while reading the network (each read bounded by the client's `timeout`). Errors end the
/// query and are repeated by every later call: INFLUX_ERR_QUERY (Flux error table; see
/// influx_query_error()), INFLUX_ERR_PARSE, INFLUX_ERR_TRANSPORT / INFLUX_ERR_TIMEOUT
/// (connection lost or silent mid-stream). A raw query: INFLUX_ERR_INVALID_ARG. On error
/// *event is INFLUX_QUERY_END.
#[no_mangle]
pub extern "C" fn influx_query_next(
    query: *mut influx_query,
    event: *mut influx_query_event,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let q =
            unsafe { query.as_mut() }.ok_or_else(|| Error::invalid_argument("query is NULL"))?;
        // SAFETY: caller contract.
        let event =
            unsafe { event.as_mut() }.ok_or_else(|| Error::invalid_argument("event is NULL"))?;
        *event = INFLUX_QUERY_END;
        *event = event_code(q.advance("influx_query_next")?);
        Ok(())
    })
}

/// The C code of a cursor event.
pub(super) fn event_code(ev: Event) -> influx_query_event {
    match ev {
        Event::End => INFLUX_QUERY_END,
        Event::Table => INFLUX_QUERY_TABLE,
        Event::Record => INFLUX_QUERY_RECORD,
    }
}

/// Raw query only: copy up to `capacity` (> 0) bytes of the (decompressed) body into buf;
/// *len_out = 0 at the end. Errors (INFLUX_ERR_TRANSPORT, INFLUX_ERR_TIMEOUT) are repeated
/// by every later call. A cursor query: INFLUX_ERR_INVALID_ARG.
#[no_mangle]
pub extern "C" fn influx_query_read_raw(
    query: *mut influx_query,
    buf: *mut c_void,
    capacity: usize,
    len_out: *mut usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let q =
            unsafe { query.as_mut() }.ok_or_else(|| Error::invalid_argument("query is NULL"))?;
        // SAFETY: caller contract.
        let len_out = unsafe { len_out.as_mut() }
            .ok_or_else(|| Error::invalid_argument("len_out is NULL"))?;
        *len_out = 0;
        if buf.is_null() || capacity == 0 {
            return Err(Error::invalid_argument("buf is NULL or capacity is 0"));
        }
        let Mode::Raw(r) = &mut q.mode else {
            return Err(Error::invalid_argument(
                "influx_query_read_raw on a cursor: open it with influx_query_open_raw",
            ));
        };
        // SAFETY: buf is valid for capacity bytes of writes (caller contract).
        let out = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), capacity) };
        match r.read(out) {
            Ok(n) => {
                *len_out = n;
                Ok(())
            }
            Err(e) => {
                q.end(&e);
                Err(e)
            }
        }
    })
}

/// The current table: after a TABLE event and for the records that follow; NULL before the
/// first TABLE, for a raw query and for NULL. Valid until the next TABLE event, the end, an
/// error or influx_query_close().
#[no_mangle]
pub extern "C" fn influx_query_table(query: *const influx_query) -> *const influx_table {
    guard(std::ptr::null(), || {
        // SAFETY: caller contract.
        match unsafe { query.as_ref() }.and_then(influx_query::cursor) {
            Some(c) if c.table().is_some() => query.cast(),
            _ => std::ptr::null(),
        }
    })
}

/// The current record after a RECORD event, else NULL. Valid until the next
/// influx_query_next() or influx_query_close().
#[no_mangle]
pub extern "C" fn influx_query_record(query: *const influx_query) -> *const influx_record {
    guard(std::ptr::null(), || {
        // SAFETY: caller contract.
        match unsafe { query.as_ref() }.and_then(influx_query::cursor) {
            Some(c) if c.record().is_some() => query.cast(),
            _ => std::ptr::null(),
        }
    })
}

/// The error that ended the query (INFLUX_OK if none, INFLUX_ERR_INVALID_ARG for NULL). For
/// INFLUX_ERR_QUERY, *message is the Flux error text and *reference its reference code (""
/// when absent); for other errors *message is the text influx_last_error_message() gave and
/// *reference is "". Either out may be NULL; strings ("" when there is no error) are valid
/// until influx_query_close(). Does not change this thread's last error.
#[no_mangle]
pub extern "C" fn influx_query_error(
    query: *const influx_query,
    message: *mut *const c_char,
    reference: *mut *const c_char,
) -> influx_result {
    guard(super::INFLUX_ERR_INTERNAL, || {
        // SAFETY: caller contract.
        let (code, m, r) = match unsafe { query.as_ref() } {
            None => (Code::InvalidArgument, c"".as_ptr(), c"".as_ptr()),
            Some(q) => match &q.ended {
                None => (Code::Ok, c"".as_ptr(), c"".as_ptr()),
                Some(e) => (e.code, e.message.as_ptr(), e.reference.as_ptr()),
            },
        };
        // SAFETY: each out is NULL or valid for a write (caller contract).
        unsafe {
            if let Some(p) = message.as_mut() {
                *p = m;
            }
            if let Some(p) = reference.as_mut() {
                *p = r;
            }
        }
        code as influx_result
    })
}

// ------------------------------------------------------------------------- tables

/// # Safety
/// `t` is NULL or a view from influx_query_table()/influx_record_table() of a live query.
unsafe fn table_view<'a>(t: *const influx_table) -> Option<&'a Table> {
    // SAFETY: a table view is its query's address (module docs); caller contract.
    unsafe { t.cast::<influx_query>().as_ref() }
        .and_then(influx_query::cursor)
        .and_then(QueryCursor::table)
}

/// # Safety
/// As [`table_view`].
unsafe fn column_view<'a>(t: *const influx_table, column: usize) -> Option<&'a Column> {
    // SAFETY: caller contract.
    unsafe { table_view(t) }.and_then(|t| t.column(column))
}

/// 0-based position of the table among the tables of the response (the seed's
/// FluxRecord.table). 0 for NULL.
#[no_mangle]
pub extern "C" fn influx_table_index(table: *const influx_table) -> usize {
    // SAFETY: caller contract.
    guard(0, || unsafe { table_view(table) }.map_or(0, Table::index))
}

/// true: the table came with its own annotation rows (new schema, new result, or an empty
/// table); false: it shares the previous table's header and only the `table` column
/// changed. The seed starts a new DataFrame exactly at the former. false for NULL.
#[no_mangle]
pub extern "C" fn influx_table_new_block(table: *const influx_table) -> bool {
    // SAFETY: caller contract.
    guard(false, || {
        unsafe { table_view(table) }.is_some_and(Table::new_block)
    })
}

/// Number of columns (0 for NULL).
#[no_mangle]
pub extern "C" fn influx_table_column_count(table: *const influx_table) -> usize {
    // SAFETY: caller contract.
    guard(0, || {
        unsafe { table_view(table) }.map_or(0, Table::column_count)
    })
}

/// The column's label, NUL-terminated; NULL if out of range. Valid as the table.
#[no_mangle]
pub extern "C" fn influx_table_column_name(
    table: *const influx_table,
    column: usize,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: caller contract.
        unsafe { column_view(table, column) }
            .map_or(std::ptr::null(), |c| c.label_with_nul().as_ptr().cast())
    })
}

/// The column's type (INFLUX_COL_UNKNOWN if out of range).
#[no_mangle]
pub extern "C" fn influx_table_column_type(
    table: *const influx_table,
    column: usize,
) -> influx_column_type {
    guard(INFLUX_COL_UNKNOWN, || {
        // SAFETY: caller contract.
        unsafe { column_view(table, column) }.map_or(INFLUX_COL_UNKNOWN, |c| c.column_type().code())
    })
}

/// The column's #datatype text, e.g. "dateTime:RFC3339"; NULL if out of range.
#[no_mangle]
pub extern "C" fn influx_table_column_datatype(
    table: *const influx_table,
    column: usize,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: caller contract.
        unsafe { column_view(table, column) }
            .map_or(std::ptr::null(), |c| c.datatype_with_nul().as_ptr().cast())
    })
}

/// Whether the column is part of the group key (#group true); false if out of range.
#[no_mangle]
pub extern "C" fn influx_table_column_is_group(table: *const influx_table, column: usize) -> bool {
    guard(false, || {
        // SAFETY: caller contract.
        unsafe { column_view(table, column) }.is_some_and(|c| c.is_group())
    })
}

/// The column's #default text ("" if none); NULL if out of range.
#[no_mangle]
pub extern "C" fn influx_table_column_default(
    table: *const influx_table,
    column: usize,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: caller contract.
        unsafe { column_view(table, column) }
            .map_or(std::ptr::null(), |c| c.default_with_nul().as_ptr().cast())
    })
}

/// # Safety
/// `name` is NULL or a C string.
unsafe fn lookup(table: Option<&Table>, name: *const c_char) -> usize {
    // SAFETY: caller contract.
    match (table, unsafe { str_arg(name, "name") }) {
        (Some(t), Ok(name)) => t.column_index(name).unwrap_or(INFLUX_NO_COLUMN),
        _ => INFLUX_NO_COLUMN,
    }
}

/// Index of the last column so named, or INFLUX_NO_COLUMN (also for NULL arguments).
#[no_mangle]
pub extern "C" fn influx_table_column_index(
    table: *const influx_table,
    name: *const c_char,
) -> usize {
    // SAFETY: caller contract.
    guard(INFLUX_NO_COLUMN, || unsafe {
        lookup(table_view(table), name)
    })
}

// ------------------------------------------------------------------------- records

/// # Safety
/// `r` is NULL or a view from influx_query_record() of a live query.
unsafe fn record_view<'a>(
    r: *const influx_record,
) -> crate::Result<(&'a influx_query, Record<'a>)> {
    // SAFETY: a record view is its query's address (module docs); caller contract.
    let q = unsafe { r.cast::<influx_query>().as_ref() }
        .ok_or_else(|| Error::invalid_argument("record is NULL"))?;
    let rec = q
        .cursor()
        .and_then(QueryCursor::record)
        .ok_or_else(|| Error::invalid_argument("no current record (the view is stale)"))?;
    Ok((q, rec))
}

/// The table the record belongs to (NULL for NULL or a stale view).
#[no_mangle]
pub extern "C" fn influx_record_table(record: *const influx_record) -> *const influx_table {
    guard(std::ptr::null(), || {
        // SAFETY: caller contract.
        match unsafe { record_view(record) } {
            Ok(_) => record.cast(),
            Err(_) => std::ptr::null(),
        }
    })
}

/// Index of the last column so named, or INFLUX_NO_COLUMN (also for NULL arguments).
#[no_mangle]
pub extern "C" fn influx_record_column_index(
    record: *const influx_record,
    name: *const c_char,
) -> usize {
    guard(INFLUX_NO_COLUMN, || {
        // SAFETY: caller contract.
        let table = unsafe { record_view(record) }.ok().map(|(_, r)| r.table());
        // SAFETY: caller contract.
        unsafe { lookup(table, name) }
    })
}

/// Whether the cell is null: empty, and its column has no #default (true also for a bad
/// index or record).
#[no_mangle]
pub extern "C" fn influx_record_is_null(record: *const influx_record, column: usize) -> bool {
    guard(true, || {
        // SAFETY: caller contract.
        unsafe { record_view(record) }.map_or(true, |(_, r)| r.is_null(column))
    })
}

/// Run a getter and store its value through `out`.
///
/// # Safety
/// `record` as for [`record_view`]; `out` NULL or valid for a write.
#[inline(always)]
unsafe fn get<T>(
    record: *const influx_record,
    column: usize,
    out: *mut T,
    f: impl FnOnce(&Record<'_>, usize) -> crate::query::QueryResult<T>,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let (_, r) = unsafe { record_view(record) }?;
        if out.is_null() {
            return Err(Error::invalid_argument("out is NULL"));
        }
        let v = f(&r, column)?;
        // SAFETY: non-NULL, valid for a write (caller contract).
        unsafe { out.write(v) };
        Ok(())
    })
}

/// DOUBLE (LONG and ULONG converted). Getters take a column index (INFLUX_NO_COLUMN or out
/// of range: INFLUX_ERR_NOT_FOUND). An empty cell takes its column's #default; if that is
/// empty too the cell is null (INFLUX_ERR_NULL). Another type: INFLUX_ERR_TYPE. Conversion
/// happens on access; a failure (INFLUX_ERR_VALUE) concerns that cell only. A NULL or stale
/// record, or a NULL out: INFLUX_ERR_INVALID_ARG. *out is unchanged on error.
#[no_mangle]
pub extern "C" fn influx_record_get_f64(
    record: *const influx_record,
    column: usize,
    out: *mut f64,
) -> influx_result {
    // SAFETY: caller contract.
    unsafe { get(record, column, out, |r, c| r.get_f64(c)) }
}

/// LONG; ULONG up to INT64_MAX.
#[no_mangle]
pub extern "C" fn influx_record_get_i64(
    record: *const influx_record,
    column: usize,
    out: *mut i64,
) -> influx_result {
    // SAFETY: caller contract.
    unsafe { get(record, column, out, |r, c| r.get_i64(c)) }
}

/// ULONG; LONG from 0.
#[no_mangle]
pub extern "C" fn influx_record_get_u64(
    record: *const influx_record,
    column: usize,
    out: *mut u64,
) -> influx_result {
    // SAFETY: caller contract.
    unsafe { get(record, column, out, |r, c| r.get_u64(c)) }
}

/// BOOL: only the text `true` is true (as the seed).
#[no_mangle]
pub extern "C" fn influx_record_get_bool(
    record: *const influx_record,
    column: usize,
    out: *mut bool,
) -> influx_result {
    // SAFETY: caller contract.
    unsafe { get(record, column, out, |r, c| r.get_bool(c)) }
}

/// TIME: nanoseconds since 1970-01-01T00:00:00Z (UTC).
#[no_mangle]
pub extern "C" fn influx_record_get_time_ns(
    record: *const influx_record,
    column: usize,
    out: *mut i64,
) -> influx_result {
    // SAFETY: caller contract.
    unsafe { get(record, column, out, |r, c| r.get_time_ns(c)) }
}

/// DURATION: nanoseconds (integer text or Go duration syntax).
#[no_mangle]
pub extern "C" fn influx_record_get_duration_ns(
    record: *const influx_record,
    column: usize,
    out: *mut i64,
) -> influx_result {
    // SAFETY: caller contract.
    unsafe { get(record, column, out, |r, c| r.get_duration_ns(c)) }
}

/// The cell's text after #default, NUL-terminated, for any column type; borrowed until the
/// next influx_query_next(). `len_out` may be NULL. Text that is not UTF-8:
/// INFLUX_ERR_VALUE.
#[no_mangle]
pub extern "C" fn influx_record_get_str(
    record: *const influx_record,
    column: usize,
    out: *mut *const c_char,
    len_out: *mut usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let (_, r) = unsafe { record_view(record) }?;
        if out.is_null() {
            return Err(Error::invalid_argument("out is NULL"));
        }
        let s = r.get_str(column)?;
        let with_nul = r.text_with_nul(column)?.unwrap_or(b"\0");
        // SAFETY: out is valid for a write, len_out NULL or valid (caller contract).
        unsafe {
            *out = with_nul.as_ptr().cast();
            if let Some(l) = len_out.as_mut() {
                *l = s.len();
            }
        }
        Ok(())
    })
}

/// Decode a BYTES cell into the query's buffer for `column`; its address and length.
pub(super) fn decode_bytes(
    q: &influx_query,
    r: &Record<'_>,
    column: usize,
) -> crate::Result<(*const u8, usize)> {
    let mut bufs = q
        .bytes
        .try_borrow_mut()
        .map_err(|_| Error::internal("the query's byte buffers are in use"))?;
    if bufs.len() <= column {
        bufs.resize_with(column + 1, Vec::new);
    }
    let buf = &mut bufs[column];
    buf.clear();
    r.get_bytes_into(column, buf)?;
    Ok((buf.as_ptr(), buf.len()))
}

/// BYTES: the decoded base64 bytes; borrowed until the next influx_query_next(). `len_out`
/// must not be NULL.
#[no_mangle]
pub extern "C" fn influx_record_get_bytes(
    record: *const influx_record,
    column: usize,
    out: *mut *const u8,
    len_out: *mut usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let (q, r) = unsafe { record_view(record) }?;
        if out.is_null() || len_out.is_null() {
            return Err(Error::invalid_argument("out or len_out is NULL"));
        }
        let (p, n) = decode_bytes(q, &r, column)?;
        // SAFETY: both valid for a write (caller contract).
        unsafe {
            *out = p;
            *len_out = n;
        }
        Ok(())
    })
}

/// One cell of a record, converted with its column's type.
fn cell(q: &influx_query, r: &Record<'_>, column: usize) -> crate::Result<influx_cell> {
    let col = r.table().column(column).ok_or_else(|| {
        Error::new(
            Code::NotFound,
            format!("no column {column}: the table has {}", r.len()),
        )
    })?;
    let ty = col.column_type();
    let mut c = influx_cell {
        type_: ty.code(),
        null: true,
        v: influx_cell_value { i64: 0 },
        data: std::ptr::null(),
        len: 0,
    };
    if r.is_null(column) {
        return Ok(c);
    }
    c.null = false;
    match ty {
        ColumnType::String | ColumnType::Unknown => {
            let s = r.get_str(column)?;
            c.data = r.text_with_nul(column)?.unwrap_or(b"\0").as_ptr().cast();
            c.len = s.len();
        }
        ColumnType::Double => c.v.f64 = r.get_f64(column)?,
        ColumnType::Long => c.v.i64 = r.get_i64(column)?,
        ColumnType::ULong => c.v.u64 = r.get_u64(column)?,
        ColumnType::Bool => c.v.b = r.get_bool(column)?,
        ColumnType::Time => c.v.ns = r.get_time_ns(column)?,
        ColumnType::Duration => c.v.ns = r.get_duration_ns(column)?,
        ColumnType::Bytes => {
            let (p, n) = decode_bytes(q, r, column)?;
            c.data = p.cast();
            c.len = n;
        }
    }
    Ok(c)
}

/// Convert the first n cells (n = influx_table_column_count() for all) in one call. Null
/// cells are returned with `null` set, not as an error. On INFLUX_ERR_VALUE the cells
/// before the failing one are filled and the message names the column; n larger than the
/// column count: INFLUX_ERR_NOT_FOUND (the existing cells filled). Pointers in the cells
/// are borrowed until the next influx_query_next().
#[no_mangle]
pub extern "C" fn influx_record_get_cells(
    record: *const influx_record,
    cells: *mut influx_cell,
    n: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let (q, r) = unsafe { record_view(record) }?;
        if n == 0 {
            return Ok(());
        }
        if cells.is_null() {
            return Err(Error::invalid_argument("cells is NULL"));
        }
        for i in 0..n {
            let c = cell(q, &r, i)?;
            // SAFETY: cells is valid for n writes (caller contract).
            unsafe { cells.add(i).write(c) };
        }
        Ok(())
    })
}
