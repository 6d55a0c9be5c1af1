//! The query core against the shared fixtures (tests/data/query/, copied from the query
//! research): every annotated-CSV case through the streaming cursor, fed in random small
//! chunks, and every bind-parameter case through the extern builder. Plus bounded memory on a
//! 1,000,000-row stream.

use std::io::{self, Read};

use influxdb_client::query::params::{Param, QueryParams};
use influxdb_client::query::{Cursor, CursorOptions, Event, QueryErrorKind};
use serde_json::{json, Map, Value as Json};

#[path = "support/fixtures.rs"]
mod fixtures;
use fixtures::{jsonl, neutral, same};

/// A reader that hands out its data in chunks of random size in `min..=max`, and counts
/// its reads.
struct ChunkReader {
    data: Vec<u8>,
    pos: usize,
    rng: fastrand::Rng,
    min: usize,
    max: usize,
    reads: usize,
}

impl ChunkReader {
    fn new(data: &[u8], seed: u64, min: usize, max: usize) -> ChunkReader {
        ChunkReader {
            data: data.to_vec(),
            pos: 0,
            rng: fastrand::Rng::with_seed(seed),
            min,
            max,
            reads: 0,
        }
    }
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        let want = self.rng.usize(self.min..=self.max).min(buf.len());
        let n = want.min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The parse of one CSV in the fixtures' `expected` form.
fn run_case<R: Read>(cursor: &mut Cursor<R>) -> Json {
    let mut tables = Vec::new();
    let mut records = Vec::new();
    let (mut error, mut kind, mut reference) = (Json::Null, Json::Null, Json::Null);
    'events: loop {
        match cursor.next() {
            Ok(Event::End) => break,
            Ok(Event::Table) => {
                let t = cursor.table().expect("table after a TABLE event");
                assert!(cursor.record().is_none(), "no record right after TABLE");
                let columns: Vec<Json> = t
                    .columns()
                    .iter()
                    .map(|c| {
                        json!({"label": c.label(), "datatype": c.datatype(),
                               "group": c.is_group(), "default": c.default_value()})
                    })
                    .collect();
                tables.push(json!({"index": t.index(), "new_block": t.new_block(),
                                   "columns": columns}));
            }
            Ok(Event::Record) => {
                let r = cursor.record().expect("record after a RECORD event");
                let mut row = Vec::new();
                let mut values = Map::new();
                for c in 0..r.len() {
                    match r.value(c) {
                        Ok(v) => {
                            let v = neutral(v);
                            values.insert(r.table().columns()[c].label().to_owned(), v.clone());
                            row.push(v);
                        }
                        Err(e) => {
                            assert_eq!(e.kind, QueryErrorKind::Value, "{e}");
                            assert_eq!(e.column, Some(c));
                            error = json!(e.message);
                            kind = json!("value");
                            break 'events;
                        }
                    }
                }
                records.push(json!({"table": r.table().index(), "values": values, "row": row}));
            }
            Err(e) => {
                match e.kind {
                    QueryErrorKind::Query => {
                        kind = json!("flux");
                        reference = json!(e.reference);
                    }
                    QueryErrorKind::Parse => kind = json!("parse"),
                    other => panic!("unexpected error kind {other:?}: {e}"),
                }
                error = json!(e.message);
                // Sticky.
                let again = cursor.next().unwrap_err();
                assert_eq!(again, e);
                break;
            }
        }
    }
    if kind.is_null() {
        assert_eq!(cursor.next().unwrap(), Event::End, "End repeats");
    }
    json!({"tables": tables, "records": records, "error": error,
           "error_kind": kind, "error_reference": reference})
}

fn check_case(name: &str, expected: &Json, got: &Json) {
    let exp_tables = expected["tables"].as_array().unwrap();
    let got_tables = got["tables"].as_array().unwrap();
    assert_eq!(got_tables.len(), exp_tables.len(), "{name}: table count");
    for (i, (g, e)) in got_tables.iter().zip(exp_tables).enumerate() {
        assert!(same(g, e), "{name}: table {i}\n got {g}\nwant {e}");
    }
    let exp_records = expected["records"].as_array().unwrap();
    let got_records = got["records"].as_array().unwrap();
    for (i, (g, e)) in got_records.iter().zip(exp_records).enumerate() {
        assert!(same(g, e), "{name}: record {i}\n got {g}\nwant {e}");
    }
    assert_eq!(got_records.len(), exp_records.len(), "{name}: record count");
    assert_eq!(
        got["error_kind"], expected["error_kind"],
        "{name}: error kind ({})",
        got["error"]
    );
    match expected["error_kind"].as_str() {
        None => {}
        Some("flux") => {
            assert_eq!(got["error"], expected["error"], "{name}: flux message");
            assert_eq!(
                got["error_reference"], expected["error_reference"],
                "{name}: reference"
            );
        }
        Some("parse") => assert_eq!(got["error"], expected["error"], "{name}: parse message"),
        Some("value") => {
            let g = got["error"].as_str().unwrap();
            let e = expected["error"].as_str().unwrap();
            assert!(
                g.starts_with(e),
                "{name}: value message {g:?} should start with {e:?}"
            );
        }
        Some(other) => panic!("{name}: unknown error_kind {other}"),
    }
}

