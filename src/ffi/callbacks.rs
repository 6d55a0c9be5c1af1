//! C callbacks: the `influx_batch` / `influx_error` views they receive, their types,
//! `influx_conf_set_callbacks`, and the listener that calls them for a write API.

use std::ffi::{c_char, c_void, CString};
use std::time::Duration;

use super::conf::{conf_mut, influx_conf};
use super::{influx_precision, influx_result, result_of, to_cstring};
use crate::error::Error;
use crate::write::{BatchInfo, Listener};

/// Batch information passed to callbacks. Pointers are valid only during the callback.
#[repr(C)]
pub struct influx_batch {
    /// Bucket (NUL-terminated).
    pub bucket: *const c_char,
    /// Organization (NUL-terminated).
    pub org: *const c_char,
    /// Precision of the timestamps in `data`.
    pub precision: influx_precision,
    /// Line protocol, lines separated by '\n'; NOT NUL-terminated.
    pub data: *const c_char,
    /// Length of `data` in bytes.
    pub len: usize,
    /// Number of lines in `data`.
    pub lines: usize,
    /// HTTP attempts made so far (0 if the batch was never sent, e.g. dropped).
    pub attempts: u32,
}

/// Error information passed to the error and retry callbacks. Valid only during the callback.
#[repr(C)]
pub struct influx_error {
    /// INFLUX_ERR_HTTP, _TRANSPORT, _TIMEOUT, _RETRIES_EXHAUSTED, _DROPPED, _TIMED_OUT, ...
    pub code: influx_result,
    /// HTTP status of the last answer (0 if none).
    pub http_status: i32,
    /// Full message (NUL-terminated, never NULL, never contains the token).
    pub message: *const c_char,
    /// The server's error message, "" if none.
    pub server_message: *const c_char,
    /// Whether the failure was retriable under the seed's rules.
    pub retriable: bool,
}

/// Called once for each batch the server acknowledged (2xx).
pub type influx_success_cb =
    Option<extern "C" fn(batch: *const influx_batch, user_data: *mut c_void)>;
/// Called once for each batch that failed for good (or was dropped / not delivered by close).
pub type influx_error_cb = Option<
    extern "C" fn(batch: *const influx_batch, error: *const influx_error, user_data: *mut c_void),
>;
/// Called before each retry of a batch: `retry` is 1 for the first retry, `delay_ms` the wait.
pub type influx_retry_cb = Option<
    extern "C" fn(
        batch: *const influx_batch,
        error: *const influx_error,
        retry: u32,
        delay_ms: u64,
        user_data: *mut c_void,
    ),
>;

/// Set delivery-report callbacks on a write API's conf (any may be NULL). Used only by
/// batching/asynchronous write APIs. Threads: success, retry and error callbacks run on the
/// write API's background thread, except the error callback for a batch dropped under
/// `buffer_full_policy=drop_oldest`, which runs on the thread whose write made room, and for
/// batches close() gives up on, which runs on the closing thread. Callbacks never run
/// concurrently with each other for one write API except those two cases. A callback may
/// call influx_write*() (re-entrant; under policy `block` a full buffer then returns
/// INFLUX_ERR_BUFFER_FULL at once instead of waiting); it must not call influx_flush*() or
/// influx_write_api_close() (they return INFLUX_ERR_INVALID_ARG there). `user_data` must
/// stay valid until influx_write_api_close() returns; no callback runs after that.
#[no_mangle]
pub extern "C" fn influx_conf_set_callbacks(
    conf: *mut influx_conf,
    on_success: influx_success_cb,
    on_error: influx_error_cb,
    on_retry: influx_retry_cb,
    user_data: *mut c_void,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let c = unsafe { conf_mut(conf) }?;
        c.callbacks = Some(Callbacks {
            on_success,
            on_error,
            on_retry,
            user_data: UserData(user_data),
        });
        Ok(())
    })
}

/// `user_data` for C callbacks; the C caller promises thread-safety of what it points to.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub(crate) *mut c_void);
// SAFETY: the pointer is only handed back to the caller's callbacks, which the API documents
// may run on the background thread; the caller is responsible for its thread-safety.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// The C callbacks set with influx_conf_set_callbacks().
pub(crate) struct Callbacks {
    pub(crate) on_success: influx_success_cb,
    pub(crate) on_error: influx_error_cb,
    pub(crate) on_retry: influx_retry_cb,
    pub(crate) user_data: UserData,
}

struct CBatch {
    bucket: CString,
    org: CString,
}

impl CBatch {
    fn new(b: &BatchInfo<'_>) -> CBatch {
        CBatch {
            bucket: to_cstring(b.bucket),
            org: to_cstring(b.org),
        }
    }
    fn raw(&self, b: &BatchInfo<'_>) -> influx_batch {
        influx_batch {
            bucket: self.bucket.as_ptr(),
            org: self.org.as_ptr(),
            precision: b.precision as influx_precision,
            data: b.data.as_ptr().cast(),
            len: b.data.len(),
            lines: b.lines,
            attempts: b.attempts,
        }
    }
}

struct CError {
    message: CString,
    server: CString,
}

impl CError {
    fn new(e: &Error) -> CError {
        CError {
            message: to_cstring(&e.message),
            server: to_cstring(e.server_message.as_deref().unwrap_or("")),
        }
    }
    fn raw(&self, e: &Error) -> influx_error {
        influx_error {
            code: e.code as influx_result,
            http_status: i32::from(e.http_status),
            message: self.message.as_ptr(),
            server_message: self.server.as_ptr(),
            retriable: e.retriable,
        }
    }
}

impl Listener for Callbacks {
    fn on_success(&self, b: &BatchInfo<'_>) {
        if let Some(f) = self.on_success {
            let cb = CBatch::new(b);
            let raw = cb.raw(b);
            f(&raw, self.user_data.0);
        }
    }
    fn on_error(&self, b: &BatchInfo<'_>, e: &Error) {
        if let Some(f) = self.on_error {
            let (cb, ce) = (CBatch::new(b), CError::new(e));
            let (rb, re) = (cb.raw(b), ce.raw(e));
            f(&rb, &re, self.user_data.0);
        }
    }
    fn on_retry(&self, b: &BatchInfo<'_>, e: &Error, retry: u32, delay: Duration) {
        if let Some(f) = self.on_retry {
            let (cb, ce) = (CBatch::new(b), CError::new(e));
            let (rb, re) = (cb.raw(b), ce.raw(e));
            let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            f(&rb, &re, retry, ms, self.user_data.0);
        }
    }
}
