//! Queries through HTTP against scripted loopback servers (tests/support/faulty.rs and raw
//! sockets below): every annotated-CSV fixture served as a query answer and read through
//! the C API (influx_query_* called from Rust) and through the Rust QueryApi; every
//! bind-parameter fixture compared with the request body the library actually sent; the
//! request line and headers; HTTP errors at open; gzip answers; a connection cut or silent
//! mid-stream; raw CSV.

#[path = "support/faulty.rs"]
mod faulty;
#[path = "support/fixtures.rs"]
mod fixtures;

use std::ffi::{c_char, CStr, CString};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use faulty::{Action, FaultyServer};
use fixtures::{hex, jsonl, neutral, neutral_f64, same};
use influxdb_client::client::Client;
use influxdb_client::config::Conf;
use influxdb_client::ffi::*;
use influxdb_client::query::Event;
use influxdb_client::Code;
use serde_json::{json, Map, Value as Json};

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_error() -> String {
    // SAFETY: never NULL, NUL-terminated.
    unsafe { CStr::from_ptr(influx_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn last_server_message() -> String {
    // SAFETY: never NULL, NUL-terminated.
    unsafe { CStr::from_ptr(influx_last_server_message()) }
        .to_string_lossy()
        .into_owned()
}

/// A C client for `url` with `token` "t" (and org "o" unless `settings` say otherwise).
fn c_client(url: &str, settings: &[(&str, &str)]) -> *mut influx_client {
    let conf = influx_conf_new();
    let mut all = vec![("url", url), ("token", "SECRET-TOKEN-x9"), ("org", "o")];
    all.extend_from_slice(settings);
    for (k, v) in all {
        let (k, v) = (cs(k), cs(v));
        assert_eq!(
            influx_conf_set(conf, k.as_ptr(), v.as_ptr(), std::ptr::null_mut(), 0),
            INFLUX_OK
        );
    }
    let c = influx_client_new(conf, std::ptr::null_mut(), 0);
    assert!(!c.is_null(), "{}", last_error());
    c
}

fn rust_client(url: &str, settings: &[(&str, &str)]) -> Client {
    let mut conf = Conf::new();
    conf.set("url", url).unwrap();
    conf.set("token", "SECRET-TOKEN-x9").unwrap();
    conf.set("org", "o").unwrap();
    for (k, v) in settings {
        conf.set(k, v).unwrap();
    }
    Client::new(&conf).unwrap()
}

/// A converted C cell in the neutral form.
///
/// # Safety
/// `c` came from influx_record_get_cells of the current record.
unsafe fn cell_json(c: &influx_cell) -> Json {
    if c.null {
        return Json::Null;
    }
    // SAFETY: the member named by type_ is the one written.
    unsafe {
        let text = || {
            let bytes = std::slice::from_raw_parts(c.data.cast::<u8>(), c.len);
            assert_eq!(*c.data.add(c.len), 0, "text is NUL-terminated");
            json!(std::str::from_utf8(bytes).unwrap())
        };
        match c.type_ {
            INFLUX_COL_STRING | INFLUX_COL_UNKNOWN => text(),
            INFLUX_COL_DOUBLE => neutral_f64(c.v.f64),
            INFLUX_COL_LONG => json!(c.v.i64),
            INFLUX_COL_ULONG => json!(c.v.u64),
            INFLUX_COL_BOOL => json!(c.v.b),
            INFLUX_COL_TIME | INFLUX_COL_DURATION => json!(c.v.ns),
            INFLUX_COL_BYTES => json!(hex(std::slice::from_raw_parts(c.data.cast::<u8>(), c.len))),
            t => panic!("unknown column type {t}"),
        }
    }
}

fn c_str(p: *const c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: a NUL-terminated string of the library.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}

/// Read a whole query through the C API, in the fixtures' `expected` form.
fn run_c(q: *mut influx_query) -> Json {
    let mut tables = Vec::new();
    let mut records = Vec::new();
    let (mut error, mut kind, mut reference) = (Json::Null, Json::Null, Json::Null);
    let mut ev: influx_query_event = -1;
    'events: loop {
        let rc = influx_query_next(q, &mut ev);
        if rc != INFLUX_OK {
            assert_eq!(ev, INFLUX_QUERY_END);
            let (mut m, mut r) = (std::ptr::null(), std::ptr::null());
            assert_eq!(influx_query_error(q, &mut m, &mut r), rc);
            match rc {
                INFLUX_ERR_QUERY => {
                    kind = json!("flux");
                    error = json!(c_str(m));
                    reference = json!(c_str(r));
                    assert_eq!(last_server_message(), c_str(m));
                }
                INFLUX_ERR_PARSE => {
                    kind = json!("parse");
                    error = json!(c_str(m));
                    assert_eq!(last_error(), c_str(m));
                    assert_eq!(c_str(r), "");
                }
                other => panic!("unexpected result {other}: {}", last_error()),
            }
            // Sticky: the same error again, no view.
            assert_eq!(influx_query_next(q, &mut ev), rc);
            assert!(influx_query_record(q).is_null());
            break;
        }
        match ev {
            INFLUX_QUERY_END => break,
            INFLUX_QUERY_TABLE => {
                let t = influx_query_table(q);
                assert!(!t.is_null());
                assert!(influx_query_record(q).is_null());
                let n = influx_table_column_count(t);
                let columns: Vec<Json> = (0..n)
                    .map(|i| {
                        let label = c_str(influx_table_column_name(t, i));
                        json!({"label": label,
                               "datatype": c_str(influx_table_column_datatype(t, i)),
                               "group": influx_table_column_is_group(t, i),
                               "default": c_str(influx_table_column_default(t, i))})
                    })
                    .collect();
                assert!(influx_table_column_name(t, n).is_null());
                tables.push(json!({"index": influx_table_index(t),
                                   "new_block": influx_table_new_block(t),
                                   "columns": columns}));
            }
            INFLUX_QUERY_RECORD => {
                let r = influx_query_record(q);
                assert!(!r.is_null());
                let t = influx_record_table(r);
                assert_eq!(t, influx_query_table(q));
                let n = influx_table_column_count(t);
                let mut cells = vec![
                    influx_cell {
                        type_: -1,
                        null: false,
                        v: influx_cell_value { i64: 0 },
                        data: std::ptr::null(),
                        len: 0,
                    };
                    n
                ];
                let rc = influx_record_get_cells(r, cells.as_mut_ptr(), n);
                let mut row = Vec::new();
                let mut values = Map::new();
                for (i, c) in cells.iter().enumerate() {
                    if rc == INFLUX_ERR_VALUE && c.type_ == -1 {
                        break;
                    }
                    let label = c_str(influx_table_column_name(t, i));
                    // SAFETY: filled by get_cells for this record.
                    let v = unsafe { cell_json(c) };
                    assert_eq!(
                        influx_table_column_index(t, cs(&label).as_ptr()),
                        influx_record_column_index(r, cs(&label).as_ptr())
                    );
                    values.insert(label, v.clone());
                    row.push(v);
                }
                if rc == INFLUX_ERR_VALUE {
                    error = json!(last_error());
                    kind = json!("value");
                    break 'events;
                }
                assert_eq!(rc, INFLUX_OK, "{}", last_error());
                records.push(json!({"table": influx_table_index(t), "values": values, "row": row}));
            }
            other => panic!("unknown event {other}"),
        }
    }
    if kind.is_null() {
        assert_eq!(influx_query_next(q, &mut ev), INFLUX_OK);
        assert_eq!(ev, INFLUX_QUERY_END, "END repeats");
        assert_eq!(
            influx_query_error(q, std::ptr::null_mut(), std::ptr::null_mut()),
            INFLUX_OK
        );
    }
    json!({"tables": tables, "records": records, "error": error,
           "error_kind": kind, "error_reference": reference})
}

/// Read a whole query through the Rust QueryApi, in the fixtures' `expected` form.
fn run_rust(client: &Client, org: &str) -> Json {
    let mut cur = client.query_api().query(Some(org), "q", None).unwrap();
    let mut tables = Vec::new();
    let mut records = Vec::new();
    let (mut error, mut kind, mut reference) = (Json::Null, Json::Null, Json::Null);
    'events: loop {
        match cur.next() {
            Ok(Event::End) => break,
            Ok(Event::Table) => {
                let t = cur.table().unwrap();
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
                let r = cur.record().unwrap();
                let mut row = Vec::new();
                let mut values = Map::new();
                for c in 0..r.len() {
                    let v = match r.value(c) {
                        Ok(v) => v,
                        Err(e) => {
                            error = json!(e.message);
                            kind = json!("value");
                            break 'events;
                        }
                    };
                    let v = neutral(v);
                    values.insert(r.table().columns()[c].label().to_owned(), v.clone());
                    row.push(v);
                }
                records.push(json!({"table": r.table().index(), "values": values, "row": row}));
            }
            Err(e) => {
                match e.code {
                    Code::Query => {
                        let q = cur.query_error().unwrap();
                        kind = json!("flux");
                        error = json!(q.message);
                        reference = json!(q.reference);
                    }
                    Code::Parse => {
                        kind = json!("parse");
                        error = json!(e.message);
                    }
                    other => panic!("unexpected {other:?}: {e}"),
                }
                assert_eq!(cur.next().unwrap_err(), e, "sticky");
                break;
            }
        }
    }
    json!({"tables": tables, "records": records, "error": error,
           "error_kind": kind, "error_reference": reference})
}

fn check_case(name: &str, expected: &Json, got: &Json) {
    let (e, g) = (&expected["tables"], &got["tables"]);
    assert_eq!(
        g.as_array().unwrap().len(),
        e.as_array().unwrap().len(),
        "{name}: tables\n got {g}\nwant {e}"
    );
    assert!(same(g, e), "{name}: tables\n got {g}\nwant {e}");
    let (e, g) = (&expected["records"], &got["records"]);
    for (i, (x, y)) in g
        .as_array()
        .unwrap()
        .iter()
        .zip(e.as_array().unwrap())
        .enumerate()
    {
        assert!(same(x, y), "{name}: record {i}\n got {x}\nwant {y}");
    }
    assert_eq!(
        g.as_array().unwrap().len(),
        e.as_array().unwrap().len(),
        "{name}: records"
    );
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
                "{name}"
            );
        }
        Some("parse") => {}
        Some("value") => {
            let (g, e) = (
                got["error"].as_str().unwrap(),
                expected["error"].as_str().unwrap(),
            );
            assert!(g.starts_with(e), "{name}: {g:?} should start with {e:?}");
        }
        Some(other) => panic!("{name}: unknown error_kind {other}"),
    }
}

