//! Reading a query result: 1,000,000 rows (250,000 standard points — 2 tags, 4 fields —
//! written back unpivoted) from a REAL InfluxDB 2.x through the cursor, against `curl`
//! dumping the same annotated CSV to /dev/null (the transfer floor) and, when the seed's venv
//! exists, the seed's `query_stream()` and `query_csv()`, all in the same run.
//!
//!   eval "$(scripts/influxdb.sh start)"; cargo bench --bench query
//!
//! Environment: INFLUXDB_V2_URL/_TOKEN/_ORG/_BUCKET (required); BENCH_QUERY_POINTS (default
//! 250000, 4 rows each); BENCH_NO_SEED=1 skips the seed; BENCH_SEED_PYTHON (default
//! ~/.cache/influxdb-client-c/venv-seed/bin/python).

use std::process::Command;
use std::time::{Duration, Instant};

use influxdb_client::client::Client;
use influxdb_client::config::Conf;
use influxdb_client::point::Precision;
use influxdb_client::query::Event;

fn var(k: &str) -> String {
    std::env::var(k)
        .unwrap_or_else(|_| panic!("{k} not set: eval \"$(scripts/influxdb.sh start)\""))
}

/// Peak resident set size of this process so far (VmHWM), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // cargo bench -- --list
    }
    let (url, token, org, bucket) = (
        var("INFLUXDB_V2_URL"),
        var("INFLUXDB_V2_TOKEN"),
        var("INFLUXDB_V2_ORG"),
        var("INFLUXDB_V2_BUCKET"),
    );
    let points: u64 = std::env::var("BENCH_QUERY_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250_000);
    let mut conf = Conf::new();
    conf.set("url", &url).unwrap();
    conf.set("token", &token).unwrap();
    conf.set("org", &org).unwrap();
    conf.set("timeout", "60000").unwrap();
    let client = Client::new(&conf).unwrap();

    // The data: standard points, 4 hosts, one second apart.
    let run = format!(
        "b{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    );
    let mut w = Conf::new();
    w.set("write_type", "synchronous").unwrap();
    let api = client.write_api(Some(&w), None).unwrap();
    let t = Instant::now();
    let mut lp = String::new();
    for i in 0..points {
        lp.push_str(&format!(
            "qbench,host=gw-{:02},run={run} temp={}.{},hum={}.25,count={}i,ok={} {}\n",
            i % 4,
            20 + i % 10,
            i % 7,
            40 + i % 50,
            i,
            i % 3 != 0,
            1_600_000_000_000_000_000 + i as i64 * 1_000_000_000
        ));
        if (i + 1) % 25_000 == 0 || i + 1 == points {
            api.write_lp(&bucket, None, lp.as_bytes(), Precision::Ns)
                .unwrap();
            lp.clear();
        }
    }
    let rows = points * 4;
    eprintln!("wrote {points} points ({rows} rows) in {:?}", t.elapsed());
    let flux = format!(
        r#"from(bucket: "{bucket}") |> range(start: 2020-01-01T00:00:00Z) |> filter(fn: (r) => r._measurement == "qbench" and r.run == "{run}")"#
    );

    // curl: the same request body, the answer to /dev/null.
    let body = influxdb_client::query::query_body(&flux, None).to_string();
    let curl = || {
        let t = Instant::now();
        let out = Command::new("curl")
            .args(["-sS", "--fail", "-o", "/dev/null", "-w", "%{size_download}"])
            .args(["-H", &format!("Authorization: Token {token}")])
            .args([
                "-H",
                "Content-Type: application/json",
                "-H",
                "Accept: application/json",
            ])
            .args(["--data-binary", &body])
            .arg(format!("{url}/api/v2/query?org={org}"))
            .output()
            .expect("run curl");
        assert!(
            out.status.success(),
            "curl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        (t.elapsed(), bytes)
    };

    // The cursor: every record, every cell converted with its type (as a binding would);
    // and only _time and _value through the typed getters.
    let cursor = |all_cells: bool| {
        let t = Instant::now();
        let mut cur = client.query_api().query(None, &flux, None).unwrap();
        let (mut n, mut check) = (0u64, 0f64);
        let (mut time, mut value) = (0, 0);
        loop {
            match cur.next().unwrap() {
                Event::End => break,
                Event::Table => {
                    let t = cur.table().unwrap();
                    time = t.column_index("_time").unwrap();
                    value = t.column_index("_value").unwrap();
                }
                Event::Record => {
                    let r = cur.record().unwrap();
                    if all_cells {
                        for i in 0..r.len() {
                            std::hint::black_box(r.value(i).unwrap());
                        }
                    } else {
                        check += r.get_time_ns(time).unwrap() as f64 * 1e-18;
                        if let Ok(v) = r.get_f64(value) {
                            check += v;
                        }
                    }
                    n += 1;
                }
            }
        }
        std::hint::black_box(check);
        assert_eq!(n, rows, "records read");
        t.elapsed()
    };

    let rss0 = peak_rss_kib();
    let mut curl_t = Vec::new();
    let mut all_t = Vec::new();
    let mut tv_t = Vec::new();
    let mut bytes = 0;
    for _ in 0..3 {
        let (d, b) = curl();
        curl_t.push(d);
        bytes = b;
        all_t.push(cursor(true));
        tv_t.push(cursor(false));
    }
    let rss1 = peak_rss_kib();
    let (curl_m, all_m, tv_m) = (median(curl_t), median(all_t), median(tv_t));
    let rate = |d: Duration| rows as f64 / d.as_secs_f64();

    // The seed, same query, same server.
    let seed = |mode: &str| -> Option<Duration> {
        if std::env::var("BENCH_NO_SEED").is_ok() {
            return None;
        }
        let python = std::env::var("BENCH_SEED_PYTHON").unwrap_or_else(|_| {
            format!(
                "{}/.cache/influxdb-client-c/venv-seed/bin/python",
                std::env::var("HOME").unwrap()
            )
        });
        let script = format!(
            r#"
import sys, time
from influxdb_client import InfluxDBClient
c = InfluxDBClient(url=sys.argv[1], token=sys.argv[2], org=sys.argv[3], timeout=600_000)
q = c.query_api()
t = time.perf_counter()
n = 0
if "{mode}" == "stream":
    for r in q.query_stream(sys.argv[4]):
        n += 1
else:
    for row in q.query_csv(sys.argv[4]):
        n += 1
print(n, time.perf_counter() - t)
"#
        );
        let out = Command::new(&python)
            .args(["-c", &script, &url, &token, &org, &flux])
            .output()
            .ok()?;
        if !out.status.success() {
            eprintln!("seed {mode}: {}", String::from_utf8_lossy(&out.stderr));
            return None;
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut it = text.split_whitespace();
        let n: u64 = it.next()?.parse().ok()?;
        let secs: f64 = it.next()?.parse().ok()?;
        if mode == "stream" {
            assert_eq!(n, rows, "seed records");
        }
        Some(Duration::from_secs_f64(secs))
    };
    let stream = seed("stream");
    let csv = seed("csv");

    println!(
        "query read-back, {rows} rows ({bytes} bytes of annotated CSV), median of 3 (seed: 1 run)"
    );
    println!(
        "  curl > /dev/null (floor)        {:>8.3} s  {:>12.0} rows/s",
        curl_m.as_secs_f64(),
        rate(curl_m)
    );
    println!(
        "  cursor, every cell converted    {:>8.3} s  {:>12.0} rows/s  {:.2}x curl",
        all_m.as_secs_f64(),
        rate(all_m),
        curl_m.as_secs_f64() / all_m.as_secs_f64()
    );
    println!(
        "  cursor, _time + _value getters  {:>8.3} s  {:>12.0} rows/s  {:.2}x curl",
        tv_m.as_secs_f64(),
        rate(tv_m),
        curl_m.as_secs_f64() / tv_m.as_secs_f64()
    );
    if let Some(s) = stream {
        println!(
            "  seed query_stream()             {:>8.3} s  {:>12.0} rows/s  cursor (every cell) is {:.1}x faster",
            s.as_secs_f64(),
            rate(s),
            s.as_secs_f64() / all_m.as_secs_f64()
        );
    }
    if let Some(s) = csv {
        println!(
            "  seed query_csv()                {:>8.3} s  {:>12.0} rows/s  cursor (every cell) is {:.1}x faster",
            s.as_secs_f64(),
            rate(s),
            s.as_secs_f64() / all_m.as_secs_f64()
        );
    }
    println!(
        "  peak RSS of this process: {rss0} KiB before the reads, {rss1} KiB after 6 reads of {rows} rows"
    );
}
