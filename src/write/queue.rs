//! The bounded queue of a background write API: open batches (one per destination), sealed
//! batches in FIFO order, the buffer accounting (lines and bytes held) and the spare buffers
//! kept for reuse. Plain data under the write API's lock; waking and reporting are the
//! caller's.

use std::collections::{BTreeSet, VecDeque};
use std::time::Instant;

use super::background::Stats;
use super::Destination;
use crate::config::WriteOptions;
use crate::error::{Code, Error};

/// A batch's lines: `data`, then each of `parts` (whole buffers handed over by
/// `WriteApi::write_lines`, kept as they are so the writing thread copies nothing), joined by
/// `\n` when the batch is sent ([`join`]).
pub(crate) struct Batch {
    pub(crate) id: u64,
    pub(crate) dest: Destination,
    pub(crate) data: Vec<u8>,
    pub(crate) parts: Vec<Vec<u8>>,
    pub(crate) lines: usize,
    /// Bytes held beyond the lines' (`capacity - len` of buffers taken from writers),
    /// counted in `buffered_bytes` until the batch is joined or dropped.
    pub(crate) extra: usize,
}

pub(crate) struct OpenBatch {
    pub(crate) dest: Destination,
    pub(crate) data: Vec<u8>,
    pub(crate) parts: Vec<Vec<u8>>,
    pub(crate) lines: usize,
    pub(crate) extra: usize,
    pub(crate) deadline: Instant,
}

/// Bytes of `data` and `parts` joined by `\n`.
pub(crate) fn joined_len(data: &[u8], parts: &[Vec<u8>]) -> usize {
    parts.iter().map(|p| p.len() + 1).sum::<usize>() + data.len()
}

/// What a write hands to [`Batcher::enqueue`]: bytes to copy, or a buffer to take (only
/// once the write is accepted; on error it stays with the caller).
pub(crate) enum Input<'a> {
    Copy(&'a [u8]),
    Take(&'a mut Vec<u8>),
}

impl Input<'_> {
    /// Bytes of memory the write will hold once accepted: its lines, or a taken buffer's
    /// whole allocation (so that `max_buffer_bytes` bounds memory, not just line bytes).
    pub(crate) fn held(&self) -> usize {
        match self {
            Input::Copy(b) => b.len(),
            Input::Take(v) => v.capacity().max(v.len()),
        }
    }
}

/// Most spare buffers a write API keeps for reuse, and most bytes they may hold together
/// (also at most max_buffer_bytes / 16).
pub(crate) const SPARE_MAX: usize = 8;
pub(crate) const SPARE_MAX_CAPACITY: usize = 4 << 20;

pub(crate) struct State {
    pub(crate) open: Vec<OpenBatch>,
    pub(crate) ready: VecDeque<Batch>,
    /// Sealed batches whose report has not returned yet.
    pub(crate) unsettled: BTreeSet<u64>,
    pub(crate) next_id: u64,
    pub(crate) closing: bool,
    pub(crate) close_deadline: Option<Instant>,
    /// Size of the last sealed batch: the capacity to give the next one (fewer reallocations).
    pub(crate) batch_bytes_hint: usize,
    /// Lines reported failed because close's deadline passed (close then returns TimedOut).
    pub(crate) undelivered_at_close: u64,
    /// Sent batches' buffers, kept for reuse (their contents are stale; lengths kept so that
    /// a line buffer taking one need not zero it again).
    pub(crate) spare: Vec<Vec<u8>>,
    pub(crate) stop: bool,
    pub(crate) stats: Stats,
}

pub(crate) fn buffer_full(opts: &WriteOptions, policy: &str) -> Error {
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
pub(crate) fn join(b: &mut Batch, spare: Vec<u8>) -> Vec<Vec<u8>> {
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

impl State {
    /// Lines and bytes that dropping every queued batch (sealed or open, not the one in
    /// flight) would free.
    pub(crate) fn droppable(&self) -> (u64, u64) {
        let sealed = self
            .ready
            .iter()
            .map(|b| (b.lines, joined_len(&b.data, &b.parts) + 1 + b.extra));
        let open = self
            .open
            .iter()
            .filter(|o| o.lines > 0)
            .map(|o| (o.lines, joined_len(&o.data, &o.parts) + 1 + o.extra));
        sealed
            .chain(open)
            .fold((0, 0), |(l, b), (dl, db)| (l + dl as u64, b + db as u64))
    }
}
