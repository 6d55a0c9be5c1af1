//! Buckets (`/api/v2/buckets`), as the seed's `BucketsApi`.

use serde_json::{json, Value};

use super::{
    array_member, is_id, non_empty, path_segment, required_member, text_member, ListOptions,
    ManagementApi,
};
use crate::error::{Code, Error, Result};
use crate::http::Method;

/// A bucket as the server describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    /// 16 hex digits.
    pub id: String,
    pub org_id: String,
    pub name: String,
    /// "" if none.
    pub description: String,
    /// "user" or "system".
    pub kind: String,
    /// `everySeconds` of the "expire" rule; 0: kept forever.
    pub retention_seconds: i64,
    /// `shardGroupDurationSeconds` of that rule; 0: not reported.
    pub shard_group_duration_seconds: i64,
    /// RFC 3339 text as sent, "" if absent.
    pub created_at: String,
    pub updated_at: String,
    /// The object as sent (compact JSON), for the fields not mapped here.
    pub json: String,
}

/// One page of buckets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BucketPage {
    pub buckets: Vec<Bucket>,
    /// The server offers a next page (`links.next`); ask for it with `after` = the last ID.
    pub more: bool,
}

impl Bucket {
    /// A bucket from its JSON object.
    pub fn from_json(v: &Value) -> Result<Bucket> {
        let what = "bucket";
        if !v.is_object() {
            return Err(Error::new(
                Code::Parse,
                "malformed bucket: not a JSON object",
            ));
        }
        let mut b = Bucket {
            id: required_member(v, "id", what)?,
            org_id: text_member(v, "orgID", what)?,
            name: required_member(v, "name", what)?,
            description: text_member(v, "description", what)?,
            kind: text_member(v, "type", what)?,
            created_at: text_member(v, "createdAt", what)?,
            updated_at: text_member(v, "updatedAt", what)?,
            json: v.to_string(),
            ..Bucket::default()
        };
        let rules: &[Value] = match v.get("retentionRules") {
            None | Some(Value::Null) => &[],
            Some(Value::Array(r)) => r,
            Some(_) => {
                return Err(Error::new(
                    Code::Parse,
                    "malformed bucket: \"retentionRules\" is not an array",
                ))
            }
        };
        let seconds = |rule: &Value, key: &str| -> Result<i64> {
            match rule.get(key) {
                None | Some(Value::Null) => Ok(0),
                Some(n) => n.as_i64().ok_or_else(|| {
                    Error::new(
                        Code::Parse,
                        format!("malformed bucket: \"{key}\" is not an integer"),
                    )
                }),
            }
        };
        // The server keeps at most one rule, of type "expire" (the type may be left out).
        if let Some(rule) = rules
            .iter()
            .find(|r| r.get("type").and_then(Value::as_str).unwrap_or("expire") == "expire")
        {
            b.retention_seconds = seconds(rule, "everySeconds")?;
            b.shard_group_duration_seconds = seconds(rule, "shardGroupDurationSeconds")?;
        }
        Ok(b)
    }
}

fn buckets_of(v: &Value) -> Result<Vec<Bucket>> {
    array_member(v, "buckets", "bucket list")?
        .iter()
        .map(Bucket::from_json)
        .collect()
}

/// The body of `POST /api/v2/buckets` with the seed's members and values (`"rp":"0"`,
/// description left out when there is none, one "expire" rule or none).
pub fn create_body(
    org_id: &str,
    name: &str,
    description: Option<&str>,
    retention_seconds: i64,
    shard_group_duration_seconds: i64,
) -> Value {
    let mut body = json!({ "orgID": org_id, "name": name });
    if let Some(d) = description {
        body["description"] = json!(d);
    }
    body["rp"] = json!("0");
    let mut rules = Vec::new();
    if retention_seconds > 0 || shard_group_duration_seconds > 0 {
        let mut rule = json!({ "type": "expire", "everySeconds": retention_seconds });
        if shard_group_duration_seconds > 0 {
            rule["shardGroupDurationSeconds"] = json!(shard_group_duration_seconds);
        }
        rules.push(rule);
    }
    body["retentionRules"] = Value::Array(rules);
    body
}

impl ManagementApi {
    /// `POST /api/v2/buckets`. `org` (`None`: the client's) is resolved to an ID as the seed
    /// does ([`ManagementApi::resolve_org_id`]); `retention_seconds` 0 keeps data forever,
    /// `shard_group_duration_seconds` 0 leaves it to the server.
    pub fn create_bucket(
        &self,
        org: Option<&str>,
        name: &str,
        description: Option<&str>,
        retention_seconds: i64,
        shard_group_duration_seconds: i64,
    ) -> Result<Bucket> {
        let name = non_empty(name, "bucket name")?;
        if retention_seconds < 0 || shard_group_duration_seconds < 0 {
            return Err(Error::invalid_argument(format!(
                "retention_seconds ({retention_seconds}) and shard_group_duration_seconds \
                 ({shard_group_duration_seconds}) must not be negative"
            )));
        }
        let org_id = self.resolve_org_id(org)?;
        let body = create_body(
            &org_id,
            name,
            description,
            retention_seconds,
            shard_group_duration_seconds,
        );
        let v = self.call_json(Method::Post, "/api/v2/buckets", &[], Some(&body))?;
        Bucket::from_json(&v)
    }

