//! `influx_client`: a configured client.

use std::ffi::c_char;

use super::conf::{influx_conf, take_conf};
use super::guard;
use super::handle::{free_handle, into_handle_or_fail};
use crate::client::Client;
use crate::error::Error;

/// A configured client (URL, token, TLS, timeouts). Opaque. Thread-safe: may be shared by
/// threads; free it once with influx_client_free() (write APIs created from it keep what
/// they need, so it may be freed before them).
pub struct influx_client {
    pub(crate) client: Client,
}

/// Create a client from `conf`, which is ALWAYS consumed (freed), on success and failure.
/// Returns NULL on error with the reason in `errstr` (may be NULL) and
/// influx_last_error_message(). Does not contact the server (with `username` and `password`
/// set, the first request signs in: POST /api/v2/signin, then a session cookie).
#[no_mangle]
pub extern "C" fn influx_client_new(
    conf: *mut influx_conf,
    errstr: *mut c_char,
    errstr_size: usize,
) -> *mut influx_client {
    guard(std::ptr::null_mut(), || {
        // SAFETY: caller contract.
        let r = match unsafe { take_conf(conf) } {
            None => Err(Error::invalid_argument("conf is NULL")),
            Some(c) if c.callbacks.is_some() => Err(Error::invalid_argument(
                "callbacks belong on the write API's conf (influx_write_api_new)",
            )),
            Some(c) => Client::new(&c.conf).map(|client| influx_client { client }),
        };
        into_handle_or_fail(r, errstr, errstr_size)
    })
}

/// Free a client. NULL is a no-op. Write APIs created from it stay usable. A signed-in session
/// (`username`/`password`) is signed out when the last of them is gone (at most 2 s).
#[no_mangle]
pub extern "C" fn influx_client_free(client: *mut influx_client) {
    // SAFETY: created by influx_client_new, not freed before (caller contract).
    guard((), || unsafe { free_handle(client) })
}