/// A server answering `?org=case-N` with fixture N's CSV, as InfluxDB sends a query answer.
fn fixture_server(cases: &[Json]) -> FaultyServer {
    let bodies: Vec<String> = cases
        .iter()
        .map(|c| c["csv"].as_str().unwrap().to_owned())
        .collect();
    FaultyServer::start(move |_, req| {
        let n: usize = req
            .param("org")
            .and_then(|o| o.strip_prefix("case-"))
            .and_then(|n| n.parse().ok())
            .expect("org=case-N");
        Action::Respond {
            status: 200,
            headers: vec![("Content-Type".into(), "text/csv; charset=utf-8".into())],
            body: bodies[n].clone(),
        }
    })
}

#[test]
fn every_csv_case_through_http_and_the_c_api() {
    let cases = jsonl("csv_cases.jsonl");
    assert!(cases.len() >= 63, "{} cases", cases.len());
    let server = fixture_server(&cases);
    let client = c_client(&server.url(), &[]);
    for (n, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let (org, flux) = (cs(&format!("case-{n}")), cs("q"));
        let mut q = std::ptr::null_mut();
        let rc = influx_query_open(
            client,
            org.as_ptr(),
            flux.as_ptr(),
            std::ptr::null(),
            &mut q,
        );
        assert_eq!(rc, INFLUX_OK, "{name}: {}", last_error());
        let got = run_c(q);
        influx_query_close(q);
        check_case(name, &case["expected"], &got);
    }
    assert_eq!(server.count(), cases.len());
    influx_client_free(client);
}

