//! Deleting data: `POST /api/v2/delete`, as the seed's `DeleteApi.delete`.

use serde_json::json;

use super::{non_empty, ManagementApi};
use crate::error::Result;
use crate::http::Method;
use crate::query::convert::format_rfc3339_nanos;

/// The body of `POST /api/v2/delete`: the times as RFC 3339 with 9 fraction digits (UTC).
pub fn delete_body(start_ns: i64, stop_ns: i64, predicate: &str) -> serde_json::Value {
    json!({
        "start": format_rfc3339_nanos(start_ns),
        "stop": format_rfc3339_nanos(stop_ns),
        "predicate": predicate,
    })
}

impl ManagementApi {
    /// Delete the points of `bucket` (name or ID) in `[start_ns, stop_ns]` (ns since the
    /// epoch) that match `predicate` ("": all), e.g. `_measurement="cpu" AND host="a"`.
    /// `org` (name or ID; `None`: the client's, left out if it has none) and `bucket` are sent
    /// as given; the server checks the predicate and the range.
    pub fn delete(
        &self,
        bucket: &str,
        org: Option<&str>,
        start_ns: i64,
        stop_ns: i64,
        predicate: &str,
    ) -> Result<()> {
        let bucket = non_empty(bucket, "bucket")?;
        let mut query = Vec::new();
        if let Some(org) = org.filter(|o| !o.is_empty()).or(self.default_org()) {
            query.push(("org", org));
        }
        query.push(("bucket", bucket));
        let body = delete_body(start_ns, stop_ns, predicate);
        self.call(Method::Post, "/api/v2/delete", &query, Some(&body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_body_has_nanosecond_utc_times() {
        assert_eq!(
            delete_body(0, 1_700_000_000_123_456_789, "_measurement=\"cpu\""),
            json!({"start": "1970-01-01T00:00:00.000000000Z",
                   "stop": "2023-11-14T22:13:20.123456789Z",
                   "predicate": "_measurement=\"cpu\""})
        );
        assert_eq!(
            delete_body(-1, 0, "")["start"],
            json!("1969-12-31T23:59:59.999999999Z")
        );
    }
}
