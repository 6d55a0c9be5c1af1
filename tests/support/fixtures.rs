//! The query fixtures (tests/data/query/*.jsonl) and their neutral form, shared by the tests
//! that compare a parse with a fixture's `expected`: cells as JSON (doubles through
//! serde_json, NaN/±Inf as text, bytes as hex) and a JSON equality that lets a fixture write a
//! double as `30` or `30.0`.
#![allow(dead_code)]

use std::path::PathBuf;

use influxdb_client::query::Value;
use serde_json::{json, Value as Json};

/// The non-blank lines of a fixture file, each a JSON value.
pub fn jsonl(name: &str) -> Vec<Json> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/query")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("fixture line is JSON"))
        .collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A double in the neutral form: through serde_json's own float parser, as the fixture's
/// numbers were (serde_json without `float_roundtrip` may round the last bit differently
/// from Rust's parser); NaN and ±Inf as `"NaN"`, `"+Inf"`, `"-Inf"`.
pub fn neutral_f64(f: f64) -> Json {
    if f.is_nan() {
        json!("NaN")
    } else if f == f64::INFINITY {
        json!("+Inf")
    } else if f == f64::NEG_INFINITY {
        json!("-Inf")
    } else {
        serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap()
    }
}

/// A cell in the neutral form.
pub fn neutral(v: Value<'_>) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::String(s) | Value::Unknown(s) => json!(s),
        Value::Double(f) => neutral_f64(f),
        Value::Long(i) => json!(i),
        Value::ULong(u) => json!(u),
        Value::Bool(b) => json!(b),
        Value::Time(ns) | Value::Duration(ns) => json!(ns),
        Value::Bytes(b) => json!(hex(&b)),
    }
}

/// JSON equality where two numbers are equal when either is a float and their f64 values
/// are equal (a fixture may write a double as `30` or `30.0`); integers compare exactly.
pub fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            if x.is_f64() || y.is_f64() {
                x.as_f64() == y.as_f64()
            } else {
                x == y
            }
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}