/// Read a whole query through influx_query_next_records() (the Python binding's batch
/// reader) with `capacity` bytes and `max_records`, decoding its packed records in the
/// fixtures' `expected` form (as run_c reads them record by record).
fn run_c_batched(q: *mut influx_query, capacity: usize, max_records: usize) -> Json {
    let mut tables = Vec::new();
    let mut records = Vec::new();
    let (mut error, mut kind, mut reference) = (Json::Null, Json::Null, Json::Null);
    let mut buf = vec![0u64; capacity.div_ceil(8)];
    let mut capacity = capacity;
    let mut types: Vec<i32> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut table_index = 0usize;
    // per table, as a caller does: at most half the buffer for the records' slots
    let mut table_max = max_records;
    loop {
        let (mut n, mut n_str, mut ev) = (usize::MAX, usize::MAX, -1);
        let rc = influx_query_next_records(
            q,
            buf.as_mut_ptr().cast(),
            capacity,
            table_max,
            &mut n,
            &mut n_str,
            &mut ev,
        );
        if rc == INFLUX_ERR_INVALID_ARG && last_error().contains("does not fit") {
            // one record larger than the buffer: it is kept; a larger buffer reads it
            assert_eq!((n, n_str), (0, 0));
            capacity *= 4;
            buf = vec![0u64; capacity.div_ceil(8)];
            continue;
        }
        if rc != INFLUX_OK {
            assert_eq!((n, n_str, ev), (0, 0, INFLUX_QUERY_END));
            let (mut m, mut r) = (std::ptr::null(), std::ptr::null());
            match rc {
                INFLUX_ERR_QUERY => {
                    assert_eq!(influx_query_error(q, &mut m, &mut r), rc);
                    kind = json!("flux");
                    error = json!(c_str(m));
                    reference = json!(c_str(r));
                }
                INFLUX_ERR_PARSE => {
                    assert_eq!(influx_query_error(q, &mut m, &mut r), rc);
                    kind = json!("parse");
                    error = json!(c_str(m));
                }
                INFLUX_ERR_VALUE => {
                    kind = json!("value");
                    error = json!(last_error());
                }
                other => panic!("unexpected result {other}: {}", last_error()),
            }
            break;
        }
        match ev {
            INFLUX_QUERY_END => {
                assert_eq!((n, n_str), (0, 0));
                break;
            }
            INFLUX_QUERY_TABLE => {
                assert_eq!((n, n_str), (0, 0));
                let t = influx_query_table(q);
                assert!(!t.is_null());
                let c = influx_table_column_count(t);
                types = (0..c).map(|i| influx_table_column_type(t, i)).collect();
                labels = (0..c)
                    .map(|i| c_str(influx_table_column_name(t, i)))
                    .collect();
                table_index = influx_table_index(t);
                let size = 8 * (c.div_ceil(64).max(1) + c);
                if 2 * size > capacity {
                    capacity = 2 * size;
                    buf = vec![0u64; capacity.div_ceil(8)];
                }
                table_max = max_records.min(capacity / (2 * size));
                let columns: Vec<Json> = (0..c)
                    .map(|i| {
                        json!({"label": labels[i],
                               "datatype": c_str(influx_table_column_datatype(t, i)),
                               "group": influx_table_column_is_group(t, i),
                               "default": c_str(influx_table_column_default(t, i))})
                    })
                    .collect();
                tables.push(json!({"index": table_index,
                                   "new_block": influx_table_new_block(t),
                                   "columns": columns}));
            }
            INFLUX_QUERY_RECORD => {
                assert!(n >= 1 && n <= table_max, "{n} records");
                // SAFETY: capacity bytes of buf, filled by the call.
                let bytes =
                    unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), capacity) };
                let c = types.len();
                let words = c.div_ceil(64).max(1);
                let size = 8 * (words + c);
                let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
                // the string table
                let mut entries: Vec<(u32, &[u8])> = Vec::new();
                let mut at = table_max * size;
                for _ in 0..n_str {
                    let w = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
                    let len = (w & 0x3fff_ffff) as usize;
                    entries.push((w >> 30, &bytes[at + 4..at + 4 + len]));
                    at += 4 + len;
                }
                let mut distinct = std::collections::HashSet::new();
                for e in &entries {
                    assert!(distinct.insert(*e), "an entry twice in one call: {e:?}");
                }
                for k in 0..n {
                    let rec = k * size;
                    let mut row = Vec::new();
                    let mut values = Map::new();
                    for (j, &ty) in types.iter().enumerate() {
                        let null = word(rec + 8 * (j / 64)) >> (j % 64) & 1 == 1;
                        let v = word(rec + 8 * (words + j));
                        let entry = |kind: u32| {
                            let (f, b) = entries[v as usize];
                            assert_eq!(f, kind, "entry kind of column {j}");
                            b
                        };
                        let cell = if null {
                            assert_eq!(v, 0);
                            Json::Null
                        } else {
                            match ty {
                                INFLUX_COL_STRING | INFLUX_COL_UNKNOWN => {
                                    json!(std::str::from_utf8(entry(0)).unwrap())
                                }
                                INFLUX_COL_DOUBLE => neutral_f64(f64::from_bits(v)),
                                INFLUX_COL_LONG => json!(v as i64),
                                INFLUX_COL_ULONG => json!(v),
                                INFLUX_COL_BOOL => {
                                    assert!(v <= 1);
                                    json!(v == 1)
                                }
                                INFLUX_COL_TIME => {
                                    let text = entry(1);
                                    assert_eq!(text.len(), 30);
                                    json!(influxdb_client::query::convert::parse_time_ns(text)
                                        .unwrap())
                                }
                                INFLUX_COL_DURATION => json!(v as i64),
                                INFLUX_COL_BYTES => json!(hex(entry(2))),
                                t => panic!("unknown column type {t}"),
                            }
                        };
                        values.insert(labels[j].clone(), cell.clone());
                        row.push(cell);
                    }
                    records.push(json!({"table": table_index, "values": values, "row": row}));
                }
            }
            other => panic!("unknown event {other}"),
        }
    }
    json!({"tables": tables, "records": records, "error": error,
           "error_kind": kind, "error_reference": reference})
}

