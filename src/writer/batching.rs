//! Batching and asynchronous writes: one background thread per write API.
//!
//! Design (why a mutex + condvars rather than channels): the buffer must be bounded in lines
//! *and* bytes, `drop_oldest` must remove the oldest queued batch, and `flush` must know when
//! every earlier batch is settled. All of that is one small piece of shared state; channels
//! would need the same state beside them.
//!
//! Life of a write: the caller encodes on its own thread, then under the lock appends the bytes
//! to the open batch of its (bucket, org, precision). A batch is sealed into the FIFO `ready`
//! queue when it reaches `batch_size` lines, when `flush_interval` has passed since its first
//! line, on `flush`, or on `close`. In asynchronous mode every write is sealed at once. The
//! background thread sends sealed batches one at a time, in order (as the seed does), with the
//! seed's jitter and retry rules, and reports each batch exactly once: success, error, or (on
//! the writer's thread) dropped. A batch is "settled" once its report has returned.

use std::collections::{BTreeSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{ClientShared, DestRef, Destination};
use crate::config::{BufferFullPolicy, WriteOptions, WriteType};
use crate::error::{Code, Error, Result};
use crate::point::Precision;
use crate::retry::{self, Decision, GiveUpReason, RetryPolicy};

/// What a report is about: one batch (or, after a 413 split, one part of it).
#[derive(Debug, Clone, Copy)]
pub struct BatchInfo<'a> {
    pub bucket: &'a str,
    pub org: &'a str,
    pub precision: Precision,
    /// Line protocol, lines joined by `\n`.
    pub data: &'a [u8],
    pub lines: usize,
    /// HTTP attempts made for this batch so far (0 for a dropped batch).
    pub attempts: u32,
}

