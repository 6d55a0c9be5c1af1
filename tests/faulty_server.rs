//! The batching / asynchronous writer against a scripted faulty HTTP server: the seed's retry
//! rules (FACTS §3), InfluxDB's write answers (FACTS §4), the delivery contract (every accepted
//! line gets exactly one terminal report), the bounded buffer, flush and close.
//!
//! Timing bounds are computed from the seed's algorithm; upper bounds get `SLACK` because the
//! tests run in parallel on small machines. Lower bounds are exact: the server stamps a request
//! when it arrives, so the gap between two attempts is at least the client's wait.

#[path = "support/faulty.rs"]
mod faulty;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use faulty::{unused_port, Action, FaultyServer, Request};
use influxdb_client::client::Client;
use influxdb_client::config::Conf;
use influxdb_client::point::{Point, Precision};
use influxdb_client::write::{BatchInfo, Listener, WriteApi};
use influxdb_client::{Code, Error};

/// Extra time allowed on upper bounds (thread scheduling on a loaded 2-core machine).
const SLACK: Duration = Duration::from_millis(400);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ---------------------------------------------------------------------------------------------
// A listener that records every report
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Success,
    Error,
    Retry,
}

#[derive(Clone, Debug)]
struct Event {
    kind: Kind,
    at: Instant,
    bucket: String,
    org: String,
    precision: Precision,
    data: String,
    lines: usize,
    attempts: u32,
    err: Option<Error>,
    retry: u32,
    delay: Duration,
}

impl Event {
    fn err(&self) -> &Error {
        self.err.as_ref().expect("an error event carries an error")
    }
}

#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<Event>>,
    /// Set by the test once `close` returned; a report after that is counted in `late`.
    closed: AtomicBool,
    late: AtomicUsize,
}

impl Recorder {
    fn push(
        &self,
        kind: Kind,
        b: &BatchInfo<'_>,
        err: Option<&Error>,
        retry: u32,
        delay: Duration,
    ) {
        if self.closed.load(Ordering::SeqCst) {
            self.late.fetch_add(1, Ordering::SeqCst);
        }
        let e = Event {
            kind,
            at: Instant::now(),
            bucket: b.bucket.to_string(),
            org: b.org.to_string(),
            precision: b.precision,
            data: String::from_utf8_lossy(b.data).into_owned(),
            lines: b.lines,
            attempts: b.attempts,
            err: err.cloned(),
            retry,
            delay,
        };
        self.events.lock().unwrap().push(e);
    }

    fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    fn of(&self, kind: Kind) -> Vec<Event> {
        self.events()
            .into_iter()
            .filter(|e| e.kind == kind)
            .collect()
    }

    fn mark_closed(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }
}

