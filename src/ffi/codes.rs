//! Result codes, precisions and the version as C sees them. The codes' numbers and texts
//! come from ONE table, `crate::error::Code` (`codes!` in src/error.rs); the constants
//! here are literals because cbindgen reads them from the source, and a test checks each
//! equals the table's.

use std::ffi::{c_char, c_int, CStr};

use super::guard;
use crate::error::Code;

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
/// The server reported a Flux error in the result (an `error,reference` table); message and
/// reference on the query handle.
pub const INFLUX_ERR_QUERY: influx_result = 15;
/// The response is not what the protocol says (annotated CSV, JSON).
pub const INFLUX_ERR_PARSE: influx_result = 16;
/// The accessor does not fit the column's type.
pub const INFLUX_ERR_TYPE: influx_result = 17;
/// The cell is null: empty and its column has no #default.
pub const INFLUX_ERR_NULL: influx_result = 18;
/// The cell's text does not convert to its type (syntax or range).
pub const INFLUX_ERR_VALUE: influx_result = 19;
/// No such column, bucket or organization (HTTP 404 or an empty answer).
pub const INFLUX_ERR_NOT_FOUND: influx_result = 20;

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

/// Static text for a result code ("unknown result code" for unknown values). Never NULL.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn influx_strerror(code: influx_result) -> *const c_char {
    guard(c"unknown result code".as_ptr(), || {
        Code::from_i32(code).map_or(c"unknown result code".as_ptr(), |c| c.as_cstr().as_ptr())
    })
}

/// Library version string, e.g. "0.1.0". Static; never NULL.
#[no_mangle]
pub extern "C" fn influx_version() -> *const c_char {
    const V: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"",
        };
    V.as_ptr()
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
        for &code in Code::ALL {
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
            INFLUX_ERR_QUERY,
            INFLUX_ERR_PARSE,
            INFLUX_ERR_TYPE,
            INFLUX_ERR_NULL,
            INFLUX_ERR_VALUE,
            INFLUX_ERR_NOT_FOUND,
        ];
        assert_eq!(consts.len(), Code::ALL.len());
        for (c, &code) in consts.iter().zip(Code::ALL) {
            assert_eq!(*c, code as c_int, "{code:?}");
        }
        // and the header defines each under the table's name
        let header = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/include/influxdb_client.h"
        ));
        for &code in Code::ALL {
            let def = format!("#define {} {}", code.c_name(), code as c_int);
            assert!(header.contains(&def), "header lacks {def}");
        }
    }

    #[test]
    fn the_header_defines_only_the_c_api() {
        // cbindgen reads the whole crate: a core constant must be excluded (cbindgen.toml),
        // never leak into the C API.
        let header = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/include/influxdb_client.h"
        ));
        for line in header.lines().filter(|l| l.starts_with("#define ")) {
            let name = line.split_whitespace().nth(1).unwrap_or("");
            assert!(
                name.starts_with("INFLUX"),
                "{name}: not a C API name (exclude it in cbindgen.toml)"
            );
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
}
