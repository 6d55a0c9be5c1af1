//! `max_buffer_bytes` bounds the memory a write API holds, whatever the size of the line
//! buffers handed over (its own test binary: it measures this process's peak RSS).

use std::sync::Arc;
use std::time::Duration;

use influxdb_client::client::Client;
use influxdb_client::config::Conf;
use influxdb_client::lines::LineBuffer;
use influxdb_client::write::{BatchInfo, Listener};
use influxdb_client::Error;

struct Quiet;
impl Listener for Quiet {
    fn on_success(&self, _: &BatchInfo<'_>) {}
    fn on_error(&self, _: &BatchInfo<'_>, _: &Error) {}
    fn on_retry(&self, _: &BatchInfo<'_>, _: &Error, _: u32, _: Duration) {}
}

/// Peak resident set size of this process so far (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[test]
fn a_million_one_line_buffers_with_the_server_down_stay_within_max_buffer_bytes() {
    let mut conf = Conf::new();
    conf.set("url", "http://127.0.0.1:9").unwrap(); // nobody listens: every send fails
    conf.set("token", "t").unwrap();
    conf.set("org", "o").unwrap();
    let client = Client::new(&conf).unwrap();
    let mut w = Conf::new();
    for (k, v) in [
        ("buffer_full_policy", "drop_oldest"),
        ("max_buffer_bytes", "4194304"),
        ("max_buffer_lines", "10000000"),
        ("batch_size", "5000"),
        ("retry_interval", "1000"),
        ("max_close_wait", "1000"),
    ] {
        w.set(k, v).unwrap();
    }
    let api = client.write_api(Some(&w), Some(Arc::new(Quiet))).unwrap();
    let mut lb = LineBuffer::with_defaults(
        influxdb_client::types::Precision::Ns,
        api.defaults().clone(),
    );
    let mut write = |i: u64| {
        lb.begin("gateway_metrics").unwrap();
        lb.tag("host", "gw-01").unwrap();
        lb.field_f64("temp", i as f64 * 0.5).unwrap();
        lb.end_at(1_700_000_000_000_000_000 + i as i64).unwrap();
        api.write_lines("b", None, &mut lb).unwrap();
    };
    for i in 0..10_000 {
        write(i);
    }
    let before = peak_rss();
    for i in 10_000..1_000_000 {
        write(i);
    }
    let after = peak_rss();
    let s = api.stats();
    assert!(s.buffered_bytes <= 4 << 20, "{s:?}");
    assert!(s.dropped > 0, "the buffer never filled: {s:?}");
    let growth = after.saturating_sub(before);
    eprintln!("peak RSS growth {} KiB, {s:?}", growth / 1024);
    assert!(
        growth < 16 << 20,
        "peak RSS grew by {} MiB for max_buffer_bytes = 4 MiB",
        growth >> 20
    );
    let _ = api.close();
}