impl Listener for Recorder {
    fn on_success(&self, batch: &BatchInfo<'_>) {
        self.push(Kind::Success, batch, None, 0, Duration::ZERO);
    }
    fn on_error(&self, batch: &BatchInfo<'_>, error: &Error) {
        self.push(Kind::Error, batch, Some(error), 0, Duration::ZERO);
    }
    fn on_retry(&self, batch: &BatchInfo<'_>, error: &Error, retry: u32, delay: Duration) {
        self.push(Kind::Retry, batch, Some(error), retry, delay);
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn conf(pairs: &[(&str, &str)]) -> Conf {
    let mut c = Conf::new();
    for (k, v) in pairs {
        c.set(k, v).unwrap_or_else(|e| panic!("set {k}={v}: {e}"));
    }
    c
}

/// A write API on `url`. Defaults chosen for tests (fast retries, no jitter, close bounded);
/// `client_opts` / `write_opts` override them.
fn setup(
    url: &str,
    client_opts: &[(&str, &str)],
    write_opts: &[(&str, &str)],
) -> (WriteApi, Arc<Recorder>) {
    let mut c = vec![
        ("url", url),
        ("token", "tok"),
        ("org", "org"),
        ("timeout", "3000"),
    ];
    c.extend_from_slice(client_opts);
    let client = Client::new(&conf(&c)).expect("client");
    let mut w = vec![
        ("jitter_interval", "0"),
        ("retry_interval", "50"),
        ("max_close_wait", "3000"),
        ("flush_interval", "10000"),
        ("batch_size", "1000"),
    ];
    w.extend_from_slice(write_opts);
    let rec = Arc::new(Recorder::default());
    let api = client
        .write_api(Some(&conf(&w)), Some(rec.clone() as Arc<dyn Listener>))
        .expect("write api");
    (api, rec)
}

fn line(seq: u64) -> String {
    format!("m,t=a seq={seq}i {seq}")
}

fn write_seq(api: &WriteApi, seq: u64) -> Result<(), Error> {
    api.write_lp("bucket", None, line(seq).as_bytes(), Precision::Ns)
}

/// Every `seq=<n>i` in a text, in order.
fn seqs_in(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("seq=") {
        rest = &rest[i + 4..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && rest[digits.len()..].starts_with('i') {
            out.push(digits.parse().unwrap());
        }
    }
    out
}

/// The delivery contract: each accepted seq is reported (success or error) exactly once, no
/// other seq is reported, `BatchInfo.lines` matches its data, and every seq reported as
/// delivered was carried by a request the server answered 2xx. Returns (delivered, failed).
fn check_exactly_once(
    server: &FaultyServer,
    rec: &Recorder,
    accepted: &[u64],
) -> (Vec<u64>, Vec<u64>) {
    let mut count: HashMap<u64, usize> = HashMap::new();
    let (mut ok, mut failed) = (Vec::new(), Vec::new());
    for e in rec.events() {
        let s = seqs_in(&e.data);
        assert_eq!(
            s.len(),
            e.lines,
            "BatchInfo.lines does not match its data: {e:?}"
        );
        match e.kind {
            Kind::Retry => continue,
            Kind::Success => ok.extend(&s),
            Kind::Error => failed.extend(&s),
        }
        for q in s {
            *count.entry(q).or_default() += 1;
        }
    }
    let acc: HashSet<u64> = accepted.iter().copied().collect();
    assert_eq!(
        acc.len(),
        accepted.len(),
        "test bug: accepted seqs are not unique"
    );
    for q in accepted {
        assert_eq!(
            count.get(q).copied().unwrap_or(0),
            1,
            "accepted seq {q}: terminal reports"
        );
    }
    for q in count.keys() {
        assert!(acc.contains(q), "seq {q} reported but never accepted");
    }
    let delivered: HashSet<u64> = server
        .requests()
        .iter()
        .filter(|r| r.succeeded())
        .flat_map(|r| seqs_in(&r.body_text()))
        .collect();
    for q in &ok {
        assert!(
            delivered.contains(q),
            "seq {q} reported delivered, but no 2xx-answered request carried it"
        );
    }
    (ok, failed)
}

fn gap(reqs: &[Request], i: usize) -> Duration {
    reqs[i].at.duration_since(reqs[i - 1].at)
}

/// The seed's backoff range (ms) before retry `k` (WritesRetry.get_backoff_time): the range
/// grows by `base` per earlier retry until its stop passes `max`; stop is capped at `max`.
fn seed_backoff_range(interval: u64, base: u64, max: u64, k: u32) -> (u64, u64) {
    let (mut start, mut stop) = (interval, interval * base);
    for _ in 1..k {
        start = stop;
        stop *= base;
        if stop > max {
            break;
        }
    }
    (start.min(max), stop.min(max))
}

fn assert_between(what: &str, d: Duration, lo: Duration, hi: Duration) {
    assert!(
        d >= lo && d <= hi,
        "{what}: {d:?} not within [{lo:?}, {hi:?}]"
    );
}

// ---------------------------------------------------------------------------------------------
// Retry-After, backoff, giving up (FACTS §3)
// ---------------------------------------------------------------------------------------------

#[test]
fn http_429_retry_after_seconds_waits_that_long_plus_jitter_then_succeeds() {
    let server = FaultyServer::start(|i, _| match i {
        0 => Action::error(429, "too many requests", "slow down").with_header("Retry-After", "1"),
        _ => Action::status(204),
    });
    let (api, rec) = setup(&server.url(), &[], &[("jitter_interval", "200")]);
    for s in 0..3 {
        write_seq(&api, s).unwrap();
    }
    api.flush(None).unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "one failed attempt, one retry");
    let retries = rec.of(Kind::Retry);
    assert_eq!(retries.len(), 1);
    let r = &retries[0];
    let e = r.err();
    assert_eq!(
        (e.code, e.http_status, e.retriable),
        (Code::Http, 429, true),
        "{e:?}"
    );
    assert_eq!(e.retry_after, Some(ms(1000)));
    assert_eq!(r.retry, 1);
    // Retry-After (1 s) + random() * jitter_interval (200 ms).
    assert_between("retry delay", r.delay, ms(1000), ms(1200));
    assert_between(
        "gap between attempts",
        gap(&reqs, 1),
        r.delay,
        r.delay + SLACK,
    );
    let ok = rec.of(Kind::Success);
    assert_eq!(ok.len(), 1);
    assert_eq!((ok[0].lines, ok[0].attempts), (3, 2));
    assert!(rec.of(Kind::Error).is_empty());
    let st = api.stats();
    assert_eq!(
        (st.accepted, st.written, st.failed, st.retries),
        (3, 3, 0, 1)
    );
    check_exactly_once(&server, &rec, &[0, 1, 2]);
}

#[test]
fn http_503_retry_after_http_date_waits_until_that_date() {
    let server = FaultyServer::start(|i, _| match i {
        0 => {
            let at = SystemTime::now() + Duration::from_secs(2);
            Action::status(503).with_header("Retry-After", &httpdate::fmt_http_date(at))
        }
        _ => Action::status(204),
    });
    let (api, rec) = setup(&server.url(), &[], &[]);
    write_seq(&api, 7).unwrap();
    api.flush(None).unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let retries = rec.of(Kind::Retry);
    assert_eq!(retries.len(), 1);
    let e = retries[0].err();
    assert_eq!((e.http_status, e.retriable), (503, true));
    assert!(e.retry_after.is_some(), "Retry-After date parsed: {e:?}");
    // The date has whole seconds: now + 2 s truncated is 1-2 s away (minus parse latency).
    // The backoff alone would be [50, 100] ms.
    assert_between("retry delay", retries[0].delay, ms(900), ms(2000));
    assert_between(
        "gap between attempts",
        gap(&reqs, 1),
        retries[0].delay,
        retries[0].delay + SLACK,
    );
    assert_eq!(rec.of(Kind::Success).len(), 1);
    check_exactly_once(&server, &rec, &[7]);
}

#[test]
fn http_500_once_is_retried_once_within_the_first_backoff_range() {
    let server = FaultyServer::start(|i, _| match i {
        0 => Action::error(500, "internal error", "boom"),
        _ => Action::status(204),
    });
    let (api, rec) = setup(
        &server.url(),
        &[],
        &[("retry_interval", "100"), ("exponential_base", "2")],
    );
    for s in 0..5 {
        write_seq(&api, s).unwrap();
    }
    api.flush(None).unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let retries = rec.of(Kind::Retry);
    assert_eq!(retries.len(), 1);
    assert_eq!((retries[0].retry, retries[0].attempts), (1, 1));
    assert_eq!(retries[0].err().http_status, 500);
    assert_eq!(retries[0].err().server_message.as_deref(), Some("boom"));
    // k = 1: uniform in [retry_interval, retry_interval * base].
    assert_between("retry delay", retries[0].delay, ms(100), ms(200));
    assert_between(
        "gap between attempts",
        gap(&reqs, 1),
        retries[0].delay,
        retries[0].delay + SLACK,
    );
    let ok = rec.of(Kind::Success);
    assert_eq!(ok.len(), 1, "success reported once");
    assert_eq!((ok[0].lines, ok[0].attempts), (5, 2));
    assert_eq!(api.stats().retries, 1);
    check_exactly_once(&server, &rec, &[0, 1, 2, 3, 4]);
}

#[test]
fn http_500_forever_gives_up_after_max_retries_with_growing_capped_delays() {
    let server = FaultyServer::start(|_, _| Action::error(500, "internal error", "still broken"));
    let (api, rec) = setup(
        &server.url(),
        &[],
        &[
            ("retry_interval", "40"),
            ("exponential_base", "2"),
            ("max_retries", "3"),
            ("max_retry_delay", "120"),
        ],
    );
    for s in 0..4 {
        write_seq(&api, s).unwrap();
    }
    api.flush(None).unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 4, "max_retries = 3: exactly 4 attempts");
    let retries = rec.of(Kind::Retry);
    assert_eq!(retries.len(), 3);
    // The seed's ranges: [40, 80], [80, 160 -> 120], then growth stops at the cap: [80, 120].
    let ranges: Vec<(u64, u64)> = (1..=3).map(|k| seed_backoff_range(40, 2, 120, k)).collect();
    assert_eq!(ranges, vec![(40, 80), (80, 120), (80, 120)]);
    for (k, (r, &(lo, hi))) in retries.iter().zip(&ranges).enumerate() {
        assert_eq!(r.retry, k as u32 + 1);
        assert_eq!(r.attempts, k as u32 + 1);
        assert_between(
            &format!("delay before retry {}", k + 1),
            r.delay,
            ms(lo),
            ms(hi),
        );
        assert_between(
            &format!("gap before attempt {}", k + 2),
            gap(&reqs, k + 1),
            r.delay,
            r.delay + SLACK,
        );
    }
    let errs = rec.of(Kind::Error);
    assert_eq!(errs.len(), 1, "one error report");
    let e = errs[0].err();
    assert_eq!(e.code, Code::RetriesExhausted, "{e:?}");
    assert_eq!(e.http_status, 500);
    assert!(e.message.contains("max_retries"), "{}", e.message);
    assert_eq!((errs[0].lines, errs[0].attempts), (4, 4));
    assert!(rec.of(Kind::Success).is_empty());
    let st = api.stats();
    assert_eq!(
        (st.accepted, st.written, st.failed, st.retries),
        (4, 0, 4, 3)
    );
    check_exactly_once(&server, &rec, &[0, 1, 2, 3]);
}

#[test]
fn max_retry_time_stops_retrying() {
    let server = FaultyServer::start(|_, _| Action::status(503));
    let (api, rec) = setup(
        &server.url(),
        &[],
        &[
            ("retry_interval", "100"),
            ("exponential_base", "1"),
            ("max_retries", "1000"),
            ("max_retry_time", "350"),
        ],
    );
    write_seq(&api, 1).unwrap();
    api.flush(None).unwrap();

    let reqs = server.requests();
    let n = reqs.len();
    // Attempts near 0, 100, 200, 300, 400 ms: the retry decision after the attempt near 400 ms
    // sees more than 350 ms elapsed. Scheduling delays can cost one attempt.
    assert!((3..=5).contains(&n), "{n} attempts");
    for r in rec.of(Kind::Retry) {
        assert_eq!(r.delay, ms(100), "base 1: constant backoff");
    }
    // Each attempt that was followed by a retry failed within max_retry_time.
    for r in &reqs[..n - 1] {
        assert!(r.at.duration_since(reqs[0].at) <= ms(350));
    }
    let errs = rec.of(Kind::Error);
    assert_eq!(errs.len(), 1);
    let e = errs[0].err();
    assert_eq!(e.code, Code::RetriesExhausted, "{e:?}");
    assert!(e.message.contains("max_retry_time"), "{}", e.message);
    assert_eq!(errs[0].attempts as usize, n);
    assert_between(
        "give-up time",
        errs[0].at.duration_since(reqs[0].at),
        ms(300),
        ms(450) + SLACK,
    );
    check_exactly_once(&server, &rec, &[1]);
}

// ---------------------------------------------------------------------------------------------
// Not retried: 400, 404, 422 (FACTS §4)
// ---------------------------------------------------------------------------------------------

const MSG_400: &str = "unable to parse 'm v=': missing field value";
const MSG_404: &str = "bucket \"b404\" not found";
const MSG_422: &str = "partial write: field type conflict: input field \"v\" on measurement \"m\" is type integer, already exists as type float dropped=1";

#[test]
fn http_400_404_422_fail_after_one_attempt_with_the_server_message() {
    let server = FaultyServer::start(|_, r| match r.param("bucket") {
        Some("b400") => Action::error(400, "invalid", MSG_400),
        Some("b404") => Action::error(404, "not found", MSG_404),
        Some("b422") => Action::error(422, "unprocessable entity", MSG_422),
        _ => Action::status(204),
    });
    let (api, rec) = setup(&server.url(), &[], &[]);
    let mut seq = 0;
    for bucket in ["b400", "b404", "b422"] {
        for _ in 0..2 {
            api.write_lp(bucket, None, line(seq).as_bytes(), Precision::Ns)
                .unwrap();
            seq += 1;
        }
    }
    api.flush(None).unwrap();

    assert_eq!(server.count(), 3, "one attempt per bucket, no retry");
    assert!(rec.of(Kind::Retry).is_empty());
    let errs = rec.of(Kind::Error);
    assert_eq!(errs.len(), 3);
    for (bucket, status, msg) in [
        ("b400", 400, MSG_400),
        ("b404", 404, MSG_404),
        ("b422", 422, MSG_422),
    ] {
        let ev = errs
            .iter()
            .find(|e| e.bucket == bucket)
            .unwrap_or_else(|| panic!("no report for {bucket}"));
        let e = ev.err();
        assert_eq!(
            (e.code, e.http_status, e.retriable),
            (Code::Http, status, false),
            "{e:?}"
        );
        assert_eq!(e.server_message.as_deref(), Some(msg));
        assert!(e.message.contains(msg), "{}", e.message);
        assert_eq!((ev.lines, ev.attempts), (2, 1));
    }
    let st = api.stats();
    assert_eq!(
        (st.accepted, st.written, st.failed, st.retries),
        (6, 0, 6, 0)
    );
    check_exactly_once(&server, &rec, &(0..6).collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------------------------
// 413: split in halves
// ---------------------------------------------------------------------------------------------

fn too_large_above(limit: usize) -> impl Fn(usize, &Request) -> Action + Send + Sync + 'static {
    move |_, r| {
        if r.content_length > limit {
            Action::error(413, "request too large", "Request Entity Too Large")
        } else {
            Action::status(204)
        }
    }
}

#[test]
fn http_413_splits_the_batch_in_halves_until_the_parts_fit() {
    let server = FaultyServer::start(too_large_above(120));
    let (api, rec) = setup(&server.url(), &[], &[]);
    let seqs: Vec<u64> = (100..120).collect();
    for &s in &seqs {
        write_seq(&api, s).unwrap();
    }
    api.flush(None).unwrap();

    let reqs = server.requests();
    assert!(
        reqs.iter().any(|r| r.status == Some(413)),
        "the first request is too large"
    );
    let mut delivered = Vec::new();
    for r in reqs.iter().filter(|r| r.succeeded()) {
        assert!(r.content_length <= 120);
        delivered.extend(seqs_in(&r.body_text()));
    }
    // Every line exactly once in 2xx-answered requests, in write order.
    assert_eq!(delivered, seqs);
    assert!(rec.of(Kind::Error).is_empty());
    assert!(rec.of(Kind::Retry).is_empty(), "a 413 split is not a retry");
    let st = api.stats();
    assert_eq!(
        (st.written, st.failed, st.buffered_lines, st.buffered_bytes),
        (20, 0, 0, 0)
    );
    check_exactly_once(&server, &rec, &seqs);
}

#[test]
fn http_413_split_keeps_lines_whose_strings_hold_raw_newlines_whole() {
    // A string field value keeps LF raw (FACTS §1): a split must cut between lines, not
    // inside a quoted string.
    let server = FaultyServer::start(too_large_above(80));
    let (api, rec) = setup(&server.url(), &[], &[]);
    let expected = |s: u64| format!("m,t=a s=\"x\ny\",seq={s}i {s}");
    let seqs: Vec<u64> = (1..=8).collect();
    let points: Vec<Point> = seqs
        .iter()
        .map(|&s| {
            let mut p = Point::new("m").unwrap();
            p.tag("t", "a").unwrap();
            p.field_str("s", "x\ny").unwrap();
            p.field_i64("seq", s as i64).unwrap();
            p.set_time(s as i64, Precision::Ns).unwrap();
            p
        })
        .collect();
    let refs: Vec<&Point> = points.iter().collect();
    api.write_points("bucket", None, &refs).unwrap();
    api.flush(None).unwrap();

    for r in server.requests().iter().filter(|r| r.succeeded()) {
        let body = r.body_text();
        let whole: Vec<String> = seqs_in(&body).into_iter().map(expected).collect();
        assert_eq!(body, whole.join("\n"), "a 2xx request carried a cut line");
    }
    for e in rec.events() {
        let whole: Vec<String> = seqs_in(&e.data).into_iter().map(expected).collect();
        assert_eq!(e.data, whole.join("\n"), "a report carried a cut line");
    }
    let (ok, failed) = check_exactly_once(&server, &rec, &seqs);
    assert_eq!((ok.len(), failed.len()), (8, 0));
}

#[test]
fn http_413_for_a_single_line_reports_just_that_line() {
    let server = FaultyServer::start(too_large_above(200));
    let (api, rec) = setup(&server.url(), &[], &[]);
    let big = format!("m,t={} seq=3i 3", "x".repeat(300));
    for s in 0..7u64 {
        let l = if s == 3 { big.clone() } else { line(s) };
        api.write_lp("bucket", None, l.as_bytes(), Precision::Ns)
            .unwrap();
    }
    api.flush(None).unwrap();

    let errs = rec.of(Kind::Error);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].data, big);
    assert_eq!((errs[0].lines, errs[0].attempts), (1, 1));
    let e = errs[0].err();
    assert_eq!(
        (e.code, e.http_status, e.retriable),
        (Code::Http, 413, false)
    );
    let (ok, failed) = check_exactly_once(&server, &rec, &(0..7).collect::<Vec<_>>());
    assert_eq!(failed, vec![3]);
    assert_eq!(ok.len(), 6);
    let st = api.stats();
    assert_eq!((st.written, st.failed), (6, 1));
}

