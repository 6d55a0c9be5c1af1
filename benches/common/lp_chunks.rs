//! The standard line protocol of the validation and `influx_write_lp` benches: `n` lines of
//! the Python binding's benchmark shape (measurement, 2 tags, 4 fields, ns timestamp) joined
//! into chunks of 1000 (one `write()` of 1000 lines in the binding). `n` from the environment
//! variable `var` (default 1,000,000).

pub fn std_lp_chunks(var: &str) -> (usize, Vec<Vec<u8>>) {
    let n: usize = std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let t0: i64 = 1_700_000_000_000_000_000;
    let chunks = (0..n)
        .step_by(1000)
        .map(|s| {
            let lines: Vec<String> = (s..(s + 1000).min(n))
                .map(|i| {
                    format!(
                        "m,host=server-{},region=us-west-{} count={}i,ok={},usage_system={:?},usage_user={:?} {}",
                        i % 100,
                        i % 4,
                        i,
                        i % 2 == 0,
                        i as f64 * 0.11,
                        i as f64 * 0.37,
                        t0 + i as i64 * 1000
                    )
                })
                .collect();
            lines.join("\n").into_bytes()
        })
        .collect();
    (n, chunks)
}
