//! The C ABI. The only module with `unsafe`: it converts pointers, strings and errors and
//! calls the safe core. Conventions (also in the README and the header):
//!
//! - Every export runs inside [`guard`]: a panic becomes `INFLUX_ERR_INTERNAL` (or NULL),
//!   never an unwind into C.
//! - NULL arguments are reported as `INFLUX_ERR_INVALID_ARG`; `_free`/`_close` accept NULL.
//! - Handles are `Box`es owned by the caller until passed to their `_free`/`_close` (or a
//!   function documented as consuming them).
//! - Detail of the last failed call on this thread: `influx_last_error_message()`,
//!   `influx_last_http_status()`, `influx_last_server_message()`.
#![allow(non_camel_case_types)]
// C callers pass raw pointers to safe `extern "C"` functions; each is checked for NULL and
// documented in the header. This is the usual FFI convention (rustls-ffi does the same).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod client;
mod conf;
mod lines;
mod point;

pub use client::*;
pub use conf::*;
pub use lines::*;
pub use point::*;

use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Code, Error};
use crate::point::Precision;

/// Result code of every fallible function. `INFLUX_OK` (0) is success; codes are never
/// renumbered. `influx_strerror(code)` gives static text.
pub type influx_result = c_int;

/// Success.
pub const INFLUX_OK: influx_result = 0;
/// A required argument was NULL, empty or out of range.
pub const INFLUX_ERR_INVALID_ARG: influx_result = 1;
/// A string argument was not valid UTF-8.
pub const INFLUX_ERR_INVALID_UTF8: influx_result = 2;
/// The point cannot be encoded as valid line protocol (no fields, reserved key, ...).
pub const INFLUX_ERR_INVALID_POINT: influx_result = 3;
/// Unknown configuration key or invalid value.
pub const INFLUX_ERR_CONFIG: influx_result = 4;
/// The server answered with a non-2xx status (see influx_last_http_status()).
pub const INFLUX_ERR_HTTP: influx_result = 5;
/// Network, TLS or protocol failure before a complete HTTP answer.
pub const INFLUX_ERR_TRANSPORT: influx_result = 6;
/// The HTTP request timed out (client option `timeout`).
pub const INFLUX_ERR_TIMEOUT: influx_result = 7;
/// The write buffer is full (buffer_full_policy reject, or block timed out).
pub const INFLUX_ERR_BUFFER_FULL: influx_result = 8;
/// The write API is closed or closing.
pub const INFLUX_ERR_CLOSED: influx_result = 9;
/// A bounded wait (influx_flush_timeout, close's max_close_wait) expired first.
pub const INFLUX_ERR_TIMED_OUT: influx_result = 10;
/// Internal error (a caught panic). Please report it.
pub const INFLUX_ERR_INTERNAL: influx_result = 11;
/// A file could not be read (config file, certificate).
pub const INFLUX_ERR_IO: influx_result = 12;
/// A batch was dropped from the full buffer (buffer_full_policy = drop_oldest).
pub const INFLUX_ERR_DROPPED: influx_result = 13;
/// Retries exhausted (max_retries or max_retry_time) after retriable failures.
pub const INFLUX_ERR_RETRIES_EXHAUSTED: influx_result = 14;

/// Timestamp precision of a point or of raw line protocol.
pub type influx_precision = c_int;
/// Nanoseconds (the default).
pub const INFLUX_PRECISION_NS: influx_precision = 0;
/// Microseconds.
pub const INFLUX_PRECISION_US: influx_precision = 1;
/// Milliseconds.
pub const INFLUX_PRECISION_MS: influx_precision = 2;
/// Seconds.
pub const INFLUX_PRECISION_S: influx_precision = 3;

/// Library version, major part.
pub const INFLUXDB_CLIENT_VERSION_MAJOR: c_int = 0;
/// Library version, minor part.
pub const INFLUXDB_CLIENT_VERSION_MINOR: c_int = 1;
/// Library version, patch part.
pub const INFLUXDB_CLIENT_VERSION_PATCH: c_int = 0;
/// Library version as 0xMMmmpp00 (compare with influx_version_int() at run time).
pub const INFLUXDB_CLIENT_VERSION: c_int = 0x00010000;

struct LastError {
    code: Code,
    message: CString,
    server_message: CString,
    http_status: c_int,
}

