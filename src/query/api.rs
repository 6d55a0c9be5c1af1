//! Queries over HTTP: `POST /api/v2/query` with the seed's request (API.md §1.3), answered
//! by a pull cursor ([`QueryCursor`]) or raw CSV bytes ([`RawQuery`]).
//!
//! - `open` returns once the status line and headers are in: a non-2xx answer is an error
//!   there ([`Code::Http`] with the status and the server's message, 404 included); nothing
//!   of the body has been read yet.
//! - The body is read only inside [`QueryCursor::next`] / [`RawQuery::read`], one read
//!   buffer at a time, so a slow consumer throttles the server through TCP. Each read is
//!   bounded by the client's `timeout` (streamed request), a long stream is never cut.
//! - Dropping a cursor before the end drops the connection (it is never drained nor
//!   returned to a pool): stopping after 10 rows of a million costs nothing.
//! - With `enable_gzip` the answer is asked for (and read) gzip-compressed; the request
//!   body is sent as is, as the server reads only JSON there.
//! - Read failures are described by their kind and OS error only
//!   ([`crate::http::read_error`]); the token is never in any message.

use std::io::{self, Read};
use std::sync::Arc;

use serde_json::Value as Json;

use super::{
    query_body, raw_query_body, Cursor, CursorOptions, Dialect, Event, QueryError, QueryErrorKind,
    QueryParams, Record, Table,
};
use crate::client::ClientShared;
use crate::error::{Code, Error, Result};
use crate::http::{read_error, Method, Request, Response};

/// The answer's body as the cursor reads it: decompressed, and remembering how its last
/// read failed (kind and OS error, never a message that could quote anything).
pub struct Body {
    inner: Box<dyn Read + Send + Sync + 'static>,
    failure: Option<(io::ErrorKind, Option<i32>)>,
}

impl Body {
    fn new(resp: Response) -> Body {
        Body {
            inner: resp.into_reader(),
            failure: None,
        }
    }

    /// The error of the last failed read, as [`read_error`] describes it.
    fn failure_error(&self) -> Option<Error> {
        self.failure.map(|(kind, os)| {
            let e = match os {
                Some(n) => io::Error::from_raw_os_error(n),
                None => io::Error::from(kind),
            };
            read_error(&e)
        })
    }
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Err(e) if e.kind() != io::ErrorKind::Interrupted => {
                self.failure = Some((e.kind(), e.raw_os_error()));
                Err(e)
            }
            r => r,
        }
    }
}

impl From<&QueryError> for Error {
    /// The crate error for a query-core error: QUERY=15 … NOT_FOUND=20, INVALID_ARG,
    /// TRANSPORT, TIMEOUT. A Flux error's text is also the server message.
    fn from(e: &QueryError) -> Error {
        let code = Code::from_i32(e.kind.code()).unwrap_or(Code::Internal);
        let mut err = Error::new(code, e.to_string());
        if e.kind == QueryErrorKind::Query {
            err.server_message = Some(e.message.clone());
        }
        err
    }
}

impl From<QueryError> for Error {
    fn from(e: QueryError) -> Error {
        Error::from(&e)
    }
}

/// Flux queries against one client's server. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct QueryApi {
    shared: Arc<ClientShared>,
}

impl QueryApi {
    pub(crate) fn new(shared: Arc<ClientShared>) -> QueryApi {
        QueryApi { shared }
    }

    /// Run `flux` and open a cursor over its annotated CSV. `org` is a name or an ID
    /// (`None`: the client's `org`; no org at all: no `org` parameter, as for Cloud).
    pub fn query(
        &self,
        org: Option<&str>,
        flux: &str,
        params: Option<&QueryParams>,
    ) -> Result<QueryCursor> {
        self.query_with_options(org, flux, params, CursorOptions::default())
    }

    /// [`QueryApi::query`] with explicit cursor buffer sizes.
    pub fn query_with_options(
        &self,
        org: Option<&str>,
        flux: &str,
        params: Option<&QueryParams>,
        options: CursorOptions,
    ) -> Result<QueryCursor> {
        let resp = self.post(org, &query_body(flux, params))?;
        Ok(QueryCursor {
            cursor: Cursor::with_options(Body::new(resp), options),
            failed: None,
        })
    }