    /// `GET /api/v2/buckets?name=<name>` plus `orgID=` (an ID) or `org=` (a name) when `org`
    /// is given: the first bucket so named, [`Code::NotFound`] if none (404 or an empty list).
    pub fn find_bucket(&self, org: Option<&str>, name: &str) -> Result<Bucket> {
        let name = non_empty(name, "bucket name")?;
        let mut query = vec![("name", name)];
        if let Some(org) = org.filter(|o| !o.is_empty()) {
            query.push((if is_id(org) { "orgID" } else { "org" }, org));
        }
        let v = self.call_json(Method::Get, "/api/v2/buckets", &query, None)?;
        buckets_of(&v)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::new(Code::NotFound, format!("bucket \"{name}\" not found")))
    }

    /// `GET /api/v2/buckets/{id}` ([`Code::NotFound`] if there is none).
    pub fn find_bucket_by_id(&self, id: &str) -> Result<Bucket> {
        let id = non_empty(id, "bucket id")?;
        let path = format!("/api/v2/buckets/{}", path_segment(id));
        let v = self.call_json(Method::Get, &path, &[], None)?;
        Bucket::from_json(&v)
    }

    /// `GET /api/v2/buckets` with the options: one page (the seed's `find_buckets`).
    pub fn list_buckets(&self, opts: &ListOptions<'_>) -> Result<BucketPage> {
        opts.checked_limit()?;
        let (offset, limit) = (opts.offset.to_string(), opts.limit.to_string());
        let mut query = Vec::new();
        if opts.offset > 0 {
            query.push(("offset", offset.as_str()));
        }
        if opts.limit > 0 {
            query.push(("limit", limit.as_str()));
        }
        if let Some(after) = opts.after.filter(|a| !a.is_empty()) {
            query.push(("after", after));
        }
        if let Some(org) = opts.org.filter(|o| !o.is_empty()) {
            query.push((if is_id(org) { "orgID" } else { "org" }, org));
        }
        if let Some(name) = opts.name.filter(|n| !n.is_empty()) {
            query.push(("name", name));
        }
        let v = self.call_json(Method::Get, "/api/v2/buckets", &query, None)?;
        let buckets = buckets_of(&v)?;
        let more = v
            .get("links")
            .and_then(|l| l.get("next"))
            .is_some_and(|n| n.as_str().is_some_and(|s| !s.is_empty()));
        Ok(BucketPage { buckets, more })
    }

    /// `DELETE /api/v2/buckets/{id}` ([`Code::NotFound`] if there is none).
    pub fn delete_bucket(&self, id: &str) -> Result<()> {
        let id = non_empty(id, "bucket id")?;
        let path = format!("/api/v2/buckets/{}", path_segment(id));
        self.call(Method::Delete, &path, &[], None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_is_the_seeds() {
        assert_eq!(
            create_body("0123456789abcdef", "b1", Some("d"), 3600, 0).to_string(),
            r#"{"description":"d","name":"b1","orgID":"0123456789abcdef","retentionRules":[{"everySeconds":3600,"type":"expire"}],"rp":"0"}"#
        );
        assert_eq!(
            create_body("0123456789abcdef", "b1", None, 0, 0),
            json!({"orgID": "0123456789abcdef", "name": "b1", "rp": "0", "retentionRules": []})
        );
        assert_eq!(
            create_body("0123456789abcdef", "b1", None, 7200, 3600)["retentionRules"],
            json!([{"type": "expire", "everySeconds": 7200, "shardGroupDurationSeconds": 3600}])
        );
    }

    #[test]
    fn bucket_from_json_reads_the_expire_rule() {
        let v = json!({"id": "983abd89028b948c", "orgID": "4b82d64e8a428448", "type": "user",
            "name": "b", "retentionRules": [{"type": "expire", "everySeconds": 604800,
            "shardGroupDurationSeconds": 86400}], "createdAt": "c", "updatedAt": "u", "labels": []});
        let b = Bucket::from_json(&v).unwrap();
        assert_eq!(
            (b.retention_seconds, b.shard_group_duration_seconds),
            (604800, 86400)
        );
        assert_eq!((b.kind.as_str(), b.description.as_str()), ("user", ""));
        assert_eq!(serde_json::from_str::<Value>(&b.json).unwrap(), v);
        let forever = Bucket::from_json(&json!({"id": "1", "name": "b", "retentionRules": []}));
        assert_eq!(forever.unwrap().retention_seconds, 0);
        for bad in [
            json!({"name": "b"}),
            json!({"id": "1", "name": "b", "retentionRules": {}}),
            json!({"id": "1", "name": "b", "retentionRules": [{"everySeconds": "x"}]}),
        ] {
            assert_eq!(Bucket::from_json(&bad).unwrap_err().code, Code::Parse);
        }
    }
}