#[test]
fn every_csv_case_through_http_and_the_batched_c_reader() {
    let cases = jsonl("csv_cases.jsonl");
    let server = fixture_server(&cases);
    let client = c_client(&server.url(), &[]);
    // roomy; one record per call; a buffer so small that records wait for the next call
    // or need a larger buffer
    for (capacity, max_records) in [(1 << 16, 256), (4096, 1), (200, 2)] {
        for (n, case) in cases.iter().enumerate() {
            let name = case["name"].as_str().unwrap();
            let (org, flux) = (cs(&format!("case-{n}")), cs("q"));
            let mut q = std::ptr::null_mut();
            let rc = influx_query_open(
                client,
                org.as_ptr(),
                flux.as_ptr(),
                std::ptr::null(),
                &mut q,
            );
            assert_eq!(rc, INFLUX_OK, "{name}: {}", last_error());
            let got = run_c_batched(q, capacity, max_records);
            influx_query_close(q);
            check_case(
                &format!("{name} (batched {capacity}/{max_records})"),
                &case["expected"],
                &got,
            );
        }
    }
    influx_client_free(client);
}

#[test]
fn batched_reader_arguments_and_mixing_with_next() {
    let (mut n, mut n_str, mut ev) = (9, 9, 9);
    let mut buf = [0u64; 64];
    let p = buf.as_mut_ptr().cast();
    assert_eq!(
        influx_query_next_records(std::ptr::null_mut(), p, 512, 4, &mut n, &mut n_str, &mut ev),
        INFLUX_ERR_INVALID_ARG
    );
    assert_eq!((n, n_str, ev), (0, 0, INFLUX_QUERY_END));
    let cases = jsonl("csv_cases.jsonl");
    let server = fixture_server(&cases);
    let client = c_client(&server.url(), &[]);
    // the first case with records: influx_query_next and the batched reader in turn read
    // each record once, in order
    let n_case = cases
        .iter()
        .position(|c| c["expected"]["records"].as_array().unwrap().len() >= 3)
        .unwrap();
    let (org, flux) = (cs(&format!("case-{n_case}")), cs("q"));
    let mut q = std::ptr::null_mut();
    assert_eq!(
        influx_query_open(
            client,
            org.as_ptr(),
            flux.as_ptr(),
            std::ptr::null(),
            &mut q
        ),
        INFLUX_OK
    );
    assert_eq!(
        influx_query_next_records(q, std::ptr::null_mut(), 512, 4, &mut n, &mut n_str, &mut ev),
        INFLUX_ERR_INVALID_ARG
    );
    assert_eq!(
        influx_query_next_records(q, p, 512, 0, &mut n, &mut n_str, &mut ev),
        INFLUX_ERR_INVALID_ARG
    );
    assert_eq!(
        influx_query_next_records(q, p, 512, 4, std::ptr::null_mut(), &mut n_str, &mut ev),
        INFLUX_ERR_INVALID_ARG
    );
    let mut total = 0;
    let mut batched_calls = 0;
    loop {
        let mut e = -1;
        if total % 2 == 0 {
            assert_eq!(influx_query_next(q, &mut e), INFLUX_OK);
            if e == INFLUX_QUERY_RECORD {
                total += 1;
            }
        } else {
            assert_eq!(
                influx_query_next_records(q, p, 512, 1, &mut n, &mut n_str, &mut e),
                INFLUX_OK
            );
            batched_calls += 1;
            total += n;
        }
        if e == INFLUX_QUERY_END {
            break;
        }
    }
    assert!(batched_calls >= 1);
    assert_eq!(
        total,
        cases[n_case]["expected"]["records"]
            .as_array()
            .unwrap()
            .len()
    );
    // max_records records of this table do not fit the capacity: the record is kept
    influx_query_close(q);
    let mut q = std::ptr::null_mut();
    assert_eq!(
        influx_query_open(
            client,
            org.as_ptr(),
            flux.as_ptr(),
            std::ptr::null(),
            &mut q
        ),
        INFLUX_OK
    );
    let mut e = -1;
    assert_eq!(
        influx_query_next_records(q, p, 512, 4, &mut n, &mut n_str, &mut e),
        INFLUX_OK
    );
    assert_eq!(e, INFLUX_QUERY_TABLE);
    assert_eq!(
        influx_query_next_records(q, p, 512, 1000, &mut n, &mut n_str, &mut e),
        INFLUX_ERR_INVALID_ARG
    );
    assert!(last_error().contains("do not fit"), "{}", last_error());
    assert_eq!(influx_query_next(q, &mut e), INFLUX_OK);
    assert_eq!(e, INFLUX_QUERY_RECORD, "the record was kept");
    influx_query_close(q);
    influx_client_free(client);
}