    /// Run `flux` and hand out the body (CSV of `dialect`) unparsed.
    pub fn query_raw(
        &self,
        org: Option<&str>,
        flux: &str,
        params: Option<&QueryParams>,
        dialect: &Dialect,
    ) -> Result<RawQuery> {
        let body = raw_query_body(flux, params, dialect)?;
        let resp = self.post(org, &body)?;
        Ok(RawQuery {
            body: Body::new(resp),
            failed: None,
            done: false,
        })
    }

    fn post(&self, org: Option<&str>, body: &Json) -> Result<Response> {
        let org = org
            .or(self.shared.config.org.as_deref())
            .filter(|o| !o.is_empty());
        let query: Vec<(&str, &str)> = org.map(|o| ("org", o)).into_iter().collect();
        let http = &self.shared.http;
        let headers = [
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
            (
                "Accept-Encoding",
                if http.gzip() { "gzip" } else { "identity" },
            ),
        ];
        let text = body.to_string();
        let resp = http.send(Request {
            query: &query,
            headers: &headers,
            body: Some(text.as_bytes()),
            stream: true,
            gzip_body: false,
            ..Request::new(Method::Post, "/api/v2/query")
        })?;
        if resp.is_success() {
            Ok(resp)
        } else {
            Err(resp.into_error())
        }
    }
}

/// An open query read as tables and records. Dropping it drops the connection.
pub struct QueryCursor {
    cursor: Cursor<Body>,
    failed: Option<Error>,
}

impl QueryCursor {
    /// Advance: [`Event::Table`], [`Event::Record`] or [`Event::End`] (repeated once
    /// reached). The error that ends the query is repeated by every later call:
    /// [`Code::Query`] (a Flux error table: [`QueryCursor::query_error`] has its message and
    /// reference), [`Code::Parse`], [`Code::Transport`] / [`Code::Timeout`].
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Event> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.cursor.next() {
            Ok(ev) => Ok(ev),
            Err(e) => {
                let err = match e.kind {
                    QueryErrorKind::Transport | QueryErrorKind::Timeout => self
                        .cursor
                        .get_ref()
                        .failure_error()
                        .unwrap_or_else(|| Error::from(&e)),
                    _ => Error::from(&e),
                };
                self.failed = Some(err.clone());
                Err(err)
            }
        }
    }

    /// The current table (after a TABLE event and for its records).
    pub fn table(&self) -> Option<&Table> {
        self.cursor.table()
    }

    /// The current record (after a RECORD event).
    pub fn record(&self) -> Option<Record<'_>> {
        self.cursor.record()
    }

    /// The error that ended the query, if any.
    pub fn error(&self) -> Option<&Error> {
        self.failed.as_ref()
    }

    /// The query-core error that ended the query (for a Flux error: its message and
    /// reference as sent).
    pub fn query_error(&self) -> Option<&QueryError> {
        self.cursor.error()
    }

    /// Bytes held by the cursor's buffers.
    pub fn buffer_bytes(&self) -> usize {
        self.cursor.buffer_bytes()
    }
}

/// An open query whose body is read as bytes. Dropping it drops the connection.
pub struct RawQuery {
    body: Body,
    failed: Option<Error>,
    done: bool,
}

impl RawQuery {
    /// Up to `buf.len()` bytes of the (decompressed) body; 0 at the end (and for an empty
    /// `buf`). A failure is repeated by every later call.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.body.read(buf) {
                Ok(0) => {
                    self.done = true;
                    return Ok(0);
                }
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let err = self.body.failure_error().unwrap_or_else(|| read_error(&e));
                    self.failed = Some(err.clone());
                    return Err(err);
                }
            }
        }
    }
}

impl Read for RawQuery {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        RawQuery::read(self, buf).map_err(|e| io::Error::other(e.message))
    }
}