#[test]
fn every_csv_case_streamed_in_random_chunks() {
    let cases = jsonl("csv_cases.jsonl");
    assert!(cases.len() >= 63, "fixture file has {} cases", cases.len());
    for (n, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let csv = case["csv"].as_str().unwrap().as_bytes();
        let expected = &case["expected"];
        // Chunks of 1..7 bytes with tiny and default read buffers, then whole reads.
        for (seed, buffer) in [
            (n as u64, 3usize),
            (n as u64 + 1000, 8),
            (n as u64 + 2000, 65536),
        ] {
            let reader = ChunkReader::new(csv, seed, 1, 7);
            let opts = CursorOptions {
                buffer_capacity: buffer,
                ..CursorOptions::default()
            };
            let mut cursor = Cursor::with_options(reader, opts);
            let got = run_case(&mut cursor);
            check_case(name, expected, &got);
        }
        let mut cursor = Cursor::new(csv);
        check_case(name, expected, &run_case(&mut cursor));
    }
}

#[test]
fn every_params_case() {
    let cases = jsonl("params_ast.jsonl");
    assert_eq!(cases.len(), 11);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let mut p = QueryParams::new();
        if !case["input"].is_null() {
            let input = &case["input"];
            let v = &input["value"];
            let param_name = case["param"].as_str().unwrap_or("");
            let param = match input["kind"].as_str().unwrap() {
                "str" => Some(Param::String(v.as_str().unwrap().to_owned())),
                "i64" => Some(Param::Int(v.as_i64().unwrap())),
                "f64" => Some(Param::Float(v.as_f64().unwrap())),
                "bool" => Some(Param::Bool(v.as_bool().unwrap())),
                "time_ns" => Some(Param::TimeNs(v.as_i64().unwrap())),
                "duration_ns" => Some(Param::DurationNs(v.as_i64().unwrap())),
                "ast_json" => {
                    p.set_ast_json(param_name, v.as_str().unwrap()).unwrap();
                    None
                }
                "profilers" => {
                    let names = v.as_array().unwrap().iter().map(|n| n.as_str().unwrap());
                    p.set_profilers(names);
                    None
                }
                other => panic!("{name}: unknown kind {other}"),
            };
            if let Some(param) = param {
                p.set(param_name, param).unwrap();
            }
        }
        assert_eq!(p.extern_json(), case["expected_extern"], "{name}");
        // The body carries the same extern.
        let body = influxdb_client::query::query_body("q", Some(&p));
        assert_eq!(body["extern"], case["expected_extern"], "{name}: body");
        assert_eq!(body["query"], "q");
    }
}

/// Generates `rows` data rows of a 6-column table lazily (never the whole CSV in memory),
/// with a new `table` id every 100,000 rows.
struct Synthetic {
    rows: u64,
    next_row: u64,
    pending: Vec<u8>,
    pos: usize,
    header_done: bool,
}

