//! A 1,000,000-row query result is read in constant memory (its own test binary: it measures
//! this process's peak RSS), against the REAL InfluxDB 2.x (tests/support/server.rs).

#[path = "support/server.rs"]
mod support;

use influxdb_client::client::Client;
use influxdb_client::query::Event;
use support::server;

/// Peak resident set size of this process so far (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

const ROWS: &str = r#"import "generate"
generate.from(count: ROWS, fn: (n) => n, start: 2021-01-01T00:00:00Z, stop: 2021-01-02T00:00:00Z)
  |> map(fn: (r) => ({r with s: "row " + string(v: r._value), f: float(v: r._value) / 2.0}))"#;

/// Read `rows` rows, every cell through its typed getter; (records, sum of _value).
fn read(client: &Client, rows: u64) -> (u64, i64) {
    let flux = ROWS.replace("ROWS", &rows.to_string());
    let mut cur = client.query_api().query(None, &flux, None).unwrap();
    let (mut n, mut sum) = (0u64, 0i64);
    let (mut time, mut value, mut s, mut f) = (0, 0, 0, 0);
    loop {
        match cur.next().unwrap() {
            Event::End => return (n, sum),
            Event::Table => {
                let t = cur.table().unwrap();
                let col = |name: &str| t.column_index(name).unwrap();
                (time, value, s, f) = (col("_time"), col("_value"), col("s"), col("f"));
            }
            Event::Record => {
                let r = cur.record().unwrap();
                let v = r.get_i64(value).unwrap();
                assert!(r.get_time_ns(time).unwrap() >= 1_609_459_200_000_000_000);
                assert_eq!(r.get_f64(f).unwrap(), v as f64 / 2.0);
                if n % 100_003 == 0 {
                    assert_eq!(r.get_str(s).unwrap(), format!("row {v}"));
                }
                sum += v;
                n += 1;
            }
        }
    }
}

#[test]
fn a_million_rows_are_read_with_peak_rss_growth_under_16_mib() {
    let client = Client::new(&server().conf()).unwrap();
    // Warm up: the same path with a small result (allocator, TLS-less HTTP, thread-locals).
    assert_eq!(read(&client, 1000), (1000, 499_500));
    let before = peak_rss();
    assert_eq!(read(&client, 100_000), (100_000, 4_999_950_000));
    let at_100k = peak_rss();
    assert_eq!(read(&client, 1_000_000), (1_000_000, 499_999_500_000));
    let after = peak_rss();
    eprintln!(
        "peak RSS {} KiB before, +{} KiB after 100k rows, +{} KiB after 1M rows",
        before / 1024,
        at_100k.saturating_sub(before) / 1024,
        after.saturating_sub(before) / 1024
    );
    assert!(
        after.saturating_sub(before) < 16 << 20,
        "peak RSS grew by {} KiB reading 1,000,000 rows",
        after.saturating_sub(before) / 1024
    );
    // Flat from 100k to 1M rows: what 100k rows needed is all 1M rows need.
    assert!(
        after.saturating_sub(at_100k) < 1 << 20,
        "peak RSS grew by {} KiB from 100k to 1M rows",
        after.saturating_sub(at_100k) / 1024
    );
}
