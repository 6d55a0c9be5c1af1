//! `influx_conf`: string key/value configuration (keys from CONFIGURATION.md), environment,
//! config files, and the delivery-report callbacks.

use std::ffi::c_char;
use std::path::Path;

use super::callbacks::Callbacks;
use super::handle::free_handle;
use super::{guard, influx_result, result_of, str_arg, write_errstr};
use crate::config::Conf;
use crate::error::Error;

/// Configuration of a client (client options) or of a write API (write options, default
/// tags, callbacks). Opaque; owned by the caller until consumed by influx_client_new() or
/// influx_write_api_new(). Not thread-safe.
pub struct influx_conf {
    pub(crate) conf: Conf,
    pub(crate) callbacks: Option<Callbacks>,
}

/// Create an empty configuration (every option at its default). Never NULL.
#[no_mangle]
pub extern "C" fn influx_conf_new() -> *mut influx_conf {
    guard(std::ptr::null_mut(), || {
        Box::into_raw(Box::new(influx_conf {
            conf: Conf::new(),
            callbacks: None,
        }))
    })
}

/// Free a configuration that was not consumed. NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_conf_free(conf: *mut influx_conf) {
    // SAFETY: created by influx_conf_new, not yet consumed or freed (caller contract).
    guard((), || unsafe { free_handle(conf) })
}

/// Consume a conf (on success and on failure) and take it out of its box.
///
/// # Safety
/// `conf` is NULL or a live, not yet consumed `influx_conf`.
pub(crate) unsafe fn take_conf(conf: *mut influx_conf) -> Option<influx_conf> {
    if conf.is_null() {
        None
    } else {
        // SAFETY: caller contract: we own it from now on.
        Some(*unsafe { Box::from_raw(conf) })
    }
}

/// # Safety
/// `conf` is NULL or a live `influx_conf`.
pub(crate) unsafe fn conf_mut<'a>(conf: *mut influx_conf) -> crate::Result<&'a mut influx_conf> {
    // SAFETY: caller contract; NULL checked.
    unsafe { conf.as_mut() }.ok_or_else(|| Error::invalid_argument("conf is NULL"))
}

/// Run `f`, copying its error message into `errstr` (if not NULL) on failure.
fn with_errstr(
    errstr: *mut c_char,
    errstr_size: usize,
    f: impl FnOnce() -> crate::Result<()>,
) -> influx_result {
    let mut msg = None;
    let rc = result_of(|| f().inspect_err(|e| msg = Some(e.message.clone())));
    if let Some(m) = msg {
        // SAFETY: errstr is NULL or valid for errstr_size bytes (caller contract).
        unsafe { write_errstr(errstr, errstr_size, &m) };
    } else if rc != super::INFLUX_OK {
        // SAFETY: as above.
        unsafe { write_errstr(errstr, errstr_size, "internal error") };
    }
    rc
}

/// Set option `key` to `value` (both UTF-8 strings; see CONFIGURATION.md). The value is
/// validated now: on failure returns INFLUX_ERR_CONFIG and writes the reason to `errstr`
/// (may be NULL; `errstr_size` bytes, always NUL-terminated). `default_tags.<name>` sets a
/// default tag.
#[no_mangle]
pub extern "C" fn influx_conf_set(
    conf: *mut influx_conf,
    key: *const c_char,
    value: *const c_char,
    errstr: *mut c_char,
    errstr_size: usize,
) -> influx_result {
    with_errstr(errstr, errstr_size, || {
        // SAFETY: caller contract for the three pointers.
        let c = unsafe { conf_mut(conf) }?;
        let k = unsafe { str_arg(key, "key") }?;
        let v = unsafe { str_arg(value, "value") }?;
        c.conf.set(k, v)
    })
}

/// Read the seed's environment variables (INFLUXDB_V2_URL, INFLUXDB_V2_TOKEN, INFLUXDB_V2_ORG,
/// INFLUXDB_V2_TIMEOUT, ..., INFLUXDB_V2_TAG_<NAME>) into `conf`; unset variables change
/// nothing.
#[no_mangle]
pub extern "C" fn influx_conf_load_env(
    conf: *mut influx_conf,
    errstr: *mut c_char,
    errstr_size: usize,
) -> influx_result {
    with_errstr(errstr, errstr_size, || {
        // SAFETY: caller contract.
        unsafe { conf_mut(conf) }?.conf.load_env()
    })
}

/// Read a config file (ini, toml or json by extension; section `influx2`, plus `tags`), as
/// the seed's `InfluxDBClient.from_config_file`. INFLUX_ERR_IO if it cannot be read.
#[no_mangle]
pub extern "C" fn influx_conf_load_file(
    conf: *mut influx_conf,
    path: *const c_char,
    errstr: *mut c_char,
    errstr_size: usize,
) -> influx_result {
    with_errstr(errstr, errstr_size, || {
        // SAFETY: caller contract.
        let c = unsafe { conf_mut(conf) }?;
        let p = unsafe { str_arg(path, "path") }?;
        c.conf.load_file(Path::new(p))
    })
}

