//! The real InfluxDB 2.x for integration tests: the one scripts/test.sh started (its
//! INFLUXDB_V2_* variables), or one started here with scripts/influxdb.sh (stopped by the
//! script's watcher when this test process exits). Never a mock.
#![allow(dead_code)]

use std::collections::HashMap;
use std::process::Command;
use std::sync::OnceLock;

use influxdb_client::config::Conf;

#[derive(Debug, Clone)]
pub struct Server {
    pub url: String,
    pub token: String,
    pub org: String,
    pub bucket: String,
}

pub fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| {
        if std::env::var("INFLUXDB_V2_URL").is_err() || std::env::var("INFLUXDB_V2_BUCKET").is_err()
        {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/influxdb.sh");
            let out = Command::new("bash")
                .args([
                    script,
                    "start",
                    "--watch-pid",
                    &std::process::id().to_string(),
                ])
                .output()
                .expect("run scripts/influxdb.sh start");
            assert!(
                out.status.success(),
                "influxdb.sh start failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                if let Some((k, v)) = line.trim_start_matches("export ").split_once('=') {
                    std::env::set_var(k, v.trim_matches('\'').trim_matches('"'));
                }
            }
        }
        let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} not set"));
        Server {
            url: var("INFLUXDB_V2_URL"),
            token: var("INFLUXDB_V2_TOKEN"),
            org: var("INFLUXDB_V2_ORG"),
            bucket: var("INFLUXDB_V2_BUCKET"),
        }
    })
}

impl Server {
    /// A client conf for this server.
    pub fn conf(&self) -> Conf {
        let mut c = Conf::new();
        c.set("url", &self.url).unwrap();
        c.set("token", &self.token).unwrap();
        c.set("org", &self.org).unwrap();
        c
    }

    /// Run a Flux query; rows of the plain CSV answer as column -> value maps.
    pub fn query(&self, flux: &str) -> Vec<HashMap<String, String>> {
        let body = serde_json::json!({"query": flux, "type": "flux", "dialect": {"annotations": [], "header": true}});
        let resp = ureq::post(&format!("{}/api/v2/query", self.url))
            .query("org", &self.org)
            .set("Authorization", &format!("Token {}", self.token))
            .set("Accept", "application/csv")
            .set("Content-Type", "application/json")
            .send_string(&body.to_string());
        let text = match resp {
            Ok(r) => r.into_string().unwrap(),
            Err(ureq::Error::Status(code, r)) => panic!(
                "query failed: {code} {}",
                r.into_string().unwrap_or_default()
            ),
            Err(e) => panic!("query failed: {e}"),
        };
        parse_csv(&text)
    }

    /// `count()` of `field` in `measurement` with tag run == `run`, all series together.
    pub fn count(&self, measurement: &str, run: &str, field: &str) -> i64 {
        let rows = self.query(&format!(
            r#"from(bucket:"{}") |> range(start:0) |> filter(fn:(r)=>r._measurement=="{measurement}" and r.run=="{run}" and r._field=="{field}") |> group() |> count()"#,
            self.bucket
        ));
        rows.first()
            .map(|r| r["_value"].parse().unwrap())
            .unwrap_or(0)
    }

    pub fn health(&self) -> serde_json::Value {
        let text = ureq::get(&format!("{}/health", self.url))
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

/// A unique id for the data of one test.
pub fn run_id(name: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    format!("{name}-{}-{}", t.as_nanos(), std::process::id())
}

/// Minimal RFC 4180 CSV parsing (quoted fields, "" escapes), blank-line separated tables.
fn parse_csv(text: &str) -> Vec<HashMap<String, String>> {
    let mut rows = Vec::new();
    let mut header: Option<Vec<String>> = None;
    let mut chars = text.chars().peekable();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut flush_record = |record: &mut Vec<String>, header: &mut Option<Vec<String>>| {
        if record.iter().all(|f| f.is_empty()) {
            *header = None; // a blank line separates tables, each with its own header
        } else if let Some(h) = header {
            rows.push(h.iter().cloned().zip(record.iter().cloned()).collect());
        } else {
            *header = Some(record.clone());
        }
        record.clear();
    };
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => in_quotes = !in_quotes,
            // The server's CSV writer uses CRLF mode, which turns "\n" inside fields into "\r\n".
            ('\r', true) if chars.peek() == Some(&'\n') => {}
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                flush_record(&mut record, &mut header);
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        flush_record(&mut record, &mut header);
    }
    rows
}