// ---------------------------------------------------------------------------------------------
// Transport failures
// ---------------------------------------------------------------------------------------------

#[test]
fn connection_reset_mid_body_is_retried_then_succeeds() {
    let server = FaultyServer::start(|i, _| {
        if i == 0 {
            Action::ResetMidBody
        } else {
            Action::status(204)
        }
    });
    let (api, rec) = setup(&server.url(), &[], &[]);
    // A large body, so the server really leaves part of it unread.
    let seqs: Vec<u64> = (0..2000).collect();
    let body: Vec<String> = seqs.iter().map(|&s| line(s)).collect();
    api.write_lp("bucket", None, body.join("\n").as_bytes(), Precision::Ns)
        .unwrap();
    api.flush(None).unwrap();

    let reqs = server.requests();
    assert!(!reqs[0].complete, "the first body was cut");
    let retries = rec.of(Kind::Retry);
    assert_eq!(retries.len(), 1, "{retries:?}");
    let e = retries[0].err();
    assert!(matches!(e.code, Code::Transport | Code::Timeout), "{e:?}");
    assert!(e.retriable);
    assert_eq!(e.http_status, 0);
    assert_eq!(rec.of(Kind::Success).len(), 1);
    check_exactly_once(&server, &rec, &seqs);
}

#[test]
fn reply_slower_than_the_client_timeout_is_retried_as_timeout() {
    let server = FaultyServer::start(|i, _| match i {
        0 => Action::status(204).delayed(ms(1500)),
        _ => Action::status(204),
    });
    let (api, rec) = setup(&server.url(), &[("timeout", "300")], &[]);
    write_seq(&api, 5).unwrap();
    api.flush(None).unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let retries = rec.of(Kind::Retry);
    assert_eq!(retries.len(), 1);
    let e = retries[0].err();
    assert_eq!(e.code, Code::Timeout, "{e:?}");
    assert!(e.retriable);
    // The client gave up after its timeout, not after the server's 1.5 s.
    assert_between(
        "time to the timeout",
        retries[0].at.duration_since(reqs[0].at),
        ms(250),
        ms(300) + SLACK,
    );
    assert_eq!(rec.of(Kind::Success).len(), 1);
    check_exactly_once(&server, &rec, &[5]);
}

