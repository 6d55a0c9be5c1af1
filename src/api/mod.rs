//! Management and status calls of InfluxDB 2.x, as the seed's `ping()`, `health()`,
//! `ready()`, `BucketsApi`, `OrganizationsApi` and `DeleteApi`: synchronous requests answered
//! with JSON (or headers), each within the client's `timeout`.
//!
//! - [`status`]: `GET /ping`, `/health`, `/ready`
//! - [`buckets`]: create (org name resolved to an ID), find by name or ID, list a page, delete
//! - [`orgs`]: find by name, list a page, create, delete, resolve a name to an ID
//! - [`delete`]: `POST /api/v2/delete` (points of a bucket in a time range, with a predicate)
//!
//! Answers are read the same way everywhere: 2xx is success; 404 is [`Code::NotFound`]; any
//! other status is [`Code::Http`] with the status and the server's message; a body that is not
//! the JSON the protocol says is [`Code::Parse`]. No message carries the token.

pub mod buckets;
pub mod delete;
pub mod orgs;
pub mod status;

pub use buckets::{Bucket, BucketPage};
pub use orgs::{Org, OrgPage};
pub use status::{Health, HealthInfo, PingInfo, ReadyInfo};

use std::io::Read;

use serde_json::Value;

use crate::client::Client;
use crate::error::{Code, Error, Result};
use crate::http::{Method, Request, Response};

/// Largest JSON answer read (a page of 100 buckets is about 100 KiB).
const MAX_JSON_BODY: u64 = 16 * 1024 * 1024;

/// Largest page a list call asks for (the server's bound).
pub const MAX_PAGE_LIMIT: i32 = 100;

/// The management calls of one client. Cheap to clone; get one with
/// [`Client::management`].
#[derive(Clone, Debug)]
pub struct ManagementApi {
    client: Client,
}

/// Filters and paging of the list calls (every field optional).
#[derive(Clone, Copy, Debug, Default)]
pub struct ListOptions<'a> {
    /// Buckets only: organization name or ID (else every org the token can read).
    pub org: Option<&'a str>,
    /// Buckets only: only this name.
    pub name: Option<&'a str>,
    /// Buckets only: continue after this ID (exclusive): the last ID of the previous page.
    pub after: Option<&'a str>,
    /// Items to skip (0: none).
    pub offset: i32,
    /// Page size 1..=100; 0: the server's default (20).
    pub limit: i32,
}

impl ListOptions<'_> {
    /// Check offset and limit; the page size the server will use.
    fn checked_limit(&self) -> Result<i32> {
        if self.offset < 0 {
            return Err(Error::invalid_argument(format!(
                "offset {} is negative",
                self.offset
            )));
        }
        if !(0..=MAX_PAGE_LIMIT).contains(&self.limit) {
            return Err(Error::invalid_argument(format!(
                "limit {} is not in 0..=100 (0: the server's default)",
                self.limit
            )));
        }
        Ok(if self.limit == 0 { 20 } else { self.limit })
    }
}