thread_local! {
    static LAST: RefCell<LastError> = RefCell::new(LastError {
        code: Code::Ok,
        message: CString::default(),
        server_message: CString::default(),
        http_status: 0,
    });
    /// True when `LAST` may hold an error (set before `LAST` is written). A `const`
    /// thread-local without destructor: checking it on every successful call costs a load,
    /// where touching `LAST` needs its lazy initialisation and a `RefCell` borrow.
    static LAST_SET: Cell<bool> = const { Cell::new(false) };
}

/// Make a C string, replacing interior NULs (never expected) so nothing is lost silently.
pub(crate) fn to_cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

pub(crate) fn set_last_error(e: &Error) {
    LAST_SET.with(|f| f.set(true));
    LAST.with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.code = e.code;
            l.message = to_cstring(&e.message);
            l.server_message = to_cstring(e.server_message.as_deref().unwrap_or(""));
            l.http_status = c_int::from(e.http_status);
        }
    })
}

#[inline]
pub(crate) fn clear_last_error() {
    // `LAST_SET` is false only while `LAST` holds no error: nothing to do (the common case)
    if LAST_SET.with(Cell::get) {
        clear_last_error_slow();
    }
}

#[cold]
#[inline(never)]
fn clear_last_error_slow() {
    LAST.with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            if l.code != Code::Ok {
                l.code = Code::Ok;
                l.message = CString::default();
                l.server_message = CString::default();
                l.http_status = 0;
            }
            LAST_SET.with(|f| f.set(false));
        }
    })
}

/// Run `f` at the C boundary: a panic becomes `fallback` plus an INTERNAL last error.
/// Inlined into each export, so the body's arguments stay in registers.
#[inline(always)]
pub(crate) fn guard<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => {
            caught_panic();
            fallback
        }
    }
}

#[cold]
#[inline(never)]
fn caught_panic() {
    set_last_error(&Error::internal(
        "internal error: a panic was caught at the C boundary",
    ));
}

/// Record `e` as this thread's last error and return its code (cold: the error path).
#[cold]
#[inline(never)]
fn failed(e: Error) -> influx_result {
    set_last_error(&e);
    e.code as influx_result
}

/// Run a fallible body at the C boundary and turn its outcome into a result code.
#[inline(always)]
pub(crate) fn result_of(f: impl FnOnce() -> crate::Result<()>) -> influx_result {
    guard(INFLUX_ERR_INTERNAL, || match f() {
        Ok(()) => {
            clear_last_error();
            INFLUX_OK
        }
        Err(e) => failed(e),
    })
}

/// Borrow a C string as UTF-8. NULL → INVALID_ARG naming `what`.
///
/// One `strlen` (libc's vectorised one), then an 8-bytes-at-a-time ASCII check; only strings
/// with non-ASCII bytes go through full UTF-8 validation.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
#[inline]
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, what: &str) -> crate::Result<&'a str> {
    if p.is_null() {
        return Err(null_arg(what));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    if is_ascii(bytes) {
        // SAFETY: every byte is below 0x80, and ASCII text is valid UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    utf8_arg(bytes, what)
}

#[cold]
#[inline(never)]
fn null_arg(what: &str) -> Error {
    Error::invalid_argument(format!("{what} is NULL"))
}

/// The non-ASCII path of [`str_arg`]: full validation.
#[inline(never)]
fn utf8_arg<'a>(bytes: &'a [u8], what: &str) -> crate::Result<&'a str> {
    std::str::from_utf8(bytes)
        .map_err(|e| Error::new(Code::InvalidUtf8, format!("{what} is not valid UTF-8: {e}")))
}

/// Whether every byte of `s` is below 0x80, reading whole words (bytes may be read twice).
#[inline(always)]
fn is_ascii(s: &[u8]) -> bool {
    const HI: u64 = 0x8080_8080_8080_8080;
    let word = |at: usize| {
        s.get(at..at + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let half = |at: usize| {
        s.get(at..at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, |b| u64::from(u32::from_le_bytes(b)))
    };
    let n = s.len();
    if n >= 8 {
        let mut acc = word(n - 8);
        let mut i = 0;
        while i + 8 < n {
            acc |= word(i);
            i += 8;
        }
        return acc & HI == 0;
    }
    if n >= 4 {
        return (half(0) | half(n - 4)) & HI == 0;
    }
    s.iter().fold(0u8, |a, &b| a | b) & 0x80 == 0
}

/// Like [`str_arg`] but NULL gives `None`.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    p: *const c_char,
    what: &str,
) -> crate::Result<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { str_arg(p, what) }.map(Some)
    }
}