#[test]
fn server_down_at_start_then_up_is_retried_then_succeeds() {
    let port = unused_port();
    let (api, rec) = setup(
        &format!("http://127.0.0.1:{port}"),
        &[],
        &[
            ("retry_interval", "100"),
            ("exponential_base", "1"),
            ("max_retries", "100"),
        ],
    );
    for s in 0..5 {
        write_seq(&api, s).unwrap();
    }
    // flush waits on another thread while the server is still down.
    let flusher = std::thread::spawn(move || (api.flush(Some(Duration::from_secs(10))), api));
    std::thread::sleep(ms(400));
    let up = Instant::now();
    let server = FaultyServer::start_on(port, |_, _| Action::status(204));
    let (flushed, api) = flusher.join().unwrap();
    flushed.unwrap();

    let retries = rec.of(Kind::Retry);
    assert!(retries.len() >= 2, "refused while down: {retries:?}");
    for r in &retries {
        assert_eq!(r.err().code, Code::Transport, "{:?}", r.err());
        assert!(r.err().retriable);
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].at >= up);
    let ok = rec.of(Kind::Success);
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0].attempts as usize, retries.len() + 1);
    check_exactly_once(&server, &rec, &[0, 1, 2, 3, 4]);
    api.close().unwrap();
}

// ---------------------------------------------------------------------------------------------
// The delivery contract under mixed faults
// ---------------------------------------------------------------------------------------------

