//! Write APIs in the seed's three modes: synchronous (one POST per call), batching and
//! asynchronous (a background thread per write API).
//!
//! - [`queue`]: the bounded queue (batches, buffer accounting, spare buffers);
//! - [`sender`]: the background thread (order, retries, 413 splits, exactly-once reports);
//! - [`background`]: a background write API put together (admission, flush, close, stats);
//! - [`retry`]: the seed's retry rules as pure functions.
//!
//! Every `WriteApi` method takes `&self` and is safe to call from many threads at once.

mod background;
mod queue;
pub mod retry;
mod sender;

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::client::ClientShared;
use crate::config::{WriteOptions, WriteType};
use crate::error::{Code, Error, Result};
use crate::lines::LineBuffer;
use crate::lp::tags::DefaultTags;
use crate::point::{encode_point_with, Point};
use crate::types::Precision;

pub use background::{BatchInfo, Listener, Stats};

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
    Background(background::Batcher),
}

/// A write API in one of the seed's three modes.
///
/// Not inherited by a child process: after `fork()` the child has none of the parent's
/// threads (no background thread to send, maybe a lock held for ever by a thread that is
/// gone), so every call on a write API made before the fork fails in the child with
/// `Code::Closed`, without touching its state; a write API made in the child works.
pub struct WriteApi {
    shared: Arc<ClientShared>,
    /// Checked, sorted and escaped once, when the write API is made.
    defaults: Arc<DefaultTags>,
    mode: Mode,
    /// [`FORK_GENERATION`] and the process id when made (see [`WriteApi::inherited`]).
    generation: u32,
    pid: u32,
}

/// Counts the forks this process is a child of, as far as [`note_fork_in_child`] is called
/// (the C API registers it with `pthread_atfork`): one atomic load tells a write call
/// whether its write API was made in another process.
static FORK_GENERATION: AtomicU32 = AtomicU32::new(0);

/// To be called in the child process right after `fork()` (async-signal-safe: one atomic
/// add). Write APIs made before it then fail with `Code::Closed` in this process. Without
/// it, flush, close and stats still notice the fork (by the process id); writes do not.
pub fn note_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::Relaxed);
}

#[cold]
fn inherited_error() -> Error {
    Error::new(
        Code::Closed,
        "this write API was made in another process (before fork()): write APIs are not \
         inherited by a child process; make a new one in the child",
    )
}

impl std::fmt::Debug for WriteApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteApi")
            .field("synchronous", &matches!(self.mode, Mode::Synchronous))
            .finish()
    }
}

