//! End-to-end write throughput: `cargo bench --bench e2e` (harness = false).
//!
//! Every number is compared with a baseline measured in the same run (the machine is shared
//! and small, so absolute numbers are noisy; the ratios are the claims):
//!
//! (a) baseline: the N standard points, pre-encoded (untimed) into 5000-line bodies, uploaded
//!     with ureq from one thread, one request after the other → points/s;
//! (b) ours: the same N points built and written through the C ABI from one thread into a
//!     batching write API (batch_size 5000, flush_interval 1000), then `influx_flush` +
//!     `influx_write_api_close` → points/s, and ours/raw, three ways ([`How`]): points
//!     (`influx_point_new`, `influx_point_add_*`, `influx_write`, `influx_point_free`), a line
//!     buffer (`influx_lines_begin`, `influx_lines_add_*`, `influx_lines_end_at`, and
//!     `influx_write_lines` every 1000 points), rows of a shape (`influx_lines_add_row`, and
//!     `influx_write_lines` every 1000 points);
//! (c) if INFLUXDB_V2_URL / _TOKEN / _ORG / _BUCKET are set: (a), (b) points and (b) rows once
//!     each against that real InfluxDB 2.x (a unique measurement per run), each checked with a
//!     Flux count and then deleted;
//! (d) peak RSS (VmHWM, reset through /proc/self/clear_refs before each run) of (b) points
//!     and rows with N and 2N points, and the most bytes/lines the write API held, against
//!     its max_buffer_bytes / max_buffer_lines.
//!
//! (a) and (b) run against an in-process null HTTP sink on 127.0.0.1 (204 to every
//! POST /api/v2/write, body read and its lines counted with `memchr`, keep-alive, a thread
//! per connection), which must have received exactly N lines per run. Five interleaved
//! rounds; best of each.
//!
//! Without `--bench` (as `cargo test --all-targets` runs it) it is a quick smoke run with
//! 20,000 points against the sink only. `E2E_N` overrides N.

use std::ffi::{c_void, CString};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use influxdb_client::ffi::{
    influx_batch, influx_client, influx_client_free, influx_client_new, influx_conf,
    influx_conf_new, influx_conf_set, influx_conf_set_callbacks, influx_error, influx_flush,
    influx_lines, influx_lines_add_field_bool, influx_lines_add_field_f64,
    influx_lines_add_field_i64, influx_lines_add_row, influx_lines_add_tag, influx_lines_begin,
    influx_lines_end_at, influx_lines_free, influx_lines_new, influx_point_add_field_bool,
    influx_point_add_field_f64, influx_point_add_field_i64, influx_point_add_tag,
    influx_point_free, influx_point_new, influx_point_set_time, influx_shape, influx_shape_free,
    influx_shape_new, influx_value, influx_write, influx_write_api, influx_write_api_close,
    influx_write_api_new, influx_write_api_stats, influx_write_lines, influx_write_stats,
    INFLUX_FIELD_BOOL, INFLUX_FIELD_F64, INFLUX_FIELD_I64, INFLUX_OK, INFLUX_PRECISION_NS,
};
use influxdb_client::point::encode_point;
use influxdb_client::point::{Point, Precision};

const BATCH: usize = 5000;
const ROUNDS: usize = 5;
const T0: i64 = 1_700_000_000_000_000_000;
/// Defaults of the write API (CONFIGURATION.md); set explicitly so the report can name them.
const MAX_BUFFER_LINES: u64 = 100_000;
const MAX_BUFFER_BYTES: u64 = 64 << 20;

// ---------------------------------------------------------------------------------------------
// Null sink

#[derive(Default)]
struct SinkCounters {
    requests: AtomicU64,
    lines: AtomicU64,
    bytes: AtomicU64,
    rejected: AtomicU64,
}

/// Start the sink; returns its base URL.
fn start_sink(c: Arc<SinkCounters>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the null sink");
    let addr = listener.local_addr().expect("sink address");
    std::thread::Builder::new()
        .name("sink-accept".into())
        .spawn(move || {
            for conn in listener.incoming().flatten() {
                let c = c.clone();
                let _ = std::thread::Builder::new()
                    .name("sink-conn".into())
                    .spawn(move || {
                        let _ = serve(conn, &c);
                    });
            }
        })
        .expect("start the sink thread");
    format!("http://{addr}")
}

