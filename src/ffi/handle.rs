//! Handles, made, checked and freed one way: every C object is one `Box` (`into_handle`
//! hands it out, `free_handle` takes it back; NULL is a no-op), or a `Box` of an `Arc` for
//! objects that are shared (a shape). A function that fails to make a handle records the
//! error (and writes `errstr` where it takes one) and returns NULL.

use std::ffi::c_char;

use super::{clear_last_error, set_last_error, write_errstr};
use crate::error::Error;

/// A new handle for C, or NULL with this thread's last error set.
pub(crate) fn into_handle<T>(r: crate::Result<T>) -> *mut T {
    match r {
        Ok(v) => {
            super::clear_last_error();
            Box::into_raw(Box::new(v))
        }
        Err(e) => {
            set_last_error(&e);
            std::ptr::null_mut()
        }
    }
}

/// Free a handle made by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `p` is NULL or came from `into_handle::<T>` and was not freed before.
pub(crate) unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: caller contract.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// Record `e`, copy its message to `errstr` and return NULL (for functions with `errstr`).
pub(crate) fn fail<T>(e: &Error, errstr: *mut c_char, errstr_size: usize) -> *mut T {
    set_last_error(e);
    // SAFETY: errstr is NULL or valid for errstr_size bytes (caller contract).
    unsafe { write_errstr(errstr, errstr_size, &e.message) };
    std::ptr::null_mut()
}

/// A handle for `r` or NULL with the error (and `errstr`) recorded.
pub(crate) fn into_handle_or_fail<T>(
    r: crate::Result<T>,
    errstr: *mut c_char,
    errstr_size: usize,
) -> *mut T {
    match r {
        Ok(v) => {
            clear_last_error();
            Box::into_raw(Box::new(v))
        }
        Err(e) => fail(&e, errstr, errstr_size),
    }
}
