//! Integration tests against a REAL InfluxDB 2.x on loopback (tests/support/server.rs):
//! what we write is read back with Flux and compared value by value.

#[path = "support/server.rs"]
mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use influxdb_client::client::Client;
use influxdb_client::config::Conf;
use influxdb_client::point::{Point, Precision};
use influxdb_client::write::{BatchInfo, Listener};
use influxdb_client::{Code, Error};
use support::{run_id, server};

fn sync_api(conf: &Conf) -> influxdb_client::write::WriteApi {
    let client = Client::new(conf).unwrap();
    let mut w = Conf::new();
    w.set("write_type", "synchronous").unwrap();
    client.write_api(Some(&w), None).unwrap()
}

#[test]
fn server_is_influxdb_2x() {
    let h = server().health();
    assert_eq!(h["status"], "pass", "{h}");
    let v = h["version"].as_str().unwrap();
    assert!(
        v.starts_with("v2.") || v.starts_with("2."),
        "not InfluxDB 2.x: {v}"
    );
}

#[test]
fn every_field_type_at_every_precision_reads_back_exactly() {
    let s = server();
    let api = sync_api(&s.conf());
    let run = run_id("types");
    let cases = [
        (
            Precision::Ns,
            1_700_000_000_123_456_789i64,
            "2023-11-14T22:13:20.123456789Z",
        ),
        (
            Precision::Us,
            1_700_000_000_123_456,
            "2023-11-14T22:13:20.123456Z",
        ),
        (Precision::Ms, 1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
        (Precision::S, 1_700_000_000, "2023-11-14T22:13:20Z"),
    ];
    for (precision, time, rfc3339) in cases {
        let meas = format!("types_{}", precision.as_str());
        let mut p = Point::new(&meas).unwrap();
        p.tag("run", &run).unwrap();
        p.tag("tag with space", "v,=1").unwrap();
        p.field_f64("f", 0.1 + 0.2).unwrap();
        p.field_f64("f_big", 1.5e300).unwrap();
        p.field_f64("f_tiny", -2.5e-300).unwrap();
        p.field_i64("i", i64::MIN + 1).unwrap();
        p.field_u64("u", u64::MAX).unwrap();
        p.field_bool("b", false).unwrap();
        p.field_str("s", "quote \" backslash \\ comma, newline\n tab\t é")
            .unwrap();
        p.set_time(time, precision).unwrap();
        api.write_point(&s.bucket, None, &p).unwrap();

        let rows = s.query(&format!(
            r#"from(bucket:"{}") |> range(start:0) |> filter(fn:(r)=>r._measurement=="{meas}" and r.run=="{run}")"#,
            s.bucket
        ));
        let get = |field: &str| -> &std::collections::HashMap<String, String> {
            rows.iter()
                .find(|r| r["_field"] == field)
                .unwrap_or_else(|| panic!("{field} missing: {rows:?}"))
        };
        assert_eq!(get("f")["_value"].parse::<f64>().unwrap(), 0.1 + 0.2);
        assert_eq!(get("f_big")["_value"].parse::<f64>().unwrap(), 1.5e300);
        assert_eq!(get("f_tiny")["_value"].parse::<f64>().unwrap(), -2.5e-300);
        assert_eq!(get("i")["_value"], (i64::MIN + 1).to_string());
        assert_eq!(get("u")["_value"], u64::MAX.to_string());
        assert_eq!(get("b")["_value"], "false");
        assert_eq!(
            get("s")["_value"],
            "quote \" backslash \\ comma, newline\n tab\t é"
        );
        assert_eq!(get("b")["tag with space"], "v,=1");
        assert_eq!(get("b")["_time"], rfc3339);
        assert_eq!(rows.len(), 7);
    }
}

#[test]
fn wrong_token_is_401_with_server_message_and_no_token_in_it() {
    let s = server();
    let mut conf = s.conf();
    conf.set("token", "definitely-wrong-token").unwrap();
    let api = sync_api(&conf);
    let mut p = Point::new("auth").unwrap();
    p.field_i64("v", 1).unwrap();
    let e = api.write_point(&s.bucket, None, &p).unwrap_err();
    assert_eq!(e.code, Code::Http);
    assert_eq!(e.http_status, 401);
    assert_eq!(e.server_message.as_deref(), Some("unauthorized access"));
    assert!(!e.retriable);
    assert!(!format!("{e} {e:?}").contains("definitely-wrong-token"));
}

#[test]
fn unknown_bucket_is_404_and_bad_line_is_400() {
    let s = server();
    let api = sync_api(&s.conf());
    let e = api
        .write_lp("no-such-bucket", None, b"m v=1i", Precision::Ns)
        .unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::Http, 404));
    assert!(e.server_message.unwrap().contains("no-such-bucket"));
    // Text the server could not parse is refused before it is sent ...
    let e = api
        .write_lp(&s.bucket, None, b"m v=1i\nm v=", Precision::Ns)
        .unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::InvalidPoint, 0));
    assert!(e.message.contains("line 2"), "{}", e.message);
    // ... what only the server checks (a series key over 64 KiB) comes back as its 400
    let long = format!("m,t={} v=1i", "x".repeat(70_000));
    let e = api
        .write_lp(&s.bucket, None, long.as_bytes(), Precision::Ns)
        .unwrap_err();
    assert_eq!((e.code, e.http_status), (Code::Http, 400));
    assert!(!e.server_message.unwrap().is_empty());
}

