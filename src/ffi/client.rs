//! `influx_client` and `influx_write_api`: writing to the server.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;
use std::time::Duration;

use super::conf::{
    influx_batch, influx_conf, influx_error, influx_error_cb, influx_retry_cb, influx_success_cb,
};
use super::point::influx_point;
use super::{
    array_arg, guard, influx_precision, influx_result, opt_str_arg, precision_arg, result_of,
    set_last_error, str_arg, write_errstr,
};
use crate::error::{Code, Error};
use crate::writer::{BatchInfo, Client, Listener, WriteApi};

/// A configured client (URL, token, TLS, timeouts). Opaque. Thread-safe: may be shared by
/// threads; free it once with influx_client_free() (write APIs created from it keep what
/// they need, so it may be freed before them).
pub struct influx_client {
    client: Client,
}

/// A write API (synchronous, batching or asynchronous, per `write_type`). Opaque.
/// influx_write*(), influx_flush*() and influx_write_api_stats() are safe to call from many
/// threads at once; influx_write_api_close() must not race with other calls on the handle.
pub struct influx_write_api {
    api: WriteApi,
}

/// Consume a conf (on success and on failure) and take it out of its box.
///
/// # Safety
/// `conf` is NULL or a live, not yet consumed `influx_conf`.
unsafe fn take_conf(conf: *mut influx_conf) -> Option<influx_conf> {
    if conf.is_null() {
        None
    } else {
        // SAFETY: caller contract: we own it from now on.
        Some(*unsafe { Box::from_raw(conf) })
    }
}

fn fail<T>(e: &Error, errstr: *mut c_char, errstr_size: usize) -> *mut T {
    set_last_error(e);
    // SAFETY: errstr is NULL or valid for errstr_size bytes (caller contract).
    unsafe { write_errstr(errstr, errstr_size, &e.message) };
    std::ptr::null_mut()
}

/// Create a client from `conf`, which is ALWAYS consumed (freed), on success and failure.
/// Returns NULL on error with the reason in `errstr` (may be NULL) and
/// influx_last_error_message(). Does not contact the server.
#[no_mangle]
pub extern "C" fn influx_client_new(
    conf: *mut influx_conf,
    errstr: *mut c_char,
    errstr_size: usize,
) -> *mut influx_client {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller contract.
        let Some(c) = (unsafe { take_conf(conf) }) else {
            return fail(
                &Error::invalid_argument("conf is NULL"),
                errstr,
                errstr_size,
            );
        };
        if c.callbacks.is_some() {
            return fail(
                &Error::invalid_argument(
                    "callbacks belong on the write API's conf (influx_write_api_new)",
                ),
                errstr,
                errstr_size,
            );
        }
        match Client::new(&c.conf) {
            Ok(client) => {
                super::clear_last_error();
                Box::into_raw(Box::new(influx_client { client }))
            }
            Err(e) => fail(&e, errstr, errstr_size),
        }
    })
}

