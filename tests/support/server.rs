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

    /// Run a Flux query through the library's query API; every record as a column -> text
    /// map (a null cell reads as "").
    pub fn query(&self, flux: &str) -> Vec<HashMap<String, String>> {
        let client = influxdb_client::client::Client::new(&self.conf()).unwrap();
        let mut cursor = client
            .query_api()
            .query(None, flux, None)
            .unwrap_or_else(|e| panic!("query failed: {e} ({:?})", e.server_message));
        let mut rows = Vec::new();
        loop {
            match cursor
                .next()
                .unwrap_or_else(|e| panic!("query failed: {e}"))
            {
                influxdb_client::query::Event::End => return rows,
                influxdb_client::query::Event::Table => {}
                influxdb_client::query::Event::Record => {
                    let r = cursor.record().unwrap();
                    let row = r
                        .table()
                        .columns()
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let text = r.get_str(i).unwrap_or_default();
                            (c.label().to_owned(), text.to_owned())
                        })
                        .collect();
                    rows.push(row);
                }
            }
        }
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