impl Read for Synthetic {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.pending.len() {
            self.pending.clear();
            self.pos = 0;
            if !self.header_done {
                self.header_done = true;
                self.pending.extend_from_slice(
                    b"#datatype,string,long,dateTime:RFC3339,double,string,boolean\r\n\
                      #group,false,false,false,false,true,false\r\n\
                      #default,_result,,,,,\r\n\
                      ,result,table,_time,_value,_field,ok\r\n",
                );
            }
            while self.next_row < self.rows && self.pending.len() < 8192 {
                let i = self.next_row;
                let line = format!(
                    ",,{},2024-01-01T00:00:{:02}.{:09}Z,{}.5,\"f,{}\",{}\r\n",
                    i / 100_000,
                    i % 60,
                    i % 1_000_000_000,
                    i,
                    i % 7,
                    if i % 2 == 0 { "true" } else { "false" }
                );
                self.pending.extend_from_slice(line.as_bytes());
                self.next_row += 1;
            }
        }
        let n = buf.len().min(self.pending.len() - self.pos);
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn a_million_rows_stream_with_bounded_memory() {
    const ROWS: u64 = 1_000_000;
    let reader = Synthetic {
        rows: ROWS,
        next_row: 0,
        pending: Vec::new(),
        pos: 0,
        header_done: false,
    };
    let mut cursor = Cursor::new(reader);
    let (mut records, mut tables, mut sum, mut trues, mut max_bytes) = (0u64, 0u64, 0f64, 0u64, 0);
    loop {
        match cursor.next().unwrap() {
            Event::End => break,
            Event::Table => tables += 1,
            Event::Record => {
                let r = cursor.record().unwrap();
                let i = records;
                assert_eq!(r.get_i64(1).unwrap(), (i / 100_000) as i64);
                sum += r.get_f64(3).unwrap();
                if r.get_bool(5).unwrap() {
                    trues += 1;
                }
                if i % 99_991 == 0 {
                    assert_eq!(r.get_str(0).unwrap(), "_result");
                    assert_eq!(r.get_str(4).unwrap(), format!("f,{}", i % 7));
                    let t = r.get_time_ns(2).unwrap();
                    assert_eq!(
                        t,
                        1_704_067_200_000_000_000 + (i % 60 * 1_000_000_000 + i) as i64
                    );
                    assert_eq!(r.table().index() as u64, i / 100_000);
                }
                records += 1;
                if records % 10_000 == 0 {
                    max_bytes = max_bytes.max(cursor.buffer_bytes());
                }
            }
        }
    }
    assert_eq!(records, ROWS);
    assert_eq!(tables, 10);
    assert_eq!(trues, ROWS / 2);
    assert_eq!(sum, (ROWS * (ROWS - 1) / 2) as f64 + 0.5 * ROWS as f64);
    // 64 KiB read buffer + one row (< 100 bytes) and its 6 offsets: far below 80 KiB.
    assert!(max_bytes > 64 * 1024, "{max_bytes}");
    assert!(
        max_bytes < 80 * 1024,
        "cursor buffers grew to {max_bytes} bytes"
    );
    assert!(cursor.get_ref().next_row == ROWS);
}

#[test]
fn the_reader_is_read_only_inside_next() {
    let csv =
        "#datatype,string,long\n#group,false,false\n#default,_result,\n,result,table\n,,0\n,,0\n";
    let mut cursor = Cursor::with_options(
        ChunkReader::new(csv.as_bytes(), 7, 1, 1),
        CursorOptions {
            buffer_capacity: 1,
            ..CursorOptions::default()
        },
    );
    assert_eq!(cursor.get_ref().reads, 0);
    assert_eq!(cursor.next().unwrap(), Event::Table);
    // Up to the end of the header line and not one byte further.
    let header_end = csv.find(",result,table\n").unwrap() + ",result,table\n".len();
    assert_eq!(cursor.get_ref().pos, header_end);
    assert_eq!(cursor.next().unwrap(), Event::Record);
    assert_eq!(cursor.get_ref().pos, header_end + ",,0\n".len());
}

/// Throughput of the cursor on a realistic Flux answer held in memory (run with
/// `cargo test --release --test query_csv_cases -- --ignored --nocapture`).
#[test]
#[ignore]
fn throughput() {
    use std::time::Instant;
    const ROWS: u64 = 2_000_000;
    let mut csv = Vec::with_capacity(ROWS as usize * 140);
    csv.extend_from_slice(
        b"#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string\r\n\
          #group,false,false,true,true,false,false,true,true,true\r\n\
          #default,_result,,,,,,,,\r\n\
          ,result,table,_start,_stop,_time,_value,_field,_measurement,host\r\n",
    );
    for i in 0..ROWS {
        csv.extend_from_slice(
            format!(
                ",,{},2024-01-01T00:00:00Z,2024-01-02T00:00:00Z,2024-01-01T{:02}:{:02}:{:02}.{:09}Z,{}.{},usage_user,cpu,host{}\r\n",
                i / 10_000,
                i / 3600 % 24,
                i / 60 % 60,
                i % 60,
                i * 7 % 1_000_000_000,
                i,
                i % 1000,
                i / 10_000
            )
            .as_bytes(),
        );
    }
    let cells = ROWS * 9;
    let mb = csv.len() as f64 / 1e6;

    let t = Instant::now();
    let mut sink = Vec::with_capacity(csv.len());
    io::copy(&mut &csv[..], &mut sink).unwrap();
    let copy = t.elapsed().as_secs_f64();
    assert_eq!(sink.len(), csv.len());
    drop(sink);

    let t = Instant::now();
    let mut cursor = Cursor::new(&csv[..]);
    let mut n = 0u64;
    while cursor.next().unwrap() != Event::End {
        n += 1;
    }
    let parse = t.elapsed().as_secs_f64();
    assert_eq!(n, ROWS + ROWS / 10_000);

    let t = Instant::now();
    let mut cursor = Cursor::new(&csv[..]);
    let (mut sum, mut times, mut len) = (0f64, 0i64, 0usize);
    loop {
        match cursor.next().unwrap() {
            Event::End => break,
            Event::Table => {}
            Event::Record => {
                let r = cursor.record().unwrap();
                len += r.get_str(0).unwrap().len();
                times = times.wrapping_add(r.get_i64(1).unwrap());
                times = times.wrapping_add(r.get_time_ns(2).unwrap());
                times = times.wrapping_add(r.get_time_ns(3).unwrap());
                times = times.wrapping_add(r.get_time_ns(4).unwrap());
                sum += r.get_f64(5).unwrap();
                for c in 6..9 {
                    len += r.get_str(c).unwrap().len();
                }
            }
        }
    }
    let typed = t.elapsed().as_secs_f64();
    assert!(sum > 0.0 && times != 0 && len > 0);

    println!(
        "{ROWS} rows, {cells} cells, {mb:.0} MB: copy {:.0} MB/s; parse {:.1} M cells/s ({:.0} MB/s); \
         parse + typed getters on every cell {:.1} M cells/s ({:.0} MB/s)",
        mb / copy,
        cells as f64 / parse / 1e6,
        mb / parse,
        cells as f64 / typed / 1e6,
        mb / typed
    );
}