/// Read option `key` into `buf`: the value as stored (normalized: booleans `true`/`false`,
/// durations in ms), else the default, else "" (unset without default). Secrets (`token`,
/// `cert_key_password`, `password`) read as "***" when set. `*size` is the capacity of `buf` on input
/// and the length needed including the NUL on output; if `buf` is NULL or too small nothing
/// is written and INFLUX_ERR_INVALID_ARG is returned (call again with `*size` bytes).
/// Unknown key: INFLUX_ERR_CONFIG. `default_tags.<name>` reads a default tag.
#[no_mangle]
pub extern "C" fn influx_conf_get(
    conf: *const influx_conf,
    key: *const c_char,
    buf: *mut c_char,
    size: *mut usize,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for the pointers.
        let c = unsafe { conf.as_ref() }.ok_or_else(|| Error::invalid_argument("conf is NULL"))?;
        let k = unsafe { str_arg(key, "key") }?;
        // SAFETY: size is NULL or writable (caller contract).
        let size =
            unsafe { size.as_mut() }.ok_or_else(|| Error::invalid_argument("size is NULL"))?;
        // What Debug shows: no secret, no password inside a URL (decided by the core).
        let value = c.conf.get_shown(k)?;
        let value = value.as_str();
        let needed = value.len() + 1;
        let capacity = std::mem::replace(size, needed);
        if buf.is_null() || capacity < needed {
            return Err(Error::invalid_argument(format!(
                "buffer too small: {needed} bytes needed"
            )));
        }
        // SAFETY: buf is valid for `capacity` >= needed bytes.
        unsafe { write_errstr(buf, capacity, value) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn conf_set_reports_unknown_key_in_errstr() {
        let conf = influx_conf_new();
        let mut buf = [0 as c_char; 128];
        let rc = influx_conf_set(
            conf,
            c"no_such_key".as_ptr(),
            c"1".as_ptr(),
            buf.as_mut_ptr(),
            buf.len(),
        );
        assert_eq!(rc, super::super::INFLUX_ERR_CONFIG);
        // SAFETY: NUL-terminated by write_errstr.
        let msg = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
        assert!(msg.contains("no_such_key"), "{msg}");
        influx_conf_free(conf);
    }

    fn get(conf: *const influx_conf, key: &std::ffi::CStr) -> (influx_result, String) {
        let mut buf = [0 as c_char; 64];
        let mut size = buf.len();
        let rc = influx_conf_get(conf, key.as_ptr(), buf.as_mut_ptr(), &mut size);
        // SAFETY: NUL-terminated on success; zeroed otherwise.
        (
            rc,
            unsafe { CStr::from_ptr(buf.as_ptr()) }
                .to_str()
                .unwrap()
                .to_string(),
        )
    }

    #[test]
    fn conf_get_values_defaults_secrets_and_sizes() {
        let conf = influx_conf_new();
        assert_eq!(get(conf, c"batch_size"), (0, "1000".into()));
        assert_eq!(get(conf, c"token"), (0, "".into()));
        influx_conf_set(
            conf,
            c"token".as_ptr(),
            c"s3cret".as_ptr(),
            std::ptr::null_mut(),
            0,
        );
        assert_eq!(get(conf, c"token"), (0, "***".into()));
        influx_conf_set(
            conf,
            c"enable_gzip".as_ptr(),
            c"YES".as_ptr(),
            std::ptr::null_mut(),
            0,
        );
        assert_eq!(get(conf, c"enable_gzip"), (0, "true".into()));
        assert_eq!(get(conf, c"nope").0, super::super::INFLUX_ERR_CONFIG);
        let mut size = 0usize;
        let rc = influx_conf_get(conf, c"url".as_ptr(), std::ptr::null_mut(), &mut size);
        assert_eq!(rc, super::super::INFLUX_ERR_INVALID_ARG);
        assert_eq!(size, "http://localhost:8086".len() + 1);
        influx_conf_free(conf);
    }

    #[test]
    fn conf_get_shows_what_debug_shows_no_password_in_urls() {
        let conf = influx_conf_new();
        for (k, v) in [
            (c"url", c"http://user:URL-PW-1@db:8086"),
            (c"proxy", c"http://px:PROXY-PW-2@proxy:3128"),
        ] {
            let rc = influx_conf_set(conf, k.as_ptr(), v.as_ptr(), std::ptr::null_mut(), 0);
            assert_eq!(rc, 0);
        }
        let (rc, url) = get(conf, c"url");
        assert_eq!((rc, url.as_str()), (0, "http://***@db:8086"));
        let (rc, proxy) = get(conf, c"proxy");
        assert_eq!((rc, proxy.as_str()), (0, "http://***@proxy:3128"));
        // SAFETY: a live conf.
        let debug = format!("{:?}", unsafe { &(*conf).conf });
        assert!(debug.contains(&url) && debug.contains(&proxy), "{debug}");
        assert!(!debug.contains("PW-"), "{debug}");
        influx_conf_free(conf);
    }

    #[test]
    fn conf_set_null_args() {
        let rc = influx_conf_set(
            std::ptr::null_mut(),
            c"url".as_ptr(),
            c"x".as_ptr(),
            std::ptr::null_mut(),
            0,
        );
        assert_eq!(rc, super::super::INFLUX_ERR_INVALID_ARG);
        influx_conf_free(std::ptr::null_mut());
    }
}