/// Free a client. NULL is a no-op. Write APIs created from it stay usable.
#[no_mangle]
pub extern "C" fn influx_client_free(client: *mut influx_client) {
    guard((), || {
        if !client.is_null() {
            // SAFETY: created by influx_client_new, not freed before (caller contract).
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// Create a write API. `write_options` (write options such as write_type, batch_size,
/// default_tags.<name>, and callbacks) is consumed, on success and failure; NULL means the
/// defaults (write_type=batching, as the seed). Write options set on the client's conf are
/// the base that `write_options` overrides. Batching/asynchronous APIs start one background
/// thread. Returns NULL on error (reason in `errstr`, may be NULL).
#[no_mangle]
pub extern "C" fn influx_write_api_new(
    client: *mut influx_client,
    write_options: *mut influx_conf,
    errstr: *mut c_char,
    errstr_size: usize,
) -> *mut influx_write_api {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller contract; consumed even if client is NULL.
        let conf = unsafe { take_conf(write_options) };
        // SAFETY: caller contract.
        let Some(client) = (unsafe { client.as_ref() }) else {
            return fail(
                &Error::invalid_argument("client is NULL"),
                errstr,
                errstr_size,
            );
        };
        let (overrides, listener) = match conf {
            Some(c) => (
                Some(c.conf),
                c.callbacks.map(|cb| Arc::new(cb) as Arc<dyn Listener>),
            ),
            None => (None, None),
        };
        match client.client.write_api(overrides.as_ref(), listener) {
            Ok(api) => {
                super::clear_last_error();
                Box::into_raw(Box::new(influx_write_api { api }))
            }
            Err(e) => fail(&e, errstr, errstr_size),
        }
    })
}

/// # Safety
/// `api` is NULL or a live `influx_write_api`.
pub(crate) unsafe fn api_ref<'a>(api: *const influx_write_api) -> crate::Result<&'a WriteApi> {
    // SAFETY: caller contract; NULL checked.
    unsafe { api.as_ref() }
        .map(|a| &a.api)
        .ok_or_else(|| Error::invalid_argument("write_api is NULL"))
}

/// The write API, bucket and org (NULL = the client's) every write call takes.
///
/// # Safety
/// `api` is NULL or a live `influx_write_api`; `bucket` and `org` are NULL or
/// NUL-terminated strings that outlive `'a`.
pub(crate) unsafe fn write_args<'a>(
    api: *const influx_write_api,
    bucket: *const c_char,
    org: *const c_char,
) -> crate::Result<(&'a WriteApi, &'a str, Option<&'a str>)> {
    // SAFETY: forwarded caller contract.
    unsafe {
        Ok((
            api_ref(api)?,
            str_arg(bucket, "bucket")?,
            opt_str_arg(org, "org")?,
        ))
    }
}

/// Write one point to `bucket` in `org` (NULL = the client's org), with the write API's
/// default tags. Synchronous: returns after the server answered (INFLUX_ERR_HTTP with
/// influx_last_http_status()/influx_last_server_message(), INFLUX_ERR_TRANSPORT,
/// INFLUX_ERR_TIMEOUT). Batching/asynchronous: validates, encodes, copies and returns
/// (INFLUX_ERR_BUFFER_FULL, INFLUX_ERR_CLOSED); the outcome arrives via callbacks. The
/// point is not modified or retained.
#[no_mangle]
pub extern "C" fn influx_write(
    api: *mut influx_write_api,
    bucket: *const c_char,
    org: *const c_char,
    point: *const influx_point,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let (api, bucket, org) = unsafe { write_args(api, bucket, org) }?;
        let p =
            unsafe { point.as_ref() }.ok_or_else(|| Error::invalid_argument("point is NULL"))?;
        api.write_point(bucket, org, p.point())
    })
}

/// Write `n` points (an array of pointers). All are validated first: if one is invalid
/// nothing is written (the error names its index). Points are grouped by precision.
#[no_mangle]
pub extern "C" fn influx_write_points(
    api: *mut influx_write_api,
    bucket: *const c_char,
    org: *const c_char,
    points: *const *const influx_point,
    n: usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let (api, bucket, org) = unsafe { write_args(api, bucket, org) }?;
        // SAFETY: points is NULL or valid for n elements (caller contract).
        let ptrs = unsafe { array_arg(points, n, "points") }?;
        let mut owned = Vec::with_capacity(n);
        for (i, p) in ptrs.iter().enumerate() {
            // SAFETY: each element is NULL or a live point.
            let p = unsafe { p.as_ref() }
                .ok_or_else(|| Error::invalid_argument(format!("points[{i}] is NULL")))?;
            owned.push(p.point());
        }
        api.write_points(bucket, org, &owned)
    })
}

