//! Write APIs: the client handle and the synchronous / batching / asynchronous writers.
//!
//! `Client` owns the transport and configuration; a `WriteApi` holds an `Arc` of it, so the
//! client may be dropped before or after its write APIs. Every `WriteApi` method takes `&self`
//! and is safe to call from many threads at once.

mod batching;

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{ClientConfig, Conf, Scope, WriteOptions, WriteType};
use crate::error::{Error, Result};
use crate::line_buffer::LineBuffer;
use crate::line_protocol;
use crate::point::{Point, Precision};
use crate::transport::Transport;

pub use batching::{BatchInfo, Listener, Stats};

/// Shared, immutable client state.
#[derive(Debug)]
pub struct ClientShared {
    pub config: ClientConfig,
    pub transport: Transport,
    /// Write-scope options set on the client conf: the base for every write API.
    pub write_defaults: Conf,
}

/// A configured InfluxDB client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    shared: Arc<ClientShared>,
}

impl Client {
    pub fn new(conf: &Conf) -> Result<Client> {
        let config = conf.client_config()?;
        let transport = Transport::new(&config)?;
        let mut write_defaults = Conf::new();
        write_defaults.merge_from(conf);
        Ok(Client {
            shared: Arc::new(ClientShared {
                config,
                transport,
                write_defaults,
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.shared.config
    }

    /// Create a write API. `overrides` holds write options; a client-scope key there is an error.
    pub fn write_api(
        &self,
        overrides: Option<&Conf>,
        listener: Option<Arc<dyn Listener>>,
    ) -> Result<WriteApi> {
        let mut conf = self.shared.write_defaults.clone();
        if let Some(o) = overrides {
            if let Some(key) = o.keys_in_scope(Scope::Client).next() {
                return Err(Error::config(format!(
                    "{key}: is a client option; set it on the conf passed to influx_client_new"
                )));
            }
            conf.merge_from(o);
        }
        let opts = conf.write_options()?;
        WriteApi::new(self.shared.clone(), opts, listener)
    }
}

/// Where a batch goes: one POST per distinct value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Destination {
    pub bucket: String,
    pub org: String,
    pub precision: Precision,
}

/// A borrowed [`Destination`]: the hot write path allocates only for a new batch.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DestRef<'a> {
    pub bucket: &'a str,
    pub org: &'a str,
    pub precision: Precision,
}

impl DestRef<'_> {
    pub(crate) fn is(&self, d: &Destination) -> bool {
        self.precision == d.precision && self.bucket == d.bucket && self.org == d.org
    }
    pub(crate) fn to_owned(self) -> Destination {
        Destination {
            bucket: self.bucket.to_string(),
            org: self.org.to_string(),
            precision: self.precision,
        }
    }
}

enum Mode {
    Synchronous,
    Background(batching::Batcher),
}

/// A write API in one of the seed's three modes.
pub struct WriteApi {
    shared: Arc<ClientShared>,
    default_tags: Vec<(String, String)>,
    mode: Mode,
}

impl std::fmt::Debug for WriteApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteApi")
            .field("synchronous", &matches!(self.mode, Mode::Synchronous))
            .finish()
    }
}

thread_local! {
    static ENCODE_BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Run `f` with this thread's reusable encode buffer (cleared); a re-entrant call (from a
/// callback running on this thread) gets a fresh buffer.
fn with_encode_buf<T>(f: impl FnOnce(&mut Vec<u8>) -> T) -> T {
    ENCODE_BUF.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            let r = f(&mut buf);
            if buf.capacity() > 4 << 20 {
                *buf = Vec::new();
            }
            r
        }
        Err(_) => f(&mut Vec::new()),
    })
}