fn mix(i: usize) -> u64 {
    // splitmix64: a fixed, well-spread fault pattern.
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn mixed_faults_many_threads_every_line_reported_exactly_once() {
    let server = FaultyServer::start(|i, r| {
        if r.content_length > 500 {
            return Action::error(413, "request too large", "too large");
        }
        match mix(i) % 25 {
            0 => Action::error(400, "invalid", "unable to parse"),
            1 => Action::error(422, "unprocessable entity", "partial write: dropped=1"),
            2..=4 => Action::error(500, "internal error", "boom"),
            5 => Action::status(503).with_header("Retry-After", "0"),
            6 => Action::ResetMidBody,
            7 => Action::Close,
            8 => Action::status(204).delayed(ms(600)), // beyond the client timeout
            9 => Action::status(204).delayed(ms(20)),
            _ => Action::status(204),
        }
    });
    let (api, rec) = setup(
        &server.url(),
        &[("timeout", "250")],
        &[
            ("batch_size", "30"),
            ("flush_interval", "30"),
            ("jitter_interval", "5"),
            ("retry_interval", "10"),
            ("max_retry_delay", "40"),
            ("max_retries", "3"),
        ],
    );
    let api = Arc::new(api);
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let api = api.clone();
            std::thread::spawn(move || {
                let mut accepted = Vec::new();
                let mut seq = t * 100_000;
                let mut i = 0;
                while i < 250 {
                    let bucket = if t % 2 == 0 { "a" } else { "b" };
                    if i % 3 == 0 {
                        let mut p = Point::new("p").unwrap();
                        p.tag("thread", &t.to_string()).unwrap();
                        p.field_i64("seq", seq as i64).unwrap();
                        p.set_time(seq as i64, Precision::S).unwrap();
                        api.write_point(bucket, None, &p).unwrap();
                        accepted.push(seq);
                        seq += 1;
                        i += 1;
                    } else {
                        let n = 1 + (i % 3) as u64;
                        let lines: Vec<String> = (seq..seq + n).map(line).collect();
                        api.write_lp(bucket, None, lines.join("\n").as_bytes(), Precision::Ns)
                            .unwrap();
                        accepted.extend(seq..seq + n);
                        seq += n;
                        i += n as usize;
                    }
                }
                accepted
            })
        })
        .collect();
    let accepted: Vec<u64> = threads
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    api.flush(None).unwrap();
    api.close().unwrap();
    rec.mark_closed();

    let (ok, failed) = check_exactly_once(&server, &rec, &accepted);
    // The scenario really mixed its faults.
    let reqs = server.requests();
    assert!(reqs.iter().any(|r| r.status == Some(413)), "no 413 split");
    assert!(reqs.iter().any(|r| !r.complete), "no body cut off");
    let retry_codes: HashSet<String> = rec
        .of(Kind::Retry)
        .iter()
        .map(|e| format!("{:?}", e.err().code))
        .collect();
    for c in ["Http", "Transport", "Timeout"] {
        assert!(retry_codes.contains(c), "no {c} retry: {retry_codes:?}");
    }
    let st = api.stats();
    assert_eq!(st.accepted as usize, accepted.len());
    assert_eq!(
        (st.written as usize, st.failed as usize, st.dropped),
        (ok.len(), failed.len(), 0)
    );
    assert_eq!((st.buffered_lines, st.buffered_bytes), (0, 0));
    assert!(
        !ok.is_empty() && !failed.is_empty(),
        "the script should both fail and deliver"
    );
    assert!(st.retries > 0);
    for e in rec.of(Kind::Error) {
        let err = e.err();
        let allowed = matches!(err.http_status, 400 | 422) || err.code == Code::RetriesExhausted;
        assert!(allowed, "unexpected terminal error {err:?}");
    }
    for e in rec
        .of(Kind::Success)
        .iter()
        .chain(rec.of(Kind::Error).iter())
    {
        let want = if e.data.starts_with("p,") {
            Precision::S
        } else {
            Precision::Ns
        };
        assert_eq!(e.precision, want);
        assert_eq!(e.org, "org");
        assert!(e.bucket == "a" || e.bucket == "b");
    }
    assert_eq!(rec.late.load(Ordering::SeqCst), 0);
}

// ---------------------------------------------------------------------------------------------
// Bounded buffer
// ---------------------------------------------------------------------------------------------

/// Write `n` single lines, checking the buffer bound after each; returns the accepted seqs and
/// the errors of the others.
fn write_many(
    api: &WriteApi,
    n: u64,
    max_lines: u64,
    max_call: Duration,
) -> (Vec<u64>, Vec<Error>) {
    let (mut ok, mut errs) = (Vec::new(), Vec::new());
    for s in 0..n {
        let t = Instant::now();
        match write_seq(api, s) {
            Ok(()) => ok.push(s),
            Err(e) => {
                assert!(
                    t.elapsed() <= max_call,
                    "a rejected write took {:?}",
                    t.elapsed()
                );
                errs.push(e);
            }
        }
        let st = api.stats();
        assert!(
            st.buffered_lines <= max_lines,
            "buffered_lines {} > {max_lines}",
            st.buffered_lines
        );
    }
    (ok, errs)
}

fn slow_503() -> impl Fn(usize, &Request) -> Action + Send + Sync + 'static {
    |_, _| Action::status(503).delayed(ms(100))
}

const BUFFER_OPTS: [(&str, &str); 6] = [
    ("max_buffer_lines", "20"),
    ("batch_size", "5"),
    ("flush_interval", "20"),
    ("exponential_base", "1"),
    ("max_retries", "1000"),
    ("max_close_wait", "300"),
];

#[test]
fn buffer_full_reject_fails_at_once_and_never_exceeds_the_limit() {
    let server = FaultyServer::start(slow_503());
    let mut opts = BUFFER_OPTS.to_vec();
    opts.push(("buffer_full_policy", "reject"));
    let (api, rec) = setup(&server.url(), &[], &opts);
    let (ok, errs) = write_many(&api, 200, 20, ms(100));
    assert_eq!(
        ok.len(),
        20,
        "nothing settles while the server fails: exactly the limit fits"
    );
    assert!(!errs.is_empty());
    for e in &errs {
        assert_eq!(e.code, Code::BufferFull, "{e:?}");
    }
    assert_eq!(api.stats().accepted as usize, ok.len());

    let t = Instant::now();
    let closed = api.close();
    rec.mark_closed();
    assert_eq!(closed.unwrap_err().code, Code::TimedOut);
    assert!(
        t.elapsed() <= ms(300 + 100) + SLACK,
        "close took {:?}",
        t.elapsed()
    );
    let st = api.stats();
    assert_eq!(st.accepted, st.written + st.failed + st.dropped);
    assert_eq!((st.buffered_lines, st.buffered_bytes), (0, 0));
    check_exactly_once(&server, &rec, &ok);
    assert_eq!(rec.late.load(Ordering::SeqCst), 0);
}

#[test]
fn buffer_full_block_gives_up_after_buffer_full_timeout() {
    let server = FaultyServer::start(|_, _| Action::status(503));
    let mut opts = BUFFER_OPTS.to_vec();
    opts.extend([
        ("max_buffer_lines", "10"),
        ("buffer_full_policy", "block"),
        ("buffer_full_timeout", "300"),
    ]);
    let (api, rec) = setup(&server.url(), &[], &opts);
    let (ok, errs) = write_many(&api, 10, 10, ms(0));
    assert!(errs.is_empty() && ok.len() == 10);
    let t = Instant::now();
    let e = write_seq(&api, 10).unwrap_err();
    assert_eq!(e.code, Code::BufferFull, "{e:?}");
    assert_between("blocked for", t.elapsed(), ms(300), ms(300) + SLACK);
    assert!(api.stats().buffered_lines <= 10);
    let _ = api.close();
    check_exactly_once(&server, &rec, &ok);
}

