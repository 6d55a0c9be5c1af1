//! The C ABI. The only module with `unsafe`: it converts pointers, strings and errors and
//! calls the safe core. Conventions (also in the README and the header):
//!
//! - Every export runs inside [`guard`]: a panic becomes `INFLUX_ERR_INTERNAL` (or NULL),
//!   never an unwind into C.
//! - NULL arguments are reported as `INFLUX_ERR_INVALID_ARG`; `_free`/`_close` accept NULL.
//! - Handles are made, checked and freed one way ([`handle`]); the caller owns them until
//!   passed to their `_free`/`_close` (or a function documented as consuming them).
//! - Detail of the last failed call on this thread: `influx_last_error_message()`,
//!   `influx_last_http_status()`, `influx_last_server_message()`.
#![allow(non_camel_case_types)]
// C callers pass raw pointers to safe `extern "C"` functions; each is checked for NULL and
// documented in the header. This is the usual FFI convention (rustls-ffi does the same).
#![allow(clippy::not_unsafe_ptr_arg_deref)]

//!
//! Files: [`handle`] (handles), [`codes`] (result codes, precisions, version),
//! [`callbacks`] (C callbacks as a write API's listener), then one file per C object
//! family: [`conf`], [`client`], [`write`], [`point`], [`lines`], [`query`].

mod api;
mod callbacks;
mod client;
mod codes;
mod conf;
mod handle;
mod lines;
mod point;
mod query;
mod write;

pub use api::*;
pub use callbacks::*;
pub use client::*;
pub use codes::*;
pub use conf::*;
pub use lines::*;
pub use point::*;
pub use query::*;
pub use write::*;

use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{Code, Error};
use crate::types::Precision;

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

#[cfg(test)]
mod tests {
    use super::*;

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
