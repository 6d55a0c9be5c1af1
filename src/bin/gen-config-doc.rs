//! Prints CONFIGURATION.md, generated from the option table in `src/config/table.rs`:
//! `cargo run -q --bin gen-config-doc > CONFIGURATION.md`.

use std::io::Write;

fn main() {
    let doc = influxdb_client::config::configuration_md();
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(doc.as_bytes()).and_then(|()| out.flush()) {
        eprintln!("gen-config-doc: cannot write: {e}");
        std::process::exit(1);
    }
}
