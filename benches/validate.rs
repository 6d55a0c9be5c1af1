//! Raw line protocol validation throughput (`influx_write_lp`'s check before a batch is
//! queued): `cargo bench --bench validate`.
//!
//! 1,000,000 standard lines (measurement, 2 tags, 4 fields, ns timestamp; the Python
//! binding's benchmark lines) joined into chunks of 1000 lines (the binding's one
//! `influx_write_lp` per `write()` of 1000 lines), validated chunk by chunk; against
//! `memchr` counting the newlines of the same text (a floor: one pass over the bytes) and a
//! copy of it (what queueing the text costs anyway). Prints ns/line and MB/s of each.

use std::hint::black_box;
use std::time::Instant;

use influxdb_client::lp::{count_lines, validate_lines};
use influxdb_client::types::Precision;

#[path = "common/lp_chunks.rs"]
mod lp_chunks;
use lp_chunks::std_lp_chunks;

fn main() {
    let (n, chunks) = std_lp_chunks("VALIDATE_N");
    let bytes: usize = chunks.iter().map(Vec::len).sum();
    let report = |what: &str, secs: f64| {
        println!(
            "{what:28} {:8.1} ns/line {:8.0} MB/s",
            secs * 1e9 / n as f64,
            bytes as f64 / secs / 1e6
        )
    };
    for _round in 0..3 {
        let t = Instant::now();
        let mut total = 0;
        for c in &chunks {
            total += validate_lines(black_box(c), Precision::Ns).unwrap();
        }
        assert_eq!(total, n);
        report("validate_lines", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let mut total = 0;
        for c in &chunks {
            total += count_lines(black_box(c)).unwrap();
        }
        assert_eq!(total, n);
        report("count_lines (scan)", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let mut total = 0;
        for c in &chunks {
            total += memchr::memchr_iter(b'\n', black_box(c)).count() + 1;
        }
        assert_eq!(total, n);
        report("memchr newlines (floor)", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let mut buf = Vec::with_capacity(1 << 20);
        for c in &chunks {
            buf.clear();
            buf.extend_from_slice(black_box(c));
            black_box(&buf);
        }
        report("copy", t.elapsed().as_secs_f64());
    }
}