#[test]
fn buffer_full_block_resumes_when_the_server_comes_back() {
    let up = Arc::new(AtomicBool::new(false));
    let server = FaultyServer::start({
        let up = up.clone();
        move |_, _| {
            if up.load(Ordering::SeqCst) {
                Action::status(204)
            } else {
                Action::status(503)
            }
        }
    });
    let mut opts = BUFFER_OPTS.to_vec();
    opts.extend([
        ("max_buffer_lines", "10"),
        ("buffer_full_policy", "block"),
        ("buffer_full_timeout", "5000"),
        ("max_close_wait", "3000"),
    ]);
    let (api, rec) = setup(&server.url(), &[], &opts);
    let (mut ok, _) = write_many(&api, 10, 10, ms(0));
    let t = Instant::now();
    let flip = std::thread::spawn({
        let up = up.clone();
        move || {
            std::thread::sleep(ms(400));
            up.store(true, Ordering::SeqCst);
        }
    });
    write_seq(&api, 10).unwrap();
    ok.push(10);
    // Unblocked once the server answered 2xx: after the flip, well before buffer_full_timeout.
    assert_between("blocked for", t.elapsed(), ms(400), ms(400 + 100) + SLACK);
    flip.join().unwrap();
    api.flush(None).unwrap();
    let (delivered, failed) = check_exactly_once(&server, &rec, &ok);
    assert_eq!((delivered.len(), failed.len()), (11, 0));
    api.close().unwrap();
}

#[test]
fn buffer_full_drop_oldest_reports_dropped_batches() {
    let server = FaultyServer::start(slow_503());
    let mut opts = BUFFER_OPTS.to_vec();
    opts.push(("buffer_full_policy", "drop_oldest"));
    let (api, rec) = setup(&server.url(), &[], &opts);
    let (ok, errs) = write_many(&api, 200, 20, ms(100));
    assert!(errs.is_empty(), "drop_oldest makes room: {errs:?}");
    let dropped: Vec<Event> = rec
        .of(Kind::Error)
        .into_iter()
        .filter(|e| e.err().code == Code::Dropped)
        .collect();
    assert!(!dropped.is_empty());
    for d in &dropped {
        assert_eq!(d.attempts, 0);
    }
    let dropped_seqs: HashSet<u64> = dropped.iter().flat_map(|e| seqs_in(&e.data)).collect();
    assert!(!dropped_seqs.contains(&199), "the newest line is kept");

    let closed = api.close();
    rec.mark_closed();
    assert_eq!(closed.unwrap_err().code, Code::TimedOut);
    let st = api.stats();
    assert_eq!(st.accepted, 200);
    assert_eq!(st.accepted, st.written + st.failed + st.dropped);
    assert_eq!(st.dropped as usize, dropped_seqs.len());
    check_exactly_once(&server, &rec, &ok);
    assert_eq!(rec.late.load(Ordering::SeqCst), 0);
}

#[test]
fn buffer_full_by_bytes_rejects() {
    let server = FaultyServer::start(|_, _| Action::status(503));
    let (api, rec) = setup(
        &server.url(),
        &[],
        &[
            ("max_buffer_bytes", "1024"),
            ("max_buffer_lines", "10000"),
            ("buffer_full_policy", "reject"),
            ("max_retries", "1000"),
            ("max_close_wait", "200"),
        ],
    );
    let pad = "y".repeat(80);
    let mut ok = Vec::new();
    let mut rejected = 0;
    for s in 0..50u64 {
        let l = format!("m,pad={pad} seq={s}i {s}");
        match api.write_lp("bucket", None, l.as_bytes(), Precision::Ns) {
            Ok(()) => ok.push(s),
            Err(e) => {
                assert_eq!(e.code, Code::BufferFull);
                rejected += 1;
            }
        }
        assert!(api.stats().buffered_bytes <= 1024, "{:?}", api.stats());
    }
    // ~100 bytes a line: at most 10 fit in 1024 bytes.
    assert!((9..=10).contains(&ok.len()), "{} accepted", ok.len());
    assert_eq!(rejected, 50 - ok.len());
    let _ = api.close();
    check_exactly_once(&server, &rec, &ok);
}

// ---------------------------------------------------------------------------------------------
// flush and close
// ---------------------------------------------------------------------------------------------

#[test]
fn flush_returns_once_every_line_is_reported() {
    let server = FaultyServer::start(|_, _| Action::status(204).delayed(ms(100)));
    let (api, rec) = setup(&server.url(), &[], &[("batch_size", "10")]);
    let seqs: Vec<u64> = (0..35).collect();
    for &s in &seqs {
        write_seq(&api, s).unwrap();
    }
    let t = Instant::now();
    api.flush(None).unwrap();
    // Checked right after flush returned, without waiting.
    let (ok, _) = check_exactly_once(&server, &rec, &seqs);
    assert_eq!(ok.len(), 35);
    assert!(t.elapsed() >= ms(100), "flush waited for the slow server");
    assert_eq!(server.count(), 4, "10 + 10 + 10 + 5");
    assert_eq!(api.stats().buffered_lines, 0);
}

#[test]
fn flush_with_a_short_timeout_times_out_while_the_server_is_slow() {
    let server = FaultyServer::start(|_, _| Action::status(204).delayed(ms(1000)));
    let (api, rec) = setup(&server.url(), &[], &[]);
    for s in 0..5 {
        write_seq(&api, s).unwrap();
    }
    let t = Instant::now();
    let e = api.flush(Some(ms(200))).unwrap_err();
    assert_eq!(e.code, Code::TimedOut, "{e:?}");
    assert_between("flush waited", t.elapsed(), ms(200), ms(200) + SLACK);
    assert!(rec.of(Kind::Success).is_empty());
    api.flush(None).unwrap();
    let (ok, _) = check_exactly_once(&server, &rec, &[0, 1, 2, 3, 4]);
    assert_eq!(ok.len(), 5);
}

#[test]
fn close_delivers_pending_lines() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let (api, rec) = setup(
        &server.url(),
        &[],
        &[("flush_interval", "60000"), ("max_close_wait", "5000")],
    );
    let seqs: Vec<u64> = (0..50).collect();
    for &s in &seqs {
        write_seq(&api, s).unwrap();
    }
    assert_eq!(server.count(), 0, "nothing sent before close");
    let t = Instant::now();
    api.close().unwrap();
    rec.mark_closed();
    assert!(t.elapsed() < Duration::from_secs(2));
    let (ok, _) = check_exactly_once(&server, &rec, &seqs);
    assert_eq!(ok.len(), 50);
    assert_eq!(write_seq(&api, 99).unwrap_err().code, Code::Closed);
    api.close().unwrap(); // idempotent
    assert_eq!(rec.late.load(Ordering::SeqCst), 0);
}