/// Serve one keep-alive connection until the client closes it.
fn serve(stream: TcpStream, c: &SinkCounters) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut r = BufReader::with_capacity(256 << 10, stream);
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let mut content_length = 0usize;
        let mut chunked = false;
        loop {
            line.clear();
            if r.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let h = line.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    content_length = v.trim().parse().unwrap_or(0);
                } else if k.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = v.to_ascii_lowercase().contains("chunked");
                }
            }
        }
        if chunked {
            c.rejected.fetch_add(1, Ordering::Relaxed);
            out.write_all(
                b"HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )?;
            return Ok(());
        }
        // Read and discard the body, counting its lines (joined by '\n', no trailing one).
        let (mut left, mut newlines, mut last) = (content_length, 0u64, b'\n');
        while left > 0 {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            let take = buf.len().min(left);
            newlines += memchr::memchr_iter(b'\n', &buf[..take]).count() as u64;
            last = buf[take - 1];
            r.consume(take);
            left -= take;
        }
        if method == "POST" && path.starts_with("/api/v2/write") {
            let lines = newlines + u64::from(content_length > 0 && last != b'\n');
            c.requests.fetch_add(1, Ordering::Relaxed);
            c.lines.fetch_add(lines, Ordering::Relaxed);
            c.bytes.fetch_add(content_length as u64, Ordering::Relaxed);
            out.write_all(b"HTTP/1.1 204 No Content\r\n\r\n")?;
        } else {
            c.rejected.fetch_add(1, Ordering::Relaxed);
            out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")?;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Standard points

struct Names {
    hosts: Vec<String>,
    regions: Vec<String>,
    c_hosts: Vec<CString>,
    c_regions: Vec<CString>,
}

impl Names {
    fn new() -> Names {
        let hosts: Vec<String> = (0..100).map(|i| format!("server-{i}")).collect();
        let regions: Vec<String> = (0..4).map(|i| format!("us-west-{i}")).collect();
        let c = |v: &Vec<String>| {
            v.iter()
                .map(|s| CString::new(s.as_str()).unwrap())
                .collect()
        };
        Names {
            c_hosts: c(&hosts),
            c_regions: c(&regions),
            hosts,
            regions,
        }
    }
}

fn ts(i: u64) -> i64 {
    T0 + i as i64 * 1000
}

/// The N standard points as line protocol bodies of BATCH lines (untimed preparation).
fn pre_encode(names: &Names, measurement: &str, n: u64) -> Vec<Vec<u8>> {
    let mut bodies = Vec::new();
    let mut body = Vec::with_capacity(BATCH * 128);
    let mut lines = 0;
    for i in 0..n {
        let mut p = Point::new(measurement).unwrap();
        p.tag("host", &names.hosts[(i % 100) as usize]).unwrap();
        p.tag("region", &names.regions[(i % 4) as usize]).unwrap();
        p.field_f64("usage_user", i as f64 * 0.37).unwrap();
        p.field_f64("usage_system", i as f64 * 0.11).unwrap();
        p.field_i64("count", i as i64).unwrap();
        p.field_bool("ok", i % 2 == 0).unwrap();
        p.set_time(ts(i), Precision::Ns).unwrap();
        if lines > 0 {
            body.push(b'\n');
        }
        encode_point(&p, &[], &mut body).unwrap();
        lines += 1;
        if lines == BATCH {
            bodies.push(std::mem::replace(
                &mut body,
                Vec::with_capacity(BATCH * 128),
            ));
            lines = 0;
        }
    }
    if lines > 0 {
        bodies.push(body);
    }
    bodies
}

// ---------------------------------------------------------------------------------------------
// Memory

fn status_kb(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Reset VmHWM to the current RSS; false if the kernel does not allow it.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

// ---------------------------------------------------------------------------------------------
// Server

struct Server {
    url: String,
    token: String,
    org: String,
    bucket: String,
}

impl Server {
    fn auth(&self) -> String {
        format!("Token {}", self.token)
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

/// (a) raw upload of pre-encoded bodies, one request after the other → points/s.
fn run_raw(srv: &Server, bodies: &[Vec<u8>], n: u64) -> f64 {
    let agent = agent();
    let url = format!("{}/api/v2/write", srv.url);
    let auth = srv.auth();
    let t = Instant::now();
    for body in bodies {
        let r = agent
            .post(&url)
            .query("org", &srv.org)
            .query("bucket", &srv.bucket)
            .query("precision", "ns")
            .set("Content-Type", "text/plain; charset=utf-8")
            .set("Accept", "application/json")
            .set("Authorization", &auth)
            .send_bytes(body);
        match r {
            Ok(resp) if (200..300).contains(&resp.status()) => {
                let _ = resp.into_string();
            }
            Ok(resp) => panic!("raw upload: HTTP {}", resp.status()),
            Err(e) => panic!("raw upload failed: {e}"),
        }
    }
    n as f64 / t.elapsed().as_secs_f64()
}

static OK_BATCHES: AtomicU64 = AtomicU64::new(0);
static FAILED_BATCHES: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_success(_batch: *const influx_batch, _user: *mut c_void) {
    OK_BATCHES.fetch_add(1, Ordering::Relaxed);
}

extern "C" fn on_error(_b: *const influx_batch, _e: *const influx_error, _user: *mut c_void) {
    FAILED_BATCHES.fetch_add(1, Ordering::Relaxed);
}

#[track_caller]
fn check(rc: i32, what: &str) {
    if rc != INFLUX_OK {
        panic!("{what} returned {rc}");
    }
}

fn set(conf: *mut influx_conf, key: &str, value: &str) {
    let (k, v) = (CString::new(key).unwrap(), CString::new(value).unwrap());
    check(
        influx_conf_set(conf, k.as_ptr(), v.as_ptr(), ptr::null_mut(), 0),
        &format!("influx_conf_set({key})"),
    );
}

struct OursResult {
    points_per_s: f64,
    /// Peak RSS during the run and RSS before it, kB (None without /proc).
    peak_rss_kb: Option<u64>,
    rss_before_kb: Option<u64>,
    hwm_reset: bool,
    max_buffered_bytes: u64,
    max_buffered_lines: u64,
    ok_batches: u64,
}

/// How (b) builds the points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum How {
    /// `influx_point_new`, `influx_point_add_*`, `influx_write`, `influx_point_free` per point.
    Points,
    /// A line buffer: `influx_lines_begin`, `influx_lines_add_*` (keys in ascending order),
    /// `influx_lines_end_at` per point, `influx_write_lines` every LINES_PER_WRITE points.
    Lines,
    /// A line buffer and a shape: one `influx_lines_add_row` per point, `influx_write_lines`
    /// every LINES_PER_WRITE points.
    Rows,
}

const HOWS: [How; 3] = [How::Points, How::Lines, How::Rows];

impl How {
    fn name(self) -> &'static str {
        match self {
            How::Points => "points",
            How::Lines => "lines",
            How::Rows => "rows",
        }
    }
    fn describe(self) -> &'static str {
        match self {
            How::Points => "ours, points: influx_point_* + influx_write per point",
            How::Lines => "ours, line buffer: influx_lines_begin/add_*/end_at per point, influx_write_lines per 1000",
            How::Rows => "ours, rows: influx_lines_add_row per point (influx_shape), influx_write_lines per 1000",
        }
    }
}

/// Points per `influx_write_lines` call in (b) with a line buffer.
const LINES_PER_WRITE: u64 = 1000;

fn write_point_c(
    api: *mut influx_write_api,
    bucket: &CString,
    meas: &CString,
    names: &Names,
    i: u64,
) {
    let p = influx_point_new(meas.as_ptr());
    assert!(!p.is_null(), "influx_point_new failed");
    check(
        influx_point_add_tag(
            p,
            c"host".as_ptr(),
            names.c_hosts[(i % 100) as usize].as_ptr(),
        ),
        "add_tag host",
    );
    check(
        influx_point_add_tag(
            p,
            c"region".as_ptr(),
            names.c_regions[(i % 4) as usize].as_ptr(),
        ),
        "add_tag region",
    );
    check(
        influx_point_add_field_f64(p, c"usage_user".as_ptr(), i as f64 * 0.37),
        "add_field usage_user",
    );
    check(
        influx_point_add_field_f64(p, c"usage_system".as_ptr(), i as f64 * 0.11),
        "add_field usage_system",
    );
    check(
        influx_point_add_field_i64(p, c"count".as_ptr(), i as i64),
        "add_field count",
    );
    check(
        influx_point_add_field_bool(p, c"ok".as_ptr(), i % 2 == 0),
        "add_field ok",
    );
    check(
        influx_point_set_time(p, ts(i), INFLUX_PRECISION_NS),
        "set_time",
    );
    check(
        influx_write(api, bucket.as_ptr(), ptr::null(), p),
        "influx_write",
    );
    influx_point_free(p);
}

fn add_line_c(lines: *mut influx_lines, meas: &CString, names: &Names, i: u64) {
    check(influx_lines_begin(lines, meas.as_ptr()), "lines_begin");
    check(
        influx_lines_add_tag(
            lines,
            c"host".as_ptr(),
            names.c_hosts[(i % 100) as usize].as_ptr(),
        ),
        "lines tag host",
    );
    check(
        influx_lines_add_tag(
            lines,
            c"region".as_ptr(),
            names.c_regions[(i % 4) as usize].as_ptr(),
        ),
        "lines tag region",
    );
    check(
        influx_lines_add_field_i64(lines, c"count".as_ptr(), i as i64),
        "lines count",
    );
    check(
        influx_lines_add_field_bool(lines, c"ok".as_ptr(), i % 2 == 0),
        "lines ok",
    );
    check(
        influx_lines_add_field_f64(lines, c"usage_system".as_ptr(), i as f64 * 0.11),
        "lines usage_system",
    );
    check(
        influx_lines_add_field_f64(lines, c"usage_user".as_ptr(), i as f64 * 0.37),
        "lines usage_user",
    );
    check(influx_lines_end_at(lines, ts(i)), "lines_end_at");
}

fn add_row_c(lines: *mut influx_lines, shape: *const influx_shape, names: &Names, i: u64) {
    let tags = [
        names.c_hosts[(i % 100) as usize].as_ptr(),
        names.c_regions[(i % 4) as usize].as_ptr(),
    ];
    let fields = [
        influx_value {
            f64: i as f64 * 0.37,
        },
        influx_value {
            f64: i as f64 * 0.11,
        },
        influx_value { i64: i as i64 },
        influx_value { b: i % 2 == 0 },
    ];
    let t = ts(i);
    check(
        influx_lines_add_row(lines, shape, tags.as_ptr(), fields.as_ptr(), &t),
        "influx_lines_add_row",
    );
}

/// (b) the N standard points through the C ABI into a batching write API → points/s.
fn run_ours(srv: &Server, names: &Names, measurement: &str, n: u64, how: How) -> OursResult {
    let conf = influx_conf_new();
    set(conf, "url", &srv.url);
    set(conf, "token", &srv.token);
    set(conf, "org", &srv.org);
    let client: *mut influx_client = influx_client_new(conf, ptr::null_mut(), 0);
    assert!(!client.is_null(), "influx_client_new failed");
    let wconf = influx_conf_new();
    set(wconf, "write_type", "batching");
    set(wconf, "batch_size", &BATCH.to_string());
    set(wconf, "flush_interval", "1000");
    set(wconf, "max_buffer_lines", &MAX_BUFFER_LINES.to_string());
    set(wconf, "max_buffer_bytes", &MAX_BUFFER_BYTES.to_string());
    check(
        influx_conf_set_callbacks(
            wconf,
            Some(on_success),
            Some(on_error),
            None,
            ptr::null_mut(),
        ),
        "influx_conf_set_callbacks",
    );
    let api: *mut influx_write_api = influx_write_api_new(client, wconf, ptr::null_mut(), 0);
    assert!(!api.is_null(), "influx_write_api_new failed");
    let meas = CString::new(measurement).unwrap();
    let bucket = CString::new(srv.bucket.as_str()).unwrap();
    OK_BATCHES.store(0, Ordering::Relaxed);
    FAILED_BATCHES.store(0, Ordering::Relaxed);
    let mut stats = influx_write_stats::default();
    let (mut max_bytes, mut max_lines) = (0u64, 0u64);

    let hwm_reset = reset_peak_rss();
    let rss_before_kb = status_kb("VmRSS:");
    let t = Instant::now();
    let lines = match how {
        How::Points => ptr::null_mut(),
        How::Lines | How::Rows => influx_lines_new(api, INFLUX_PRECISION_NS),
    };
    let shape = match how {
        How::Rows => {
            let tag_keys = [c"host".as_ptr(), c"region".as_ptr()];
            let field_keys = [
                c"usage_user".as_ptr(),
                c"usage_system".as_ptr(),
                c"count".as_ptr(),
                c"ok".as_ptr(),
            ];
            let types = [
                INFLUX_FIELD_F64,
                INFLUX_FIELD_F64,
                INFLUX_FIELD_I64,
                INFLUX_FIELD_BOOL,
            ];
            let sh = influx_shape_new(
                meas.as_ptr(),
                tag_keys.as_ptr(),
                2,
                field_keys.as_ptr(),
                types.as_ptr(),
                4,
            );
            assert!(!sh.is_null(), "influx_shape_new failed");
            sh
        }
        _ => ptr::null_mut(),
    };
    for i in 0..n {
        match how {
            How::Points => write_point_c(api, &bucket, &meas, names, i),
            How::Lines => add_line_c(lines, &meas, names, i),
            How::Rows => add_row_c(lines, shape, names, i),
        }
        if how != How::Points && (i + 1) % LINES_PER_WRITE == 0 {
            check(
                influx_write_lines(api, bucket.as_ptr(), ptr::null(), lines),
                "influx_write_lines",
            );
        }
        if i % 2000 == 0 {
            check(influx_write_api_stats(api, &mut stats), "stats");
            max_bytes = max_bytes.max(stats.buffered_bytes);
            max_lines = max_lines.max(stats.buffered_lines);
        }
    }
    if how != How::Points {
        check(
            influx_write_lines(api, bucket.as_ptr(), ptr::null(), lines),
            "influx_write_lines",
        );
        influx_lines_free(lines);
        influx_shape_free(shape);
    }
    check(influx_flush(api), "influx_flush");
    check(influx_write_api_stats(api, &mut stats), "stats");
    check(influx_write_api_close(api), "influx_write_api_close");
    let secs = t.elapsed().as_secs_f64();
    let peak_rss_kb = status_kb("VmHWM:");
    influx_client_free(client);

    assert_eq!(stats.accepted, n, "accepted");
    assert_eq!(stats.written, n, "written (failed {})", stats.failed);
    assert_eq!(FAILED_BATCHES.load(Ordering::Relaxed), 0, "error callbacks");
    OursResult {
        points_per_s: n as f64 / secs,
        peak_rss_kb,
        rss_before_kb,
        hwm_reset,
        max_buffered_bytes: max_bytes,
        max_buffered_lines: max_lines,
        ok_batches: OK_BATCHES.load(Ordering::Relaxed),
    }
}

/// Number of points of `measurement` in the bucket (Flux count of field `count`).
fn flux_count(srv: &Server, measurement: &str, n: u64) -> u64 {
    let flux = format!(
        "from(bucket: \"{}\") |> range(start: time(v: {}), stop: time(v: {})) \
         |> filter(fn: (r) => r._measurement == \"{measurement}\" and r._field == \"count\") \
         |> group() |> count()",
        srv.bucket,
        T0,
        ts(n) + 1
    );
    let body = agent()
        .post(&format!("{}/api/v2/query", srv.url))
        .query("org", &srv.org)
        .set("Authorization", &srv.auth())
        .set("Content-Type", "application/vnd.flux")
        .set("Accept", "application/csv")
        .send_string(&flux)
        .unwrap_or_else(|e| panic!("Flux query failed: {e}"))
        .into_string()
        .expect("Flux answer");
    let mut lines = body
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let col = header
        .iter()
        .position(|h| h.trim() == "_value")
        .unwrap_or_else(|| panic!("no _value column in the Flux answer: {body}"));
    match lines.next() {
        Some(row) => row
            .split(',')
            .nth(col)
            .unwrap_or("0")
            .trim()
            .parse()
            .unwrap_or(0),
        None => 0,
    }
}

/// Delete the benchmark's measurement again (best effort).
fn delete_measurement(srv: &Server, measurement: &str, n: u64) {
    let body = format!(
        "{{\"start\": \"2023-11-14T00:00:00Z\", \"stop\": \"{}\", \"predicate\": \"_measurement=\\\"{measurement}\\\"\"}}",
        if n < 3_000_000_000 { "2023-11-16T00:00:00Z" } else { "2100-01-01T00:00:00Z" }
    );
    let r = agent()
        .post(&format!("{}/api/v2/delete", srv.url))
        .query("org", &srv.org)
        .query("bucket", &srv.bucket)
        .set("Authorization", &srv.auth())
        .set("Content-Type", "application/json")
        .send_string(&body);
    if let Err(e) = r {
        eprintln!("note: deleting {measurement} failed: {e}");
    }
}

// ---------------------------------------------------------------------------------------------

fn fmt_rate(v: f64) -> String {
    format!("{:.0}k", v / 1000.0)
}

fn mib(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let n: u64 = std::env::var("E2E_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { 1_000_000 } else { 20_000 });
    let names = Names::new();
    let counters = Arc::new(SinkCounters::default());
    let sink = Server {
        url: start_sink(counters.clone()),
        token: "sink-token".into(),
        org: "sink-org".into(),
        bucket: "sink-bucket".into(),
    };
    let sink_lines = |c: &SinkCounters| c.lines.load(Ordering::Relaxed);
    println!(
        "e2e: N = {n} standard points, batches of {BATCH} lines, null sink at {}{}",
        sink.url,
        if bench {
            ""
        } else {
            " (smoke run: not --bench)"
        }
    );

    // (d) first, before the baseline's pre-encoded bodies exist: points and rows with N,
    // then 2N points.
    let run_checked = |how: How, m: u64| {
        let before = sink_lines(&counters);
        let r = run_ours(&sink, &names, "cpu", m, how);
        let got = sink_lines(&counters) - before;
        assert_eq!(got, m, "{how:?}: sink received {got} lines, expected {m}");
        r
    };
    let mut mem = Vec::new();
    let mut ours_runs: [Vec<f64>; 3] = Default::default();
    for how in [How::Points, How::Rows] {
        for m in if bench { vec![n, 2 * n] } else { vec![n] } {
            let r = run_checked(how, m);
            println!(
                "  {:<6} N={m}: {} points/s, sink got {m} lines in {} batches",
                how.name(),
                fmt_rate(r.points_per_s),
                r.ok_batches
            );
            if m == n {
                ours_runs[how as usize].push(r.points_per_s);
            }
            mem.push((how, m, r));
        }
    }

    // (a) and (b), interleaved rounds.
    let bodies = pre_encode(&names, "cpu", n);
    let mut raw_runs = Vec::new();
    let rounds = if bench { ROUNDS } else { 1 };
    for round in 0..rounds {
        let before = sink_lines(&counters);
        let raw = run_raw(&sink, &bodies, n);
        let got = sink_lines(&counters) - before;
        assert_eq!(got, n, "sink received {got} lines, expected {n}");
        println!("  raw    round {}: {} points/s", round + 1, fmt_rate(raw));
        raw_runs.push(raw);
        for how in HOWS {
            let r = run_checked(how, n);
            println!(
                "  {:<6} round {}: {} points/s",
                how.name(),
                round + 1,
                fmt_rate(r.points_per_s)
            );
            ours_runs[how as usize].push(r.points_per_s);
        }
    }
    drop(bodies);
    assert_eq!(
        counters.rejected.load(Ordering::Relaxed),
        0,
        "sink rejected requests"
    );
    let best = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
    let raw_best = best(&raw_runs);
    let ours_best = HOWS.map(|h| best(&ours_runs[h as usize]));

    // (c) the real server.
    let real = match (
        std::env::var("INFLUXDB_V2_URL"),
        std::env::var("INFLUXDB_V2_TOKEN"),
        std::env::var("INFLUXDB_V2_ORG"),
        std::env::var("INFLUXDB_V2_BUCKET"),
    ) {
        (Ok(url), Ok(token), Ok(org), Ok(bucket)) if bench => Some(Server {
            url: url.trim_end_matches('/').to_string(),
            token,
            org,
            bucket,
        }),
        _ => None,
    };
    let mut real_result = None;
    if let Some(srv) = &real {
        let run_id = format!(
            "{}_{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_millis()
        );
        let (m_raw, m_ours, m_rows) = (
            format!("cpu_raw_{run_id}"),
            format!("cpu_ours_{run_id}"),
            format!("cpu_rows_{run_id}"),
        );
        println!(
            "  real server {}: measurements {m_raw}, {m_ours}, {m_rows}",
            srv.url
        );
        let bodies = pre_encode(&names, &m_raw, n);
        let raw = run_raw(srv, &bodies, n);
        drop(bodies);
        let raw_count = flux_count(srv, &m_raw, n);
        println!(
            "  raw   real server: {} points/s, Flux count {raw_count}",
            fmt_rate(raw)
        );
        let ours = run_ours(srv, &names, &m_ours, n, How::Points);
        let ours_count = flux_count(srv, &m_ours, n);
        println!(
            "  points real server: {} points/s, Flux count {ours_count}",
            fmt_rate(ours.points_per_s)
        );
        let rows = run_ours(srv, &names, &m_rows, n, How::Rows);
        let rows_count = flux_count(srv, &m_rows, n);
        println!(
            "  rows   real server: {} points/s, Flux count {rows_count}",
            fmt_rate(rows.points_per_s)
        );
        assert_eq!(raw_count, n, "Flux count of the raw upload");
        assert_eq!(ours_count, n, "Flux count of ours (points)");
        assert_eq!(rows_count, n, "Flux count of ours (rows)");
        delete_measurement(srv, &m_raw, n);
        delete_measurement(srv, &m_ours, n);
        delete_measurement(srv, &m_rows, n);
        real_result = Some((
            raw,
            ours.points_per_s,
            rows.points_per_s,
            raw_count,
            ours_count,
            rows_count,
        ));
    }

    // Report.
    println!();
    println!("End-to-end writes, N = {n} standard points, one writing thread, batches of {BATCH}, null HTTP sink on loopback (best of {rounds}; the sink got exactly {n} lines per run):");
    println!("| writer | points/s | / raw |");
    println!("|---|---|---|");
    println!(
        "| raw ureq upload of pre-encoded bodies (baseline) | {} | 1.00 |",
        fmt_rate(raw_best)
    );
    for (how, pps) in HOWS.iter().zip(ours_best) {
        println!(
            "| {} | {} | **{:.2}** |",
            how.describe(),
            fmt_rate(pps),
            pps / raw_best
        );
    }
    println!("result e2e_sink_raw_pps {raw_best:.0}");
    for (how, pps) in HOWS.iter().zip(ours_best) {
        println!("result e2e_sink_{}_pps {pps:.0}", how.name());
        println!("result e2e_sink_{}_ratio {:.3}", how.name(), pps / raw_best);
    }
    println!();
    match real_result {
        Some((raw, ours, rows, rc, oc, wc)) => {
            println!("Against the real InfluxDB 2.x (one run each):");
            println!("| writer | points/s | / raw | Flux count |");
            println!("|---|---|---|---|");
            println!(
                "| raw ureq upload of pre-encoded bodies | {} | 1.00 | {rc} |",
                fmt_rate(raw)
            );
            println!(
                "| {} | {} | **{:.2}** | {oc} |",
                How::Points.describe(),
                fmt_rate(ours),
                ours / raw
            );
            println!(
                "| {} | {} | **{:.2}** | {wc} |",
                How::Rows.describe(),
                fmt_rate(rows),
                rows / raw
            );
            println!("result e2e_real_raw_pps {raw:.0}");
            println!("result e2e_real_points_pps {ours:.0}");
            println!("result e2e_real_points_ratio {:.3}", ours / raw);
            println!("result e2e_real_rows_pps {rows:.0}");
            println!("result e2e_real_rows_ratio {:.3}", rows / raw);
        }
        None => println!(
            "Real InfluxDB 2.x: skipped (INFLUXDB_V2_URL/TOKEN/ORG/BUCKET not set{})",
            if bench { "" } else { ", or not --bench" }
        ),
    }
    println!();
    println!(
        "Memory of the batching run (max_buffer_lines {MAX_BUFFER_LINES}, max_buffer_bytes {}):",
        mib(MAX_BUFFER_BYTES / 1024)
    );
    println!("| writer | points | RSS before | peak RSS (VmHWM) | growth | most bytes buffered | most lines buffered |");
    println!("|---|---|---|---|---|---|---|");
    for (how, m, r) in &mem {
        let (before, peak) = (r.rss_before_kb, r.peak_rss_kb);
        let growth = match (before, peak) {
            (Some(b), Some(p)) if r.hwm_reset => mib(p.saturating_sub(b)),
            _ => "n/a (VmHWM not resettable)".into(),
        };
        println!(
            "| {} | {m} | {} | {} | {growth} | {} | {} |",
            how.name(),
            before.map(mib).unwrap_or_else(|| "n/a".into()),
            peak.map(mib).unwrap_or_else(|| "n/a".into()),
            mib(r.max_buffered_bytes / 1024),
            r.max_buffered_lines
        );
        assert!(
            r.max_buffered_bytes <= MAX_BUFFER_BYTES && r.max_buffered_lines <= MAX_BUFFER_LINES
        );
        if let (Some(b), Some(p)) = (before, peak) {
            println!(
                "result e2e_rss_growth_kb_{}_{m} {}",
                how.name(),
                p.saturating_sub(b)
            );
        }
    }
}
