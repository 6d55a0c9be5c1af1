//! The point model: a measurement, tags and fields kept sorted by key, a typed value per
//! field, an optional timestamp and its precision.
//!
//! Storage: every string of a point (measurement, keys, tag values, string field values) lives
//! in ONE arena `Vec<u8>` (filled only from `&str`s). Tag and field entries (an 8-byte
//! key prefix for memcmp-free ordering, the key's range, the typed value or the string's
//! range, "needs escaping" flags computed once; see `entries`) live in one small sorted vector,
//! tags first, then fields; it is inline up to 8 entries, so a typical point costs one
//! allocation, and [`Point::clear`] reuses everything. Replacing a key's value appends the
//! new value and leaves the old bytes as garbage, compacted once it exceeds half the arena.
//!
//! Validation happens when a value is set, so that a point that was built without error
//! encodes without error (except for the "no writable field" case, see
//! [`encode_point`]). Rules (FACTS §1 and §4):
//! - measurement: not empty, does not start with `#` (the server would read the line as a
//!   comment), at most 65535 bytes;
//! - tag with an empty key or an empty value: accepted and not emitted (an empty value
//!   removes the tag set earlier under that key, like the seed where the value becomes "");
//! - tag keys `_measurement`, `_field`, `time` are reserved by the server;
//! - keys at most 65535 bytes, string field values at most 1 MiB (1,048,576 bytes);
//! - a backslash at the end of a measurement/key/tag value, or directly before a character
//!   that the encoder escapes (`,` space `=`; `,` space in the measurement) is rejected: the
//!   line protocol has no escape for a backslash there, so the server would read a different
//!   value or reject the whole batch (the seed appends a space to such tag values instead,
//!   silently changing them — quirk PY-LP-14).

mod encode;
mod entries;

pub(crate) use encode::encode_point_then;
pub use encode::{encode_point, encode_point_with};

use std::cell::Cell;
use std::fmt;

use crate::error::Result;
use crate::lp::rules::*;
use crate::lp::sink::put_bytes;
pub use crate::types::{FieldValue, Precision};
use entries::*;

/// One data point. Build it with [`Point::new`] and the setters, encode it with
/// [`encode_point`].
#[derive(Clone)]
pub struct Point {
    /// `None` only while being dropped. Boxed: a point moves as one pointer (into and out
    /// of the per-thread recycled points, and in callers' collections).
    d: Option<Box<PointData>>,
}

/// The point's state (see [`Point`]): what a point's one allocation holds. Opaque; the
/// C API hands it out as the `influx_point` handle ([`Point::into_box`]).
#[derive(Clone)]
pub struct PointData {
    /// the keys of the reused shape (`..keys_end`, see [`Point::clear`]), then the
    /// measurement, then keys and values in insertion order (plus garbage)
    arena: Vec<u8>,
    measurement: Span,
    measurement_esc: bool,
    /// tags (`..ntags`, sorted) then fields (sorted); in shape mode, the previous point's
    /// entries, of which those with `order() < filled` belong to this point
    entries: Entries,
    ntags: usize,
    time: Option<i64>,
    precision: Precision,
    /// bytes of the arena no longer referenced
    garbage: usize,
    /// [`NORMAL`], or (shape mode) how many setter calls matched the previous point's
    filled: u8,
    /// number of entries of the shape
    shape_n: u8,
    /// no tag or field was replaced or removed since the last clear, so the entries'
    /// insertion orders are exactly 0..n
    regular: bool,
    /// every live key lies in `arena[..keys_end]`
    keys_clean: bool,
    keys_end: u32,
    /// shape mode: the entry index of the key set by setter call i
    slot_of: [u8; INLINE],
}

/// `Point::filled` outside shape mode (larger than any entry's `order()`).
const NORMAL: u8 = u8::MAX;
/// Largest stored insertion order (orders only matter for points of at most INLINE entries).
const MAX_ORDER: usize = 254;

/// Whether two strings are equal; those of up to 16 bytes without a `memcmp` call.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n <= 8 {
        return key_prefix(a) == key_prefix(b);
    }
    if n <= 16 {
        // the first and the last 8 bytes (overlapping)
        return load_u64_le(a, 0) == load_u64_le(b, 0)
            && load_u64_le(a, n - 8) == load_u64_le(b, n - 8);
    }
    a == b
}

/// Arena bytes at which compaction starts to be considered.
const COMPACT_MIN: usize = 4096;

#[inline]
fn span_str(arena: &[u8], s: Span) -> &str {
    std::str::from_utf8(span_bytes(arena, s)).unwrap_or("")
}

#[inline]
fn span_bytes(arena: &[u8], s: Span) -> &[u8] {
    arena.get(s.start as usize..s.end as usize).unwrap_or(&[])
}

/// Compare an entry's key with `key` (whose prefix is `kp`).
#[inline]
fn cmp_key(arena: &[u8], e: &Entry, kp: u64, key: &[u8]) -> std::cmp::Ordering {
    match e.prefix.cmp(&kp) {
        std::cmp::Ordering::Equal => {
            let ek = span_bytes(arena, e.key());
            if ek.len() <= 8 && key.len() <= 8 {
                // equal padded prefixes: the shorter is a prefix of the longer
                ek.len().cmp(&key.len())
            } else {
                ek.cmp(key)
            }
        }
        o => o,
    }
}

/// Index of `key` in the sorted `entries` (Ok) or where it would go (Err).
#[inline(always)]
fn find(arena: &[u8], entries: &[Entry], kp: u64, key: &[u8]) -> std::result::Result<usize, usize> {
    if entries.len() > INLINE {
        return entries.binary_search_by(|e| cmp_key(arena, e, kp, key));
    }
    // few entries: scan from the end (keys added in order stop at the first comparison)
    let mut i = entries.len();
    for e in entries.iter().rev() {
        match cmp_key(arena, e, kp, key) {
            std::cmp::Ordering::Less => return Err(i),
            std::cmp::Ordering::Equal => return Ok(i - 1),
            std::cmp::Ordering::Greater => i -= 1,
        }
    }
    Err(0)
}

/// Dropped small points are kept per thread for reuse by [`Point::new`]: up to
/// `RECYCLE_MAX` of them, each with its entries inline and an arena of at most
/// `RECYCLE_MAX_ARENA` bytes (a few KiB per thread, freed when the thread exits). This is the
/// one point pool: the C API's points are the same allocations ([`Point::into_box`]).
const RECYCLE_MAX: usize = 4;
const RECYCLE_MAX_ARENA: usize = 1024;

/// The pool: a stack of up to `RECYCLE_MAX` allocations in plain `Cell`s (no borrow flag,
/// no `Vec`: a take or a put is a few instructions on the hot new/drop path).
struct Recycled {
    n: Cell<usize>,
    slots: [Cell<Option<Box<PointData>>>; RECYCLE_MAX],
}

