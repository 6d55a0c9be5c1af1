//! Organizations (`/api/v2/orgs`), as the seed's `OrganizationsApi`, and the seed's rule
//! turning an organization name into the ID some calls require.

use serde_json::{json, Value};

use super::{
    array_member, is_id, non_empty, path_segment, required_member, text_member, ListOptions,
    ManagementApi,
};
use crate::error::{Code, Error, Result};
use crate::http::Method;

/// An organization as the server describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Org {
    /// 16 hex digits.
    pub id: String,
    pub name: String,
    /// "" if none.
    pub description: String,
    /// RFC 3339 text as sent, "" if absent.
    pub created_at: String,
    pub updated_at: String,
    /// The object as sent (compact JSON), for the fields not mapped here.
    pub json: String,
}

/// One page of organizations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgPage {
    pub orgs: Vec<Org>,
    /// Whether a next page may exist: the server sends no `next` link for organizations, so
    /// this is whether the page is full.
    pub more: bool,
}

impl Org {
    /// An organization from its JSON object.
    pub fn from_json(v: &Value) -> Result<Org> {
        let what = "organization";
        if !v.is_object() {
            return Err(Error::new(
                Code::Parse,
                "malformed organization: not a JSON object",
            ));
        }
        Ok(Org {
            id: required_member(v, "id", what)?,
            name: required_member(v, "name", what)?,
            description: text_member(v, "description", what)?,
            created_at: text_member(v, "createdAt", what)?,
            updated_at: text_member(v, "updatedAt", what)?,
            json: v.to_string(),
        })
    }
}

fn orgs_of(v: &Value) -> Result<Vec<Org>> {
    array_member(v, "orgs", "organization list")?
        .iter()
        .map(Org::from_json)
        .collect()
}

impl ManagementApi {
    /// `GET /api/v2/orgs?org=<name>`: the organization so named ([`Code::NotFound`] if none).
    pub fn find_org(&self, name: &str) -> Result<Org> {
        let name = non_empty(name, "organization name")?;
        let v = self.call_json(Method::Get, "/api/v2/orgs", &[("org", name)], None)?;
        orgs_of(&v)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::new(Code::NotFound, format!("organization \"{name}\" not found")))
    }

    /// `GET /api/v2/orgs` with `offset` and `limit` (the other options are ignored).
    pub fn list_orgs(&self, opts: &ListOptions<'_>) -> Result<OrgPage> {
        let limit = opts.checked_limit()?;
        let (offset, limit_text) = (opts.offset.to_string(), opts.limit.to_string());
        let mut query = Vec::new();
        if opts.offset > 0 {
            query.push(("offset", offset.as_str()));
        }
        if opts.limit > 0 {
            query.push(("limit", limit_text.as_str()));
        }
        let v = self.call_json(Method::Get, "/api/v2/orgs", &query, None)?;
        let orgs = orgs_of(&v)?;
        let more = orgs.len() >= limit as usize;
        Ok(OrgPage { orgs, more })
    }

    /// `POST /api/v2/orgs {"name", "description"?}`.
    pub fn create_org(&self, name: &str, description: Option<&str>) -> Result<Org> {
        let name = non_empty(name, "organization name")?;
        let mut body = json!({ "name": name });
        if let Some(d) = description {
            body["description"] = json!(d);
        }
        let v = self.call_json(Method::Post, "/api/v2/orgs", &[], Some(&body))?;
        Org::from_json(&v)
    }

    /// `DELETE /api/v2/orgs/{id}` ([`Code::NotFound`] if there is none).
    pub fn delete_org(&self, id: &str) -> Result<()> {
        let id = non_empty(id, "organization id")?;
        let path = format!("/api/v2/orgs/{}", path_segment(id));
        self.call(Method::Delete, &path, &[], None)
    }

    /// The seed's rule (`get_org_query_param(required_id=True)`): `org` (`None`: the client's
    /// `org`) is returned as it is when it is 16 hex digits; otherwise the first ID that
    /// `GET /api/v2/orgs?org=<name>` gives. None found: [`Code::NotFound`] with the seed's text.
    pub fn resolve_org_id(&self, org: Option<&str>) -> Result<String> {
        let org = match org {
            Some(o) => non_empty(o, "org")?,
            None => self.default_org().ok_or_else(|| {
                Error::invalid_argument("org is NULL and the client has no org option")
            })?,
        };
        if is_id(org) {
            return Ok(org.to_string());
        }
        let not_found = |extra: &str| {
            format!(
                "The client cannot find organization with name: '{org}' to determine their ID.{extra}"
            )
        };
        match self.call_json(Method::Get, "/api/v2/orgs", &[("org", org)], None) {
            Ok(v) => match orgs_of(&v)?.into_iter().next() {
                Some(found) => Ok(found.id),
                None => Err(Error::new(
                    Code::NotFound,
                    not_found(" Are you using token with sufficient permission?"),
                )),
            },
            Err(e) if e.code == Code::NotFound => Err(Error {
                message: not_found(""),
                ..e
            }),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_from_json_maps_fields_and_keeps_the_object() {
        let v = json!({"id": "4b82d64e8a428448", "name": "o", "createdAt": "2026-01-01T00:00:00Z",
                       "links": {"self": "/api/v2/orgs/4b82d64e8a428448"}});
        let o = Org::from_json(&v).unwrap();
        assert_eq!(o.id, "4b82d64e8a428448");
        assert_eq!(o.name, "o");
        assert_eq!(o.description, "");
        assert_eq!(o.created_at, "2026-01-01T00:00:00Z");
        assert_eq!(o.updated_at, "");
        assert_eq!(serde_json::from_str::<Value>(&o.json).unwrap(), v);
        for bad in [
            json!({"name": "o"}),
            json!({"id": 5, "name": "o"}),
            json!([]),
        ] {
            assert_eq!(Org::from_json(&bad).unwrap_err().code, Code::Parse);
        }
        assert_eq!(
            orgs_of(&json!({"links": {}})).unwrap_err().code,
            Code::Parse
        );
    }
}
