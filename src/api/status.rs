//! Server status: `GET /ping` (version and build headers), `GET /health`, `GET /ready`.
//! InfluxDB answers all three without authentication.

use std::io::Read;

use serde_json::Value;

use super::{checked, parse_error, text_member, ManagementApi};
use crate::error::{Code, Error, Result};
use crate::http::{http_status_error, Method, Request};

/// What `GET /ping` tells: the `X-Influxdb-Version` and `X-Influxdb-Build` headers, `"unknown"`
/// when absent (InfluxDB Cloud sends no version), as the seed's `version()` and `build()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PingInfo {
    pub version: String,
    pub build: String,
}

/// The `GET /health` object (the seed's `HealthCheck` without `checks`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HealthInfo {
    /// "influxdb"
    pub name: String,
    /// "pass" or "fail"
    pub status: String,
    /// The server's text, or why the check failed.
    pub message: String,
    /// "" if absent.
    pub version: String,
    /// "" if absent.
    pub commit: String,
}

/// The outcome of a health check: always an object (as the seed's never-raising `health()`),
/// plus the error when the server is not healthy or could not be asked.
#[derive(Clone, Debug)]
pub struct Health {
    pub info: HealthInfo,
    /// `None` only for a 2xx answer with status "pass".
    pub error: Option<Error>,
}

/// The `GET /ready` object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadyInfo {
    /// "ready"
    pub status: String,
    /// RFC 3339 text as sent.
    pub started: String,
    /// Go duration text as sent, e.g. "14m45.911966424s".
    pub up: String,
}

/// Largest `/health` body read.
const MAX_HEALTH_BODY: u64 = 64 * 1024;

impl ManagementApi {
    /// `GET /ping`: OK on 2xx, with the version and build headers.
    pub fn ping(&self) -> Result<PingInfo> {
        let resp = checked(self.send(Method::Get, "/ping", &[], None)?)?;
        let header = |name| {
            resp.header(name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .unwrap_or("unknown")
                .to_string()
        };
        let info = PingInfo {
            version: header("X-Influxdb-Version"),
            build: header("X-Influxdb-Build"),
        };
        resp.drain();
        Ok(info)
    }

    /// `GET /health`. Healthy only for a 2xx answer whose status is "pass"; otherwise the
    /// object says "fail" with the reason in `message`, and `error` is set: [`Code::Http`]
    /// (non-2xx, or 2xx with another status), [`Code::Parse`], or the transport's error.
    pub fn health(&self) -> Health {
        match self.health_inner() {
            Ok(h) => h,
            Err(e) => Health {
                info: HealthInfo {
                    name: "influxdb".into(),
                    status: "fail".into(),
                    message: e.message.clone(),
                    ..HealthInfo::default()
                },
                error: Some(e),
            },
        }
    }

    fn health_inner(&self) -> Result<Health> {
        let resp = self.client.http().send(Request {
            headers: &[("Accept", "application/json")],
            ..Request::new(Method::Get, "/health")
        })?;
        let status = resp.status();
        let success = resp.is_success();
        let mut body = Vec::new();
        resp.into_reader()
            .take(MAX_HEALTH_BODY)
            .read_to_end(&mut body)
            .map_err(|e| crate::http::read_error(&e))?;
        let text = String::from_utf8_lossy(&body);
        let parsed = serde_json::from_str::<Value>(&text)
            .ok()
            .filter(Value::is_object)
            .map(|v| health_info(&v));
        if !success {
            // A failing server answers 503 with the same object (status "fail").
            let e = http_status_error(status, &text);
            let mut info = match parsed {
                Some(Ok(info)) => info,
                _ => HealthInfo::default(),
            };
            if info.name.is_empty() {
                info.name = "influxdb".into();
            }
            info.status = "fail".into();
            if info.message.is_empty() {
                info.message = e.message.clone();
            }
            let code = if status == 404 {
                Code::NotFound
            } else {
                Code::Http
            };
            return Ok(Health {
                info,
                error: Some(Error { code, ..e }),
            });
        }
        let info = match parsed {
            Some(r) => r?,
            None => return Err(parse_error(Method::Get, "/health", "not a JSON object")),
        };
        if info.status == "pass" {
            return Ok(Health { info, error: None });
        }
        let e = Error {
            http_status: status,
            server_message: Some(info.message.clone()),
            ..Error::new(
                Code::Http,
                format!(
                    "health check status is \"{}\" (HTTP {status}): {}",
                    info.status, info.message
                ),
            )
        };
        let info = HealthInfo {
            status: "fail".into(),
            ..info
        };
        Ok(Health {
            info,
            error: Some(e),
        })
    }

    /// `GET /ready`.
    pub fn ready(&self) -> Result<ReadyInfo> {
        let v = self.call_json(Method::Get, "/ready", &[], None)?;
        if !v.is_object() {
            return Err(parse_error(Method::Get, "/ready", "not a JSON object"));
        }
        Ok(ReadyInfo {
            status: text_member(&v, "status", "ready object")?,
            started: text_member(&v, "started", "ready object")?,
            up: text_member(&v, "up", "ready object")?,
        })
    }
}

fn health_info(v: &Value) -> Result<HealthInfo> {
    let what = "health object";
    Ok(HealthInfo {
        name: text_member(v, "name", what)?,
        status: text_member(v, "status", what)?,
        message: text_member(v, "message", what)?,
        version: text_member(v, "version", what)?,
        commit: text_member(v, "commit", what)?,
    })
}