/// Line buffers with fewer bytes than this are copied into the batch, larger ones taken.
const TAKE_MIN: usize = 4096;

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
    pub(crate) fn new(
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
        // An invalid default tag fails here, not at every write.
        let defaults = Arc::new(DefaultTags::new(&tags)?);
        let mode = match opts.write_type {
            WriteType::Synchronous if listener.is_some() => {
                return Err(Error::config(
                    "write_type=synchronous: callbacks are never called (each write returns its \
                     result); use batching or asynchronous, or do not set callbacks",
                ));
            }
            WriteType::Synchronous => Mode::Synchronous,
            WriteType::Batching | WriteType::Asynchronous => {
                Mode::Background(background::Batcher::start(shared.clone(), opts, listener)?)
            }
        };
        Ok(WriteApi {
            shared,
            defaults,
            mode,
            generation: FORK_GENERATION.load(Ordering::Relaxed),
            pid: std::process::id(),
        })
    }

    /// Whether this write API was made in another process (this one is a child forked
    /// after it was made). `thorough` also compares process ids (a system call: not on the
    /// write path).
    #[inline]
    fn inherited(&self, thorough: bool) -> bool {
        FORK_GENERATION.load(Ordering::Relaxed) != self.generation
            || (thorough && std::process::id() != self.pid)
    }

    /// The default tags applied to every point written through this API (sorted by key).
    pub fn default_tags(&self) -> &[(String, String)] {
        self.defaults.given()
    }

    /// The default tags prepared for encoding (shared with this API's line buffers).
    pub fn defaults(&self) -> &Arc<DefaultTags> {
        &self.defaults
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
    /// grouped by precision (one request or batch per precision, as in the seed). Batching
    /// and asynchronous: all groups are queued or, on error, none. Synchronous: one request
    /// per precision, in the order ns, us, ms, s; a failure of a later group leaves the
    /// earlier groups written (its message names the precision that failed).
    pub fn write_points(&self, bucket: &str, org: Option<&str>, points: &[&Point]) -> Result<()> {
        if self.inherited(false) {
            return Err(inherited_error());
        }
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
        match &self.mode {
            // One request per precision: a later group's failure leaves the earlier ones
            // written (the error says which precision failed).
            Mode::Synchronous => {
                for (i, (dest, buf, lines)) in groups.into_iter().enumerate() {
                    self.submit(dest, &buf, lines).map_err(|mut e| {
                        if i > 0 {
                            e.message = format!(
                                "points of precision {} (the points of {i} other precision(s) \
                                 were written): {}",
                                dest.precision, e.message
                            );
                        }
                        e
                    })?;
                }
                Ok(())
            }
            // All groups are admitted together or none is (the buffer-full policy applies
            // to their sum).
            Mode::Background(b) => {
                let refs: Vec<(DestRef<'_>, &[u8], usize)> = groups
                    .iter()
                    .map(|(d, buf, n)| (*d, buf.as_slice(), *n))
                    .collect();
                b.enqueue_all(&refs)
            }
        }
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
            encode_point_with(p, &self.defaults, buf).map_err(|mut e| {
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
    /// Default tags are not applied to raw line protocol (as in the seed). The text is
    /// checked as the server parses it first ([`crate::lp::validate_lines`]): a line the
    /// server would refuse (NUL bytes, an unterminated string, no field set, a bad field
    /// value or timestamp) fails the call with `InvalidPoint` naming the line, and nothing
    /// is queued, so raw text never makes the server refuse a batch of valid points.
    pub fn write_lp(
        &self,
        bucket: &str,
        org: Option<&str>,
        data: &[u8],
        precision: Precision,
    ) -> Result<()> {
        if self.inherited(false) {
            return Err(inherited_error());
        }
        let lines = crate::lp::validate_lines(data, precision)?;
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
        if self.inherited(false) {
            return Err(inherited_error());
        }
        if lines.is_line_open() {
            return Err(Error::invalid_argument(
                "the line buffer has an unfinished line: end it (influx_lines_end / \
                 influx_lines_end_at) or drop it (influx_lines_discard_line) before writing",
            ));
        }
        if !Arc::ptr_eq(lines.defaults(), &self.defaults) && **lines.defaults() != *self.defaults {
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
            Mode::Background(b) if lines.data().len() < TAKE_MIN => {
                // A small buffer is copied: taking it would hold its whole allocation for a
                // few lines (a million one-line buffers must not hold a million allocations).
                b.enqueue(dest, queue::Input::Copy(lines.data()), lines.lines())?;
                lines.clear();
            }
            Mode::Background(b) => {
                // The buffer's storage goes into the batch as it is (no copy on this thread);
                // the line buffer continues in a spare buffer of the write API. The batch
                // counts the buffer's whole allocation against max_buffer_bytes.
                let n = lines.lines();
                let mut data = lines.take_data();
                match b.enqueue(dest, queue::Input::Take(&mut data), n) {
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
            Mode::Synchronous => post_lines(
                &self.shared.http,
                dest.org,
                dest.bucket,
                dest.precision,
                body,
            ),
            Mode::Background(b) => b.enqueue(dest, queue::Input::Copy(body), lines).map(|_| ()),
        }
    }

    /// Whether the calling thread is running a write callback (of any write API) now:
    /// flush and close refuse to run there (`InvalidArgument`), and the C API keeps the
    /// handle alive instead of freeing it.
    pub fn in_callback(&self) -> bool {
        background::in_callback()
    }

    /// Block until every write accepted before this call is delivered or reported failed.
    /// `timeout` None waits without limit. Synchronous mode: returns at once.
    pub fn flush(&self, timeout: Option<Duration>) -> Result<()> {
        if self.inherited(true) {
            return Err(inherited_error());
        }
        match &self.mode {
            Mode::Synchronous => Ok(()),
            Mode::Background(b) => b.flush(timeout),
        }
    }

    /// Counters (all zero in synchronous mode, where results are returned directly, and in a
    /// child process for a write API made before the fork).
    pub fn stats(&self) -> Stats {
        if self.inherited(true) {
            return Stats::default();
        }
        match &self.mode {
            Mode::Synchronous => Stats::default(),
            Mode::Background(b) => b.stats(),
        }
    }

    /// Deliver what is pending (bounded by max_close_wait), report the rest failed, stop the
    /// background thread. Idempotent. Later writes return `Code::Closed`.
    pub fn close(&self) -> Result<()> {
        if self.inherited(true) {
            return Err(inherited_error());
        }
        match &self.mode {
            Mode::Synchronous => Ok(()),
            Mode::Background(b) => b.close(),
        }
    }
}

impl Drop for WriteApi {
    fn drop(&mut self) {
        if self.inherited(true) {
            // In a child process: the background thread and whatever it held are not here.
            // Nothing of the state is touched (a lock may be held for ever); it is leaked.
            std::mem::forget(std::mem::replace(&mut self.mode, Mode::Synchronous));
            return;
        }
        let _ = self.close();
    }
}

/// `POST /api/v2/write` of one body. `Ok` only for a 2xx answer; failures are marked
/// retriable by the seed's rules for writes (status >= 429, no answer at all) and carry the
/// server's `Retry-After`.
pub(crate) fn post_lines(
    http: &crate::http::Http,
    org: &str,
    bucket: &str,
    precision: Precision,
    body: &[u8],
) -> Result<()> {
    use crate::http::{Method, Request};
    let query = [
        ("org", org),
        ("bucket", bucket),
        ("precision", precision.as_str()),
    ];
    let headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Accept", "application/json"),
    ];
    let resp = http
        .send(Request {
            query: &query,
            headers: &headers,
            body: Some(body),
            ..Request::new(Method::Post, "/api/v2/write")
        })
        .map_err(|mut e| {
            // connect/read/timeout failures are retried by the seed; a failed session sign-in
            // that got an answer is retried as that answer's status would be (401: not).
            e.retriable = e.http_status == 0 || retry::is_retriable_status(e.http_status);
            e
        })?;
    if resp.is_success() {
        resp.drain(); // the connection returns to the pool
        return Ok(());
    }
    let retry_after = resp
        .header("Retry-After")
        .and_then(|v| retry::parse_retry_after(v, std::time::SystemTime::now()));
    let mut e = resp.into_error();
    e.retriable = retry::is_retriable_status(e.http_status);
    e.retry_after = retry_after;
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Client;
    use crate::config::Conf;
    use crate::error::Code;
    use std::sync::atomic::Ordering;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Reports(Mutex<Vec<(Code, usize)>>);

    impl Listener for Reports {
        fn on_success(&self, b: &BatchInfo<'_>) {
            self.0.lock().unwrap().push((Code::Ok, b.lines));
        }
        fn on_error(&self, b: &BatchInfo<'_>, e: &Error) {
            self.0.lock().unwrap().push((e.code, b.lines));
        }
        fn on_retry(&self, _: &BatchInfo<'_>, _: &Error, _: u32, _: Duration) {}
    }

    fn unreachable_api(reports: Arc<Reports>) -> WriteApi {
        let mut conf = Conf::new();
        conf.set("url", "http://127.0.0.1:9").unwrap();
        conf.set("token", "t").unwrap();
        conf.set("org", "o").unwrap();
        let client = Client::new(&conf).unwrap();
        let mut w = Conf::new();
        w.set("max_retries", "0").unwrap();
        w.set("batch_size", "1000").unwrap();
        client.write_api(Some(&w), Some(reports)).unwrap()
    }

    fn point(i: i64) -> Point {
        let mut p = Point::new("m").unwrap();
        p.field_i64("v", i).unwrap();
        p
    }

    #[test]
    fn a_panic_on_the_sender_thread_fails_the_batch_and_delivery_goes_on() {
        let reports = Arc::new(Reports::default());
        let api = unreachable_api(reports.clone());
        let Mode::Background(b) = &api.mode else {
            panic!("batching expected")
        };
        b.shared.panic_sends.store(1, Ordering::SeqCst);
        let pts: Vec<Point> = (0..3).map(point).collect();
        let refs: Vec<&Point> = pts.iter().collect();
        api.write_points("b", None, &refs).unwrap();
        api.flush(Some(Duration::from_secs(30))).unwrap();
        assert_eq!(*reports.0.lock().unwrap(), [(Code::Internal, 3)]);
        // the thread lives on: the next batch is sent (and fails as the server is down)
        api.write_point("b", None, &point(9)).unwrap();
        api.flush(Some(Duration::from_secs(30))).unwrap();
        let r = reports.0.lock().unwrap().clone();
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(
            matches!(
                r[1],
                (Code::Transport | Code::Timeout | Code::RetriesExhausted, 1)
            ),
            "{r:?}"
        );
        let s = api.stats();
        assert_eq!((s.accepted, s.failed, s.buffered_lines), (4, 4, 0));
        api.close().unwrap();
    }

    #[test]
    fn points_of_two_precisions_are_accepted_all_or_nothing() {
        let mut conf = Conf::new();
        conf.set("url", "http://127.0.0.1:9").unwrap();
        conf.set("org", "o").unwrap();
        let client = Client::new(&conf).unwrap();
        let mut w = Conf::new();
        for (k, v) in [
            ("batch_size", "100"),
            ("max_buffer_lines", "100"),
            ("buffer_full_policy", "reject"),
            ("flush_interval", "600000"),
            ("max_close_wait", "0"),
        ] {
            w.set(k, v).unwrap();
        }
        let api = client.write_api(Some(&w), None).unwrap();
        let fill: Vec<Point> = (0..95).map(point).collect();
        api.write_points("b", None, &fill.iter().collect::<Vec<_>>())
            .unwrap();
        let mut mixed: Vec<Point> = (0..10).map(point).collect();
        for p in &mut mixed[5..] {
            p.set_time(1_700_000_000, Precision::S).unwrap();
        }
        let refs: Vec<&Point> = mixed.iter().collect();
        let e = api.write_points("b", None, &refs).unwrap_err();
        assert_eq!(e.code, Code::BufferFull, "{e:?}");
        let s = api.stats();
        assert_eq!((s.accepted, s.buffered_lines), (95, 95));
        // with room, both groups go in
        api.write_points("b", None, &refs[3..8]).unwrap();
        assert_eq!(api.stats().accepted, 100);
    }

    #[test]
    fn an_invalid_default_tag_fails_the_write_api_not_each_write() {
        let mut conf = Conf::new();
        conf.set("url", "http://127.0.0.1:9").unwrap();
        let client = Client::new(&conf).unwrap();
        for (k, v) in [("time", "x"), ("_field", "y"), ("k", "ends\\")] {
            let mut w = Conf::new();
            w.set("write_type", "synchronous").unwrap();
            w.set(&format!("default_tags.{k}"), v).unwrap();
            let e = client.write_api(Some(&w), None).unwrap_err();
            assert_eq!(e.code, Code::InvalidPoint, "{e:?}");
            assert!(e.message.starts_with("default tag"), "{}", e.message);
        }
    }
}