impl WriteApi {
    fn new(
        shared: Arc<ClientShared>,
        opts: WriteOptions,
        listener: Option<Arc<dyn Listener>>,
    ) -> Result<WriteApi> {
        // Client default tags (config file [tags], INFLUXDB_V2_TAG_*) override the write API's,
        // as in the seed (WriteApi.__init__ adds the client's default_tags last).
        let mut tags = opts.default_tags.clone();
        for (k, v) in &shared.config.default_tags {
            match tags.binary_search_by(|(tk, _)| tk.as_str().cmp(k)) {
                Ok(i) => tags[i].1 = v.clone(),
                Err(i) => tags.insert(i, (k.clone(), v.clone())),
            }
        }
        let mode = match opts.write_type {
            WriteType::Synchronous if listener.is_some() => {
                return Err(Error::config(
                    "write_type=synchronous: callbacks are never called (each write returns its \
                     result); use batching or asynchronous, or do not set callbacks",
                ));
            }
            WriteType::Synchronous => Mode::Synchronous,
            WriteType::Batching | WriteType::Asynchronous => {
                Mode::Background(batching::Batcher::start(shared.clone(), opts, listener)?)
            }
        };
        Ok(WriteApi {
            shared,
            default_tags: tags,
            mode,
        })
    }

    /// The default tags applied to every point written through this API (sorted by key).
    pub fn default_tags(&self) -> &[(String, String)] {
        &self.default_tags
    }

