//! influxdb-client-c: an InfluxDB 2.x write client with a C ABI.
//!
//! The core (everything but [`ffi`]) is safe Rust with no knowledge of C:
//! - [`line_protocol`]: the pure encoder (escaping, numbers, precision)
//! - [`point`]: the point model (sorted tags/fields, typed values, time + precision)
//! - [`line_buffer`]: points encoded straight into line protocol, call by call (fast path)
//! - [`config`]: the one table of option keys that drives parsing, defaults and CONFIGURATION.md
//! - [`transport`]: HTTP `POST /api/v2/write` with auth, gzip, timeouts, error-body parsing
//! - [`retry`]: the seed's backoff and `Retry-After` rules as pure functions
//! - [`writer`]: synchronous, batching and asynchronous write APIs
//!
//! [`ffi`] is the only module with `unsafe`: handles, the panic boundary, result codes.
#![deny(unsafe_code)]

pub mod config;
pub mod error;
pub mod line_buffer;
pub mod line_protocol;
pub mod point;
pub mod query;
pub mod retry;
pub mod transport;
pub mod writer;

#[allow(unsafe_code)]
pub mod ffi;

pub use error::{Code, Error, Result};

/// Library version (Cargo package version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