/// Receives delivery reports. Called without any internal lock held.
/// `on_success` / `on_error` are terminal: exactly one of them per batch.
pub trait Listener: Send + Sync {
    fn on_success(&self, batch: &BatchInfo<'_>);
    fn on_error(&self, batch: &BatchInfo<'_>, error: &Error);
    /// A retriable failure; the batch will be sent again after `delay`.
    fn on_retry(&self, batch: &BatchInfo<'_>, error: &Error, retry: u32, delay: Duration);
}

/// Counters of a write API (lines unless named otherwise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Lines accepted by write calls (they returned OK).
    pub accepted: u64,
    /// Lines acknowledged by the server (2xx).
    pub written: u64,
    /// Lines reported failed through the error callback (excluding dropped).
    pub failed: u64,
    /// Lines dropped from the full buffer (buffer_full_policy = drop_oldest).
    pub dropped: u64,
    /// HTTP retries performed (requests, not lines).
    pub retries: u64,
    /// Lines currently buffered (open, queued or in flight).
    pub buffered_lines: u64,
    /// Bytes currently buffered.
    pub buffered_bytes: u64,
}

/// A batch's lines: `data`, then each of `parts` (whole buffers handed over by
/// `WriteApi::write_lines`, kept as they are so the writing thread copies nothing), joined by
/// `\n` when the batch is sent ([`join`]).
struct Batch {
    id: u64,
    dest: Destination,
    data: Vec<u8>,
    parts: Vec<Vec<u8>>,
    lines: usize,
}

struct OpenBatch {
    dest: Destination,
    data: Vec<u8>,
    parts: Vec<Vec<u8>>,
    lines: usize,
    deadline: Instant,
}

/// Bytes of `data` and `parts` joined by `\n`.
fn joined_len(data: &[u8], parts: &[Vec<u8>]) -> usize {
    parts.iter().map(|p| p.len() + 1).sum::<usize>() + data.len()
}

/// What a write hands to [`Batcher::enqueue`]: bytes to copy, or a buffer to take (only
/// once the write is accepted; on error it stays with the caller).
pub(crate) enum Input<'a> {
    Copy(&'a [u8]),
    Take(&'a mut Vec<u8>),
}

impl Input<'_> {
    fn len(&self) -> usize {
        match self {
            Input::Copy(b) => b.len(),
            Input::Take(v) => v.len(),
        }
    }
}

/// Most spare buffers a write API keeps for reuse, and most bytes they may hold together
/// (also at most max_buffer_bytes / 16).
const SPARE_MAX: usize = 8;
const SPARE_MAX_CAPACITY: usize = 4 << 20;

struct State {
    open: Vec<OpenBatch>,
    ready: VecDeque<Batch>,
    /// Sealed batches whose report has not returned yet.
    unsettled: BTreeSet<u64>,
    next_id: u64,
    closing: bool,
    close_deadline: Option<Instant>,
    /// Size of the last sealed batch: the capacity to give the next one (fewer reallocations).
    batch_bytes_hint: usize,
    /// Lines reported failed because close's deadline passed (close then returns TimedOut).
    undelivered_at_close: u64,
    /// Sent batches' buffers, kept for reuse (their contents are stale; lengths kept so that
    /// a line buffer taking one need not zero it again).
    spare: Vec<Vec<u8>>,
    stop: bool,
    stats: Stats,
}

struct Shared {
    client: Arc<ClientShared>,
    opts: WriteOptions,
    policy: RetryPolicy,
    listener: Option<Arc<dyn Listener>>,
    state: Mutex<State>,
    /// Wakes the background thread: new work, close, stop.
    work: Condvar,
    /// Wakes waiters: a batch settled, buffer space freed, callback finished.
    settled: Condvar,
}

pub(crate) struct Batcher {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
    thread_id: std::thread::ThreadId,
}

thread_local! {
    /// Set on a write API's background thread (callbacks run there).
    static ON_BACKGROUND_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn report(&self, f: impl FnOnce(&dyn Listener)) {
        if let Some(l) = &self.listener {
            // A panicking Rust listener must not kill the thread or lose later reports.
            let _ = catch_unwind(AssertUnwindSafe(|| f(l.as_ref())));
        }
    }

    fn seal(&self, st: &mut State, ob: OpenBatch) {
        // +1/8 headroom so a batch of similar lines does not reallocate at the end.
        let len = joined_len(&ob.data, &ob.parts);
        st.batch_bytes_hint = (len + len / 8).clamp(4096, 8 << 20);
        let id = st.next_id;
        st.next_id += 1;
        st.unsettled.insert(id);
        st.ready.push_back(Batch {
            id,
            dest: ob.dest,
            data: ob.data,
            parts: ob.parts,
            lines: ob.lines,
        });
    }

    fn seal_all(&self, st: &mut State) {
        let open = std::mem::take(&mut st.open);
        for ob in open {
            self.seal(st, ob);
        }
    }

    /// The smallest spare buffer of at least `bytes` and at most half as much again (so that
    /// a small write does not keep a large buffer busy), as it is.
    fn spare_for(st: &mut State, bytes: usize) -> Option<Vec<u8>> {
        let most = (bytes + bytes / 2).max(8192);
        let fits = |v: &Vec<u8>| (bytes..=most).contains(&v.capacity());
        let i = (0..st.spare.len())
            .filter(|&i| fits(&st.spare[i]))
            .min_by_key(|&i| st.spare[i].capacity())?;
        Some(st.spare.swap_remove(i))
    }

    /// The buffer to join `b`'s parts into (a spare one or a new one), or None if `b` has
    /// no parts.
    fn join_buffer(st: &mut State, b: &Batch) -> Option<Vec<u8>> {
        if b.parts.is_empty() {
            return None;
        }
        let len = joined_len(&b.data, &b.parts);
        Some(Shared::spare_for(st, len).unwrap_or_default())
    }

    /// An empty buffer for `bytes`: a spare one or a new one.
    fn buffer(st: &mut State, bytes: usize) -> Vec<u8> {
        let mut v = Shared::spare_for(st, bytes).unwrap_or_default();
        v.clear();
        v.reserve(bytes);
        v
    }

    /// Keep `v` for reuse if there is room (as it is: see `State::spare`): at most
    /// `SPARE_MAX` buffers of together at most `SPARE_MAX_CAPACITY` and max_buffer_bytes / 16.
    fn recycle(&self, st: &mut State, v: Vec<u8>) {
        let held: usize = st.spare.iter().map(Vec::capacity).sum();
        let limit = (self.opts.max_buffer_bytes / 16).min(SPARE_MAX_CAPACITY);
        if st.spare.len() < SPARE_MAX && v.capacity() >= 4096 && held + v.capacity() <= limit {
            st.spare.push(v);
        }
    }

    /// Mark a batch settled and free its buffer space.
    fn settle(&self, st: &mut State, id: u64, lines: usize, bytes: usize) {
        st.unsettled.remove(&id);
        self.release(st, lines, bytes);
    }

    /// Free the buffer space of reported lines and wake waiters (flush, blocked writers, close).
    fn release(&self, st: &mut State, lines: usize, bytes: usize) {
        st.stats.buffered_lines -= lines as u64;
        st.stats.buffered_bytes -= bytes as u64;
        self.settled.notify_all();
    }
}

impl Batcher {
    pub(crate) fn start(
        client: Arc<ClientShared>,
        opts: WriteOptions,
        listener: Option<Arc<dyn Listener>>,
    ) -> Result<Batcher> {
        if opts.max_buffer_lines < opts.batch_size {
            return Err(Error::config(format!(
                "max_buffer_lines ({}) must be >= batch_size ({})",
                opts.max_buffer_lines, opts.batch_size
            )));
        }
        let shared = Arc::new(Shared {
            client,
            policy: RetryPolicy::from_options(&opts),
            opts,
            listener,
            state: Mutex::new(State {
                open: Vec::new(),
                ready: VecDeque::new(),
                unsettled: BTreeSet::new(),
                next_id: 1,
                closing: false,
                close_deadline: None,
                undelivered_at_close: 0,
                spare: Vec::new(),
                batch_bytes_hint: 4096,
                stop: false,
                stats: Stats::default(),
            }),
            work: Condvar::new(),
            settled: Condvar::new(),
        });
        let s2 = shared.clone();
        let handle = std::thread::Builder::new()
            .name("influx-writer".into())
            .spawn(move || {
                ON_BACKGROUND_THREAD.with(|f| f.set(true));
                run(&s2)
            })
            .map_err(|e| Error::internal(format!("cannot start the background thread: {e}")))?;
        let thread_id = handle.thread().id();
        Ok(Batcher {
            shared,
            thread: Mutex::new(Some(handle)),
            thread_id,
        })
    }

    fn on_own_thread(&self) -> bool {
        std::thread::current().id() == self.thread_id
    }

    /// Accept `lines` encoded lines for `dest`, or fail without side effects. A taken buffer
    /// is replaced by a spare one (returned; `None` for copied input or when no spare is
    /// kept), so a line buffer can go on without allocating.
    pub(crate) fn enqueue(
        &self,
        dest: DestRef<'_>,
        body: Input<'_>,
        lines: usize,
    ) -> Result<Option<Vec<u8>>> {
        let sh = &*self.shared;
        let opts = &sh.opts;
        let bytes = body.len() + 1;
        if lines > opts.max_buffer_lines || bytes > opts.max_buffer_bytes {
            return Err(Error::new(
                Code::BufferFull,
                format!(
                    "one write of {lines} lines / {bytes} bytes exceeds max_buffer_lines={} / max_buffer_bytes={}",
                    opts.max_buffer_lines, opts.max_buffer_bytes
                ),
            ));
        }
        // Computed only once the buffer is found full (no clock read on the fast path).
        let mut block_deadline = None;
        let mut st = lock(&sh.state);
        loop {
            if st.closing {
                return Err(Error::new(Code::Closed, "write API is closed"));
            }
            let fits = st.stats.buffered_lines + lines as u64 <= opts.max_buffer_lines as u64
                && st.stats.buffered_bytes + bytes as u64 <= opts.max_buffer_bytes as u64;
            if fits {
                break;
            }
            match opts.buffer_full_policy {
                BufferFullPolicy::Reject => return Err(buffer_full(opts, "reject")),
                BufferFullPolicy::Block => {
                    // On the background thread (from a callback) nobody else would make room.
                    let now = Instant::now();
                    let deadline = *block_deadline.get_or_insert(now + opts.buffer_full_timeout);
                    if now >= deadline || self.on_own_thread() {
                        return Err(buffer_full(opts, "block"));
                    }
                    st = sh
                        .settled
                        .wait_timeout(st, deadline - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
                BufferFullPolicy::DropOldest => {
                    let mut victim = match st.ready.pop_front() {
                        Some(b) => b,
                        None if !st.open.is_empty() => {
                            let oldest = (0..st.open.len())
                                .min_by_key(|&i| st.open[i].deadline)
                                .unwrap_or(0);
                            let ob = st.open.remove(oldest);
                            sh.seal(&mut st, ob);
                            match st.ready.pop_back() {
                                Some(b) => b,
                                None => return Err(buffer_full(opts, "drop_oldest")),
                            }
                        }
                        // Only the in-flight batch holds the space.
                        None => return Err(buffer_full(opts, "drop_oldest")),
                    };
                    if let Some(spare) = Shared::join_buffer(&mut st, &victim) {
                        for freed in join(&mut victim, spare) {
                            sh.recycle(&mut st, freed);
                        }
                    }
                    drop(st);
                    let err = Error::new(
                        Code::Dropped,
                        format!(
                            "batch of {} lines dropped: buffer full (max_buffer_lines={}, max_buffer_bytes={})",
                            victim.lines, opts.max_buffer_lines, opts.max_buffer_bytes
                        ),
                    );
                    sh.report(|l| l.on_error(&info(&victim, 0), &err));
                    st = lock(&sh.state);
                    st.stats.dropped += victim.lines as u64;
                    sh.settle(&mut st, victim.id, victim.lines, victim.data.len() + 1);
                    sh.recycle(&mut st, victim.data);
                }
            }
        }
        st.stats.accepted += lines as u64;
        st.stats.buffered_lines += lines as u64;
        st.stats.buffered_bytes += bytes as u64;
        let taking = matches!(body, Input::Take(_));
        if opts.write_type == WriteType::Asynchronous {
            // Asynchronous mode: each write is its own request.
            let data = match body {
                Input::Copy(b) => {
                    let mut v = Shared::buffer(&mut st, b.len());
                    v.extend_from_slice(b);
                    v
                }
                Input::Take(v) => std::mem::take(v),
            };
            let ob = OpenBatch {
                dest: dest.to_owned(),
                data,
                parts: Vec::new(),
                lines,
                deadline: Instant::now(),
            };
            sh.seal(&mut st, ob);
            sh.work.notify_one();
            return Ok(if taking {
                Shared::spare_for(&mut st, bytes)
            } else {
                None
            });
        }
        let idx = match st.open.iter().position(|o| dest.is(&o.dest)) {
            Some(i) => i,
            None => {
                let data = match body {
                    Input::Copy(b) => {
                        let capacity = b.len().max(st.batch_bytes_hint);
                        Shared::buffer(&mut st, capacity)
                    }
                    Input::Take(_) => Vec::new(),
                };
                st.open.push(OpenBatch {
                    dest: dest.to_owned(),
                    data,
                    parts: Vec::new(),
                    lines: 0,
                    deadline: Instant::now() + opts.flush_interval,
                });
                sh.work.notify_one();
                st.open.len() - 1
            }
        };
        let ob = &mut st.open[idx];
        match body {
            Input::Copy(b) => {
                // after the last part, if any: lines keep their order
                let last = ob.parts.last_mut().unwrap_or(&mut ob.data);
                if !last.is_empty() {
                    last.push(b'\n');
                }
                last.extend_from_slice(b);
            }
            // the first lines of a new batch: the buffer becomes its data
            Input::Take(v) if ob.lines == 0 => ob.data = std::mem::take(v),
            Input::Take(v) => ob.parts.push(std::mem::take(v)),
        }
        ob.lines += lines;
        if ob.lines >= opts.batch_size {
            let ob = st.open.swap_remove(idx);
            sh.seal(&mut st, ob);
            sh.work.notify_one();
        }
        Ok(if taking {
            Shared::spare_for(&mut st, bytes)
        } else {
            None
        })
    }

    /// Wait until every batch sealed so far (including the open ones, sealed now) is settled.
    pub(crate) fn flush(&self, timeout: Option<Duration>) -> Result<()> {
        if self.on_own_thread() {
            return Err(Error::invalid_argument(
                "flush cannot be called from a write callback (it would wait for itself)",
            ));
        }
        let sh = &*self.shared;
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut st = lock(&sh.state);
        sh.seal_all(&mut st);
        sh.work.notify_one();
        let target = st.next_id;
        loop {
            if st.unsettled.range(..target).next().is_none() {
                return Ok(());
            }
            st = match deadline {
                None => sh.settled.wait(st).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Err(Error::new(
                            Code::TimedOut,
                            format!(
                                "flush timed out with {} lines still buffered",
                                st.stats.buffered_lines
                            ),
                        ));
                    }
                    sh.settled
                        .wait_timeout(st, d - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
    }

    pub(crate) fn stats(&self) -> Stats {
        lock(&self.shared.state).stats
    }

    /// Deliver what is pending within max_close_wait, report the rest failed, stop the thread.
    pub(crate) fn close(&self) -> Result<()> {
        if self.on_own_thread() {
            return Err(Error::invalid_argument(
                "close cannot be called from a write callback",
            ));
        }
        let sh = &*self.shared;
        let mut handle_slot = self.thread.lock().unwrap_or_else(|e| e.into_inner());
        let Some(handle) = handle_slot.take() else {
            return Ok(()); // already closed
        };
        let deadline = Instant::now() + sh.opts.max_close_wait;
        let mut st = lock(&sh.state);
        st.closing = true;
        st.close_deadline = Some(deadline);
        sh.seal_all(&mut st);
        sh.work.notify_all();
        sh.settled.notify_all(); // blocked writers see `closing`
        while !st.unsettled.is_empty() {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            st = sh
                .settled
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        if !st.unsettled.is_empty() {
            // Deadline: report every queued batch as failed, exactly once. The in-flight
            // batch (if any) is finished by the background thread, which stops retrying at
            // the deadline; only an HTTP request already under way (bounded by `timeout`)
            // can make close return later than max_close_wait.
            let left: Vec<Batch> = st.ready.drain(..).collect();
            drop(st);
            let err = close_timeout_error(sh, None);
            let ids: Vec<u64> = left.iter().map(|b| b.id).collect();
            for mut b in left {
                if !b.parts.is_empty() {
                    join(&mut b, Vec::new());
                }
                finish(sh, b, 0, Err(&err));
            }
            st = lock(&sh.state);
            for id in &ids {
                st.unsettled.remove(id);
            }
            sh.settled.notify_all();
            while !st.unsettled.is_empty() {
                st = sh.settled.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        }
        let result = if st.undelivered_at_close > 0 {
            Err(Error::new(
                Code::TimedOut,
                format!(
                    "close: {} lines not delivered within max_close_wait ({} ms); each was reported to the error callback",
                    st.undelivered_at_close,
                    sh.opts.max_close_wait.as_millis()
                ),
            ))
        } else {
            Ok(())
        };
        st.stop = true;
        sh.work.notify_all();
        drop(st);
        // The thread has nothing left to report: no callback runs after close returns.
        let _ = handle.join();
        result
    }
}

impl Drop for Batcher {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

fn buffer_full(opts: &WriteOptions, policy: &str) -> Error {
    Error::new(
        Code::BufferFull,
        format!(
            "write buffer full (max_buffer_lines={}, max_buffer_bytes={}, buffer_full_policy={policy})",
            opts.max_buffer_lines, opts.max_buffer_bytes
        ),
    )
}

/// Join a batch's parts after its data into one buffer, built in `spare` (emptied first);
/// returns the buffers it no longer needs (the old data and parts), for reuse.
fn join(b: &mut Batch, spare: Vec<u8>) -> Vec<Vec<u8>> {
    let mut out = spare;
    out.clear();
    out.reserve(joined_len(&b.data, &b.parts));
    out.extend_from_slice(&b.data);
    let mut freed = Vec::with_capacity(b.parts.len() + 1);
    for p in b.parts.drain(..) {
        if !out.is_empty() {
            out.push(b'\n');
        }
        out.extend_from_slice(&p);
        freed.push(p);
    }
    freed.push(std::mem::replace(&mut b.data, out));
    freed
}

fn info<'a>(b: &'a Batch, attempts: u32) -> BatchInfo<'a> {
    debug_assert!(
        b.parts.is_empty(),
        "a batch is joined before it is reported"
    );
    BatchInfo {
        bucket: &b.dest.bucket,
        org: &b.dest.org,
        precision: b.dest.precision,
        data: &b.data,
        lines: b.lines,
        attempts,
    }
}

/// Background thread: take sealed batches in order and deliver them.
fn run(sh: &Shared) {
    loop {
        let batch = {
            let mut st = lock(&sh.state);
            loop {
                if st.stop {
                    return;
                }
                let now = Instant::now();
                let mut i = 0;
                while i < st.open.len() {
                    if st.open[i].deadline <= now {
                        let ob = st.open.swap_remove(i);
                        sh.seal(&mut st, ob);
                    } else {
                        i += 1;
                    }
                }
                if let Some(b) = st.ready.pop_front() {
                    let spare = Shared::join_buffer(&mut st, &b);
                    break (b, spare);
                }
                let next = st.open.iter().map(|o| o.deadline).min();
                st = match next {
                    Some(d) => {
                        sh.work
                            .wait_timeout(st, d.saturating_duration_since(now))
                            .unwrap_or_else(|e| e.into_inner())
                            .0
                    }
                    None => sh.work.wait(st).unwrap_or_else(|e| e.into_inner()),
                };
            }
        };
        deliver(sh, batch.0, batch.1);
    }
}

/// Sleep up to `d`, waking early when `close`'s deadline passes. Returns false if the
/// deadline has passed (the caller must give the batch up).
fn pause(sh: &Shared, d: Duration) -> bool {
    let until = Instant::now() + d;
    let mut st = lock(&sh.state);
    loop {
        let now = Instant::now();
        if st.close_deadline.is_some_and(|cd| now >= cd) {
            return false;
        }
        if now >= until {
            return true;
        }
        let limit = match st.close_deadline {
            Some(cd) if cd < until => cd,
            _ => until,
        };
        st = sh
            .work
            .wait_timeout(st, limit - now)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

fn close_deadline_passed(sh: &Shared, after: Duration) -> bool {
    lock(&sh.state)
        .close_deadline
        .is_some_and(|cd| Instant::now() + after >= cd)
}

/// Report the terminal outcome of `part`, then free its buffer space.
fn finish(sh: &Shared, part: Batch, attempts: u32, outcome: std::result::Result<(), &Error>) {
    let bi = info(&part, attempts);
    match outcome {
        Ok(()) => sh.report(|l| l.on_success(&bi)),
        Err(e) => sh.report(|l| l.on_error(&bi, e)),
    }
    let mut st = lock(&sh.state);
    match outcome {
        Ok(()) => st.stats.written += part.lines as u64,
        Err(e) => {
            st.stats.failed += part.lines as u64;
            if e.code == Code::TimedOut {
                st.undelivered_at_close += part.lines as u64;
            }
        }
    }
    sh.release(&mut st, part.lines, part.data.len() + 1);
    sh.recycle(&mut st, part.data);
}

fn close_timeout_error(sh: &Shared, last: Option<&Error>) -> Error {
    let mut e = last
        .cloned()
        .unwrap_or_else(|| Error::new(Code::TimedOut, ""));
    e.code = Code::TimedOut;
    e.message = format!(
        "not delivered within max_close_wait ({} ms){}",
        sh.opts.max_close_wait.as_millis(),
        last.map(|l| format!("; last error: {}", l.message))
            .unwrap_or_default()
    );
    e
}

fn deliver(sh: &Shared, mut batch: Batch, spare: Option<Vec<u8>>) {
    // The joining copy happens here, on the background thread, not on the writer's.
    let freed = match spare {
        Some(spare) => join(&mut batch, spare),
        None => Vec::new(),
    };
    let id = batch.id;
    let jitter = retry::jitter_delay(&sh.policy, fastrand::f64());
    // Parts still to send; a 413 splits a part into halves (depth first, order kept).
    let mut parts = vec![batch];
    let mut deadline_hit = !pause(sh, jitter);
    while let Some(part) = parts.pop() {
        if deadline_hit || close_deadline_passed(sh, Duration::ZERO) {
            deadline_hit = true;
            finish(sh, part, 0, Err(&close_timeout_error(sh, None)));
            continue;
        }
        send_with_retry(sh, part, &mut parts);
    }
    let mut st = lock(&sh.state);
    st.unsettled.remove(&id);
    for v in freed {
        sh.recycle(&mut st, v);
    }
    sh.settled.notify_all();
}

/// Send one part with the seed's retry rules until it is settled or split.
fn send_with_retry(sh: &Shared, part: Batch, parts: &mut Vec<Batch>) {
    let first_attempt = Instant::now();
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let result = sh.client.transport.write(
            &part.dest.org,
            &part.dest.bucket,
            part.dest.precision,
            &part.data,
        );
        let err = match result {
            Ok(()) => return finish(sh, part, attempts, Ok(())),
            Err(e) => e,
        };
        if err.http_status == 413 && part.lines > 1 {
            // No line boundary found (an unterminated quote runs to the end): the part cannot
            // be split; it is reported failed below like a single line.
            if let Some((a, b)) = split_half(&part) {
                parts.push(b);
                parts.push(a);
                return;
            }
        }
        let decision = retry::decide(
            &sh.policy,
            attempts,
            err.retriable,
            err.retry_after,
            first_attempt.elapsed(),
            fastrand::f64(),
            fastrand::f64(),
        );
        match decision {
            Decision::RetryAfter(delay) => {
                if close_deadline_passed(sh, delay) {
                    // The retry would land after close's deadline: give up now, clearly.
                    return finish(
                        sh,
                        part,
                        attempts,
                        Err(&close_timeout_error(sh, Some(&err))),
                    );
                }
                lock(&sh.state).stats.retries += 1;
                sh.report(|l| l.on_retry(&info(&part, attempts), &err, attempts, delay));
                if !pause(sh, delay) {
                    return finish(
                        sh,
                        part,
                        attempts,
                        Err(&close_timeout_error(sh, Some(&err))),
                    );
                }
            }
            Decision::GiveUp(reason) => {
                let e = match reason {
                    GiveUpReason::NotRetriable => err,
                    GiveUpReason::MaxRetries | GiveUpReason::MaxRetryTime => {
                        let mut e = err.clone();
                        e.code = Code::RetriesExhausted;
                        let why = if matches!(reason, GiveUpReason::MaxRetries) {
                            format!("max_retries={}", sh.opts.max_retries)
                        } else {
                            format!("max_retry_time={} ms", sh.opts.max_retry_time.as_millis())
                        };
                        e.message = format!(
                            "giving up after {attempts} attempts ({why}): {}",
                            err.message
                        );
                        e
                    }
                };
                return finish(sh, part, attempts, Err(&e));
            }
        }
    }
}

/// Split a multi-line part between its data lines, `lines / 2` of them in the first half.
/// Lines are delimited as the server delimits them (and as `line_protocol::count_lines`
/// counted them): a `\n` inside a quoted string field value does not end a line, so a split
/// never cuts a line in two.
fn split_half(part: &Batch) -> Option<(Batch, Batch)> {
    let half = part.lines / 2;
    let cut = line_boundary(&part.data, half)?;
    let first = Batch {
        id: part.id,
        dest: part.dest.clone(),
        data: part.data[..cut].to_vec(),
        parts: Vec::new(),
        lines: half,
    };
    let second = Batch {
        id: part.id,
        dest: part.dest.clone(),
        data: part.data[cut + 1..].to_vec(),
        parts: Vec::new(),
        lines: part.lines - half,
    };
    Some((first, second))
}

/// Index of the line-ending `\n` just before data line `n` (0-based) starts; blank and
/// comment lines are not data lines (split as the server does: `line_protocol::scan_lines`).
fn line_boundary(data: &[u8], n: usize) -> Option<usize> {
    let mut count = 0usize;
    let mut cut = None;
    crate::line_protocol::scan_lines(data, |line| {
        if line.comment {
            return std::ops::ControlFlow::Continue(());
        }
        if count == n {
            cut = line.prev_newline;
            return std::ops::ControlFlow::Break(());
        }
        count += 1;
        std::ops::ControlFlow::Continue(())
    });
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(lines: &[&str]) -> Batch {
        Batch {
            id: 1,
            dest: Destination {
                bucket: "b".into(),
                org: "o".into(),
                precision: Precision::Ns,
            },
            data: lines.join("\n").into_bytes(),
            parts: Vec::new(),
            lines: lines.len(),
        }
    }

    #[test]
    fn split_half_partitions_lines_exactly() {
        for n in 2..9 {
            let owned: Vec<String> = (0..n).map(|i| format!("m v={i}i")).collect();
            let refs: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
            let b = batch(&refs);
            let (x, y) = split_half(&b).unwrap();
            assert_eq!(x.lines + y.lines, n);
            assert_eq!(x.lines, n / 2);
            let mut joined = x.data.clone();
            joined.push(b'\n');
            joined.extend_from_slice(&y.data);
            assert_eq!(joined, b.data);
            assert_eq!(String::from_utf8(x.data).unwrap().lines().count(), x.lines);
            assert_eq!(String::from_utf8(y.data).unwrap().lines().count(), y.lines);
        }
    }

    #[test]
    fn split_half_never_cuts_a_quoted_newline_and_skips_comments() {
        let lines = [
            "m s=\"a\nb\" 1",
            "# comment\nm s=\"c\nd\" 2",
            "m s=\"e\" 3",
            "m v=1i 4",
        ];
        let mut b = batch(&lines);
        b.lines = 4; // the comment is not a data line
        let (x, y) = split_half(&b).unwrap();
        assert_eq!(x.data, b"m s=\"a\nb\" 1\n# comment\nm s=\"c\nd\" 2");
        assert_eq!(y.data, b"m s=\"e\" 3\nm v=1i 4");
        assert_eq!((x.lines, y.lines), (2, 2));
        let (x1, x2) = split_half(&x).unwrap();
        assert_eq!(x1.data, b"m s=\"a\nb\" 1\n# comment");
        assert_eq!(x2.data, b"m s=\"c\nd\" 2");
        // An unterminated quote leaves no boundary: no split.
        let mut u = batch(&["m s=\"open 1", "m v=1i 2"]);
        u.lines = 2;
        assert!(split_half(&u).is_none());
    }
}
