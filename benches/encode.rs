//! Encoder throughput: `cargo bench --bench encode`.
//!
//! 1,000,000 "standard points" (measurement `cpu`, 2 tags, 4 fields, ns timestamp), measured as
//! (a) Point::new + setters + encode_point into a reused Vec (a fresh point per line, as the C
//! API does), (a') the same reusing one Point through `clear`, and (b) a hand-written baseline
//! that pushes the same bytes directly (itoa/ryu, no escaping, no validation); and (c)
//! encode_point alone on points built beforehand (standard points 0..1000, in turn) against
//! the baseline writing those points. Rounds are interleaved.
//! Prints ns/point for each and the ratio ours/baseline (target <= 1.5x).

use std::hint::black_box;
use std::time::Instant;

use influxdb_client::point::encode_point;
use influxdb_client::point::{Point, Precision};

/// Points per round and rounds: ENCODE_N / ENCODE_ROUNDS (defaults 1,000,000 and 5; small
/// values are for profilers such as callgrind).
fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Inputs {
    hosts: Vec<String>,
    regions: Vec<String>,
}

impl Inputs {
    fn new() -> Inputs {
        Inputs {
            hosts: (0..100).map(|i| format!("server-{i}")).collect(),
            regions: (0..4).map(|i| format!("us-west-{i}")).collect(),
        }
    }
    fn host(&self, i: u64) -> &str {
        &self.hosts[(i % 100) as usize]
    }
    fn region(&self, i: u64) -> &str {
        &self.regions[(i % 4) as usize]
    }
}

/// Points built once for the encode-only measurement.
const PREBUILT: u64 = 1000;

fn ts(i: u64) -> i64 {
    1_700_000_000_000_000_000 + i as i64 * 1000
}

fn fill(p: &mut Point, inp: &Inputs, i: u64) {
    p.tag("host", inp.host(i)).unwrap();
    p.tag("region", inp.region(i)).unwrap();
    p.field_f64("usage_user", i as f64 * 0.37).unwrap();
    p.field_f64("usage_system", i as f64 * 0.11).unwrap();
    p.field_i64("count", i as i64).unwrap();
    p.field_bool("ok", i % 2 == 0).unwrap();
    p.set_time(ts(i), Precision::Ns).unwrap();
}

/// (a) a new Point per line.
fn ours_new(inp: &Inputs, i: u64, out: &mut Vec<u8>) {
    let mut p = Point::new(black_box("cpu")).unwrap();
    fill(&mut p, inp, i);
    encode_point(black_box(&p), &[], out).unwrap();
}

/// (a') one Point reused through clear().
fn ours_reuse(p: &mut Point, inp: &Inputs, i: u64, out: &mut Vec<u8>) {
    p.clear(black_box("cpu")).unwrap();
    fill(p, inp, i);
    encode_point(black_box(&*p), &[], out).unwrap();
}

/// Baseline float: ryu, trailing ".0" removed; only the fixed-notation range the benchmark
/// produces (the sample comparison below checks that it matches).
fn base_f64(v: f64, out: &mut Vec<u8>) {
    let mut b = ryu::Buffer::new();
    let s = b.format_finite(v).as_bytes();
    out.extend_from_slice(s.strip_suffix(b".0").unwrap_or(s));
}

/// (b) the same bytes pushed directly.
fn baseline(inp: &Inputs, i: u64, out: &mut Vec<u8>) {
    let mut ib = itoa::Buffer::new();
    out.extend_from_slice(b"cpu,host=");
    out.extend_from_slice(inp.host(i).as_bytes());
    out.extend_from_slice(b",region=");
    out.extend_from_slice(inp.region(i).as_bytes());
    out.extend_from_slice(b" count=");
    out.extend_from_slice(ib.format(i as i64).as_bytes());
    out.extend_from_slice(if i % 2 == 0 {
        b"i,ok=true"
    } else {
        b"i,ok=false"
    });
    out.extend_from_slice(b",usage_system=");
    base_f64(i as f64 * 0.11, out);
    out.extend_from_slice(b",usage_user=");
    base_f64(i as f64 * 0.37, out);
    out.push(b' ');
    out.extend_from_slice(ib.format(ts(i)).as_bytes());
}

