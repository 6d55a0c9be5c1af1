//! Flux queries: `POST /api/v2/query` ([`api`]) on I/O-free building blocks.
//!
//! - [`csv`]: a streaming annotated-CSV cursor over any [`std::io::Read`] (constant memory,
//!   lazy typed getters), following the cursor rules of the query proposal (API.md §5.3).
//! - [`convert`]: the cell conversions (RFC 3339 times, Go durations, strict base64, 64-bit
//!   integers) and the RFC 3339 formatter used for time parameters.
//! - [`params`]: bind parameters as the seed's Flux `extern` AST, and the request body JSON.
//! - [`api`]: `POST /api/v2/query` through the client's HTTP side: [`QueryApi`] opens a
//!   [`QueryCursor`] or a [`RawQuery`] over the streamed answer.
//!
//! Only [`api`] knows about HTTP; nothing here knows about C. Errors of the I/O-free parts
//! are [`QueryError`]s; their [`QueryErrorKind::code`] is the result code, and [`api`]
//! turns them into the crate's [`crate::Error`].

pub mod api;
pub mod convert;
pub mod csv;
pub mod params;

pub use api::{QueryApi, QueryCursor, RawQuery};
pub use csv::{Column, ColumnType, Cursor, CursorOptions, Event, Record, Table, Value};
pub use params::{query_body, raw_query_body, Dialect, Param, QueryParams};

use std::fmt;

/// What went wrong in a query. [`QueryErrorKind::code`] gives the C result code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryErrorKind {
    /// The server reported a Flux error in-band (an `error,reference` table).
    Query,
    /// The response is not annotated CSV as the protocol says.
    Parse,
    /// The getter does not fit the column's type.
    Type,
    /// The cell is null (empty, and its column has no `#default`).
    Null,
    /// The cell's text does not convert to its column's type (syntax or range).
    Value,
    /// No such column.
    NotFound,
    /// A bad argument (a parameter name that is not a Flux identifier, a non-finite float,
    /// AST text that is not JSON).
    InvalidArgument,
    /// The reader failed (connection lost, TLS, decompression).
    Transport,
    /// The reader timed out (`io::ErrorKind::TimedOut` / `WouldBlock`).
    Timeout,
}

impl QueryErrorKind {
    /// The `influx_result` code: QUERY=15, PARSE=16, TYPE=17, NULL=18, VALUE=19, NOT_FOUND=20;
    /// the existing codes for invalid argument (1), transport (6) and timeout (7).
    pub fn code(self) -> i32 {
        match self {
            QueryErrorKind::Query => 15,
            QueryErrorKind::Parse => 16,
            QueryErrorKind::Type => 17,
            QueryErrorKind::Null => 18,
            QueryErrorKind::Value => 19,
            QueryErrorKind::NotFound => 20,
            QueryErrorKind::InvalidArgument => crate::error::Code::InvalidArgument as i32,
            QueryErrorKind::Transport => crate::error::Code::Transport as i32,
            QueryErrorKind::Timeout => crate::error::Code::Timeout as i32,
        }
    }

    /// Static text for the code (for `influx_strerror`).
    pub fn as_str(self) -> &'static str {
        match self {
            QueryErrorKind::Query => "query failed on the server",
            QueryErrorKind::Parse => "malformed response",
            QueryErrorKind::Type => "the getter does not fit the column type",
            QueryErrorKind::Null => "the cell is null",
            QueryErrorKind::Value => "the cell does not convert to its type",
            QueryErrorKind::NotFound => "not found",
            QueryErrorKind::InvalidArgument => "invalid argument",
            QueryErrorKind::Transport => "transport error",
            QueryErrorKind::Timeout => "request timed out",
        }
    }
}

/// An error of the query core. Cloneable: the cursor repeats its terminal error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    pub kind: QueryErrorKind,
    /// Human readable text. For [`QueryErrorKind::Query`] exactly the Flux message as sent
    /// (possibly empty; [`fmt::Display`] then says "unknown query error").
    pub message: String,
    /// The Flux error's reference (`""` when absent or for other kinds).
    pub reference: String,
    /// The column concerned, for cell errors.
    pub column: Option<usize>,
}

impl QueryError {
    pub fn new(kind: QueryErrorKind, message: impl Into<String>) -> QueryError {
        QueryError {
            kind,
            message: message.into(),
            reference: String::new(),
            column: None,
        }
    }

    pub(crate) fn parse(message: impl Into<String>) -> QueryError {
        QueryError::new(QueryErrorKind::Parse, message)
    }

    pub(crate) fn flux(message: String, reference: String) -> QueryError {
        QueryError {
            kind: QueryErrorKind::Query,
            message,
            reference,
            column: None,
        }
    }

    pub(crate) fn from_io(e: &std::io::Error) -> QueryError {
        let kind = match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                QueryErrorKind::Timeout
            }
            _ => QueryErrorKind::Transport,
        };
        QueryError::new(kind, format!("reading the query response: {e}"))
    }

    pub(crate) fn with_column(mut self, column: usize) -> QueryError {
        self.column = Some(column);
        self
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == QueryErrorKind::Query && self.message.is_empty() {
            f.write_str("unknown query error")
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for QueryError {}

/// Result of the query core.
pub type QueryResult<T> = std::result::Result<T, QueryError>;
