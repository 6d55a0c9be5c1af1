//! The query API against a REAL InfluxDB 2.x on loopback (tests/support/server.rs): what the
//! write API stored is read back through the cursor and compared value by value; multiple
//! tables and results; Flux errors in-band and at open; bind parameters; 401/404; gzip;
//! close after 10 rows of a million.

#[path = "support/server.rs"]
mod support;

use std::time::{Duration, Instant};

use influxdb_client::client::Client;
use influxdb_client::config::Conf;
use influxdb_client::point::{Point, Precision};
use influxdb_client::query::{ColumnType, Event, Param, QueryCursor, QueryParams};
use influxdb_client::Code;
use support::{run_id, server};

fn client(conf: &Conf) -> Client {
    Client::new(conf).unwrap()
}

fn sync_write(c: &Client) -> influxdb_client::write::WriteApi {
    let mut w = Conf::new();
    w.set("write_type", "synchronous").unwrap();
    c.write_api(Some(&w), None).unwrap()
}

/// Every record of a query: (table index, new_block, result, the record's cells as text).
type Row = (usize, bool, String, Vec<Option<String>>);

fn drain(cur: &mut QueryCursor) -> (Vec<Row>, usize) {
    let mut rows = Vec::new();
    let mut tables = 0;
    loop {
        match cur.next().unwrap() {
            Event::End => return (rows, tables),
            Event::Table => tables += 1,
            Event::Record => {
                let r = cur.record().unwrap();
                let t = r.table();
                let cells = (0..r.len())
                    .map(|i| r.get_str(i).ok().map(str::to_owned))
                    .collect();
                let result = r.get_str(t.column_index("result").unwrap()).unwrap();
                rows.push((t.index(), t.new_block(), result.to_owned(), cells));
            }
        }
    }
}

#[test]
fn every_field_type_at_every_precision_reads_back_exactly_through_the_cursor() {
    let s = server();
    let c = client(&s.conf());
    let api = sync_write(&c);
    let run = run_id("qtypes");
    let text = "quote \" backslash \\ comma, newline\n tab\t é";
    for (precision, time, ns) in [
        (
            Precision::Ns,
            1_700_000_000_123_456_789i64,
            1_700_000_000_123_456_789i64,
        ),
        (
            Precision::Us,
            1_700_000_000_123_456,
            1_700_000_000_123_456_000,
        ),
        (Precision::Ms, 1_700_000_000_123, 1_700_000_000_123_000_000),
        (Precision::S, 1_700_000_000, 1_700_000_000_000_000_000),
    ] {
        let meas = format!("qtypes_{}", precision.as_str());
        let mut p = Point::new(&meas).unwrap();
        p.tag("run", &run).unwrap();
        p.tag("tag with space", "v,=1").unwrap();
        p.field_f64("f", 0.1 + 0.2).unwrap();
        p.field_f64("f_big", 1.5e300).unwrap();
        p.field_f64("f_tiny", -2.5e-300).unwrap();
        p.field_i64("i", i64::MIN + 1).unwrap();
        p.field_i64("i_max", i64::MAX).unwrap();
        p.field_u64("u", u64::MAX).unwrap();
        p.field_bool("b", false).unwrap();
        p.field_bool("t", true).unwrap();
        p.field_str("s", text).unwrap();
        p.set_time(time, precision).unwrap();
        api.write_point(&s.bucket, None, &p).unwrap();

        let flux = format!(
            r#"from(bucket:"{}") |> range(start:0) |> filter(fn:(r)=>r._measurement=="{meas}" and r.run=="{run}")"#,
            s.bucket
        );
        let mut cur = c.query_api().query(None, &flux, None).unwrap();
        let mut seen = Vec::new();
        let mut tables = 0;
        loop {
            match cur.next().unwrap() {
                Event::End => break,
                Event::Table => {
                    tables += 1;
                    let t = cur.table().unwrap();
                    let time = t.column_index("_time").unwrap();
                    assert_eq!(t.column(time).unwrap().column_type(), ColumnType::Time);
                    assert!(t
                        .column(t.column_index("_field").unwrap())
                        .unwrap()
                        .is_group());
                }
                Event::Record => {
                    let r = cur.record().unwrap();
                    let col = |n: &str| r.column_index(n).unwrap();
                    assert_eq!(r.get_time_ns(col("_time")).unwrap(), ns, "{meas}");
                    assert_eq!(r.get_str(col("tag with space")).unwrap(), "v,=1");
                    assert_eq!(r.get_str(col("_measurement")).unwrap(), meas);
                    let v = col("_value");
                    let field = r.get_str(col("_field")).unwrap().to_owned();
                    match field.as_str() {
                        "f" => assert_eq!(r.get_f64(v).unwrap(), 0.1 + 0.2),
                        "f_big" => assert_eq!(r.get_f64(v).unwrap(), 1.5e300),
                        "f_tiny" => assert_eq!(r.get_f64(v).unwrap(), -2.5e-300),
                        "i" => assert_eq!(r.get_i64(v).unwrap(), i64::MIN + 1),
                        "i_max" => assert_eq!(r.get_i64(v).unwrap(), i64::MAX),
                        "u" => {
                            assert_eq!(r.get_u64(v).unwrap(), u64::MAX);
                            assert_eq!(
                                r.get_i64(v).unwrap_err().kind,
                                influxdb_client::query::QueryErrorKind::Value
                            );
                        }
                        "b" => assert!(!r.get_bool(v).unwrap()),
                        "t" => assert!(r.get_bool(v).unwrap()),
                        "s" => assert_eq!(r.get_str(v).unwrap(), text),
                        other => panic!("unexpected field {other}"),
                    }
                    // Wrong getter: TYPE, never a silent conversion.
                    if field == "s" {
                        assert_eq!(r.get_f64(v).unwrap_err().kind.code(), Code::Type as i32);
                    }
                    seen.push(field);
                }
            }
        }
        seen.sort();
        assert_eq!(
            seen,
            ["b", "f", "f_big", "f_tiny", "i", "i_max", "s", "t", "u"]
        );
        assert_eq!(tables, 9, "one table per field");
    }
}