#[test]
fn close_with_a_hanging_server_times_out_and_reports_every_line_once() {
    let server = FaultyServer::start(|_, _| Action::status(204).delayed(Duration::from_secs(5)));
    let (api, rec) = setup(
        &server.url(),
        &[("timeout", "400")],
        &[
            ("batch_size", "10"),
            ("max_close_wait", "600"),
            ("max_retries", "1000"),
        ],
    );
    let seqs: Vec<u64> = (0..50).collect();
    for &s in &seqs {
        write_seq(&api, s).unwrap();
    }
    let t = Instant::now();
    let e = api.close().unwrap_err();
    let took = t.elapsed();
    rec.mark_closed();
    assert_eq!(e.code, Code::TimedOut, "{e:?}");
    // max_close_wait, plus at most one HTTP request's timeout already under way.
    assert_between("close took", took, ms(590), ms(600 + 400) + SLACK);
    let (ok, failed) = check_exactly_once(&server, &rec, &seqs);
    assert_eq!((ok.len(), failed.len()), (0, 50));
    let st = api.stats();
    assert_eq!((st.accepted, st.failed, st.buffered_lines), (50, 50, 0));
    std::thread::sleep(ms(300));
    assert_eq!(
        rec.late.load(Ordering::SeqCst),
        0,
        "a callback ran after close returned"
    );
}

#[test]
fn close_with_the_server_refusing_connections_times_out() {
    let port = unused_port();
    let (api, rec) = setup(
        &format!("http://127.0.0.1:{port}"),
        &[],
        &[
            ("batch_size", "10"),
            ("max_close_wait", "500"),
            ("retry_interval", "100"),
            ("exponential_base", "1"),
            ("max_retries", "1000"),
        ],
    );
    let seqs: Vec<u64> = (0..30).collect();
    for &s in &seqs {
        write_seq(&api, s).unwrap();
    }
    let t = Instant::now();
    let e = api.close().unwrap_err();
    rec.mark_closed();
    assert_eq!(e.code, Code::TimedOut, "{e:?}");
    assert!(
        t.elapsed() <= ms(500) + SLACK,
        "close took {:?}",
        t.elapsed()
    );
    for ev in rec.of(Kind::Error) {
        assert_eq!(ev.err().code, Code::TimedOut, "{:?}", ev.err());
    }
    let st = api.stats();
    assert_eq!((st.accepted, st.failed), (30, 30));
    // No server ever ran: check the reports alone.
    let mut count: HashMap<u64, usize> = HashMap::new();
    for ev in rec.of(Kind::Error) {
        for q in seqs_in(&ev.data) {
            *count.entry(q).or_default() += 1;
        }
    }
    assert!(seqs.iter().all(|q| count.get(q) == Some(&1)), "{count:?}");
    assert!(rec.of(Kind::Success).is_empty());
    std::thread::sleep(ms(200));
    assert_eq!(rec.late.load(Ordering::SeqCst), 0);
}

// ---------------------------------------------------------------------------------------------
// Batching: grouping, sizes, intervals, asynchronous mode, jitter
// ---------------------------------------------------------------------------------------------

#[test]
fn one_post_per_bucket_org_precision_with_correct_query_and_headers() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let (api, rec) = setup(&server.url(), &[("enable_gzip", "true")], &[]);
    // (bucket, org, precision) of each write, interleaved within one flush window.
    let plan: [(&str, Option<&str>, Precision); 8] = [
        ("a", None, Precision::Ns),
        ("a", None, Precision::S),
        ("b", None, Precision::Ns),
        ("a", Some("other"), Precision::Ns),
        ("a", None, Precision::Ns),
        ("b", None, Precision::Ns),
        ("a", None, Precision::S),
        ("a", Some("other"), Precision::Ns),
    ];
    let mut want: HashMap<(String, String, String), Vec<u64>> = HashMap::new();
    for (s, (bucket, org, precision)) in plan.iter().enumerate() {
        api.write_lp(bucket, *org, line(s as u64).as_bytes(), *precision)
            .unwrap();
        let key = (
            bucket.to_string(),
            org.unwrap_or("org").to_string(),
            precision.as_str().to_string(),
        );
        want.entry(key).or_default().push(s as u64);
    }
    api.flush(None).unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 4, "one POST per (bucket, org, precision)");
    let mut got = HashMap::new();
    for r in &reqs {
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/api/v2/write")
        );
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        assert_eq!(r.header("authorization"), Some("Token tok"));
        assert!(r
            .header("content-type")
            .is_some_and(|v| v.starts_with("text/plain")));
        let key = (
            r.param("bucket").unwrap().to_string(),
            r.param("org").unwrap().to_string(),
            r.param("precision").unwrap().to_string(),
        );
        got.insert(key, seqs_in(&r.body_text()));
    }
    assert_eq!(got, want);
    for e in rec.of(Kind::Success) {
        let key = (
            e.bucket.clone(),
            e.org.clone(),
            e.precision.as_str().to_string(),
        );
        assert_eq!(want.get(&key), Some(&seqs_in(&e.data)));
    }
    check_exactly_once(&server, &rec, &(0..8).collect::<Vec<_>>());
}

#[test]
fn batch_size_seals_full_batches_and_flush_sends_the_rest() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let (api, rec) = setup(
        &server.url(),
        &[],
        &[("batch_size", "10"), ("flush_interval", "60000")],
    );
    for s in 0..25 {
        write_seq(&api, s).unwrap();
    }
    assert!(
        server.wait_for_requests(2, Duration::from_secs(3)),
        "full batches go without flush"
    );
    assert!(
        !server.wait_for_requests(3, ms(300)),
        "the partial batch waits for flush_interval"
    );
    api.flush(None).unwrap();
    let sizes: Vec<Vec<u64>> = server
        .requests()
        .iter()
        .map(|r| seqs_in(&r.body_text()))
        .collect();
    assert_eq!(
        sizes,
        vec![
            (0..10).collect::<Vec<_>>(),
            (10..20).collect(),
            (20..25).collect()
        ]
    );
    check_exactly_once(&server, &rec, &(0..25).collect::<Vec<_>>());
}

#[test]
fn flush_interval_seals_a_partial_batch() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let (api, rec) = setup(
        &server.url(),
        &[],
        &[("batch_size", "1000"), ("flush_interval", "300")],
    );
    let t0 = Instant::now();
    for s in 0..3 {
        write_seq(&api, s).unwrap();
    }
    assert!(server.wait_for_requests(1, Duration::from_secs(3)));
    let reqs = server.requests();
    assert_between(
        "sent after",
        reqs[0].at.duration_since(t0),
        ms(300),
        ms(300) + SLACK,
    );
    assert_eq!(seqs_in(&reqs[0].body_text()), vec![0, 1, 2]);
    api.flush(None).unwrap();
    check_exactly_once(&server, &rec, &[0, 1, 2]);
}