#[test]
fn every_csv_case_through_http_and_the_rust_api() {
    let cases = jsonl("csv_cases.jsonl");
    let server = fixture_server(&cases);
    let client = rust_client(&server.url(), &[]);
    for (n, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let got = run_rust(&client, &format!("case-{n}"));
        check_case(name, &case["expected"], &got);
    }
}

/// Build the fixture's parameters through the C setters.
fn c_params(case: &Json) -> *mut influx_query_params {
    let p = influx_query_params_new();
    let input = &case["input"];
    if input.is_null() {
        return p;
    }
    let name = cs(case["param"].as_str().unwrap_or(""));
    let v = &input["value"];
    let rc = match input["kind"].as_str().unwrap() {
        "str" => {
            let s = cs(v.as_str().unwrap());
            influx_query_params_set_str(p, name.as_ptr(), s.as_ptr())
        }
        "i64" => influx_query_params_set_i64(p, name.as_ptr(), v.as_i64().unwrap()),
        "f64" => influx_query_params_set_f64(p, name.as_ptr(), v.as_f64().unwrap()),
        "bool" => influx_query_params_set_bool(p, name.as_ptr(), v.as_bool().unwrap()),
        "time_ns" => influx_query_params_set_time_ns(p, name.as_ptr(), v.as_i64().unwrap()),
        "duration_ns" => influx_query_params_set_duration_ns(p, name.as_ptr(), v.as_i64().unwrap()),
        "ast_json" => {
            let s = cs(v.as_str().unwrap());
            influx_query_params_set_ast(p, name.as_ptr(), s.as_ptr())
        }
        "profilers" => {
            let names: Vec<CString> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|n| cs(n.as_str().unwrap()))
                .collect();
            let ptrs: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
            influx_query_params_set_profilers(p, ptrs.as_ptr(), ptrs.len())
        }
        other => panic!("unknown kind {other}"),
    };
    assert_eq!(rc, INFLUX_OK, "{}", last_error());
    p
}

