//! One error type for the whole core. The FFI layer maps [`Code`] to `influx_result`
//! one-to-one; the numbers are part of the C ABI and are never renumbered.

use std::fmt;
use std::time::Duration;

/// The one table of result codes: number, name, C constant (`src/ffi/codes.rs`, checked by
/// a test) and the static text `influx_strerror` returns. Numbers are part of the C ABI and
/// never change.
macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $name:ident = $n:literal, $c:literal, $text:literal; )*) => {
        /// Error category. Values equal the C `influx_result` codes.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $( $(#[doc = $doc])* $name = $n, )*
        }

        impl Code {
            /// All codes, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// Static, human readable text for a code.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $text,)* }
            }

            /// The same text, NUL-terminated (for C).
            pub fn as_cstr(self) -> &'static std::ffi::CStr {
                match self {
                    $(Code::$name => match std::ffi::CStr::from_bytes_with_nul(
                        concat!($text, "\0").as_bytes(),
                    ) {
                        Ok(s) => s,
                        Err(_) => c"",
                    },)*
                }
            }

            /// The name of the C constant (`INFLUX_OK`, `INFLUX_ERR_...`).
            pub fn c_name(self) -> &'static str {
                match self { $(Code::$name => $c,)* }
            }

            /// The code with this number.
            pub fn from_i32(n: i32) -> Option<Code> {
                match n { $($n => Some(Code::$name),)* _ => None }
            }
        }
    };
}

codes! {
    Ok = 0, "INFLUX_OK", "success";
    /// A required argument was NULL, empty or out of range.
    InvalidArgument = 1, "INFLUX_ERR_INVALID_ARG", "invalid argument";
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2, "INFLUX_ERR_INVALID_UTF8", "string is not valid UTF-8";
    /// The point cannot be encoded as valid line protocol (no fields, reserved key, ...).
    InvalidPoint = 3, "INFLUX_ERR_INVALID_POINT", "invalid point";
    /// Unknown configuration key or invalid value.
    Config = 4, "INFLUX_ERR_CONFIG", "invalid configuration";
    /// The server answered with a non-2xx HTTP status.
    Http = 5, "INFLUX_ERR_HTTP", "HTTP error from server";
    /// Network / TLS / protocol failure before a complete HTTP answer was read.
    Transport = 6, "INFLUX_ERR_TRANSPORT", "transport error";
    /// The HTTP request timed out (client `timeout`).
    Timeout = 7, "INFLUX_ERR_TIMEOUT", "request timed out";
    /// The write buffer is full (buffer_full_policy = reject, or block timed out).
    BufferFull = 8, "INFLUX_ERR_BUFFER_FULL", "write buffer is full";
    /// The write API is closed or closing.
    Closed = 9, "INFLUX_ERR_CLOSED", "write API is closed";
    /// A bounded wait (flush with timeout, close) expired before everything was settled.
    TimedOut = 10, "INFLUX_ERR_TIMED_OUT", "wait timed out";
    /// An internal error (a caught panic, a poisoned lock). Please report it.
    Internal = 11, "INFLUX_ERR_INTERNAL", "internal error";
    /// A file could not be read (config file, CA certificate).
    Io = 12, "INFLUX_ERR_IO", "I/O error";
    /// A batch was dropped from the full buffer (buffer_full_policy = drop_oldest).
    Dropped = 13, "INFLUX_ERR_DROPPED", "dropped from full buffer";
    /// Retries were exhausted (max_retries or max_retry_time) for a retriable failure.
    RetriesExhausted = 14, "INFLUX_ERR_RETRIES_EXHAUSTED", "retries exhausted";
    /// The server reported a Flux error in the result (an `error,reference` table).
    Query = 15, "INFLUX_ERR_QUERY", "query error reported by the server";
    /// The response is not what the protocol says (annotated CSV, JSON).
    Parse = 16, "INFLUX_ERR_PARSE", "malformed response";
    /// The accessor does not fit the column's type.
    Type = 17, "INFLUX_ERR_TYPE", "wrong type for this column";
    /// The cell is null: empty and its column has no `#default`.
    Null = 18, "INFLUX_ERR_NULL", "value is null";
    /// The cell's text does not convert to its type (syntax or range).
    Value = 19, "INFLUX_ERR_VALUE", "value does not convert";
    /// No such column, bucket or organization (HTTP 404 or an empty answer).
    NotFound = 20, "INFLUX_ERR_NOT_FOUND", "not found";
}

/// An error with its category and detail. Never contains the token.
#[derive(Clone, PartialEq)]
pub struct Error {
    pub code: Code,
    /// Full human readable message.
    pub message: String,
    /// HTTP status, 0 if no HTTP answer was received.
    pub http_status: u16,
    /// The server's `message` from its JSON error body (or the body text), if any.
    pub server_message: Option<String>,
    /// Whether the seed's retry rules consider this failure retriable.
    pub retriable: bool,
    /// The server's `Retry-After`, if it sent one.
    pub retry_after: Option<Duration>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            http_status: 0,
            server_message: None,
            retriable: false,
            retry_after: None,
        }
    }
    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(Code::InvalidArgument, message)
    }
    pub fn invalid_point(message: impl Into<String>) -> Error {
        Error::new(Code::InvalidPoint, message)
    }
    pub fn config(message: impl Into<String>) -> Error {
        Error::new(Code::Config, message)
    }
    pub fn io(message: impl Into<String>) -> Error {
        Error::new(Code::Io, message)
    }
    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(Code::Internal, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("http_status", &self.http_status)
            .field("server_message", &self.server_message)
            .field("retriable", &self.retriable)
            .finish()
    }
}

impl std::error::Error for Error {}
