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

use super::queue::*;
use super::retry::RetryPolicy;
use super::sender::{close_timeout_error, finish, info, run};
use super::DestRef;
use crate::client::ClientShared;
use crate::config::{BufferFullPolicy, WriteOptions, WriteType};
use crate::error::{Code, Error, Result};
use crate::types::Precision;

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

pub(crate) struct Shared {
    pub(crate) client: Arc<ClientShared>,
    pub(crate) opts: WriteOptions,
    pub(crate) policy: RetryPolicy,
    pub(crate) listener: Option<Arc<dyn Listener>>,
    pub(crate) state: Mutex<State>,
    /// Wakes the background thread: new work, close, stop.
    pub(crate) work: Condvar,
    /// Wakes waiters: a batch settled, buffer space freed, callback finished.
    pub(crate) settled: Condvar,
    /// Tests: panic this many times in the sender, before sending.
    #[cfg(test)]
    pub(crate) panic_sends: std::sync::atomic::AtomicUsize,
}

pub(crate) struct Batcher {
    pub(crate) shared: Arc<Shared>,
    pub(crate) thread: Mutex<Option<JoinHandle<()>>>,
    pub(crate) thread_id: std::thread::ThreadId,
}

thread_local! {
    /// Write-API callbacks running on this thread now (of any write API, on any thread: the
    /// background thread, a writer whose write dropped a batch, a closing thread).
    static CALLBACK_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// Set on a write API's background thread (callbacks run there).
    static ON_BACKGROUND_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the calling thread is inside a write-API callback: flush and close must not wait
/// there (they would wait for the callback itself), and a full buffer must not block.
pub(crate) fn in_callback() -> bool {
    CALLBACK_DEPTH.try_with(|d| d.get() > 0).unwrap_or(false)
}

/// Counts the callback running on this thread, for [`in_callback`] (also on unwind).
struct CallbackScope;

impl CallbackScope {
    fn enter() -> CallbackScope {
        let _ = CALLBACK_DEPTH.try_with(|d| d.set(d.get() + 1));
        CallbackScope
    }
}

impl Drop for CallbackScope {
    fn drop(&mut self) {
        let _ = CALLBACK_DEPTH.try_with(|d| d.set(d.get().saturating_sub(1)));
    }
}

pub(crate) fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub(crate) fn report(&self, f: impl FnOnce(&dyn Listener)) {
        if let Some(l) = &self.listener {
            let _inside = CallbackScope::enter();
            // A panicking Rust listener must not kill the thread or lose later reports.
            let _ = catch_unwind(AssertUnwindSafe(|| f(l.as_ref())));
        }
    }

    pub(crate) fn seal(&self, st: &mut State, ob: OpenBatch) {
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
            extra: ob.extra,
        });
    }

    pub(crate) fn seal_all(&self, st: &mut State) {
        let open = std::mem::take(&mut st.open);
        for ob in open {
            self.seal(st, ob);
        }
    }

    /// The smallest spare buffer of at least `bytes` and at most half as much again (so that
    /// a small write does not keep a large buffer busy), as it is.
    pub(crate) fn spare_for(st: &mut State, bytes: usize) -> Option<Vec<u8>> {
        let most = (bytes + bytes / 2).max(8192);
        let fits = |v: &Vec<u8>| (bytes..=most).contains(&v.capacity());
        let i = (0..st.spare.len())
            .filter(|&i| fits(&st.spare[i]))
            .min_by_key(|&i| st.spare[i].capacity())?;
        Some(st.spare.swap_remove(i))
    }

    /// The buffer to join `b`'s parts into (a spare one or a new one), or None if `b` has
    /// no parts.
    pub(crate) fn join_buffer(st: &mut State, b: &Batch) -> Option<Vec<u8>> {
        if b.parts.is_empty() {
            return None;
        }
        let len = joined_len(&b.data, &b.parts);
        Some(Shared::spare_for(st, len).unwrap_or_default())
    }

    /// An empty buffer for `bytes`: a spare one or a new one.
    pub(crate) fn buffer(st: &mut State, bytes: usize) -> Vec<u8> {
        let mut v = Shared::spare_for(st, bytes).unwrap_or_default();
        v.clear();
        v.reserve(bytes);
        v
    }

    /// Keep `v` for reuse if there is room (as it is: see `State::spare`): at most
    /// `SPARE_MAX` buffers of together at most `SPARE_MAX_CAPACITY` and max_buffer_bytes / 16.
    pub(crate) fn recycle(&self, st: &mut State, v: Vec<u8>) {
        let held: usize = st.spare.iter().map(Vec::capacity).sum();
        let limit = (self.opts.max_buffer_bytes / 16).min(SPARE_MAX_CAPACITY);
        if st.spare.len() < SPARE_MAX && v.capacity() >= 4096 && held + v.capacity() <= limit {
            st.spare.push(v);
        }
    }

    /// Mark a batch settled and free its buffer space.
    pub(crate) fn settle(&self, st: &mut State, id: u64, lines: usize, bytes: usize) {
        st.unsettled.remove(&id);
        self.release(st, lines, bytes);
    }

    #[cfg(test)]
    pub(crate) fn inject_panic(&self) {
        use std::sync::atomic::Ordering;
        if self
            .panic_sends
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            panic!("injected sender panic");
        }
    }

    /// Free what a batch held beyond its lines (taken buffers' spare capacity), once it is
    /// joined or dropped.
    pub(crate) fn release_extra(&self, b: &mut Batch) {
        if b.extra > 0 {
            let mut st = lock(&self.state);
            self.release(&mut st, 0, b.extra);
            b.extra = 0;
        }
    }

    /// Free the buffer space of reported lines and wake waiters (flush, blocked writers, close).
    pub(crate) fn release(&self, st: &mut State, lines: usize, bytes: usize) {
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
            #[cfg(test)]
            panic_sends: std::sync::atomic::AtomicUsize::new(0),
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

    pub(crate) fn on_own_thread(&self) -> bool {
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
        let bytes = body.held() + 1;
        let mut victims = Vec::new();
        let admitted = self.admit(lines, bytes, &mut victims);
        let result = admitted.map(|mut st| {
            let spare = self.append(&mut st, dest, body, lines, bytes);
            drop(st);
            spare
        });
        self.report_dropped(victims);
        result
    }

    /// Accept several groups of encoded lines (one per destination) as one write: all of
    /// them or, on error, none (`write_points` with points of several precisions).
    pub(crate) fn enqueue_all(&self, groups: &[(DestRef<'_>, &[u8], usize)]) -> Result<()> {
        let lines = groups.iter().map(|g| g.2).sum();
        let bytes = groups.iter().map(|g| g.1.len() + 1).sum();
        let mut victims = Vec::new();
        let admitted = self.admit(lines, bytes, &mut victims);
        let result = admitted.map(|mut st| {
            for &(dest, body, n) in groups {
                self.append(&mut st, dest, Input::Copy(body), n, body.len() + 1);
            }
        });
        self.report_dropped(victims);
        result
    }

    /// Make room for `lines` / `bytes` under the buffer-full policy and account them as
    /// accepted; returns the lock, held since the room was found (so no other write, not
    /// even one from a drop report, can take that room). Batches dropped to make room are
    /// settled and moved to `victims`; the caller reports them once the lock is released,
    /// after its own write is in the queue. Nothing is dropped unless dropping makes room.
    fn admit(
        &self,
        lines: usize,
        bytes: usize,
        victims: &mut Vec<Batch>,
    ) -> Result<MutexGuard<'_, State>> {
        let sh = &*self.shared;
        let opts = &sh.opts;
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
        let mut room_checked = false;
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
                    if now >= deadline || self.on_own_thread() || in_callback() {
                        return Err(buffer_full(opts, "block"));
                    }
                    st = sh
                        .settled
                        .wait_timeout(st, deadline - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
                BufferFullPolicy::DropOldest => {
                    // A write from a callback (e.g. from a drop report) never drops: no cascade.
                    // And nothing is dropped unless dropping can make room for this write (the
                    // batch in flight cannot be dropped). The lock is held from here until the
                    // write is queued, so the decision stays true.
                    if !room_checked {
                        let (dl, db) = st.droppable();
                        let room = st.stats.buffered_lines - dl + lines as u64
                            <= opts.max_buffer_lines as u64
                            && st.stats.buffered_bytes - db + bytes as u64
                                <= opts.max_buffer_bytes as u64;
                        if in_callback() || !room {
                            return Err(buffer_full(opts, "drop_oldest"));
                        }
                        room_checked = true;
                    }
                    let mut victim = match st.ready.pop_front() {
                        Some(b) => b,
                        None => {
                            let oldest = (0..st.open.len())
                                .filter(|&i| st.open[i].lines > 0)
                                .min_by_key(|&i| st.open[i].deadline);
                            let Some(oldest) = oldest else {
                                return Err(buffer_full(opts, "drop_oldest"));
                            };
                            let ob = st.open.remove(oldest);
                            sh.seal(&mut st, ob);
                            match st.ready.pop_back() {
                                Some(b) => b,
                                None => return Err(buffer_full(opts, "drop_oldest")),
                            }
                        }
                    };
                    if let Some(spare) = Shared::join_buffer(&mut st, &victim) {
                        for freed in join(&mut victim, spare) {
                            sh.recycle(&mut st, freed);
                        }
                    }
                    st.stats.dropped += victim.lines as u64;
                    let held = victim.data.len() + 1 + victim.extra;
                    victim.extra = 0;
                    sh.settle(&mut st, victim.id, victim.lines, held);
                    victims.push(victim);
                }
            }
        }
        st.stats.accepted += lines as u64;
        st.stats.buffered_lines += lines as u64;
        st.stats.buffered_bytes += bytes as u64;
        Ok(st)
    }

    /// Report dropped batches (no lock held: a report may write), then keep their buffers.
    fn report_dropped(&self, victims: Vec<Batch>) {
        if victims.is_empty() {
            return;
        }
        let sh = &*self.shared;
        let opts = &sh.opts;
        for victim in &victims {
            let err = Error::new(
                Code::Dropped,
                format!(
                    "batch of {} lines dropped: buffer full (max_buffer_lines={}, max_buffer_bytes={})",
                    victim.lines, opts.max_buffer_lines, opts.max_buffer_bytes
                ),
            );
            sh.report(|l| l.on_error(&info(victim, 0), &err));
        }
        let mut st = lock(&sh.state);
        for victim in victims {
            sh.recycle(&mut st, victim.data);
        }
    }

    /// Put an admitted write (`bytes` already counted) into its open batch, or into a batch of
    /// its own in asynchronous mode. Returns a spare buffer for a taken one.
    fn append(
        &self,
        st: &mut State,
        dest: DestRef<'_>,
        body: Input<'_>,
        lines: usize,
        bytes: usize,
    ) -> Option<Vec<u8>> {
        let sh = &*self.shared;
        let opts = &sh.opts;
        let taking = matches!(body, Input::Take(_));
        if opts.write_type == WriteType::Asynchronous {
            // Asynchronous mode: each write is its own request.
            let data = match body {
                Input::Copy(b) => {
                    let mut v = Shared::buffer(st, b.len());
                    v.extend_from_slice(b);
                    v
                }
                Input::Take(v) => std::mem::take(v),
            };
            let extra = bytes - 1 - data.len();
            let ob = OpenBatch {
                dest: dest.to_owned(),
                data,
                parts: Vec::new(),
                lines,
                extra,
                deadline: Instant::now(),
            };
            sh.seal(st, ob);
            sh.work.notify_one();
            return if taking {
                Shared::spare_for(st, bytes)
            } else {
                None
            };
        }
        let idx = match st.open.iter().position(|o| dest.is(&o.dest)) {
            Some(i) => i,
            None => {
                let data = match body {
                    Input::Copy(b) => {
                        let capacity = b.len().max(st.batch_bytes_hint);
                        Shared::buffer(st, capacity)
                    }
                    Input::Take(_) => Vec::new(),
                };
                st.open.push(OpenBatch {
                    dest: dest.to_owned(),
                    data,
                    parts: Vec::new(),
                    lines: 0,
                    extra: 0,
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
            Input::Take(v) if ob.lines == 0 => {
                ob.extra += bytes - 1 - v.len();
                ob.data = std::mem::take(v);
            }
            Input::Take(v) => {
                ob.extra += bytes - 1 - v.len();
                ob.parts.push(std::mem::take(v));
            }
        }
        ob.lines += lines;
        if ob.lines >= opts.batch_size {
            let ob = st.open.swap_remove(idx);
            sh.seal(st, ob);
            sh.work.notify_one();
        }
        if taking {
            Shared::spare_for(st, bytes)
        } else {
            None
        }
    }

    /// Wait until every batch sealed so far (including the open ones, sealed now) is settled.
    pub(crate) fn flush(&self, timeout: Option<Duration>) -> Result<()> {
        if self.on_own_thread() || in_callback() {
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
        if self.on_own_thread() || in_callback() {
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
                sh.release_extra(&mut b);
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
