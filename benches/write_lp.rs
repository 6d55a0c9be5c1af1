//! Raw line protocol through a batching write API: `cargo bench --bench write_lp`.
//!
//! The Python binding's case (b): 1,000,000 standard lines (measurement, 2 tags, 4 fields,
//! ns timestamp), joined into chunks of 1000 lines beforehand (untimed: the binding's one
//! `"\n".join()` per `write()`), each written with one `influx_write_lp` into a batching
//! write API (batch_size 5000, flush_interval 1000, the defaults' buffer limits) that sends
//! to an in-process null HTTP sink (204, lines counted: exactly N must arrive). Reported per
//! line: the time spent inside `influx_write_lp` (the writer's cost, what Python waits
//! for), the wall time until `influx_write_api_close` returned, the writer thread's minor
//! page faults, and, in the same run, `validate_lines` alone and a plain copy of the text
//! into a reused buffer (the floor of "check + copy"). Five rounds; each printed.
//! `WRITE_LP_N` overrides N.

use std::ffi::CString;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use influxdb_client::ffi::{
    influx_client_free, influx_client_new, influx_conf, influx_conf_new, influx_conf_set,
    influx_write_api_close, influx_write_api_new, influx_write_lp, INFLUX_OK, INFLUX_PRECISION_NS,
};
use influxdb_client::lp::validate_lines;
use influxdb_client::types::Precision;

#[path = "common/lp_chunks.rs"]
mod lp_chunks;
use lp_chunks::std_lp_chunks;

static LINES: AtomicU64 = AtomicU64::new(0);

fn start_sink() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the null sink");
    let addr = listener.local_addr().expect("sink address");
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = serve(conn);
            });
        }
    });
    format!("http://{addr}")
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut r = BufReader::with_capacity(256 << 10, stream);
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut content_length = 0usize;
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
                }
            }
        }
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
        let lines = newlines + u64::from(content_length > 0 && last != b'\n');
        LINES.fetch_add(lines, Ordering::Relaxed);
        out.write_all(b"HTTP/1.1 204 No Content\r\n\r\n")?;
    }
}

fn set(conf: *mut influx_conf, key: &str, value: &str) {
    let (k, v) = (CString::new(key).unwrap(), CString::new(value).unwrap());
    let rc = influx_conf_set(conf, k.as_ptr(), v.as_ptr(), ptr::null_mut(), 0);
    assert_eq!(rc, INFLUX_OK, "influx_conf_set({key})");
}

fn minflt() -> i64 {
    // SAFETY: getrusage fills the struct.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_THREAD, &mut ru);
        ru.ru_minflt
    }
}

/// CPU time of the calling thread, seconds.
fn thread_cpu() -> f64 {
    // SAFETY: clock_gettime fills the struct.
    unsafe {
        let mut ts: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts);
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    }
}

fn main() {
    let (n, chunks) = std_lp_chunks("WRITE_LP_N");
    let url = start_sink();
    let per = |secs: f64| secs * 1e9 / n as f64;
    let rounds = if std::env::args().any(|a| a == "--bench") {
        5
    } else {
        1
    };
    for round in 0..rounds {
        // floor: validation alone, and a copy into a reused buffer
        let t = Instant::now();
        let mut total = 0;
        for c in &chunks {
            total += validate_lines(black_box(c), Precision::Ns).unwrap();
        }
        assert_eq!(total, n);
        let validate = t.elapsed().as_secs_f64();
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
        let t = Instant::now();
        for (i, c) in chunks.iter().enumerate() {
            if i % 5 == 0 {
                buf.clear();
            }
            buf.extend_from_slice(black_box(c));
            black_box(&buf);
        }
        let copy = t.elapsed().as_secs_f64();

        LINES.store(0, Ordering::Relaxed);
        let conf = influx_conf_new();
        set(conf, "url", &url);
        set(conf, "token", "t");
        set(conf, "org", "o");
        let client = influx_client_new(conf, ptr::null_mut(), 0);
        assert!(!client.is_null());
        let wconf = influx_conf_new();
        set(wconf, "batch_size", "5000");
        set(wconf, "flush_interval", "1000");
        let api = influx_write_api_new(client, wconf, ptr::null_mut(), 0);
        assert!(!api.is_null());
        let bucket = c"b";
        let start = Instant::now();
        let f0 = minflt();
        let c0 = thread_cpu();
        let mut in_write = 0.0;
        for c in &chunks {
            let t = Instant::now();
            let rc = influx_write_lp(
                api,
                bucket.as_ptr(),
                ptr::null(),
                c.as_ptr().cast(),
                c.len(),
                INFLUX_PRECISION_NS,
            );
            in_write += t.elapsed().as_secs_f64();
            assert_eq!(rc, INFLUX_OK);
        }
        let faults = minflt() - f0;
        let cpu = thread_cpu() - c0;
        assert_eq!(influx_write_api_close(api), INFLUX_OK);
        let wall = start.elapsed().as_secs_f64();
        influx_client_free(client);
        assert_eq!(LINES.load(Ordering::Relaxed), n as u64, "lines delivered");
        println!(
            "round {round}: influx_write_lp {:6.1} ns/line (writer CPU {:6.1}), to close {:6.1} ns/line, writer minor faults {:6}; \
             validate_lines {:6.1} ns/line, copy {:5.1} ns/line",
            per(in_write), per(cpu), per(wall), faults, per(validate), per(copy)
        );
    }
}