fn empty_csv() -> Action {
    Action::Respond {
        status: 200,
        headers: vec![("Content-Type".into(), "text/csv; charset=utf-8".into())],
        body: String::new(),
    }
}

#[test]
fn every_params_case_is_the_body_sent() {
    let cases = jsonl("params_ast.jsonl");
    assert_eq!(cases.len(), 11);
    let server = FaultyServer::start(|_, _| empty_csv());
    let client = c_client(&server.url(), &[]);
    let flux = "from(bucket: stringParam) |> range(start: -1h)";
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let p = c_params(case);
        let mut q = std::ptr::null_mut();
        let f = cs(flux);
        let rc = influx_query_open(client, std::ptr::null(), f.as_ptr(), p, &mut q);
        influx_query_params_free(p); // not kept by the query
        assert_eq!(rc, INFLUX_OK, "{name}: {}", last_error());
        let mut ev = -1;
        assert_eq!(influx_query_next(q, &mut ev), INFLUX_OK);
        assert_eq!(ev, INFLUX_QUERY_END);
        influx_query_close(q);
        assert!(server.wait_for_requests(i + 1, Duration::from_secs(5)));
        let req = &server.requests()[i];
        let body: Json = serde_json::from_slice(&req.body).expect("the body is JSON");
        let want = json!({
            "extern": case["expected_extern"],
            "query": flux,
            "dialect": {"header": true, "delimiter": ",",
                        "annotations": ["datatype", "group", "default"],
                        "commentPrefix": "#", "dateTimeFormat": "RFC3339"}
        });
        assert_eq!(body, want, "{name}");
    }
    influx_client_free(client);
}

#[test]
fn the_request_line_and_headers_are_the_seeds() {
    let server = FaultyServer::start(|_, _| empty_csv());
    for (gzip, org, conf_org, want_org, accept_encoding) in [
        (false, None, "o", Some("o"), "identity"),
        (true, Some("other org"), "o", Some("other org"), "gzip"),
        (false, None, "", None, "identity"),
    ] {
        let client = c_client(
            &server.url(),
            &[
                ("enable_gzip", if gzip { "true" } else { "false" }),
                ("org", conf_org),
            ],
        );
        let flux = cs("buckets()");
        let org_c = org.map(cs);
        let mut q = std::ptr::null_mut();
        let rc = influx_query_open(
            client,
            org_c.as_ref().map_or(std::ptr::null(), |o| o.as_ptr()),
            flux.as_ptr(),
            std::ptr::null(),
            &mut q,
        );
        assert_eq!(rc, INFLUX_OK, "{}", last_error());
        influx_query_close(q);
        influx_client_free(client);
        let req = server.requests().pop().unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/api/v2/query");
        assert_eq!(req.param("org"), want_org);
        assert_eq!(req.header("authorization"), Some("Token SECRET-TOKEN-x9"));
        assert_eq!(req.header("accept"), Some("application/json"));
        assert_eq!(req.header("content-type"), Some("application/json"));
        assert_eq!(req.header("accept-encoding"), Some(accept_encoding));
        // The query body is never compressed (InfluxDB reads only JSON there).
        assert_eq!(req.header("content-encoding"), None);
        let body: Json = serde_json::from_slice(&req.raw_body).unwrap();
        assert_eq!(body["extern"], json!({"imports": [], "body": []}));
        assert_eq!(body["query"], "buckets()");
    }
}

#[test]
fn http_errors_are_reported_at_open_with_status_and_server_message() {
    let server = FaultyServer::start(|i, _| match i {
        0 => Action::error(404, "not found", "failed to find bucket \"nope\""),
        1 => Action::error(401, "unauthorized", "unauthorized access"),
        _ => Action::error(400, "invalid", "compilation failed: error at @1:1-1:4"),
    });
    let client = c_client(&server.url(), &[]);
    for (status, msg) in [
        (404, "failed to find bucket \"nope\""),
        (401, "unauthorized access"),
        (400, "compilation failed: error at @1:1-1:4"),
    ] {
        let flux = cs("from(bucket:\"nope\")");
        let mut q = 1usize as *mut influx_query;
        let rc = influx_query_open(
            client,
            std::ptr::null(),
            flux.as_ptr(),
            std::ptr::null(),
            &mut q,
        );
        assert_eq!(rc, INFLUX_ERR_HTTP);
        assert!(q.is_null(), "*out is NULL on error");
        assert_eq!(influx_last_http_status(), status);
        assert_eq!(last_server_message(), msg);
        assert!(!last_error().contains("SECRET-TOKEN"), "{}", last_error());
    }
    // The Rust API gives the same.
    let rust = rust_client(&server.url(), &[]);
    let e = rust.query_api().query(None, "x", None).err().unwrap();
    assert_eq!((e.code, e.http_status), (Code::Http, 400));
    assert!(!format!("{e:?}").contains("SECRET-TOKEN"));
    influx_client_free(client);
}