thread_local! {
    static RECYCLED: Recycled = const {
        Recycled {
            n: Cell::new(0),
            slots: [const { Cell::new(None) }; RECYCLE_MAX],
        }
    };
}

/// A point's allocation from this thread's pool, if any.
#[inline(always)]
fn recycled() -> Option<Box<PointData>> {
    RECYCLED
        .try_with(|r| {
            let n = r.n.get().checked_sub(1)?;
            r.n.set(n);
            r.slots.get(n)?.take()
        })
        .ok()
        .flatten()
}

/// Keep `d` for reuse if it is small and the pool has room; else free it. During thread
/// teardown it is simply freed.
#[inline]
fn recycle(d: Box<PointData>) {
    if !d.is_small(RECYCLE_MAX_ARENA) {
        return;
    }
    let _ = RECYCLED.try_with(move |r| {
        let n = r.n.get();
        if let Some(slot) = r.slots.get(n) {
            slot.set(Some(d));
            r.n.set(n + 1);
        }
    });
}

impl Drop for Point {
    fn drop(&mut self) {
        if let Some(d) = self.d.take() {
            recycle(d);
        }
    }
}

/// What a point reads as while it is being dropped (never observable from outside).
static EMPTY: PointData = PointData::empty();

impl Point {
    #[inline(always)]
    fn d(&self) -> &PointData {
        self.d.as_deref().unwrap_or(&EMPTY)
    }

    #[inline(always)]
    fn d_mut(&mut self) -> &mut PointData {
        self.d.get_or_insert_with(|| Box::new(PointData::empty()))
    }

    /// A new point with no tags, no fields and no time.
    /// Errors: empty measurement, measurement starting with `#`, longer than 65535 bytes,
    /// or with a backslash that cannot be written.
    ///
    /// The point may be a recycled one (the last small point dropped on this thread),
    /// [cleared](Point::clear): it saves the allocations, and a point built with the same
    /// keys as the dropped one gets the shape reuse `clear` describes. It behaves exactly
    /// like a freshly allocated point.
    pub fn new(measurement: &str) -> Result<Point> {
        Point::new_box(measurement).map(Point::from_box)
    }

    /// [`Point::new`]'s allocation itself, for a handle held outside Rust (the C API):
    /// the same as `Point::new(m)?.into_box()`, without the round trip.
    #[inline]
    pub fn new_box(measurement: &str) -> Result<Box<PointData>> {
        match recycled() {
            Some(mut d) => match d.clear(measurement) {
                Ok(()) => Ok(d),
                Err(e) => {
                    recycle(d);
                    Err(e)
                }
            },
            None => Ok(Box::new(PointData::allocate(measurement)?)),
        }
    }

    /// The point's one allocation, for a handle held outside Rust (the C API). Give it back
    /// with [`Point::from_box`]; it returns to the pool when that point is dropped.
    pub fn into_box(mut self) -> Box<PointData> {
        self.d
            .take()
            .unwrap_or_else(|| Box::new(PointData::empty()))
    }

    /// The point whose allocation [`Point::into_box`] gave out.
    pub fn from_box(d: Box<PointData>) -> Point {
        Point { d: Some(d) }
    }

    /// A new point that is never a recycled one (tests compare it with reused points).
    #[cfg(test)]
    fn allocate(measurement: &str) -> Result<Point> {
        Ok(Point {
            d: Some(Box::new(PointData::allocate(measurement)?)),
        })
    }

    /// Reset to an empty point with a new measurement, keeping the allocations.
    /// On error the point is left unchanged.
    ///
    /// Shape reuse: a gateway writes the same tag and field keys, in the same order, point
    /// after point. So the cleared point remembers the previous point's keys ("shape", up
    /// to 8 tags and fields, each set once): while the new point's setter calls name the
    /// same keys in the same order, each call only compares its key and stores the value in
    /// the slot the key had (no key validation, sorted insert or key copy). The first call
    /// that differs drops the rest of the shape and continues as on a new point. The result
    /// is always exactly that of a new point built by the same calls.
    #[inline]
    pub fn clear(&mut self, measurement: &str) -> Result<()> {
        self.d_mut().clear(measurement)
    }

    /// Set a tag. An empty key or value is accepted and not written; an empty value removes
    /// a tag set earlier under the same key. Setting a key again keeps the last value.
    #[inline]
    pub fn tag(&mut self, key: &str, value: &str) -> Result<()> {
        self.d_mut().tag(key, value)
    }

    /// Set a float field. NaN and ±Inf are stored but not written (seed behaviour).
    #[inline]
    pub fn field_f64(&mut self, key: &str, v: f64) -> Result<()> {
        self.d_mut().set_field(key, Value::F64(v), "")
    }

    /// Set a signed integer field (written with suffix `i`).
    #[inline]
    pub fn field_i64(&mut self, key: &str, v: i64) -> Result<()> {
        self.d_mut().set_field(key, Value::I64(v), "")
    }

    /// Set an unsigned integer field (written with suffix `u`).
    #[inline]
    pub fn field_u64(&mut self, key: &str, v: u64) -> Result<()> {
        self.d_mut().set_field(key, Value::U64(v), "")
    }

    #[inline]
    pub fn field_bool(&mut self, key: &str, v: bool) -> Result<()> {
        self.d_mut().set_field(key, Value::Bool(v), "")
    }

    /// Set a string field (at most 1 MiB).
    pub fn field_str(&mut self, key: &str, v: &str) -> Result<()> {
        self.d_mut().field_str(key, v)
    }

    /// Set the timestamp, counted in `precision` units since the Unix epoch. It is written as
    /// given; `precision` travels with the point. Error if the instant is outside
    /// [i64::MIN + 2, i64::MAX - 1] nanoseconds (the server's range).
    #[inline]
    pub fn set_time(&mut self, time: i64, precision: Precision) -> Result<()> {
        self.d_mut().set_time(time, precision)
    }

    /// Remove the timestamp (the server then uses its own clock). The precision is kept.
    pub fn clear_time(&mut self) {
        self.d_mut().time = None;
    }

    pub fn time(&self) -> Option<i64> {
        self.d().time
    }

    /// The precision given with the last [`Point::set_time`]; `Ns` by default.
    pub fn precision(&self) -> Precision {
        self.d().precision
    }

    pub fn measurement(&self) -> &str {
        self.d().measurement()
    }

    /// The tags the encoder writes, sorted by key.
    pub fn tags(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.d().tags()
    }