/// Write raw line protocol: `len` bytes of UTF-8 (not NUL-terminated needed), one or more
/// lines separated by '\n', timestamps in `precision`. Default tags are not added (as the
/// seed). Results as influx_write().
#[no_mangle]
pub extern "C" fn influx_write_lp(
    api: *mut influx_write_api,
    bucket: *const c_char,
    org: *const c_char,
    data: *const c_char,
    len: usize,
    precision: influx_precision,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for all pointers.
        let (api, bucket, org) = unsafe { write_args(api, bucket, org) }?;
        let precision = precision_arg(precision)?;
        if data.is_null() {
            return Err(Error::invalid_argument("data is NULL"));
        }
        // SAFETY: data is valid for len bytes (caller contract).
        let bytes = unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) };
        api.write_lp(bucket, org, bytes, precision)
    })
}

/// Block until every point accepted before this call has been delivered or reported failed
/// (its success/error callback has returned). Synchronous mode: returns INFLUX_OK at once.
#[no_mangle]
pub extern "C" fn influx_flush(api: *mut influx_write_api) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        unsafe { api_ref(api) }?.flush(None)
    })
}

/// As influx_flush(), but gives up after `timeout_ms` with INFLUX_ERR_TIMED_OUT (the data
/// stays queued). A negative timeout waits without limit.
#[no_mangle]
pub extern "C" fn influx_flush_timeout(
    api: *mut influx_write_api,
    timeout_ms: i64,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let api = unsafe { api_ref(api) }?;
        let t = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        api.flush(t)
    })
}

/// Counters of a write API, in lines (retries: requests). All zero in synchronous mode.
#[repr(C)]
#[derive(Default)]
pub struct influx_write_stats {
    /// Lines accepted by write calls that returned INFLUX_OK.
    pub accepted: u64,
    /// Lines acknowledged by the server.
    pub written: u64,
    /// Lines reported failed (error callback), excluding dropped.
    pub failed: u64,
    /// Lines dropped from the full buffer (drop_oldest).
    pub dropped: u64,
    /// HTTP retries performed.
    pub retries: u64,
    /// Lines buffered now (queued or in flight).
    pub buffered_lines: u64,
    /// Bytes buffered now.
    pub buffered_bytes: u64,
}

/// Copy the write API's counters into `*out`.
#[no_mangle]
pub extern "C" fn influx_write_api_stats(
    api: *const influx_write_api,
    out: *mut influx_write_stats,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let api = unsafe { api_ref(api) }?;
        // SAFETY: out is NULL or writable (caller contract).
        let out = unsafe { out.as_mut() }.ok_or_else(|| Error::invalid_argument("out is NULL"))?;
        let s = api.stats();
        *out = influx_write_stats {
            accepted: s.accepted,
            written: s.written,
            failed: s.failed,
            dropped: s.dropped,
            retries: s.retries,
            buffered_lines: s.buffered_lines,
            buffered_bytes: s.buffered_bytes,
        };
        Ok(())
    })
}

/// Deliver everything pending (waiting at most max_close_wait, plus at most one request
/// `timeout` already under way), report anything undelivered through the error callback
/// (INFLUX_ERR_TIMED_OUT), stop the background thread, and free the handle — always, even
/// when it returns an error. Returns INFLUX_ERR_TIMED_OUT if something was not delivered in
/// time. NULL is a no-op (INFLUX_OK). No callback runs after it returns. Called from one of
/// this API's own callbacks it does nothing and returns INFLUX_ERR_INVALID_ARG.
#[no_mangle]
pub extern "C" fn influx_write_api_close(api: *mut influx_write_api) -> influx_result {
    result_of(|| {
        if api.is_null() {
            return Ok(());
        }
        // SAFETY: created by influx_write_api_new, not closed before (caller contract).
        let boxed = unsafe { Box::from_raw(api) };
        let r = boxed.api.close();
        if matches!(&r, Err(e) if e.code == Code::InvalidArgument) {
            // Called from a callback: the handle must stay alive for the thread that owns it.
            std::mem::forget(boxed);
        }
        r
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
            bucket: super::to_cstring(b.bucket),
            org: super::to_cstring(b.org),
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
            message: super::to_cstring(&e.message),
            server: super::to_cstring(e.server_message.as_deref().unwrap_or("")),
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