/// `n` elements at `p` (NULL allowed only when `n` is 0).
///
/// # Safety
/// `p` is NULL or valid for `n` reads of `T` for `'a`.
pub(crate) unsafe fn array_arg<'a, T>(p: *const T, n: usize, what: &str) -> crate::Result<&'a [T]> {
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Error::invalid_argument(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and valid for n elements (caller contract).
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

pub(crate) fn precision_arg(p: influx_precision) -> crate::Result<Precision> {
    Precision::from_i32(p).ok_or_else(|| {
        Error::invalid_argument(format!(
            "precision {p} is not one of INFLUX_PRECISION_NS/US/MS/S (0..3)"
        ))
    })
}

/// Copy `msg` into the caller's `errstr` buffer (truncated at a UTF-8 boundary, always
/// NUL-terminated). NULL or size 0 does nothing.
///
/// # Safety
/// `buf` is NULL or valid for `size` bytes of writes.
pub(crate) unsafe fn write_errstr(buf: *mut c_char, size: usize, msg: &str) {
    if buf.is_null() || size == 0 {
        return;
    }
    let mut n = msg.len().min(size - 1);
    while !msg.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: buf is valid for `size` bytes and n + 1 <= size.
    unsafe {
        std::ptr::copy_nonoverlapping(msg.as_ptr(), buf.cast::<u8>(), n);
        *buf.add(n) = 0;
    }
}

/// Static text for a result code ("unknown result code" for unknown values). Never NULL.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn influx_strerror(code: influx_result) -> *const c_char {
    static TEXTS: [&CStr; 15] = [
        c"success",
        c"invalid argument",
        c"string is not valid UTF-8",
        c"invalid point",
        c"invalid configuration",
        c"HTTP error from server",
        c"transport error",
        c"request timed out",
        c"write buffer is full",
        c"write API is closed",
        c"wait timed out",
        c"internal error",
        c"I/O error",
        c"dropped from full buffer",
        c"retries exhausted",
    ];
    usize::try_from(code)
        .ok()
        .and_then(|i| TEXTS.get(i))
        .map_or(c"unknown result code".as_ptr(), |s| s.as_ptr())
}

/// Message of the last failed call made on this thread ("" if the last call succeeded).
/// Valid until the next influx_* call on this thread. Never NULL. Never contains the token.
#[no_mangle]
pub extern "C" fn influx_last_error_message() -> *const c_char {
    guard(c"".as_ptr(), || LAST.with(|l| l.borrow().message.as_ptr()))
}

/// HTTP status of the last failed call on this thread (0 if it got no HTTP answer).
#[no_mangle]
pub extern "C" fn influx_last_http_status() -> c_int {
    guard(0, || LAST.with(|l| l.borrow().http_status))
}

/// The server's error `message` (JSON body) of the last failed call on this thread, or ""
/// if there was none. Valid until the next influx_* call on this thread. Never NULL.
#[no_mangle]
pub extern "C" fn influx_last_server_message() -> *const c_char {
    guard(c"".as_ptr(), || {
        LAST.with(|l| l.borrow().server_message.as_ptr())
    })
}

/// Library version string, e.g. "0.1.0". Static; never NULL.
#[no_mangle]
pub extern "C" fn influx_version() -> *const c_char {
    // Kept equal to the Cargo version by the `version_constants_match_cargo` test.
    c"0.1.0".as_ptr()
}

/// Library version as 0xMMmmpp00 (same layout as INFLUXDB_CLIENT_VERSION).
#[no_mangle]
pub extern "C" fn influx_version_int() -> c_int {
    INFLUXDB_CLIENT_VERSION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_matches_core_text_for_every_code() {
        for code in Code::ALL {
            // SAFETY: influx_strerror returns a static NUL-terminated string.
            let s = unsafe { CStr::from_ptr(influx_strerror(code as c_int)) };
            assert_eq!(s.to_str().unwrap(), code.as_str());
        }
        // SAFETY: as above.
        let s = unsafe { CStr::from_ptr(influx_strerror(9999)) };
        assert_eq!(s.to_str().unwrap(), "unknown result code");
        // SAFETY: as above.
        let s = unsafe { CStr::from_ptr(influx_strerror(-1)) };
        assert_eq!(s.to_str().unwrap(), "unknown result code");
    }

    #[test]
    fn result_constants_equal_core_codes() {
        let consts = [
            INFLUX_OK,
            INFLUX_ERR_INVALID_ARG,
            INFLUX_ERR_INVALID_UTF8,
            INFLUX_ERR_INVALID_POINT,
            INFLUX_ERR_CONFIG,
            INFLUX_ERR_HTTP,
            INFLUX_ERR_TRANSPORT,
            INFLUX_ERR_TIMEOUT,
            INFLUX_ERR_BUFFER_FULL,
            INFLUX_ERR_CLOSED,
            INFLUX_ERR_TIMED_OUT,
            INFLUX_ERR_INTERNAL,
            INFLUX_ERR_IO,
            INFLUX_ERR_DROPPED,
            INFLUX_ERR_RETRIES_EXHAUSTED,
        ];
        assert_eq!(consts.len(), Code::ALL.len());
        for (c, code) in consts.iter().zip(Code::ALL) {
            assert_eq!(*c, code as c_int, "{code:?}");
        }
    }

    #[test]
    fn version_constants_match_cargo() {
        let v = format!(
            "{INFLUXDB_CLIENT_VERSION_MAJOR}.{INFLUXDB_CLIENT_VERSION_MINOR}.{INFLUXDB_CLIENT_VERSION_PATCH}"
        );
        assert_eq!(v, crate::VERSION);
        let packed = (INFLUXDB_CLIENT_VERSION_MAJOR << 24)
            | (INFLUXDB_CLIENT_VERSION_MINOR << 16)
            | (INFLUXDB_CLIENT_VERSION_PATCH << 8);
        assert_eq!(packed, INFLUXDB_CLIENT_VERSION);
        // SAFETY: static string.
        assert_eq!(
            unsafe { CStr::from_ptr(influx_version()) }
                .to_str()
                .unwrap(),
            crate::VERSION
        );
    }

    #[test]
    fn str_arg_checks_utf8_at_every_length_and_position() {
        for len in 0..24usize {
            for pos in 0..len.max(1) {
                for bad in [None, Some(0x80u8), Some(0xff), Some(0x7f)] {
                    let mut s = vec![b'a'; len];
                    if let (Some(b), Some(x)) = (bad, s.get_mut(pos)) {
                        *x = b;
                    }
                    let c = CString::new(s.clone()).unwrap();
                    // SAFETY: c is a live NUL-terminated string.
                    let r = unsafe { str_arg(c.as_ptr(), "k") };
                    match std::str::from_utf8(&s) {
                        Ok(want) => assert_eq!(r.unwrap(), want),
                        Err(_) => {
                            let e = r.unwrap_err();
                            assert_eq!(e.code, Code::InvalidUtf8);
                            assert!(
                                e.message.starts_with("k is not valid UTF-8"),
                                "{}",
                                e.message
                            );
                        }
                    }
                }
            }
        }
        let c = CString::new("žluťoučký kůň €").unwrap();
        // SAFETY: as above.
        assert_eq!(
            unsafe { str_arg(c.as_ptr(), "k") }.unwrap(),
            "žluťoučký kůň €"
        );
        // SAFETY: NULL is allowed.
        let e = unsafe { str_arg(std::ptr::null(), "tag key") }.unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (Code::InvalidArgument, "tag key is NULL")
        );
    }

    #[test]
    fn last_error_is_cleared_by_the_next_success() {
        let c = CString::new("ok").unwrap();
        let bad = CString::new("#x").unwrap();
        for _ in 0..2 {
            assert!(influx_point_new(bad.as_ptr()).is_null());
            // SAFETY: static NUL-terminated string.
            let msg = unsafe { CStr::from_ptr(influx_last_error_message()) };
            assert!(msg.to_str().unwrap().contains("comment"));
            let p = influx_point_new(c.as_ptr());
            assert!(!p.is_null());
            // SAFETY: as above.
            assert_eq!(
                unsafe { CStr::from_ptr(influx_last_error_message()) }.to_bytes(),
                b""
            );
            influx_point_free(p);
        }
    }

    #[test]
    fn errstr_truncates_at_char_boundary_and_terminates() {
        let mut buf = [0x7f as c_char; 6];
        // SAFETY: buf is 6 bytes.
        unsafe { write_errstr(buf.as_mut_ptr(), buf.len(), "abcé€xyz") };
        // SAFETY: NUL-terminated by write_errstr.
        let s = unsafe { CStr::from_ptr(buf.as_ptr()) };
        assert_eq!(s.to_str().unwrap(), "abcé");
    }
}
