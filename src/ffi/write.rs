//! `influx_write_api`: writing points, line protocol and line buffers; flush, stats, close.

use std::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use super::client::influx_client;
use super::conf::{influx_conf, take_conf};
use super::handle::into_handle_or_fail;
use super::point::{influx_point, point_ref};
use super::{
    array_arg, guard, influx_precision, influx_result, opt_str_arg, precision_arg, result_of,
    str_arg,
};
use crate::error::Error;
use crate::write::{Listener, WriteApi};

/// A write API (synchronous, batching or asynchronous, per `write_type`). Opaque.
/// influx_write*(), influx_flush*() and influx_write_api_stats() are safe to call from many
/// threads at once; influx_write_api_close() must not race with other calls on the handle.
pub struct influx_write_api {
    pub(crate) api: WriteApi,
}

/// Create a write API. `write_options` (write options such as write_type, batch_size,
/// default_tags.<name>, and callbacks) is consumed, on success and failure; NULL means the
/// defaults (write_type=batching, as the seed). Write options set on the client's conf are
/// the base that `write_options` overrides. Batching/asynchronous APIs start one background
/// thread. Returns NULL on error (reason in `errstr`, may be NULL).
///
/// fork(): a write API is not inherited by a child process. In the child, every call on a
/// write API made before the fork returns INFLUX_ERR_CLOSED at once (influx_write_api_close
/// frees the handle's memory only as far as it is safe: the rest is left to process exit);
/// make write APIs in the child after the fork.
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
        let r = match unsafe { client.as_ref() } {
            None => Err(Error::invalid_argument("client is NULL")),
            Some(client) => {
                watch_forks();
                let (overrides, listener) = match conf {
                    Some(c) => (
                        Some(c.conf),
                        c.callbacks.map(|cb| Arc::new(cb) as Arc<dyn Listener>),
                    ),
                    None => (None, None),
                };
                client
                    .client
                    .write_api(overrides.as_ref(), listener)
                    .map(|api| influx_write_api { api })
            }
        };
        into_handle_or_fail(r, errstr, errstr_size)
    })
}

/// In a child process after fork(), tell the core (once registered, by the first write API):
/// write APIs made before the fork then fail with INFLUX_ERR_CLOSED there.
extern "C" fn after_fork_in_child() {
    crate::write::note_fork_in_child();
}

fn watch_forks() {
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        // SAFETY: registers a handler that only does an atomic add (async-signal-safe);
        // the handler is a plain function that lives as long as the library.
        unsafe {
            libc::pthread_atfork(None, None, Some(after_fork_in_child));
        }
    });
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
        // SAFETY: caller contract.
        let p = unsafe { point_ref(point) }?;
        api.write_point(bucket, org, &p)
    })
}

/// Write `n` points (an array of pointers). All are validated first: if one is invalid
/// nothing is written (the error names its index). Points are grouped by precision (one
/// batch or request per precision). Batching and asynchronous: all groups are accepted or,
/// on error (INFLUX_ERR_BUFFER_FULL, INFLUX_ERR_CLOSED), none. Synchronous: one request per
/// precision (ns, us, ms, s); if a later one fails, the earlier ones stay written and the
/// message names the precision that failed.
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
        let mut borrowed = Vec::with_capacity(n);
        for (i, &p) in ptrs.iter().enumerate() {
            if p.is_null() {
                return Err(Error::invalid_argument(format!("points[{i}] is NULL")));
            }
            // SAFETY: a live point (caller contract).
            borrowed.push(unsafe { point_ref(p) }?);
        }
        let refs: Vec<&crate::point::Point> = borrowed.iter().map(|p| &**p).collect();
        api.write_points(bucket, org, &refs)
    })
}

/// Write raw line protocol: `len` bytes of UTF-8 (not NUL-terminated needed), one or more
/// lines separated by '\n', timestamps in `precision`. Default tags are not added (as the
/// seed). The text is checked as the server parses it before anything is queued or sent: a
/// line the server would refuse (a NUL byte, an unterminated string, no field set, a bad
/// field value or timestamp, a reserved or repeated tag key) fails the call with
/// INFLUX_ERR_INVALID_POINT, the message naming the line ("line protocol line N: ..."), and
/// nothing of it is written. Otherwise results as influx_write().
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
/// From any write callback it returns INFLUX_ERR_INVALID_ARG at once (it would wait for
/// itself).
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
/// time. NULL is a no-op (INFLUX_OK). No callback runs after it returns. Called from any write
/// callback (of any write API, on any thread) it does nothing and returns INFLUX_ERR_INVALID_ARG.
#[no_mangle]
pub extern "C" fn influx_write_api_close(api: *mut influx_write_api) -> influx_result {
    result_of(|| {
        if api.is_null() {
            return Ok(());
        }
        // SAFETY: caller contract: a live handle.
        let inner = unsafe { &*api };
        if inner.api.in_callback() {
            // The handle stays alive for the thread that owns it.
            return Err(Error::invalid_argument(
                "influx_write_api_close cannot be called from a write callback",
            ));
        }
        // SAFETY: created by influx_write_api_new, not closed before (caller contract); from
        // here on this call owns it, and frees it whatever close returns.
        let boxed = unsafe { Box::from_raw(api) };
        boxed.api.close()
    })
}