#[test]
fn ten_thousand_lines_with_and_without_gzip() {
    let s = server();
    for gzip in [false, true] {
        let mut conf = s.conf();
        conf.set("enable_gzip", if gzip { "true" } else { "false" })
            .unwrap();
        let api = sync_api(&conf);
        let run = run_id(if gzip { "gz" } else { "plain" });
        let mut body = String::new();
        for i in 0..10_000 {
            body.push_str(&format!(
                "lp10k,run={run},sensor=s{} v={i}i,x={}.25 {}\n",
                i % 13,
                i,
                1_700_000_000 + i
            ));
        }
        api.write_lp(&s.bucket, None, body.as_bytes(), Precision::S)
            .unwrap();
        assert_eq!(s.count("lp10k", &run, "v"), 10_000, "gzip={gzip}");
        let sum = s.query(&format!(
            r#"from(bucket:"{}") |> range(start:0) |> filter(fn:(r)=>r._measurement=="lp10k" and r.run=="{run}" and r._field=="v") |> group() |> sum()"#,
            s.bucket
        ));
        assert_eq!(sum[0]["_value"], (0..10_000i64).sum::<i64>().to_string());
    }
}

#[derive(Default)]
struct Counts {
    ok_lines: AtomicU64,
    err_lines: AtomicU64,
}

impl Listener for Counts {
    fn on_success(&self, b: &BatchInfo<'_>) {
        self.ok_lines.fetch_add(b.lines as u64, Ordering::SeqCst);
    }
    fn on_error(&self, b: &BatchInfo<'_>, e: &Error) {
        eprintln!("batch failed: {e}");
        self.err_lines.fetch_add(b.lines as u64, Ordering::SeqCst);
    }
    fn on_retry(&self, _: &BatchInfo<'_>, e: &Error, _: u32, _: Duration) {
        eprintln!("retry: {e}");
    }
}