fn write_two_hosts(c: &Client, meas: &str, run: &str) {
    let api = sync_write(c);
    let mut lp = String::new();
    for (h, host) in ["a", "b"].iter().enumerate() {
        for i in 0..3 {
            lp.push_str(&format!(
                "{meas},run={run},host={host} v={}i {}\n",
                h * 10 + i,
                1_700_000_000 + i
            ));
        }
    }
    api.write_lp(&server().bucket, None, lp.as_bytes(), Precision::S)
        .unwrap();
}

#[test]
fn multiple_tables_and_results() {
    let s = server();
    let c = client(&s.conf());
    let run = run_id("qmulti");
    write_two_hosts(&c, "qmulti", &run);
    let flux = format!(
        r#"data = from(bucket:"{}") |> range(start:0) |> filter(fn:(r)=>r._measurement=="qmulti" and r.run=="{run}")
data |> yield(name: "all")
data |> sum() |> yield(name: "sums")"#,
        s.bucket
    );
    let mut cur = c.query_api().query(None, &flux, None).unwrap();
    let (rows, tables) = drain(&mut cur);
    // "all": two tables (host a, b) sharing one header; "sums": its own block.
    assert_eq!(tables, 4);
    let all: Vec<&Row> = rows.iter().filter(|r| r.2 == "all").collect();
    let sums: Vec<&Row> = rows.iter().filter(|r| r.2 == "sums").collect();
    assert_eq!(all.len(), 6);
    // The server sends the two results in either order: table positions are counted from
    // each result's first table.
    let first = |rows: &[&Row]| rows.first().map(|r| r.0).unwrap_or(0);
    let (a0, s0) = (first(&all), first(&sums));
    assert_eq!(
        all.iter().map(|r| (r.0 - a0, r.1)).collect::<Vec<_>>(),
        [
            (0, true),
            (0, true),
            (0, true),
            (1, false),
            (1, false),
            (1, false)
        ]
    );
    assert_eq!(sums.len(), 2);
    assert_eq!((sums[0].0 - s0, sums[0].1), (0, true));
    assert_eq!((sums[1].0 - s0, sums[1].1), (1, false));
    // and the four tables are 0..4 in the order they came
    let mut idx: Vec<usize> = all.iter().chain(&sums).map(|r| r.0).collect();
    idx.sort();
    idx.dedup();
    assert_eq!(idx, [0, 1, 2, 3]);
    let v = |r: &Row| r.3.last().unwrap().clone().unwrap();
    assert_eq!(sums.iter().map(|r| v(r)).collect::<Vec<_>>(), ["3", "33"]);
}

#[test]
fn a_flux_error_after_output_ends_the_query_with_its_message() {
    let s = server();
    let c = client(&s.conf());
    let flux = r#"import "array"
array.from(rows:[{a:1}]) |> yield(name:"ok")
array.from(rows:[{a:2}]) |> map(fn: (r) => ({r with b: die(msg:"boom")})) |> yield(name:"bad")"#;
    // The server may find the error before it sent anything (then it is an HTTP 400 at
    // open, with the same message): try until the in-band case happens.
    let mut cur = (0..20)
        .find_map(|_| match c.query_api().query(None, flux, None) {
            Ok(cur) => Some(cur),
            Err(e) => {
                assert_eq!((e.code, e.http_status), (Code::Http, 400), "{e}");
                assert!(e.server_message.unwrap().ends_with("boom"));
                None
            }
        })
        .expect("an in-band error in 20 attempts");
    assert_eq!(cur.next().unwrap(), Event::Table);
    assert_eq!(cur.next().unwrap(), Event::Record);
    assert_eq!(cur.record().unwrap().get_i64(2).unwrap(), 1);
    let e = cur.next().unwrap_err();
    assert_eq!(e.code, Code::Query);
    assert!(
        e.message.ends_with("failed to evaluate map function: boom"),
        "{e}"
    );
    assert_eq!(e.server_message.as_deref(), Some(e.message.as_str()));
    let q = cur.query_error().unwrap();
    assert_eq!(
        (q.message.as_str(), q.reference.as_str()),
        (e.message.as_str(), "")
    );
    assert_eq!(cur.next().unwrap_err(), e, "sticky");

    // Errors found before any output are HTTP errors at open.
    let e = c
        .query_api()
        .query(None, "from(bucket:", None)
        .err()
        .unwrap();
    assert_eq!((e.code, e.http_status), (Code::Http, 400));
    assert!(e.server_message.unwrap().starts_with("compilation failed"));
}