/// A server for one connection: reads the request (head and Content-Length body), then
/// hands the socket to `answer`.
fn raw_server(
    answer: impl FnOnce(TcpStream) + Send + 'static,
) -> (String, std::thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let h = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).unwrap();
        answer(s);
    });
    (url, h)
}

const HEAD: &str = "#datatype,string,long,long\r\n#group,false,false,false\r\n#default,_result,,\r\n,result,table,v\r\n";

fn chunk(w: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    w.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
    w.write_all(data)?;
    w.write_all(b"\r\n")
}

#[test]
fn a_gzip_answer_is_decompressed_as_it_streams() {
    let mut csv = HEAD.to_string();
    for i in 0..50_000 {
        csv.push_str(&format!(",,0,{i}\r\n"));
    }
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(csv.as_bytes()).unwrap();
    let z = z.finish().unwrap();
    let (url, h) = raw_server(move |mut s| {
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n").unwrap();
        for part in z.chunks(1000) {
            chunk(&mut s, part).unwrap();
        }
        s.write_all(b"0\r\n\r\n").unwrap();
    });
    let client = rust_client(&url, &[("enable_gzip", "true")]);
    let mut cur = client.query_api().query(None, "q", None).unwrap();
    assert_eq!(cur.next().unwrap(), Event::Table);
    let mut n = 0i64;
    while cur.next().unwrap() == Event::Record {
        assert_eq!(cur.record().unwrap().get_i64(2).unwrap(), n);
        n += 1;
    }
    assert_eq!(n, 50_000);
    h.join().unwrap();
}

#[test]
fn a_connection_cut_mid_stream_is_a_transport_error_and_sticky() {
    let (url, h) = raw_server(|mut s| {
        s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            .unwrap();
        chunk(&mut s, format!("{HEAD},,0,1\r\n,,0,2\r\n").as_bytes()).unwrap();
        s.flush().unwrap();
        drop(s); // no last chunk: the body is cut
    });
    let client = c_client(&url, &[]);
    let flux = cs("q");
    let mut q = std::ptr::null_mut();
    assert_eq!(
        influx_query_open(
            client,
            std::ptr::null(),
            flux.as_ptr(),
            std::ptr::null(),
            &mut q
        ),
        INFLUX_OK
    );
    let mut ev = -1;
    assert_eq!(influx_query_next(q, &mut ev), INFLUX_OK);
    assert_eq!(ev, INFLUX_QUERY_TABLE);
    for _ in 0..2 {
        assert_eq!(influx_query_next(q, &mut ev), INFLUX_OK);
        assert_eq!(ev, INFLUX_QUERY_RECORD);
    }
    let rc = influx_query_next(q, &mut ev);
    assert_eq!(rc, INFLUX_ERR_TRANSPORT, "{}", last_error());
    let msg = last_error();
    assert!(
        msg.starts_with("transport error: reading the response failed"),
        "{msg}"
    );
    let mut m = std::ptr::null();
    assert_eq!(
        influx_query_error(q, &mut m, std::ptr::null_mut()),
        INFLUX_ERR_TRANSPORT
    );
    assert_eq!(c_str(m), msg);
    assert_eq!(influx_query_next(q, &mut ev), INFLUX_ERR_TRANSPORT);
    assert!(influx_query_record(q).is_null());
    influx_query_close(q);
    influx_client_free(client);
    h.join().unwrap();
}

#[test]
fn a_server_silent_mid_stream_times_out_per_read_but_a_slow_stream_is_not_cut() {
    // Rows every 150 ms for 1.5 s with timeout = 500 ms: never cut. Then silence: TIMEOUT.
    let (url, h) = raw_server(|mut s| {
        s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            .unwrap();
        chunk(&mut s, HEAD.as_bytes()).unwrap();
        for i in 0..10 {
            chunk(&mut s, format!(",,0,{i}\r\n").as_bytes()).unwrap();
            std::thread::sleep(Duration::from_millis(150));
        }
        std::thread::sleep(Duration::from_millis(2000));
    });
    let client = rust_client(&url, &[("timeout", "500")]);
    let mut cur = client.query_api().query(None, "q", None).unwrap();
    assert_eq!(cur.next().unwrap(), Event::Table);
    for i in 0..10 {
        assert_eq!(cur.next().unwrap(), Event::Record);
        assert_eq!(cur.record().unwrap().get_i64(2).unwrap(), i);
    }
    let t = Instant::now();
    let e = cur.next().unwrap_err();
    assert_eq!(e.code, Code::Timeout, "{e}");
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t.elapsed()
    );
    h.join().unwrap();
}