/// The seed's `_is_id`: exactly 16 hexadecimal digits. (An organization *named* with 16 hex
/// digits is taken for an ID, as by the seed.)
pub fn is_id(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl ManagementApi {
    pub(crate) fn new(client: Client) -> ManagementApi {
        ManagementApi { client }
    }

    /// The client's `org` option, if set and not empty.
    fn default_org(&self) -> Option<&str> {
        self.client
            .config()
            .org
            .as_deref()
            .filter(|o| !o.is_empty())
    }

    /// Send a request whose body (if any) is JSON, asking for JSON.
    fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Response> {
        let text = body.map(Value::to_string);
        let with_body = [
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
        ];
        let headers: &[(&str, &str)] = if text.is_some() {
            &with_body
        } else {
            &with_body[..1]
        };
        self.client.http().send(Request {
            query,
            headers,
            body: text.as_deref().map(str::as_bytes),
            // InfluxDB reads gzip request bodies on /api/v2/write only (a gzip bucket or
            // delete body is a 400), and the seed compresses only writes.
            gzip_body: false,
            ..Request::new(method, path)
        })
    }

    /// Send and require a 2xx answer (drained, so the connection is reused).
    fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<()> {
        let resp = checked(self.send(method, path, query, body)?)?;
        resp.drain();
        Ok(())
    }

    /// Send and read the 2xx answer as JSON.
    fn call_json(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value> {
        let resp = checked(self.send(method, path, query, body)?)?;
        read_json(resp, method, path)
    }
}

/// The answer if it is 2xx; else its error (404: [`Code::NotFound`]).
pub(crate) fn checked(resp: Response) -> Result<Response> {
    if resp.is_success() {
        return Ok(resp);
    }
    let mut e = resp.into_error();
    if e.http_status == 404 {
        e.code = Code::NotFound;
    }
    Err(e)
}

/// The body of `resp` as JSON (bounded).
fn read_json(resp: Response, method: Method, path: &str) -> Result<Value> {
    let mut body = Vec::new();
    resp.into_reader()
        .take(MAX_JSON_BODY + 1)
        .read_to_end(&mut body)
        .map_err(|e| crate::http::read_error(&e))?;
    if body.len() as u64 > MAX_JSON_BODY {
        return Err(parse_error(
            method,
            path,
            "the answer is larger than 16 MiB",
        ));
    }
    serde_json::from_slice(&body).map_err(|e| parse_error(method, path, &format!("not JSON: {e}")))
}

fn parse_error(method: Method, path: &str, what: &str) -> Error {
    let m = match method {
        Method::Get => "GET",
        Method::Head => "HEAD",
        Method::Post => "POST",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
    };
    Error::new(
        Code::Parse,
        format!("malformed response to {m} {path}: {what}"),
    )
}

/// A JSON object's member `key` as text: absent or null → "", another type → an error.
fn text_member(obj: &Value, key: &str, what: &str) -> Result<String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Error::new(
            Code::Parse,
            format!("malformed {what}: \"{key}\" is not a string"),
        )),
    }
}

/// A JSON object's member `key` as non-empty text, else a parse error.
fn required_member(obj: &Value, key: &str, what: &str) -> Result<String> {
    let s = text_member(obj, key, what)?;
    if s.is_empty() {
        return Err(Error::new(
            Code::Parse,
            format!("malformed {what}: no \"{key}\""),
        ));
    }
    Ok(s)
}

/// `value[key]` as an array of objects, else a parse error naming `what`.
fn array_member<'v>(value: &'v Value, key: &str, what: &str) -> Result<&'v [Value]> {
    match value.get(key) {
        Some(Value::Array(items)) => Ok(items),
        _ => Err(Error::new(
            Code::Parse,
            format!("malformed {what}: no \"{key}\" array"),
        )),
    }
}

/// A path segment with every byte outside `[A-Za-z0-9._~-]` percent-encoded.
fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A required, non-empty string argument.
fn non_empty<'a>(s: &'a str, what: &str) -> Result<&'a str> {
    if s.is_empty() {
        return Err(Error::invalid_argument(format!("{what} is empty")));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sixteen_hex_digits() {
        assert!(is_id("4b82d64e8a428448"));
        assert!(is_id("0123456789ABCDEF"));
        for not in [
            "",
            "4b82d64e8a42844",
            "4b82d64e8a4284481",
            "4b82d64e8a42844g",
            "my-org",
            "0x82d64e8a428448",
        ] {
            assert!(!is_id(not), "{not}");
        }
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("0123abcd"), "0123abcd");
        assert_eq!(path_segment("../orgs?x=1 é"), "..%2Forgs%3Fx%3D1%20%C3%A9");
    }

    #[test]
    fn list_limits_are_checked() {
        let o = |offset, limit| ListOptions {
            offset,
            limit,
            ..ListOptions::default()
        };
        assert_eq!(o(0, 0).checked_limit().unwrap(), 20);
        assert_eq!(o(5, 100).checked_limit().unwrap(), 100);
        assert_eq!(o(0, 1).checked_limit().unwrap(), 1);
        for bad in [o(-1, 10), o(0, -1), o(0, 101)] {
            assert_eq!(bad.checked_limit().unwrap_err().code, Code::InvalidArgument);
        }
    }

    #[test]
    fn members_are_read_strictly() {
        let v: Value = serde_json::json!({"a": "x", "n": null, "i": 1});
        assert_eq!(text_member(&v, "a", "t").unwrap(), "x");
        assert_eq!(text_member(&v, "n", "t").unwrap(), "");
        assert_eq!(text_member(&v, "missing", "t").unwrap(), "");
        assert_eq!(text_member(&v, "i", "t").unwrap_err().code, Code::Parse);
        assert_eq!(
            required_member(&v, "missing", "t").unwrap_err().code,
            Code::Parse
        );
        assert_eq!(array_member(&v, "a", "t").unwrap_err().code, Code::Parse);
    }
}