#[test]
fn asynchronous_mode_sends_each_write_as_its_own_request() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let (api, rec) = setup(&server.url(), &[], &[("write_type", "asynchronous")]);
    for w in 0..5u64 {
        let body = format!("{}\n{}", line(2 * w), line(2 * w + 1));
        api.write_lp("bucket", None, body.as_bytes(), Precision::Ns)
            .unwrap();
    }
    api.flush(None).unwrap();
    let bodies: Vec<Vec<u64>> = server
        .requests()
        .iter()
        .map(|r| seqs_in(&r.body_text()))
        .collect();
    assert_eq!(
        bodies,
        (0..5u64)
            .map(|w| vec![2 * w, 2 * w + 1])
            .collect::<Vec<_>>()
    );
    let ok = rec.of(Kind::Success);
    assert_eq!(ok.len(), 5);
    assert!(ok.iter().all(|e| e.lines == 2));
    check_exactly_once(&server, &rec, &(0..10).collect::<Vec<_>>());
}

#[test]
fn jitter_delays_each_post_by_at_most_jitter_interval() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let (api, rec) = setup(
        &server.url(),
        &[],
        &[("write_type", "asynchronous"), ("jitter_interval", "200")],
    );
    let t0 = Instant::now();
    for s in 0..6 {
        write_seq(&api, s).unwrap();
    }
    api.flush(None).unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 6);
    // Batches go one at a time, each after its own jitter in [0, 200) ms.
    let mut gaps = vec![reqs[0].at.duration_since(t0)];
    gaps.extend((1..6).map(|i| gap(&reqs, i)));
    for (i, g) in gaps.iter().enumerate() {
        assert!(*g <= ms(200) + SLACK, "POST {i} delayed {g:?}");
    }
    // Without jitter each gap is about a millisecond; six draws all under 20 ms: p = 1e-6.
    assert!(
        gaps.iter().any(|g| *g >= ms(20)),
        "no jitter applied: {gaps:?}"
    );
    check_exactly_once(&server, &rec, &(0..6).collect::<Vec<_>>());
}

// ---- line buffers: whole buffers handed to the write API ----

/// `count` lines `seq = first..` as one line buffer, written with `write_lines`.
fn write_seq_lines(api: &WriteApi, first: u64, count: u64) -> Result<(), Error> {
    use influxdb_client::lines::LineBuffer;
    let mut lb = LineBuffer::with_default_tags(Precision::Ns, api.default_tags()).unwrap();
    for seq in first..first + count {
        lb.begin("m").unwrap();
        lb.tag("t", "a").unwrap();
        lb.field_i64("seq", seq as i64).unwrap();
        lb.end_at(seq as i64).unwrap();
    }
    let r = api.write_lines("bucket", None, &mut lb);
    // written: the buffer is empty; refused: it still holds every line
    assert_eq!(lb.lines(), if r.is_ok() { 0 } else { count as usize });
    r
}

#[test]
fn line_buffers_and_single_lines_mixed_arrive_in_order_exactly_once() {
    let server = FaultyServer::start(|_, _| Action::status(204));
    let (api, rec) = setup(&server.url(), &[], &[("batch_size", "25")]);
    let mut seq = 0;
    let mut accepted = Vec::new();
    for round in 0..40u64 {
        // 1 to 12 lines as a buffer, then 0 to 2 single lines
        let n = 1 + round % 12;
        write_seq_lines(&api, seq, n).unwrap();
        accepted.extend(seq..seq + n);
        seq += n;
        for _ in 0..round % 3 {
            write_seq(&api, seq).unwrap();
            accepted.push(seq);
            seq += 1;
        }
    }
    api.flush(None).unwrap();
    let sent: Vec<u64> = server
        .requests()
        .iter()
        .flat_map(|r| seqs_in(&r.body_text()))
        .collect();
    assert_eq!(sent, accepted, "every line once, in write order");
    for r in server.requests() {
        let body = r.body_text();
        assert!(
            body.lines()
                .all(|l| l.starts_with("m,t=a seq=") && seqs_in(l).len() == 1),
            "one line per point, joined by newlines: {body:?}"
        );
    }
    let (delivered, failed) = check_exactly_once(&server, &rec, &accepted);
    assert_eq!((delivered.len(), failed.len()), (accepted.len(), 0));
    let st = api.stats();
    assert_eq!(
        (st.written, st.buffered_lines, st.buffered_bytes),
        (seq, 0, 0)
    );
    api.close().unwrap();
}

#[test]
fn http_413_splits_a_batch_made_of_line_buffers() {
    let server = FaultyServer::start(too_large_above(150));
    let (api, rec) = setup(&server.url(), &[], &[("batch_size", "40")]);
    let mut accepted = Vec::new();
    for first in (0..40).step_by(8) {
        write_seq_lines(&api, first, 8).unwrap();
        accepted.extend(first..first + 8);
    }
    api.flush(None).unwrap();
    let reqs = server.requests();
    assert!(reqs.iter().any(|r| r.status == Some(413)));
    let delivered: Vec<u64> = reqs
        .iter()
        .filter(|r| r.succeeded())
        .flat_map(|r| seqs_in(&r.body_text()))
        .collect();
    assert_eq!(delivered, accepted);
    check_exactly_once(&server, &rec, &accepted);
    api.close().unwrap();
}

#[test]
fn line_buffers_under_drop_oldest_and_close_timeout_are_each_reported_once() {
    let server = FaultyServer::start(slow_503());
    let mut opts = BUFFER_OPTS.to_vec();
    opts.push(("buffer_full_policy", "drop_oldest"));
    let (api, rec) = setup(&server.url(), &[], &opts);
    // 2 lines per buffer, batch_size 5: batches are made of several handed-over buffers
    let mut accepted = Vec::new();
    for first in (0..200).step_by(2) {
        write_seq_lines(&api, first, 2).unwrap();
        accepted.extend([first, first + 1]);
        assert!(api.stats().buffered_lines <= 20);
    }
    let closed = api.close();
    rec.mark_closed();
    assert_eq!(closed.unwrap_err().code, Code::TimedOut);
    let (delivered, failed) = check_exactly_once(&server, &rec, &accepted);
    assert!(delivered.is_empty());
    assert_eq!(failed.len(), 200);
    let st = api.stats();
    assert!(st.dropped > 0);
    assert_eq!(st.accepted, st.written + st.failed + st.dropped);
    assert_eq!((st.buffered_lines, st.buffered_bytes), (0, 0));
}