    /// Resolve where a write goes (org NULL/empty = the client's org), without allocating.
    fn destination<'a>(
        &'a self,
        bucket: &'a str,
        org: Option<&'a str>,
        precision: Precision,
    ) -> Result<DestRef<'a>> {
        if bucket.is_empty() {
            return Err(Error::invalid_argument("bucket must not be empty"));
        }
        let org = match org.filter(|o| !o.is_empty()) {
            Some(o) => o,
            None => self
                .shared
                .config
                .org
                .as_deref()
                .filter(|o| !o.is_empty())
                .ok_or_else(|| {
                    Error::invalid_argument(
                        "org is NULL/empty and the client has no 'org' configured",
                    )
                })?,
        };
        Ok(DestRef {
            bucket,
            org,
            precision,
        })
    }

    /// Write one point. Synchronous: returns after the server answered.
    /// Batching/asynchronous: encodes, enqueues and returns.
    pub fn write_point(&self, bucket: &str, org: Option<&str>, point: &Point) -> Result<()> {
        self.write_points(bucket, org, &[point])
    }

    /// Write many points. Every point is validated and encoded before anything is sent or
    /// queued: one invalid point fails the whole call and nothing is written. Points are
    /// grouped by precision (one request or batch per precision, as in the seed); in
    /// synchronous mode a failure of a later group leaves the earlier groups written.
    pub fn write_points(&self, bucket: &str, org: Option<&str>, points: &[&Point]) -> Result<()> {
        let Some(first) = points.first() else {
            return Ok(());
        };
        let p0 = first.precision();
        if points.iter().all(|p| p.precision() == p0) {
            let dest = self.destination(bucket, org, p0)?;
            return with_encode_buf(|buf| {
                self.encode_all(points.iter().copied().enumerate(), points.len() > 1, buf)?;
                self.submit(dest, buf, points.len())
            });
        }
        let mut groups = Vec::new();
        for precision in [Precision::Ns, Precision::Us, Precision::Ms, Precision::S] {
            let members = points
                .iter()
                .copied()
                .enumerate()
                .filter(|(_, p)| p.precision() == precision);
            let mut buf = Vec::new();
            let lines = self.encode_all(members, true, &mut buf)?;
            if lines > 0 {
                groups.push((self.destination(bucket, org, precision)?, buf, lines));
            }
        }
        for (dest, buf, lines) in groups {
            self.submit(dest, &buf, lines)?;
        }
        Ok(())
    }

    /// Encode `points` as `\n`-joined lines into `buf`; returns the line count.
    fn encode_all<'a>(
        &self,
        points: impl Iterator<Item = (usize, &'a Point)>,
        name_index: bool,
        buf: &mut Vec<u8>,
    ) -> Result<usize> {
        let mut lines = 0;
        for (i, p) in points {
            if lines > 0 {
                buf.push(b'\n');
            }
            line_protocol::encode_point(p, &self.default_tags, buf).map_err(|mut e| {
                if name_index {
                    e.message = format!("point {i}: {}", e.message);
                }
                e
            })?;
            lines += 1;
        }
        Ok(lines)
    }

    /// Write raw line protocol (one or more `\n`-separated lines) with the given precision.
    /// Default tags are not applied to raw line protocol (as in the seed).
    pub fn write_lp(
        &self,
        bucket: &str,
        org: Option<&str>,
        data: &[u8],
        precision: Precision,
    ) -> Result<()> {
        let lines = line_protocol::count_lines(data)?;
        let dest = self.destination(bucket, org, precision)?;
        self.submit(dest, data, lines)
    }

    /// Write the complete lines of `lines` (its precision, its default tags), then clear it
    /// (its memory is kept). An empty buffer writes nothing. On error nothing is written and
    /// the buffer is left as it was. Errors besides [`WriteApi::write_point`]'s: a line is
    /// still open; the buffer was not made with this API's default tags
    /// ([`LineBuffer::with_default_tags`] with [`WriteApi::default_tags`]).
    pub fn write_lines(
        &self,
        bucket: &str,
        org: Option<&str>,
        lines: &mut LineBuffer,
    ) -> Result<()> {
        if lines.is_line_open() {
            return Err(Error::invalid_argument(
                "the line buffer has an unfinished line: end it (influx_lines_end / \
                 influx_lines_end_at) or drop it (influx_lines_discard_line) before writing",
            ));
        }
        if lines.default_tags() != self.default_tags.as_slice() {
            return Err(Error::invalid_argument(
                "the line buffer's default tags are not this write API's: make the buffer \
                 for this write API (influx_lines_new(api, ...))",
            ));
        }
        if lines.lines() == 0 {
            return Ok(());
        }
        let dest = self.destination(bucket, org, lines.precision())?;
        match &self.mode {
            Mode::Synchronous => {
                self.submit(dest, lines.data(), lines.lines())?;
                lines.clear();
            }
            Mode::Background(b) => {
                // The buffer's storage goes into the batch as it is (no copy on this thread);
                // the line buffer continues in a spare buffer of the write API.
                let n = lines.lines();
                let mut data = lines.take_data();
                match b.enqueue(dest, batching::Input::Take(&mut data), n) {
                    Ok(spare) => lines.clear_with_storage(spare.unwrap_or_default()),
                    Err(e) => {
                        lines.restore_data(data);
                        return Err(e);
                    }
                }
            }
        }
        Ok(())
    }

    fn submit(&self, dest: DestRef<'_>, body: &[u8], lines: usize) -> Result<()> {
        match &self.mode {
            Mode::Synchronous => {
                self.shared
                    .transport
                    .write(dest.org, dest.bucket, dest.precision, body)
            }
            Mode::Background(b) => b
                .enqueue(dest, batching::Input::Copy(body), lines)
                .map(|_| ()),
        }
    }

    /// Block until every write accepted before this call is delivered or reported failed.
    /// `timeout` None waits without limit. Synchronous mode: returns at once.
    pub fn flush(&self, timeout: Option<Duration>) -> Result<()> {
        match &self.mode {
            Mode::Synchronous => Ok(()),
            Mode::Background(b) => b.flush(timeout),
        }
    }

    /// Counters (all zero in synchronous mode, where results are returned directly).
    pub fn stats(&self) -> Stats {
        match &self.mode {
            Mode::Synchronous => Stats::default(),
            Mode::Background(b) => b.stats(),
        }
    }

    /// Deliver what is pending (bounded by max_close_wait), report the rest failed, stop the
    /// background thread. Idempotent. Later writes return `Code::Closed`.
    pub fn close(&self) -> Result<()> {
        match &self.mode {
            Mode::Synchronous => Ok(()),
            Mode::Background(b) => b.close(),
        }
    }
}

impl Drop for WriteApi {
    fn drop(&mut self) {
        let _ = self.close();
    }
}