#[test]
fn one_million_points_from_four_threads_through_batching() {
    let s = server();
    let client = Client::new(&s.conf()).unwrap();
    let counts = Arc::new(Counts::default());
    let mut w = Conf::new();
    w.set("batch_size", "5000").unwrap();
    w.set("flush_interval", "1000").unwrap();
    let api = Arc::new(client.write_api(Some(&w), Some(counts.clone())).unwrap());
    let run = run_id("million");
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (api, run, bucket) = (api.clone(), run.clone(), s.bucket.clone());
            std::thread::spawn(move || {
                let mut p = Point::new("million").unwrap();
                for i in 0..250_000i64 {
                    p.clear("million").unwrap();
                    p.tag("run", &run).unwrap();
                    p.tag("thread", &format!("t{t}")).unwrap();
                    p.tag("host", &format!("server-{}", i % 100)).unwrap();
                    p.field_i64("v", i).unwrap();
                    p.field_f64("usage", i as f64 * 0.37).unwrap();
                    p.set_time(1_700_000_000_000_000_000 + i * 1000, Precision::Ns)
                        .unwrap();
                    api.write_point(&bucket, None, &p).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    api.close().unwrap();
    // close returned: the last batch is acknowledged and reported.
    let st = api.stats();
    assert_eq!(st.accepted, 1_000_000);
    assert_eq!(st.written, 1_000_000);
    assert_eq!(counts.ok_lines.load(Ordering::SeqCst), 1_000_000);
    assert_eq!(counts.err_lines.load(Ordering::SeqCst), 0);
    assert_eq!((st.buffered_lines, st.buffered_bytes), (0, 0));
    assert_eq!(s.count("million", &run, "v"), 1_000_000);
}

#[test]
fn flush_returns_only_after_delivery() {
    let s = server();
    let client = Client::new(&s.conf()).unwrap();
    let counts = Arc::new(Counts::default());
    let mut w = Conf::new();
    w.set("flush_interval", "60000").unwrap(); // only flush can send these
    let api = client.write_api(Some(&w), Some(counts.clone())).unwrap();
    let run = run_id("flush");
    let body: String = (0..123)
        .map(|i| format!("flush,run={run} v={i}i {i}\n"))
        .collect();
    api.write_lp(&s.bucket, None, body.as_bytes(), Precision::S)
        .unwrap();
    api.flush(None).unwrap();
    assert_eq!(counts.ok_lines.load(Ordering::SeqCst), 123);
    assert_eq!(s.count("flush", &run, "v"), 123);
    api.close().unwrap();
}

#[test]
fn line_buffers_from_two_threads_with_default_tags() {
    use influxdb_client::lines::LineBuffer;
    let s = server();
    let client = Client::new(&s.conf()).unwrap();
    let counts = Arc::new(Counts::default());
    let run = run_id("lines");
    let mut w = Conf::new();
    w.set("batch_size", "5000").unwrap();
    w.set("default_tags.run", &run).unwrap();
    w.set("default_tags.site", "plant 7").unwrap();
    let api = Arc::new(client.write_api(Some(&w), Some(counts.clone())).unwrap());

    // a buffer made without the API's default tags is refused and left as it was
    let mut plain = LineBuffer::new(Precision::S);
    plain.begin("lines").unwrap();
    plain.field_i64("v", 1).unwrap();
    plain.end().unwrap();
    let e = api.write_lines(&s.bucket, None, &mut plain).unwrap_err();
    assert_eq!(e.code, Code::InvalidArgument, "{e}");
    assert_eq!(plain.lines(), 1);
    // so is a buffer with an unfinished line
    let mut open = LineBuffer::with_default_tags(Precision::S, api.default_tags()).unwrap();
    open.begin("lines").unwrap();
    let e = api.write_lines(&s.bucket, None, &mut open).unwrap_err();
    assert!(e.message.contains("unfinished"), "{e}");

    let threads: Vec<_> = (0..2i64)
        .map(|t| {
            let (api, bucket) = (api.clone(), s.bucket.clone());
            std::thread::spawn(move || {
                let mut lb =
                    LineBuffer::with_default_tags(Precision::Ms, api.default_tags()).unwrap();
                for i in 0..100_000i64 {
                    lb.begin("lines").unwrap();
                    // out of order on purpose; "site" is a default tag and wins
                    lb.field_f64("usage", i as f64 * 0.37).unwrap();
                    lb.tag("thread", &format!("t{t}")).unwrap();
                    lb.tag("site", "overridden").unwrap();
                    lb.field_i64("v", i).unwrap();
                    lb.end_at(1_700_000_000_000 + i).unwrap();
                    if lb.lines() == 1000 {
                        api.write_lines(&bucket, None, &mut lb).unwrap();
                        assert_eq!(lb.lines(), 0);
                    }
                }
                api.write_lines(&bucket, None, &mut lb).unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    api.close().unwrap();
    let st = api.stats();
    assert_eq!((st.accepted, st.written), (200_000, 200_000));
    assert_eq!(counts.ok_lines.load(Ordering::SeqCst), 200_000);
    assert_eq!(counts.err_lines.load(Ordering::SeqCst), 0);
    assert_eq!(s.count("lines", &run, "v"), 200_000);
    let rows = s.query(&format!(
        r#"from(bucket:"{}") |> range(start:0) |> filter(fn:(r)=>r._measurement=="lines" and r.run=="{run}" and r.thread=="t1" and r._field=="usage") |> filter(fn:(r)=>r._time==2023-11-14T22:13:20.037Z)"#,
        s.bucket
    ));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["site"], "plant 7");
    assert_eq!(rows[0]["_value"], (37.0f64 * 0.37).to_string());
}
