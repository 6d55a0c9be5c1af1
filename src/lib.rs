//! influxdb-client-c: an InfluxDB 2.x client with a C ABI.
//!
//! The core (everything but [`ffi`]) is safe Rust with no knowledge of C. Modules depend
//! only on those listed before them:
//! - [`error`], [`types`]: result codes and errors; precision, field values and types
//! - [`lp`]: line protocol as a format (rules, escaping, numbers, sinks, scanning)
//! - [`point`]: the seed's `Point` and its encoder (default-tag merge)
//! - [`lines`]: line buffers, shapes and rows (points encoded as they are described)
//! - [`config`]: the one table of option keys that drives parsing, defaults and CONFIGURATION.md
//! - [`http`]: requests with auth, gzip, TLS, proxies, timeouts; error bodies
//! - [`client`]: configuration + HTTP; hands out write APIs
//! - [`write`]: synchronous, batching and asynchronous write APIs (queue, sender, retry)
//! - [`query`]: Flux queries: annotated-CSV cursor, cell conversions, bind parameters
//! - [`api`]: management and status calls: ping/health/ready, buckets, orgs, delete
//!
//! [`ffi`] is the only module with `unsafe`: handles, the panic boundary, result codes.
#![deny(unsafe_code)]

pub mod error;
pub mod types;

pub mod lp;
pub mod point;

pub mod lines;

pub mod config;
pub mod http;

pub mod client;
pub mod write;

pub mod query;

pub mod api;

#[allow(unsafe_code)]
pub mod ffi;

pub use error::{Code, Error, Result};

/// Library version (Cargo package version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