    /// All stored fields (including NaN/±Inf ones, which the encoder skips), sorted by key.
    pub fn fields(&self) -> impl Iterator<Item = (&str, FieldValue<'_>)> + '_ {
        self.d().fields()
    }

    /// Number of tags the encoder writes.
    pub fn tag_count(&self) -> usize {
        self.d().tag_count()
    }

    /// Number of stored fields.
    pub fn field_count(&self) -> usize {
        self.d().field_count()
    }

    /// See [`PointData::is_partial`].
    #[inline(always)]
    pub(crate) fn is_partial(&self) -> bool {
        self.d().is_partial()
    }

    /// A copy without the shape's leftovers (see [`Point::is_partial`]).
    #[cold]
    #[inline(never)]
    pub(crate) fn settled(&self) -> Point {
        let mut p = self.clone();
        let d = p.d_mut();
        if d.is_partial() {
            d.materialize();
        }
        p
    }

    /// Encoder access: the measurement and whether it needs escaping.
    #[inline(always)]
    pub(crate) fn measurement_raw(&self) -> (&[u8], bool) {
        self.d().measurement_raw()
    }

    /// Encoder access: tags as raw bytes with their escaping flags (not partial).
    #[inline(always)]
    pub(crate) fn tags_raw(&self) -> impl Iterator<Item = RawTag<'_>> + '_ {
        self.d().tags_raw()
    }

    /// Encoder access: fields with string values as raw bytes (not partial).
    #[inline(always)]
    pub(crate) fn fields_raw(&self) -> impl Iterator<Item = (&[u8], bool, RawValue<'_>)> + '_ {
        self.d().fields_raw()
    }

    /// Total bytes of the live strings (a size hint for the encoder).
    #[inline(always)]
    pub(crate) fn text_len(&self) -> usize {
        self.d().text_len()
    }
}

impl PointData {
    fn allocate(measurement: &str) -> Result<PointData> {
        let measurement_esc = check_measurement(measurement)?;
        let mut p = PointData::empty();
        p.arena = Vec::with_capacity(measurement.len() + 112);
        put_bytes(&mut p.arena, measurement.as_bytes());
        p.measurement = Span {
            start: 0,
            end: measurement.len() as u32,
        };
        p.measurement_esc = measurement_esc;
        Ok(p)
    }

    /// No measurement, no allocation (a placeholder; not a valid point to encode).
    const fn empty() -> PointData {
        PointData {
            arena: Vec::new(),
            measurement: Span::EMPTY,
            measurement_esc: false,
            entries: Entries::new(),
            ntags: 0,
            time: None,
            precision: Precision::Ns,
            garbage: 0,
            filled: NORMAL,
            shape_n: 0,
            regular: true,
            keys_clean: true,
            keys_end: 0,
            slot_of: [0; INLINE],
        }
    }

    /// See [`Point::clear`].
    fn clear(&mut self, measurement: &str) -> Result<()> {
        if !same_bytes(
            span_bytes(&self.arena, self.measurement),
            measurement.as_bytes(),
        ) {
            self.measurement_esc = check_measurement(measurement)?;
        }
        self.keep_shape();
        self.arena.truncate(self.keys_end as usize);
        let start = self.arena.len() as u32;
        put_bytes(&mut self.arena, measurement.as_bytes());
        self.measurement = Span {
            start,
            end: self.arena.len() as u32,
        };
        self.regular = true;
        self.time = None;
        self.precision = Precision::Ns;
        self.garbage = 0;
        Ok(())
    }

    /// `clear`: make the current entries the shape of the next point if they qualify,
    /// else drop them.
    fn keep_shape(&mut self) {
        if self.filled != NORMAL {
            // this point stopped inside the shape: the next one tries the same shape
            self.filled = 0;
            return;
        }
        let n = self.entries.as_slice().len();
        let inline = matches!(self.entries, Entries::Inline { .. });
        if !(self.regular && inline && n > 0 && n <= INLINE) {
            self.entries.clear();
            self.ntags = 0;
            self.keys_end = 0;
            self.keys_clean = true;
            self.shape_n = 0;
            return;
        }
        // (a fully matched shape with nothing added keeps its keys and slots as they are)
        if !(self.keys_clean && n == usize::from(self.shape_n)) {
            if !self.keys_clean {
                self.gather_keys();
            }
            for (slot, e) in self.entries.as_slice().iter().enumerate() {
                if let Some(s) = self.slot_of.get_mut(usize::from(e.order())) {
                    *s = slot as u8;
                }
            }
            self.shape_n = n as u8;
        }
        self.filled = 0;
    }

    /// Move the live keys to the front of the arena (`..keys_end`); the rest of the arena
    /// is garbage afterwards (only called by `clear`, which drops it).
    #[cold]
    #[inline(never)]
    fn gather_keys(&mut self) {
        let base = self.arena.len();
        let n = self.entries.as_slice().len();
        for i in 0..n {
            let Some(e) = self.entries.get_mut(i) else {
                break;
            };
            let k = e.key();
            let start = (self.arena.len() - base) as u32;
            // spans lie inside the old arena (checked, so that this cannot panic)
            if k.start <= k.end && k.end as usize <= base {
                self.arena
                    .extend_from_within(k.start as usize..k.end as usize);
            }
            e.set_key(Span {
                start,
                end: (self.arena.len() - base) as u32,
            });
        }
        self.arena.drain(..base);
        self.keys_end = self.arena.len() as u32;
        self.keys_clean = true;
    }

    /// Shape mode: the entry index of `key` if this setter call names the key that call
    /// `filled` of the shape named (as a tag if `is_tag`, else as a field).
    #[inline(always)]
    fn shape_slot(&self, is_tag: bool, key: &[u8]) -> Option<usize> {
        let slot = usize::from(*self.slot_of.get(usize::from(self.filled))?);
        let e = self.entries.as_slice().get(slot)?;
        if (slot < self.ntags) != is_tag || e.key_len() != key.len() {
            return None;
        }
        let same = if key.len() <= 8 {
            e.prefix == key_prefix(key)
        } else {
            same_bytes(e.key_in(&self.arena), key)
        };
        same.then_some(slot)
    }

    /// Shape mode: one more call matched.
    #[inline(always)]
    fn shape_advance(&mut self) {
        self.filled += 1;
        if self.filled >= self.shape_n {
            self.filled = NORMAL;
        }
    }

    /// Leave shape mode: keep the entries the matched calls set, drop the rest of the shape.
    #[cold]
    #[inline(never)]
    fn materialize(&mut self) {
        let keep = self.filled;
        let mut dropped = 0;
        self.ntags = self.entries.retain(self.ntags, |e| {
            let live = e.order() < keep;
            if !live {
                dropped += e.key_len();
            }
            live
        });
        self.garbage += dropped;
        self.filled = NORMAL;
    }

    /// True while the point holds leftovers of the previous point's shape (it stopped
    /// before its setter calls covered the whole shape): read it through
    /// [`Point::settled`]. The encoder's raw accessors assume this is false.
    #[inline(always)]
    pub(crate) fn is_partial(&self) -> bool {
        self.filled != NORMAL
    }

    /// Whether an entry belongs to this point (not a leftover of the shape).
    #[inline(always)]
    fn live(&self) -> impl Fn(&&Entry) -> bool {
        let filled = self.filled;
        move |e| e.order() < filled
    }

    /// The insertion order for a new entry.
    #[inline(always)]
    fn next_order(&self) -> u8 {
        self.entries.as_slice().len().min(MAX_ORDER) as u8
    }

    /// Small enough to keep for reuse after its owner is done with it (the C API keeps a
    /// few freed points per thread): entries inline, arena of at most `max_arena` bytes.
    pub(crate) fn is_small(&self, max_arena: usize) -> bool {
        matches!(self.entries, Entries::Inline { .. }) && self.arena.capacity() <= max_arena
    }

    pub fn measurement(&self) -> &str {
        span_str(&self.arena, self.measurement)
    }

    #[inline]
    fn tag_entries(&self) -> &[Entry] {
        self.entries
            .as_slice()
            .get(..self.ntags)
            .unwrap_or_default()
    }

    #[inline]
    fn field_entries(&self) -> &[Entry] {
        self.entries
            .as_slice()
            .get(self.ntags..)
            .unwrap_or_default()
    }

    /// Error unless `extra` more bytes fit in the arena (spans are `u32`).
    #[inline(always)]
    fn room(&self, extra: usize) -> Result<()> {
        if self.arena.len().saturating_add(extra) > u32::MAX as usize {
            return Err(too_large());
        }
        Ok(())
    }

    /// Append `s` to the arena and return its span (after a [`Point::room`] check).
    #[inline(always)]
    fn push(&mut self, s: &str) -> Span {
        let start = self.arena.len() as u32;
        put_bytes(&mut self.arena, s.as_bytes());
        Span {
            start,
            end: self.arena.len() as u32,
        }
    }

    /// Set a tag. An empty key or value is accepted and not written; an empty value removes
    /// a tag set earlier under the same key. Setting a key again keeps the last value.
    #[inline]
    pub fn tag(&mut self, key: &str, value: &str) -> Result<()> {
        if key.is_empty() {
            return Ok(());
        }
        if self.filled != NORMAL {
            if !value.is_empty() {
                if let Some(slot) = self.shape_slot(true, key.as_bytes()) {
                    let value_esc = check_tag_value(key, value)?;
                    self.room(value.len())?;
                    let v = self.push(value);
                    if let Some(e) = self.entries.get_mut(slot) {
                        e.replace_value(Value::Str(v), if value_esc { ESC_VALUE } else { 0 });
                    }
                    self.shape_advance();
                    return Ok(());
                }
            }
            self.materialize();
        }
        if value.is_empty() {
            let kp = key_prefix(key.as_bytes());
            if let Ok(i) = find(&self.arena, self.tag_entries(), kp, key.as_bytes()) {
                if let Some(e) = self.entries.remove(i) {
                    self.ntags -= 1;
                    self.regular = false;
                    self.garbage += e.key().len() + e.value_span().len();
                    self.maybe_compact();
                }
            }
            return Ok(());
        }
        let key_esc = check_tag_key(key)?;
        let value_esc = check_tag_value(key, value)?;
        let esc = if key_esc { ESC_KEY } else { 0 } | if value_esc { ESC_VALUE } else { 0 };
        self.room(key.len() + value.len())?;
        let prefix = key_prefix(key.as_bytes());
        match find(&self.arena, self.tag_entries(), prefix, key.as_bytes()) {
            Ok(i) => {
                let v = self.push(value);
                if let Some(e) = self.entries.get_mut(i) {
                    self.garbage += e.value_span().len();
                    e.set_value(Value::Str(v), esc);
                }
                self.regular = false;
                self.maybe_compact();
            }
            Err(i) => {
                let k = self.push(key);
                let v = self.push(value);
                let order = self.next_order();
                self.entries
                    .insert(i, Entry::new(prefix, k, Value::Str(v), esc, order));
                self.ntags += 1;
                self.keys_clean = false;
            }
        }
        Ok(())
    }

    #[inline(always)]
    fn set_field(&mut self, key: &str, value: Value, str_value: &str) -> Result<()> {
        if self.filled != NORMAL {
            if let Some(slot) = self.shape_slot(false, key.as_bytes()) {
                self.room(str_value.len())?;
                let (value, value_esc) = self.store_value(value, str_value);
                if let Some(e) = self.entries.get_mut(slot) {
                    e.replace_value(value, value_esc);
                }
                self.shape_advance();
                return Ok(());
            }
            self.materialize();
        }
        let key_esc = check_field_key(key)?;
        self.room(key.len() + str_value.len())?;
        let (value, value_esc) = self.store_value(value, str_value);
        let esc = if key_esc { ESC_KEY } else { 0 } | value_esc;
        let prefix = key_prefix(key.as_bytes());
        match find(&self.arena, self.field_entries(), prefix, key.as_bytes()) {
            Ok(i) => {
                if let Some(e) = self.entries.get_mut(self.ntags + i) {
                    self.garbage += e.value_span().len();
                    e.set_value(value, esc);
                }
                self.regular = false;
                self.maybe_compact();
            }
            Err(i) => {
                let k = self.push(key);
                let order = self.next_order();
                self.entries
                    .insert(self.ntags + i, Entry::new(prefix, k, value, esc, order));
                self.keys_clean = false;
            }
        }
        Ok(())
    }

    /// A field's value as stored: a string (`str_value`) goes into the arena (after the
    /// caller's room check). Returns it with its ESC_VALUE bit.
    #[inline(always)]
    fn store_value(&mut self, value: Value, str_value: &str) -> (Value, u8) {
        match value {
            Value::Str(_) => {
                let esc = if string_needs_escape(str_value.as_bytes()) {
                    ESC_VALUE
                } else {
                    0
                };
                (Value::Str(self.push(str_value)), esc)
            }
            v => (v, 0),
        }
    }

    /// Set a string field (at most 1 MiB).
    pub fn field_str(&mut self, key: &str, v: &str) -> Result<()> {
        check_string_len(key, v)?;
        self.set_field(key, Value::Str(Span { start: 0, end: 0 }), v)
    }

    /// Set the timestamp, counted in `precision` units since the Unix epoch. It is written as
    /// given; `precision` travels with the point. Error if the instant is outside
    /// [i64::MIN + 2, i64::MAX - 1] nanoseconds (the server's range).
    pub fn set_time(&mut self, time: i64, precision: Precision) -> Result<()> {
        check_time(time, precision)?;
        self.time = Some(time);
        self.precision = precision;
        Ok(())
    }

    /// The tags the encoder writes, sorted by key.
    pub fn tags(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.tag_entries().iter().filter(self.live()).map(move |e| {
            (
                span_str(&self.arena, e.key()),
                span_str(&self.arena, e.value_span()),
            )
        })
    }

    /// All stored fields (including NaN/±Inf ones, which the encoder skips), sorted by key.
    pub fn fields(&self) -> impl Iterator<Item = (&str, FieldValue<'_>)> + '_ {
        self.field_entries()
            .iter()
            .filter(self.live())
            .map(move |e| (span_str(&self.arena, e.key()), self.view(e.value())))
    }

    fn view(&self, v: Value) -> FieldValue<'_> {
        match v {
            Value::F64(x) => FieldValue::F64(x),
            Value::I64(x) => FieldValue::I64(x),
            Value::U64(x) => FieldValue::U64(x),
            Value::Bool(x) => FieldValue::Bool(x),
            Value::Str(s) => FieldValue::Str(span_str(&self.arena, s)),
        }
    }

    /// Number of tags the encoder writes.
    pub fn tag_count(&self) -> usize {
        if self.filled == NORMAL {
            return self.ntags;
        }
        self.tag_entries().iter().filter(self.live()).count()
    }

    /// Number of stored fields.
    pub fn field_count(&self) -> usize {
        if self.filled == NORMAL {
            return self.field_entries().len();
        }
        self.field_entries().iter().filter(self.live()).count()
    }

    /// Encoder access: the measurement and whether it needs escaping.
    pub(crate) fn measurement_raw(&self) -> (&[u8], bool) {
        (
            span_bytes(&self.arena, self.measurement),
            self.measurement_esc,
        )
    }

    /// Encoder access: tags as raw bytes with their escaping flags.
    pub(crate) fn tags_raw(&self) -> impl Iterator<Item = RawTag<'_>> + '_ {
        // every tag entry holds a string value (see `Point::tag`)
        debug_assert!(!self.is_partial(), "encode a settled() copy");
        self.tag_entries().iter().map(move |e| RawTag {
            key: e.key_in(&self.arena),
            key_esc: e.esc() & ESC_KEY != 0,
            value: e.str_in(&self.arena),
            value_esc: e.esc() & ESC_VALUE != 0,
        })
    }

    /// Encoder access: fields with string values as raw bytes, with escaping flags.
    pub(crate) fn fields_raw(&self) -> impl Iterator<Item = (&[u8], bool, RawValue<'_>)> + '_ {
        debug_assert!(!self.is_partial(), "encode a settled() copy");
        self.field_entries().iter().map(move |e| {
            let v = match e.value() {
                Value::F64(x) => RawValue::F64(x),
                Value::I64(x) => RawValue::I64(x),
                Value::U64(x) => RawValue::U64(x),
                Value::Bool(x) => RawValue::Bool(x),
                Value::Str(_) => RawValue::Str(e.str_in(&self.arena), e.esc() & ESC_VALUE != 0),
            };
            (e.key_in(&self.arena), e.esc() & ESC_KEY != 0, v)
        })
    }

    /// Total bytes of the live strings (a size hint for the encoder).
    pub(crate) fn text_len(&self) -> usize {
        self.arena.len().saturating_sub(self.garbage)
    }

    fn maybe_compact(&mut self) {
        if self.arena.len() >= COMPACT_MIN && self.garbage > self.arena.len() / 2 {
            self.compact();
        }
    }

    /// Rewrite the arena with only the live strings.
    fn compact(&mut self) {
        let mut arena = Vec::with_capacity(self.text_len());
        let mut copy = |s: Span| -> Span {
            let start = arena.len() as u32;
            arena.extend_from_slice(span_bytes(&self.arena, s));
            Span {
                start,
                end: arena.len() as u32,
            }
        };
        self.measurement = copy(self.measurement);
        let n = self.entries.as_slice().len();
        for i in 0..n {
            if let Some(e) = self.entries.get_mut(i) {
                e.set_key(copy(e.key()));
                if let Value::Str(s) = e.value() {
                    let esc = e.esc();
                    e.set_value(Value::Str(copy(s)), esc);
                }
            }
        }
        self.arena = arena;
        self.garbage = 0;
        // the keys are no longer at the front
        self.keys_end = 0;
        self.keys_clean = false;
    }
}

/// A field value with the string as bytes and whether it needs escaping (encoder use).
#[derive(Clone, Copy, Debug)]
pub(crate) enum RawValue<'a> {
    F64(f64),
    I64(i64),
    U64(u64),
    Bool(bool),
    Str(&'a [u8], bool),
}

/// A tag as bytes with escaping flags (encoder use).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawTag<'a> {
    pub key: &'a [u8],
    pub key_esc: bool,
    pub value: &'a [u8],
    pub value_esc: bool,
}

/// Debug output is bounded: long strings are cut.
impl fmt::Debug for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Tags<'a>(&'a Point);
        impl fmt::Debug for Tags<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut m = f.debug_map();
                for (k, v) in self.0.tags().take(32) {
                    m.entry(&format_args!("{}", show(k)), &format_args!("{}", show(v)));
                }
                m.finish()
            }
        }
        struct Fields<'a>(&'a Point);
        impl fmt::Debug for Fields<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut m = f.debug_map();
                for (k, v) in self.0.fields().take(32) {
                    let k = format_args!("{}", show(k));
                    match v {
                        FieldValue::Str(s) => m.entry(&k, &format_args!("Str({})", show(s))),
                        other => m.entry(&k, &other),
                    };
                }
                m.finish()
            }
        }
        f.debug_struct("Point")
            .field("measurement", &format_args!("{}", show(self.measurement())))
            .field("tags", &Tags(self))
            .field("fields", &Fields(self))
            .field("time", &self.time())
            .field("precision", &self.precision())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(p: &Point) -> Vec<(String, String)> {
        p.tags()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn field_keys(p: &Point) -> Vec<String> {
        p.fields().map(|(k, _)| k.to_string()).collect()
    }

    #[test]
    fn precision_roundtrips() {
        for (i, p) in [Precision::Ns, Precision::Us, Precision::Ms, Precision::S]
            .into_iter()
            .enumerate()
        {
            assert_eq!(Precision::from_i32(i as i32), Some(p));
            assert_eq!(p as i32, i as i32);
            assert_eq!(Precision::parse(p.as_str()), Some(p));
            assert_eq!(Precision::parse(&p.as_str().to_uppercase()), Some(p));
        }
        assert_eq!(Precision::parse("Ms"), Some(Precision::Ms));
        assert_eq!(Precision::parse(""), None);
        assert_eq!(Precision::parse("m"), None);
        assert_eq!(Precision::parse("nss"), None);
        assert_eq!(Precision::from_i32(4), None);
        assert_eq!(Precision::from_i32(-1), None);
        assert_eq!(Precision::default(), Precision::Ns);
        assert_eq!(Precision::S.nanos_per_unit(), 1_000_000_000);
        assert_eq!(Precision::Ms.nanos_per_unit(), 1_000_000);
        assert_eq!(Precision::Us.nanos_per_unit(), 1_000);
        assert_eq!(Precision::Ns.nanos_per_unit(), 1);
    }

    #[test]
    fn measurement_rules() {
        assert_invalid_point(Point::new(""), "empty");
        assert_invalid_point(Point::new("#hash"), "'#'");
        assert_invalid_point(Point::new(&"m".repeat(MAX_KEY_LEN + 1)), "65535");
        assert!(Point::new(&"m".repeat(MAX_KEY_LEN)).is_ok());
        assert_invalid_point(Point::new("cpu\\"), "backslash");
        assert_invalid_point(Point::new("cpu\\,x"), "backslash");
        assert_invalid_point(Point::new("cpu\\ x"), "backslash");
        // '=' is not escaped in a measurement, so a backslash before it is fine
        assert_eq!(Point::new("a\\=b").unwrap().measurement(), "a\\=b");
        assert_eq!(Point::new("a#b").unwrap().measurement(), "a#b");
        assert_eq!(Point::new("c:\\x").unwrap().measurement(), "c:\\x");
    }

    #[test]
    fn tags_sorted_and_overwritten() {
        let mut p = Point::new("m").unwrap();
        p.tag("zeta", "1").unwrap();
        p.tag("alpha", "2").unwrap();
        p.tag("mid", "3").unwrap();
        p.tag("Zed", "4").unwrap(); // uppercase sorts before lowercase (byte order)
        p.tag("alpha", "22").unwrap();
        assert_eq!(
            tags(&p),
            [("Zed", "4"), ("alpha", "22"), ("mid", "3"), ("zeta", "1")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(p.tag_count(), 4);
    }

    #[test]
    fn tag_empty_key_or_value_not_kept() {
        let mut p = Point::new("m").unwrap();
        p.tag("", "warn").unwrap();
        p.tag("log", "").unwrap();
        assert_eq!(p.tag_count(), 0);
        p.tag("a", "1").unwrap();
        p.tag("b", "2").unwrap();
        p.tag("a", "").unwrap(); // removes a
        assert_eq!(tags(&p), vec![("b".to_string(), "2".to_string())]);
        // empty values are never checked (they are not written)
        p.tag("time", "").unwrap();
        p.tag("", "x\\").unwrap();
    }

    #[test]
    fn tag_errors_name_the_key() {
        let mut p = Point::new("m").unwrap();
        for k in ["_measurement", "_field", "time"] {
            assert_invalid_point(p.tag(k, "v"), k);
        }
        assert_invalid_point(p.tag("path", "C:\\"), "\"path\"");
        assert_invalid_point(p.tag("path", "a\\ b"), "backslash");
        assert_invalid_point(p.tag("path", "a\\,b"), "backslash");
        assert_invalid_point(p.tag("path", "a\\=b"), "backslash");
        assert_invalid_point(p.tag("k\\", "v"), "backslash");
        assert_invalid_point(p.tag(&"k".repeat(MAX_KEY_LEN + 1), "v"), "65535");
        assert_invalid_point(p.tag("big", &"v".repeat(MAX_KEY_LEN + 1)), "\"big\"");
        assert_eq!(p.tag_count(), 0);
        // allowed backslashes
        p.tag("path", "C:\\dir\\x").unwrap();
        p.tag("_other", "v").unwrap();
        p.tag("Time", "v").unwrap();
        assert_eq!(p.tag_count(), 3);
        // a failed overwrite keeps the old value
        assert_invalid_point(p.tag("path", "bad\\"), "path");
        assert_eq!(
            p.tags().find(|(k, _)| *k == "path").unwrap().1,
            "C:\\dir\\x"
        );
    }

    #[test]
    fn fields_sorted_overwritten_and_retyped() {
        let mut p = Point::new("m").unwrap();
        p.field_i64("b", 1).unwrap();
        p.field_str("a", "x").unwrap();
        p.field_f64("c", 1.5).unwrap();
        p.field_bool("b", true).unwrap(); // type change
        p.field_str("a", "yy").unwrap();
        p.field_u64("d", u64::MAX).unwrap();
        p.field_str("c", "now a string").unwrap();
        let got: Vec<(String, String)> = p
            .fields()
            .map(|(k, v)| (k.to_string(), format!("{v:?}")))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "Str(\"yy\")"),
                ("b", "Bool(true)"),
                ("c", "Str(\"now a string\")"),
                ("d", "U64(18446744073709551615)"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        p.field_i64("c", -7).unwrap();
        assert_eq!(p.fields().nth(2).unwrap().1, FieldValue::I64(-7));
        assert_eq!(p.field_count(), 4);
    }

    #[test]
    fn field_errors() {
        let mut p = Point::new("m").unwrap();
        assert_invalid_point(p.field_i64("", 1), "empty");
        assert_invalid_point(p.field_i64("k\\", 1), "backslash");
        assert_invalid_point(p.field_i64("k\\=x", 1), "backslash");
        assert_invalid_point(p.field_bool(&"k".repeat(MAX_KEY_LEN + 1), true), "65535");
        assert_invalid_point(
            p.field_str("big", &"x".repeat(MAX_STRING_FIELD_LEN + 1)),
            "\"big\"",
        );
        assert_eq!(p.field_count(), 0);
        p.field_str("big", &"x".repeat(MAX_STRING_FIELD_LEN))
            .unwrap();
        p.field_str("a\\b", "\\").unwrap();
        p.field_f64("time", 1.0).unwrap(); // only tag keys are reserved
        assert_eq!(p.field_count(), 3);
    }

    #[test]
    fn non_finite_floats_are_stored() {
        let mut p = Point::new("m").unwrap();
        p.field_f64("nan", f64::NAN).unwrap();
        p.field_f64("inf", f64::INFINITY).unwrap();
        assert_eq!(p.field_count(), 2);
        assert!(matches!(p.fields().next().unwrap().1, FieldValue::F64(x) if x.is_infinite()));
    }

    #[test]
    fn time_limits_at_each_precision() {
        let mut p = Point::new("m").unwrap();
        assert_eq!(p.time(), None);
        assert_eq!(p.precision(), Precision::Ns);
        p.set_time(MAX_TIME_NS, Precision::Ns).unwrap();
        p.set_time(MIN_TIME_NS, Precision::Ns).unwrap();
        assert_invalid_point(p.set_time(i64::MAX, Precision::Ns), "range");
        assert_invalid_point(p.set_time(i64::MIN, Precision::Ns), "range");
        assert_invalid_point(p.set_time(i64::MIN + 1, Precision::Ns), "range");
        assert_eq!(p.time(), Some(MIN_TIME_NS)); // unchanged by the failures
        for prec in [Precision::Us, Precision::Ms, Precision::S] {
            let n = prec.nanos_per_unit();
            let hi = MAX_TIME_NS / n;
            let lo = MIN_TIME_NS / n;
            p.set_time(hi, prec).unwrap();
            assert_eq!((p.time(), p.precision()), (Some(hi), prec));
            p.set_time(lo, prec).unwrap();
            assert_invalid_point(p.set_time(hi + 1, prec), "range");
            assert_invalid_point(p.set_time(lo - 1, prec), "range");
            assert_invalid_point(p.set_time(i64::MAX, prec), "range");
            assert_invalid_point(p.set_time(i64::MIN, prec), "range");
            assert_eq!((p.time(), p.precision()), (Some(lo), prec));
        }
        assert_eq!(MAX_TIME_NS / 1_000_000_000, 9_223_372_036);
        p.set_time(0, Precision::Ms).unwrap();
        p.clear_time();
        assert_eq!(p.time(), None);
        assert_eq!(p.precision(), Precision::Ms);
    }

    #[test]
    fn clear_reuses_allocations() {
        let mut p = Point::new("cpu").unwrap();
        p.tag("host", "a").unwrap();
        p.field_str("s", &"x".repeat(1000)).unwrap();
        p.set_time(5, Precision::S).unwrap();
        let cap = p.d().arena.capacity();
        assert_invalid_point(p.clear(""), "empty");
        assert_eq!(p.measurement(), "cpu"); // unchanged on error
        assert_eq!(p.tag_count(), 1);
        p.clear("mem").unwrap();
        assert_eq!(p.measurement(), "mem");
        assert_eq!((p.tag_count(), p.field_count(), p.time()), (0, 0, None));
        assert_eq!(p.precision(), Precision::Ns);
        assert_eq!(p.d().arena.capacity(), cap);
        assert!(matches!(p.d().entries, Entries::Inline { .. }));
        p.tag("host", "b").unwrap();
        assert_eq!(tags(&p), vec![("host".to_string(), "b".to_string())]);
    }

    #[test]
    fn overwrites_compact_the_arena() {
        let mut p = Point::new("m").unwrap();
        p.tag("t", "v").unwrap();
        p.field_i64("z", 1).unwrap();
        for i in 0..2000 {
            p.field_str("s", &format!("{i:0>100}")).unwrap();
            p.tag("t", &format!("{i:0>50}")).unwrap();
        }
        assert!(
            p.d().arena.len() < 3 * COMPACT_MIN,
            "arena grew to {}",
            p.d().arena.len()
        );
        assert_eq!(p.measurement(), "m");
        assert_eq!(tags(&p), vec![("t".to_string(), format!("{:0>50}", 1999))]);
        assert_eq!(field_keys(&p), ["s", "z"]);
        assert_eq!(
            p.fields().next().unwrap().1,
            FieldValue::Str(&format!("{:0>100}", 1999))
        );
        // removing tags also counts as garbage
        for i in 0..200 {
            p.tag(&format!("k{i:0>60}"), &"v".repeat(60)).unwrap();
        }
        for i in 0..200 {
            p.tag(&format!("k{i:0>60}"), "").unwrap();
        }
        assert!(p.d().arena.len() < 3 * COMPACT_MIN);
        assert_eq!(p.tag_count(), 1);
        assert!(p.text_len() <= p.d().arena.len());
    }

    #[test]
    fn debug_is_bounded() {
        let mut p = Point::new("m").unwrap();
        p.field_str("big", &"x".repeat(MAX_STRING_FIELD_LEN))
            .unwrap();
        p.tag("t", &"y".repeat(10_000)).unwrap();
        let s = format!("{p:?}");
        assert!(s.len() < 1000, "{}", s.len());
        assert!(s.contains("\"big\""));
    }

    #[test]
    fn plain_scans_match_bytewise_definition() {
        let naive_plain = |s: &[u8]| s.iter().all(|&b| b > b' ' && !b",=\\".contains(&b));
        let naive_str = |s: &[u8]| s.iter().any(|&b| b == b'"' || b == b'\\');
        for len in 0..20usize {
            for pos in 0..len.max(1) {
                for b in 0..=255u8 {
                    let mut s = vec![b'a'; len];
                    if let Some(x) = s.get_mut(pos) {
                        *x = b;
                    }
                    assert_eq!(
                        is_plain(&s),
                        naive_plain(&s),
                        "len {len} pos {pos} byte {b}"
                    );
                    assert_eq!(
                        string_needs_escape(&s),
                        naive_str(&s),
                        "len {len} pos {pos} byte {b}"
                    );
                    // with a high byte next to it (UTF-8 continuation bytes are plain)
                    if let Some(x) = s.get_mut(pos + 1) {
                        *x = 0x80;
                    }
                    assert_eq!(
                        is_plain(&s),
                        naive_plain(&s),
                        "len {len} pos {pos} byte {b} +0x80"
                    );
                    let mut padded = [0u8; 8];
                    for (d, x) in padded.iter_mut().zip(&s) {
                        *d = *x;
                    }
                    assert_eq!(
                        key_prefix(&s),
                        u64::from_be_bytes(padded),
                        "len {len} pos {pos} byte {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn matches_a_btreemap_model() {
        use std::collections::BTreeMap;
        // keys sharing 8-byte prefixes, NUL bytes, short and long keys, spill past INLINE
        let keys = [
            "a",
            "ab",
            "ab\0",
            "ab\0\0",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefgh0",
            "abcdefgh1",
            "abcdefgi",
            "abcdefg",
            "b",
            "zzzzzzzzzzzz",
            "zzzzzzzzzzzy",
            "\u{7f}",
            "é",
            "ée",
            "k1",
            "k2",
            "k3",
            "k4",
            "k5",
            "k6",
            "k7",
            "k8",
            "k9",
            "k10",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..40 {
            let mut p = Point::new("m").unwrap();
            let mut tags = BTreeMap::new();
            let mut fields = BTreeMap::new();
            for step in 0..(20 + round * 5) {
                let k = keys[rnd(keys.len())];
                match rnd(4) {
                    0 => {
                        let v = if rnd(5) == 0 {
                            String::new()
                        } else {
                            format!("v{step}")
                        };
                        p.tag(k, &v).unwrap();
                        if v.is_empty() {
                            tags.remove(k);
                        } else {
                            tags.insert(k.to_string(), v);
                        }
                    }
                    1 => {
                        p.field_i64(k, step as i64).unwrap();
                        fields.insert(k.to_string(), format!("{:?}", FieldValue::I64(step as i64)));
                    }
                    2 => {
                        let v = format!("s{step}");
                        p.field_str(k, &v).unwrap();
                        fields.insert(k.to_string(), format!("{:?}", FieldValue::Str(&v)));
                    }
                    _ => {
                        p.field_bool(k, step % 2 == 0).unwrap();
                        fields.insert(
                            k.to_string(),
                            format!("{:?}", FieldValue::Bool(step % 2 == 0)),
                        );
                    }
                }
                let got_tags: Vec<(String, String)> = p
                    .tags()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                let want_tags: Vec<(String, String)> = tags.clone().into_iter().collect();
                assert_eq!(got_tags, want_tags, "round {round} step {step}");
                let got_fields: Vec<(String, String)> = p
                    .fields()
                    .map(|(k, v)| (k.to_string(), format!("{v:?}")))
                    .collect();
                let want_fields: Vec<(String, String)> = fields.clone().into_iter().collect();
                assert_eq!(got_fields, want_fields, "round {round} step {step}");
                assert_eq!(p.tag_count(), tags.len());
                assert_eq!(p.field_count(), fields.len());
            }
        }
    }

    /// Shape reuse (`clear`) must be invisible: a cleared point given a sequence of setter
    /// calls reads and encodes exactly like a new point given the same calls, whether the
    /// calls repeat the previous point's, stop early, diverge anywhere, or repeat keys.
    #[test]
    fn reused_point_is_indistinguishable_from_a_new_one() {
        #[derive(Clone, Debug)]
        enum Op {
            Tag(&'static str, &'static str),
            F64(&'static str, f64),
            I64(&'static str, i64),
            Bool(&'static str, bool),
            Str(&'static str, &'static str),
        }
        // short keys, keys sharing 8-byte prefixes, keys needing escaping, invalid keys
        let keys = [
            "host",
            "region",
            "a",
            "ok",
            "count",
            "usage_user",
            "usage_usex",
            "usage_system",
            "k ey",
            "k=y",
            "x,y",
            "time",
            "_field",
            "",
            "longer_key_name_01",
            "é",
        ];
        let values = ["v", "server-1", "us west", "a=b", "", "tail\\", "q\"x", "é"];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let random_op = |rnd: &mut dyn FnMut(usize) -> usize| {
            let k = keys[rnd(keys.len())];
            match rnd(5) {
                0 => Op::Tag(k, values[rnd(values.len())]),
                1 => Op::F64(k, rnd(1000) as f64 * 0.37),
                2 => Op::I64(k, rnd(1000) as i64 - 500),
                3 => Op::Bool(k, rnd(2) == 0),
                _ => Op::Str(k, values[rnd(values.len())]),
            }
        };
        let apply = |p: &mut Point, op: &Op| -> std::result::Result<(), String> {
            match *op {
                Op::Tag(k, v) => p.tag(k, v),
                Op::F64(k, v) => p.field_f64(k, v),
                Op::I64(k, v) => p.field_i64(k, v),
                Op::Bool(k, v) => p.field_bool(k, v),
                Op::Str(k, v) => p.field_str(k, v),
            }
            .map_err(|e| e.message)
        };
        let state = |p: &Point| {
            let mut line = Vec::new();
            let enc = encode_point(p, &[], &mut line).map_err(|e| e.message);
            let tags: Vec<(String, String)> = p
                .tags()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let fields: Vec<(String, String)> = p
                .fields()
                .map(|(k, v)| (k.to_string(), format!("{v:?}")))
                .collect();
            (
                String::from_utf8_lossy(&line).into_owned(),
                enc,
                tags,
                fields,
                p.tag_count(),
                p.field_count(),
                format!("{p:?}"),
            )
        };
        // a typical shape to start from, then random edits of the previous sequence
        let typical = vec![
            Op::Tag("host", "server-1"),
            Op::Tag("region", "us-west"),
            Op::F64("usage_user", 1.5),
            Op::F64("usage_system", 0.5),
            Op::I64("count", 3),
            Op::Bool("ok", true),
        ];
        let mut ops = typical.clone();
        let mut reused = Point::new("m").unwrap();
        let mut hits = 0;
        for round in 0..3000 {
            let measurement = if rnd(8) == 0 { "other" } else { "m" };
            match rnd(10) {
                0..=4 => {
                    // same keys, new values
                    for op in ops.iter_mut() {
                        if let Op::F64(_, v) = op {
                            *v = rnd(1000) as f64 * 0.11;
                        }
                    }
                }
                5 => ops.truncate(rnd(ops.len() + 1)),
                6 if !ops.is_empty() => {
                    let i = rnd(ops.len());
                    ops[i] = random_op(&mut rnd);
                }
                7 => {
                    let i = rnd(ops.len() + 1);
                    ops.insert(i, random_op(&mut rnd));
                }
                8 if ops.len() >= 2 => {
                    let (i, j) = (rnd(ops.len()), rnd(ops.len()));
                    ops.swap(i, j);
                }
                9 => ops = typical.clone(),
                _ => {
                    ops = (0..rnd(12)).map(|_| random_op(&mut rnd)).collect();
                }
            }
            // mostly within INLINE entries (shapes), sometimes past it
            ops.truncate(if rnd(4) == 0 { 12 } else { 8 });
            let was_shaped = {
                reused.clear(measurement).unwrap();
                reused.is_partial()
            };
            let mut fresh = Point::allocate(measurement).unwrap(); // never recycled
            let check_at = rnd(ops.len() + 1);
            for (i, op) in ops.iter().enumerate() {
                if i == check_at {
                    assert_eq!(
                        state(&reused),
                        state(&fresh),
                        "round {round}, before op {i}: {ops:?}"
                    );
                }
                let (a, b) = (apply(&mut reused, op), apply(&mut fresh, op));
                assert_eq!(a, b, "round {round}, op {i}: {ops:?}");
            }
            assert_eq!(state(&reused), state(&fresh), "round {round}: {ops:?}");
            if was_shaped {
                hits += 1;
            }
        }
        // the shape path was exercised, not just the new-point path
        assert!(
            hits > 1000,
            "only {hits} of 3000 rounds started from a shape"
        );
    }

    #[test]
    fn unicode_keys_sort_by_bytes() {
        let mut p = Point::new("weather").unwrap();
        p.tag("ž", "1").unwrap();
        p.tag("z", "2").unwrap();
        p.tag("location", "Přerov").unwrap();
        let keys: Vec<&str> = p.tags().map(|(k, _)| k).collect();
        assert_eq!(keys, ["location", "z", "ž"]);
    }
}