#[test]
fn close_mid_stream_drops_the_connection_without_reading_the_rest() {
    // An endless answer: close must not try to drain it.
    let (url, h) = raw_server(|mut s| {
        s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            .unwrap();
        let mut rows = String::new();
        for i in 0..1000 {
            rows.push_str(&format!(",,0,{i}\r\n"));
        }
        let _ = chunk(&mut s, HEAD.as_bytes());
        let t = Instant::now();
        // Writes fail once the client closed its socket.
        while chunk(&mut s, rows.as_bytes()).is_ok() {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "the client never closed"
            );
        }
    });
    let client = c_client(&url, &[]);
    let flux = cs("q");
    let mut q = std::ptr::null_mut();
    assert_eq!(
        influx_query_open(
            client,
            std::ptr::null(),
            flux.as_ptr(),
            std::ptr::null(),
            &mut q
        ),
        INFLUX_OK
    );
    let mut ev = -1;
    for _ in 0..11 {
        assert_eq!(influx_query_next(q, &mut ev), INFLUX_OK);
    }
    let t = Instant::now();
    influx_query_close(q);
    assert!(
        t.elapsed() < Duration::from_millis(100),
        "{:?}",
        t.elapsed()
    );
    h.join().unwrap();
    influx_client_free(client);
}

#[test]
fn raw_csv_is_the_body_as_sent_with_the_callers_dialect() {
    let body = format!("{HEAD},,0,1\r\n,,0,\"a,b\"\r\n");
    let b2 = body.clone();
    let server = FaultyServer::start(move |_, _| Action::Respond {
        status: 200,
        headers: vec![],
        body: b2.clone(),
    });
    let client = c_client(&server.url(), &[]);
    let mut d = influx_dialect {
        header: false,
        delimiter: 0,
        annotations: 0,
        date_time_format: std::ptr::null(),
    };
    influx_dialect_init(&mut d);
    assert_eq!(c_str(d.date_time_format), "RFC3339");
    assert_eq!(d.annotations, 7);
    d.delimiter = b';' as c_char;
    d.annotations = INFLUX_ANNOTATION_GROUP;
    d.header = false;
    let f = cs("RFC3339Nano");
    d.date_time_format = f.as_ptr();
    let flux = cs("q");
    let mut q = std::ptr::null_mut();
    assert_eq!(
        influx_query_open_raw(
            client,
            std::ptr::null(),
            flux.as_ptr(),
            std::ptr::null(),
            &d,
            &mut q
        ),
        INFLUX_OK,
        "{}",
        last_error()
    );
    // A raw query is not a cursor.
    let mut ev = -1;
    assert_eq!(influx_query_next(q, &mut ev), INFLUX_ERR_INVALID_ARG);
    assert!(influx_query_table(q).is_null());
    let mut got = Vec::new();
    let mut buf = [0u8; 7];
    loop {
        let mut n = usize::MAX;
        assert_eq!(
            influx_query_read_raw(q, buf.as_mut_ptr().cast(), buf.len(), &mut n),
            INFLUX_OK
        );
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    let mut n = 1;
    assert_eq!(
        influx_query_read_raw(q, buf.as_mut_ptr().cast(), buf.len(), &mut n),
        INFLUX_OK
    );
    assert_eq!(n, 0, "the end repeats");
    assert_eq!(
        influx_query_read_raw(q, buf.as_mut_ptr().cast(), 0, &mut n),
        INFLUX_ERR_INVALID_ARG
    );
    influx_query_close(q);
    assert_eq!(got, body.as_bytes());
    let sent: Json = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(
        sent["dialect"],
        json!({"header": false, "delimiter": ";", "annotations": ["group"],
               "commentPrefix": "#", "dateTimeFormat": "RFC3339Nano"})
    );
    // A cursor is not raw; bad dialects are refused before anything is sent.
    let mut q = std::ptr::null_mut();
    assert_eq!(
        influx_query_open(
            client,
            std::ptr::null(),
            flux.as_ptr(),
            std::ptr::null(),
            &mut q
        ),
        INFLUX_OK
    );
    let mut n = 0;
    assert_eq!(
        influx_query_read_raw(q, buf.as_mut_ptr().cast(), buf.len(), &mut n),
        INFLUX_ERR_INVALID_ARG
    );
    influx_query_close(q);
    for bad in [
        influx_dialect {
            annotations: 8,
            ..d
        },
        influx_dialect { delimiter: 0, ..d },
        influx_dialect {
            delimiter: b'"' as c_char,
            ..d
        },
    ] {
        let mut q = 1usize as *mut influx_query;
        let rc = influx_query_open_raw(
            client,
            std::ptr::null(),
            flux.as_ptr(),
            std::ptr::null(),
            &bad,
            &mut q,
        );
        assert_eq!(rc, INFLUX_ERR_INVALID_ARG, "{}", last_error());
        assert!(q.is_null());
    }
    assert_eq!(server.count(), 2);
    influx_client_free(client);
}
