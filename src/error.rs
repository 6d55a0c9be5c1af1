//! One error type for the whole core. The FFI layer maps [`Code`] to `influx_result`
//! one-to-one; the numbers are part of the C ABI and are never renumbered.

use std::fmt;
use std::time::Duration;

/// Error category. Values equal the C `influx_result` codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    Ok = 0,
    /// A required argument was NULL, empty or out of range.
    InvalidArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// The point cannot be encoded as valid line protocol (no fields, reserved key, ...).
    InvalidPoint = 3,
    /// Unknown configuration key or invalid value.
    Config = 4,
    /// The server answered with a non-2xx HTTP status.
    Http = 5,
    /// Network / TLS / protocol failure before a complete HTTP answer was read.
    Transport = 6,
    /// The HTTP request timed out (client `timeout`).
    Timeout = 7,
    /// The write buffer is full (buffer_full_policy = reject, or block timed out).
    BufferFull = 8,
    /// The write API is closed or closing.
    Closed = 9,
    /// A bounded wait (flush with timeout, close) expired before everything was settled.
    TimedOut = 10,
    /// An internal error (a caught panic, a poisoned lock). Please report it.
    Internal = 11,
    /// A file could not be read (config file, CA certificate).
    Io = 12,
    /// A batch was dropped from the full buffer (buffer_full_policy = drop_oldest).
    Dropped = 13,
    /// Retries were exhausted (max_retries or max_retry_time) for a retriable failure.
    RetriesExhausted = 14,
}

impl Code {
    /// Static, human readable text for a code.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Ok => "success",
            Code::InvalidArgument => "invalid argument",
            Code::InvalidUtf8 => "string is not valid UTF-8",
            Code::InvalidPoint => "invalid point",
            Code::Config => "invalid configuration",
            Code::Http => "HTTP error from server",
            Code::Transport => "transport error",
            Code::Timeout => "request timed out",
            Code::BufferFull => "write buffer is full",
            Code::Closed => "write API is closed",
            Code::TimedOut => "wait timed out",
            Code::Internal => "internal error",
            Code::Io => "I/O error",
            Code::Dropped => "dropped from full buffer",
            Code::RetriesExhausted => "retries exhausted",
        }
    }

    /// All codes, in numeric order.
    pub const ALL: [Code; 15] = [
        Code::Ok,
        Code::InvalidArgument,
        Code::InvalidUtf8,
        Code::InvalidPoint,
        Code::Config,
        Code::Http,
        Code::Transport,
        Code::Timeout,
        Code::BufferFull,
        Code::Closed,
        Code::TimedOut,
        Code::Internal,
        Code::Io,
        Code::Dropped,
        Code::RetriesExhausted,
    ];
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