#[test]
fn bind_parameters_reach_the_query() {
    let s = server();
    let c = client(&s.conf());
    let run = run_id("qparams");
    write_two_hosts(&c, "qparams", &run);
    let mut p = QueryParams::new();
    p.set("bucketParam", Param::String(s.bucket.clone()))
        .unwrap();
    p.set("runParam", Param::String(run.clone())).unwrap();
    p.set("startParam", Param::TimeNs(1_700_000_001_000_000_000))
        .unwrap();
    p.set("limitParam", Param::Int(1)).unwrap();
    p.set("factor", Param::Float(0.5)).unwrap();
    p.set("window", Param::DurationNs(-3_600_000_000_000))
        .unwrap();
    p.set("flag", Param::Bool(true)).unwrap();
    let flux = r#"from(bucket: bucketParam) |> range(start: startParam)
  |> filter(fn: (r) => r.run == runParam and flag)
  |> limit(n: limitParam)
  |> map(fn: (r) => ({r with scaled: float(v: r._value) * factor, w: string(v: window)}))"#;
    let mut cur = c.query_api().query(None, flux, Some(&p)).unwrap();
    let mut got = Vec::new();
    while cur.next().unwrap() != Event::End {
        if let Some(r) = cur.record() {
            let col = |n: &str| r.column_index(n).unwrap();
            got.push((
                r.get_str(col("host")).unwrap().to_owned(),
                r.get_i64(col("_value")).unwrap(),
                r.get_f64(col("scaled")).unwrap(),
                r.get_str(col("w")).unwrap().to_owned(),
            ));
        }
    }
    // start excludes the first point of each host; limit 1 keeps the second.
    assert_eq!(
        got,
        [
            ("a".to_owned(), 1, 0.5, "-1h".to_owned()),
            ("b".to_owned(), 11, 5.5, "-1h".to_owned())
        ]
    );
}

#[test]
fn wrong_token_is_401_and_unknown_bucket_is_404_at_open() {
    let s = server();
    let mut conf = s.conf();
    conf.set("token", "definitely-wrong-token").unwrap();
    let e = client(&conf)
        .query_api()
        .query(None, "buckets()", None)
        .err()
        .unwrap();
    assert_eq!((e.code, e.http_status), (Code::Http, 401));
    assert_eq!(e.server_message.as_deref(), Some("unauthorized access"));
    assert!(!format!("{e} {e:?}").contains("definitely-wrong-token"));

    let e = client(&s.conf())
        .query_api()
        .query(
            None,
            r#"from(bucket:"no-such-bucket") |> range(start:-1h)"#,
            None,
        )
        .err()
        .unwrap();
    assert_eq!((e.code, e.http_status), (Code::Http, 404));
    assert!(e.server_message.unwrap().contains("no-such-bucket"));
}

const MILLION: &str = r#"import "generate"
generate.from(count: 1000000, fn: (n) => n, start: 2021-01-01T00:00:00Z, stop: 2021-01-02T00:00:00Z)"#;

#[test]
fn gzip_answers_read_the_same_as_plain_ones() {
    let s = server();
    let mut results = Vec::new();
    for gzip in ["false", "true"] {
        let mut conf = s.conf();
        conf.set("enable_gzip", gzip).unwrap();
        let flux = MILLION.replace("1000000", "100000");
        let mut cur = client(&conf).query_api().query(None, &flux, None).unwrap();
        let (mut n, mut sum, mut last_time) = (0u64, 0i64, 0i64);
        while cur.next().unwrap() != Event::End {
            if let Some(r) = cur.record() {
                sum += r.get_i64(3).unwrap();
                last_time = r.get_time_ns(2).unwrap();
                n += 1;
            }
        }
        results.push((n, sum, last_time));
    }
    assert_eq!(
        results[0],
        (100_000, 4_999_950_000, 1_609_545_599_136_000_000)
    );
    assert_eq!(results[0], results[1]);
}

#[test]
fn close_after_10_rows_of_a_million_returns_at_once() {
    let s = server();
    let c = client(&s.conf());
    let mut cur = c.query_api().query(None, MILLION, None).unwrap();
    let mut records = 0;
    while records < 10 {
        if cur.next().unwrap() == Event::Record {
            records += 1;
        }
    }
    let t = Instant::now();
    drop(cur);
    let took = t.elapsed();
    eprintln!("close after 10 rows of 1,000,000: {took:?}");
    assert!(took < Duration::from_millis(50), "close took {took:?}");
    // The client still works (nothing was left half-read on a pooled connection).
    let mut cur = c.query_api().query(None, "buckets()", None).unwrap();
    assert_eq!(cur.next().unwrap(), Event::Table);
}