/// ns per point for `f` over `n` points, appending lines to `out` (cleared first).
fn time_round(n: u64, out: &mut Vec<u8>, mut f: impl FnMut(u64, &mut Vec<u8>)) -> f64 {
    out.clear();
    let t = Instant::now();
    for i in 0..n {
        f(black_box(i), out);
        out.push(b'\n');
    }
    black_box(&*out);
    t.elapsed().as_nanos() as f64 / n as f64
}

fn main() {
    let n = env_or("ENCODE_N", 1_000_000).max(1);
    let rounds = env_or("ENCODE_ROUNDS", 5).max(1);
    let inp = Inputs::new();

    // identical bytes on a sample
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut p = Point::new("cpu").unwrap();
    for i in (0..2000).chain((0..n).step_by(997)).chain([n - 1]) {
        a.clear();
        b.clear();
        ours_new(&inp, i, &mut a);
        baseline(&inp, i, &mut b);
        assert_eq!(
            a,
            b,
            "point {i}: {:?} vs {:?}",
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        );
        a.clear();
        ours_reuse(&mut p, &inp, i, &mut a);
        assert_eq!(a, b, "point {i} (reused)");
    }
    println!("sample line: {}", String::from_utf8_lossy(&b));

    // Interleaved rounds (baseline, new, reuse, baseline, ...): a slow spell of the machine
    // hits all three alike. Best of the rounds for each.
    let mut out = Vec::with_capacity((n as usize).saturating_mul(128).min(256 << 20));
    let (mut base, mut ours, mut reuse) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    let (mut new_ratios, mut reuse_ratios) = (Vec::new(), Vec::new());
    // (c) encoding alone: standard points 0..PREBUILT built once (untimed), encoded in turn,
    // against the baseline writing the same points' bytes from their values
    let prebuilt: Vec<Point> = (0..PREBUILT)
        .map(|i| {
            let mut p = Point::new("cpu").unwrap();
            fill(&mut p, &inp, i);
            p
        })
        .collect();
    let (mut enc_base, mut enc_only) = (f64::INFINITY, f64::INFINITY);
    for r in 1..=rounds {
        let b = time_round(n, &mut out, |i, o| baseline(&inp, i, o));
        let o = time_round(n, &mut out, |i, o| ours_new(&inp, i, o));
        let u = time_round(n, &mut out, |i, o| ours_reuse(&mut p, &inp, i, o));
        let eb = time_round(n, &mut out, |i, o| baseline(&inp, i % PREBUILT, o));
        let e = time_round(n, &mut out, |i, o| {
            encode_point(black_box(&prebuilt[(i % PREBUILT) as usize]), &[], o).unwrap()
        });
        println!(
            "  round {r}: baseline {b:.1}  new {o:.1}  reuse {u:.1}  |  baseline {eb:.1}  encode only {e:.1} ns/point"
        );
        enc_base = enc_base.min(eb);
        enc_only = enc_only.min(e);
        base = base.min(b);
        ours = ours.min(o);
        reuse = reuse.min(u);
        new_ratios.push(o / b);
        reuse_ratios.push(u / b);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };

    println!(
        "{n} standard points (2 tags, 4 fields, ns time), best of {rounds} interleaved rounds:"
    );
    println!("  baseline (direct push)          {base:7.1} ns/point");
    println!(
        "  ours: Point::new + encode_point {ours:7.1} ns/point  ratio {:.2}x",
        ours / base
    );
    println!(
        "  ours: Point::clear + encode     {reuse:7.1} ns/point  ratio {:.2}x",
        reuse / base
    );
    println!(
        "  encode_point alone ({PREBUILT} points built once): baseline {enc_base:.1}, ours {enc_only:.1} ns/point  ratio {:.2}x",
        enc_only / enc_base
    );
    println!(
        "  median of the per-round ratios: Point::new {:.2}x, Point::clear {:.2}x",
        median(&mut new_ratios),
        median(&mut reuse_ratios)
    );
}
