//! Line buffers: points encoded straight into line protocol as they are described.
//!
//! A [`LineBuffer`] holds complete lines (joined by `\n`) and at most one open line. A line
//! is opened by [`LineBuffer::begin`] (the measurement), filled with tags and fields, and
//! finished by [`LineBuffer::end_at`] (with a timestamp) or [`LineBuffer::end`] (the
//! server's clock). Each call validates its arguments and writes their line-protocol text
//! at once, so there is no point object to build, encode and free, and a whole buffer goes
//! to a write API in one call ([`crate::write::WriteApi::write_lines`]).
//!
//! The text is byte for byte what [`crate::point::encode_point`] writes for a
//! [`crate::point::Point`] given the same calls: same validation and error messages, tags and
//! fields sorted by key, the last value of a key wins, empty tag keys and values and
//! non-finite floats are not written, default tags win over the line's own. Keys given in
//! ascending order cost one comparison each; any other order is moved into place.
//!
//! A [`Shape`] fixes a measurement, tag keys and typed field keys, checked, escaped and sorted
//! once; [`LineBuffer::row`] then writes a whole line from values alone (one call per point,
//! the fastest path), with the same text and rules as the calls.
//!
//! A call that returns an error changes nothing (the open line stays as it was).
//!
//! Storage: `buf[..end]` is written, the rest of `buf` is room that the writers fill through a
//! `Tail` (no per-byte capacity checks). A write API may take the storage as it is

mod packed;
mod shape;

pub use packed::Packer;

pub use crate::types::FieldType;
pub(crate) use shape::RowValues;
pub use shape::Shape;

use crate::error::{Error, Result};
use crate::lp::put::{self, TimeCache};
use crate::lp::rules::{self, nothing_to_write, series_key_too_long, MAX_KEY_LEN};
use crate::lp::sink::{Tail, TAIL_SLACK};
use crate::lp::tags::DefaultTags;
use crate::types::{FieldValue, Precision};
use std::sync::Arc;

/// One tag or field of the open line: `,key=value` at `at` (relative to the line's start).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    at: usize,
    /// Bytes of the whole entry, including its leading `,`.
    len: usize,
    /// Bytes of the key as written (escaped).
    key_len: usize,
    /// Where the unescaped key is kept in `raw_keys` when it was escaped (`NO_RAW` otherwise:
    /// the written bytes are the key).
    raw_at: usize,
    raw_len: usize,
    /// A default tag: the line's own tag of the same key does not replace it.
    fixed: bool,
}

pub(crate) const NO_RAW: usize = usize::MAX;

/// From this many fields on, a field out of key order is appended and the fields are sorted
/// when the line ends (inserting each in its place would move the text after it: O(n²) for
/// keys in descending order). Below it, and for keys in order, every field goes in its place.
const SORT_AT_END_MIN: usize = 64;

/// `a < b` as byte strings, deciding by the first 8 bytes when they differ (no `memcmp`).
#[inline(always)]
pub(crate) fn key_less(a: &[u8], b: &[u8]) -> bool {
    let (pa, pb) = (rules::key_prefix(a), rules::key_prefix(b));
    if pa != pb {
        return pa < pb;
    }
    a < b
}

/// Encodes points straight into line protocol; see the module documentation.
/// Not thread-safe (`&mut self`); memory grows with the lines held and is kept by
/// [`LineBuffer::clear`] for reuse.
#[derive(Clone)]
pub struct LineBuffer {
    /// Storage: `buf[..end]` is written, the rest is room (zeroed once, reused).
    buf: Vec<u8>,
    end: usize,
    /// `buf[..done]` are the complete lines.
    done: usize,
    lines: usize,
    precision: Precision,
    open: bool,
    /// Start of the open line in `buf` (after the `\n` that separates it from the last).
    start: usize,
    meas_len: usize,
    /// Bytes of all tag entries / field entries of the open line.
    tags_len: usize,
    fields_len: usize,
    tags: Vec<Entry>,
    fields: Vec<Entry>,
    /// The open line's fields are in the order given, not sorted, and may repeat a key: set
    /// once a line has [`SORT_AT_END_MIN`] fields and one comes out of key order; they are
    /// sorted (the last value of a key kept) when the line ends.
    fields_unsorted: bool,
    /// Unescaped keys (and the measurement) of the open line that had to be escaped.
    raw_keys: Vec<u8>,
    /// Unescaped measurement in `raw_keys` (`NO_RAW`: the written bytes are the measurement).
    meas_raw: (usize, usize),
    /// A NaN/±Inf float was given on the open line (for the "nothing to write" message).
    nonfinite: bool,
    /// Default tags as given (compared with a write API's), and in force: sorted, unique.
    defaults: Arc<DefaultTags>,
    /// High digits of the last timestamp written.
    time_cache: TimeCache,
    /// Floats and booleans as the seed's DataFrame writer prints them ([`LineBuffer::set_frame_text`]).
    frame_text: bool,
    /// Bytes of complete lines the last time the storage was handed over.
    last_size: usize,
}

impl std::fmt::Debug for LineBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineBuffer")
            .field("lines", &self.lines)
            .field("bytes", &self.done)
            .field("precision", &self.precision)
            .field("line_open", &self.open)
            .finish()
    }
}

#[cold]
#[inline(never)]
pub(crate) fn no_open_line() -> Error {
    Error::invalid_argument("no line is open: call begin (influx_lines_begin) first")
}

#[cold]
#[inline(never)]
pub(crate) fn line_still_open() -> Error {
    Error::invalid_argument(
        "the previous line is not finished: end it (influx_lines_end / influx_lines_end_at) \
         or drop it (influx_lines_discard_line)",
    )
}

impl LineBuffer {
    /// An empty buffer whose timestamps are in `precision`, without default tags.
    pub fn new(precision: Precision) -> LineBuffer {
        LineBuffer {
            buf: Vec::new(),
            end: 0,
            done: 0,
            lines: 0,
            precision,
            open: false,
            start: 0,
            meas_len: 0,
            tags_len: 0,
            fields_len: 0,
            tags: Vec::new(),
            fields: Vec::new(),
            fields_unsorted: false,
            raw_keys: Vec::new(),
            meas_raw: (NO_RAW, 0),
            nonfinite: false,
            defaults: Arc::new(DefaultTags::none()),
            time_cache: TimeCache::default(),
            frame_text: false,
            last_size: 0,
        }
    }

    /// An empty buffer that adds `default_tags` to every line (they win over the line's own
    /// tags of the same key; an empty value removes the line's tag), as a write API does for
    /// points. Errors: an invalid default tag (as the encoder reports it).
    pub fn with_default_tags(
        precision: Precision,
        default_tags: &[(String, String)],
    ) -> Result<LineBuffer> {
        Ok(LineBuffer::with_defaults(
            precision,
            Arc::new(DefaultTags::new(default_tags)?),
        ))
    }

    /// An empty buffer with default tags prepared once (a write API's, shared).
    pub fn with_defaults(precision: Precision, defaults: Arc<DefaultTags>) -> LineBuffer {
        let mut lb = LineBuffer::new(precision);
        lb.defaults = defaults;
        lb
    }

    /// The default tags this buffer was made with, as given.
    pub fn default_tags(&self) -> &[(String, String)] {
        self.defaults.given()
    }

    /// The default tags this buffer adds, prepared.
    pub fn defaults(&self) -> &Arc<DefaultTags> {
        &self.defaults
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Complete lines held.
    pub fn lines(&self) -> usize {
        self.lines
    }

    /// The complete lines, joined by `\n` (no trailing newline); empty if there are none.
    pub fn data(&self) -> &[u8] {
        &self.buf[..self.done]
    }

    /// Whether a line is open (begun and not yet ended or discarded).
    pub fn is_line_open(&self) -> bool {
        self.open
    }

    /// Write the fields of the lines added from now on as the seed's DataFrame writer prints
    /// them (`str()` of each value): floats keep Python's `.0` (`30.0`, `-0.0`; `1e+16` as
    /// is) and booleans are `True` / `False` — the same values for InfluxDB as the default
    /// text (`30`, `true`), which is the seed's `Point` text. Off by default.
    pub fn set_frame_text(&mut self, on: bool) {
        self.frame_text = on;
    }

    /// Whether [`LineBuffer::set_frame_text`] is on.
    pub fn frame_text(&self) -> bool {
        self.frame_text
    }

    /// Drop every line (complete and open); the memory is kept for reuse.
    pub fn clear(&mut self) {
        self.end = 0;
        self.done = 0;
        self.lines = 0;
        self.open = false;
    }

    /// Where the complete lines end now, for [`LineBuffer::truncate_to`].
    pub(crate) fn mark(&self) -> (usize, usize) {
        (self.done, self.lines)
    }

    /// Drop the complete lines added after `mark` (no line may be open).
    pub(crate) fn truncate_to(&mut self, mark: (usize, usize)) {
        debug_assert!(!self.open);
        self.end = mark.0;
        self.done = mark.0;
        self.lines = mark.1;
    }

    /// Drop the open line, if any; complete lines stay.
    pub fn discard_line(&mut self) {
        self.end = self.done;
        self.open = false;
    }

    /// The complete lines as a `Vec` of exactly [`LineBuffer::data`], taking the storage; the
    /// buffer gets storage back from [`LineBuffer::restore_data`] (the lines are kept) or
    /// [`LineBuffer::clear_with_storage`]. No line may be open.
    pub(crate) fn take_data(&mut self) -> Vec<u8> {
        debug_assert!(!self.open);
        self.buf.truncate(self.done);
        self.last_size = self.done;
        std::mem::take(&mut self.buf)
    }

    /// Put back what [`LineBuffer::take_data`] returned (nothing was written).
    pub(crate) fn restore_data(&mut self, data: Vec<u8>) {
        self.buf = data;
        self.end = self.done;
    }

    /// Empty the buffer and continue in `storage` (its contents are ignored; its length is
    /// reused as room without zeroing it again).
    pub(crate) fn clear_with_storage(&mut self, storage: Vec<u8>) {
        self.clear();
        self.buf = storage;
    }

    /// Make room for `n` more bytes (plus the writers' slack) and return the writer.
    #[inline(always)]
    fn tail(&mut self, n: usize) -> Tail<'_> {
        let need = self.end + n + TAIL_SLACK;
        if self.buf.len() < need {
            self.grow(need);
        }
        Tail {
            b: &mut self.buf,
            n: self.end,
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, need: usize) {
        // after handing its storage over, start at the size that was handed over (one
        // allocation instead of a doubling chain)
        let first = if self.buf.capacity() == 0 {
            self.last_size + self.last_size / 8
        } else {
            0
        };
        let mut len = need.max(self.buf.len() * 2).max(4096).max(first);
        if self.buf.capacity() >= need {
            // storage handed back by a write API: zero only what is needed of its room
            len = len.min(self.buf.capacity());
        }
        self.buf.resize(len, 0);
    }

    /// Open a new line for `measurement` (rules as [`crate::point::Point::new`]).
    /// Error if a line is already open.
    pub fn begin(&mut self, measurement: &str) -> Result<()> {
        if self.open {
            return Err(line_still_open());
        }
        let esc = rules::check_measurement(measurement)?;
        let sep = self.lines > 0;
        let mut t = self.tail(1 + 2 * measurement.len());
        if sep {
            put::byte(b'\n', &mut t);
        }
        let start = t.n;
        put::measurement(measurement.as_bytes(), esc, &mut t);
        let end = t.n;
        self.start = start;
        self.end = end;
        self.meas_len = end - start;
        self.tags_len = 0;
        self.fields_len = 0;
        self.tags.clear();
        self.fields.clear();
        self.fields_unsorted = false;
        self.raw_keys.clear();
        self.meas_raw = (NO_RAW, 0);
        if esc {
            self.meas_raw = (0, measurement.len());
            self.raw_keys.extend_from_slice(measurement.as_bytes());
        }
        self.nonfinite = false;
        self.open = true;
        if !self.defaults.is_empty() {
            let defaults = Arc::clone(&self.defaults);
            for d in defaults.tags().iter().filter(|d| !d.value.is_empty()) {
                self.place(true, &d.key, d.key_esc, true, 2 * d.value.len(), |out| {
                    put::key(d.value.as_bytes(), d.value_esc, out)
                });
            }
        }
        Ok(())
    }

    #[inline(always)]
    fn need_open(&self) -> Result<()> {
        if self.open {
            Ok(())
        } else {
            Err(no_open_line())
        }
    }

    /// Set a tag on the open line (rules as [`crate::point::Point::tag`]).
    #[inline(always)]
    pub fn tag(&mut self, key: &str, value: &str) -> Result<()> {
        self.need_open()?;
        if key.is_empty() {
            return Ok(());
        }
        if value.is_empty() {
            self.remove(true, key.as_bytes());
            return Ok(());
        }
        let key_esc = rules::check_tag_key(key)?;
        let value_esc = rules::check_tag_value(key, value)?;
        if !self.defaults.is_empty() && self.forced_absent(key) {
            return Ok(());
        }
        self.place(true, key, key_esc, false, 2 * value.len(), |out| {
            put::key(value.as_bytes(), value_esc, out)
        });
        Ok(())
    }

    /// Set a float field. NaN and ±Inf are not written (and remove an earlier value of the key).
    #[inline(always)]
    pub fn field_f64(&mut self, key: &str, v: f64) -> Result<()> {
        self.need_open()?;
        let key_esc = rules::check_field_key(key)?;
        if !v.is_finite() {
            self.nonfinite = true;
            self.remove(false, key.as_bytes());
            return Ok(());
        }
        if self.frame_text {
            self.place(false, key, key_esc, false, 32, |out| {
                put::frame_value(FieldValue::F64(v), out)
            });
            return Ok(());
        }
        self.place(false, key, key_esc, false, 32, |out| {
            put::value(FieldValue::F64(v), out)
        });
        Ok(())
    }

    /// Set a signed integer field (written with suffix `i`).
    #[inline(always)]
    pub fn field_i64(&mut self, key: &str, v: i64) -> Result<()> {
        self.need_open()?;
        let key_esc = rules::check_field_key(key)?;
        self.place(false, key, key_esc, false, 24, |out| {
            put::value(FieldValue::I64(v), out)
        });
        Ok(())
    }

    /// Set an unsigned integer field (written with suffix `u`).
    #[inline(always)]
    pub fn field_u64(&mut self, key: &str, v: u64) -> Result<()> {
        self.need_open()?;
        let key_esc = rules::check_field_key(key)?;
        self.place(false, key, key_esc, false, 24, |out| {
            put::value(FieldValue::U64(v), out)
        });
        Ok(())
    }

    #[inline(always)]
    pub fn field_bool(&mut self, key: &str, v: bool) -> Result<()> {
        self.need_open()?;
        let key_esc = rules::check_field_key(key)?;
        if self.frame_text {
            self.place(false, key, key_esc, false, 5, |out| {
                put::frame_value(FieldValue::Bool(v), out)
            });
            return Ok(());
        }
        self.place(false, key, key_esc, false, 5, |out| {
            put::value(FieldValue::Bool(v), out)
        });
        Ok(())
    }

    /// Set a string field (at most 1 MiB).
    pub fn field_str(&mut self, key: &str, v: &str) -> Result<()> {
        self.need_open()?;
        rules::check_string_len(key, v)?;
        let key_esc = rules::check_field_key(key)?;
        self.place(false, key, key_esc, false, 2 + 2 * v.len(), |out| {
            put::value(FieldValue::Str(v), out)
        });
        Ok(())
    }

    /// Set a field of any type (the typed setter of `v`'s type).
    pub(crate) fn field(&mut self, key: &str, v: FieldValue<'_>) -> Result<()> {
        match v {
            FieldValue::F64(x) => self.field_f64(key, x),
            FieldValue::I64(x) => self.field_i64(key, x),
            FieldValue::U64(x) => self.field_u64(key, x),
            FieldValue::Bool(x) => self.field_bool(key, x),
            FieldValue::Str(x) => self.field_str(key, x),
        }
    }

    /// Finish the open line with `time` in the buffer's precision (range as
    /// [`crate::point::Point::set_time`]). Errors (the line stays open): time out of range,
    /// no field to write, series key longer than 65535 bytes.
    #[inline(always)]
    pub fn end_at(&mut self, time: i64) -> Result<()> {
        self.need_open()?;
        rules::check_time(time, self.precision)?;
        self.finish()?;
        let mut cache = self.time_cache;
        let mut t = self.tail(32);
        put::byte(b' ', &mut t);
        put::time(time, &mut cache, &mut t);
        self.end = t.n;
        self.time_cache = cache;
        self.close_line();
        Ok(())
    }

    /// Finish the open line without a timestamp (the server uses its clock). Errors as
    /// [`LineBuffer::end_at`].
    pub fn end(&mut self) -> Result<()> {
        self.need_open()?;
        self.finish()?;
        self.close_line();
        Ok(())
    }

    /// Check the open line is complete and turn its first field's `,` into the space.
    #[inline(always)]
    fn finish(&mut self) -> Result<()> {
        if self.fields_unsorted {
            self.sort_fields();
        }
        if self.meas_len + self.tags_len > MAX_KEY_LEN {
            return Err(series_key_too_long(&self.measurement_lossy()));
        }
        if self.fields.is_empty() {
            return Err(nothing_to_write(&self.measurement_lossy(), self.nonfinite));
        }
        let sep = self.start + self.meas_len + self.tags_len;
        if let Some(b) = self.buf.get_mut(sep) {
            *b = b' ';
        }
        Ok(())
    }

    #[inline(always)]
    fn close_line(&mut self) {
        self.done = self.end;
        self.lines += 1;
        self.open = false;
    }

    /// The open line's measurement as given (for error messages).
    #[cold]
    fn measurement_lossy(&self) -> String {
        let bytes = match self.meas_raw {
            (NO_RAW, _) => &self.buf[self.start..self.start + self.meas_len],
            (at, len) => &self.raw_keys[at..at + len],
        };
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// The key of `e` as given.
    #[inline(always)]
    fn raw_key(&self, e: &Entry) -> &[u8] {
        if e.raw_at == NO_RAW {
            let at = self.start + e.at + 1;
            &self.buf[at..at + e.key_len]
        } else {
            &self.raw_keys[e.raw_at..e.raw_at + e.raw_len]
        }
    }

    /// A default tag with an empty value names `key`: the line's own tag is not written.
    #[cold]
    fn forced_absent(&self, key: &str) -> bool {
        self.defaults
            .tags()
            .iter()
            .any(|d| d.value.is_empty() && d.key == key)
    }

    /// Write `,key=value` (the value by `value`) into its sorted place in the tags
    /// (`is_tag`) or fields of the open line, replacing the entry of an equal key unless that
    /// is a default tag (`fixed`) and this one is not.
    #[inline(always)]
    fn place(
        &mut self,
        is_tag: bool,
        key: &str,
        key_esc: bool,
        fixed: bool,
        value_max: usize,
        value: impl FnOnce(&mut Tail<'_>),
    ) {
        let new_at = self.end;
        let mut t = self.tail(2 + 2 * key.len() + value_max);
        put::byte(b',', &mut t);
        put::key(key.as_bytes(), key_esc, &mut t);
        let key_len = t.n - new_at - 1;
        put::byte(b'=', &mut t);
        value(&mut t);
        let end = t.n;
        self.end = end;
        let len = end - new_at;
        let (raw_at, raw_len) = if key_esc {
            (self.raw_keys.len(), key.len())
        } else {
            (NO_RAW, 0)
        };
        let entry = Entry {
            at: new_at - self.start,
            len,
            key_len,
            raw_at,
            raw_len,
            fixed,
        };
        if key_esc {
            self.raw_keys.extend_from_slice(key.as_bytes());
        }
        // Fast path: after the section's last key (always for fields written in key order).
        let entries = if is_tag { &self.tags } else { &self.fields };
        let after_last = match entries.last() {
            None => true,
            Some(last) => key_less(self.raw_key(last), key.as_bytes()),
        };
        if after_last && (!is_tag || self.fields.is_empty()) {
            if is_tag {
                self.tags_len += len;
                self.tags.push(entry);
            } else {
                self.fields_len += len;
                self.fields.push(entry);
            }
            return;
        }
        if !is_tag && (self.fields_unsorted || self.fields.len() >= SORT_AT_END_MIN) {
            // Many fields: append now (it is already at the end), sort when the line ends.
            self.fields_unsorted = true;
            self.fields_len += len;
            self.fields.push(entry);
            return;
        }
        self.place_slow(is_tag, key.as_bytes(), entry, after_last);
    }

    /// Sort the fields of the open line by key, keeping the last value given for each key,
    /// and write their text in that order (see `fields_unsorted`).
    #[cold]
    #[inline(never)]
    fn sort_fields(&mut self) {
        self.fields_unsorted = false;
        let fields = std::mem::take(&mut self.fields);
        let mut order: Vec<usize> = (0..fields.len()).collect();
        // stable: of equal keys, the one given last stays last
        order.sort_by(|&a, &b| self.raw_key(&fields[a]).cmp(self.raw_key(&fields[b])));
        let base = self.meas_len + self.tags_len;
        let mut text = Vec::with_capacity(self.fields_len);
        let mut kept = Vec::with_capacity(fields.len());
        for (j, &i) in order.iter().enumerate() {
            let e = fields[i];
            let replaced = order
                .get(j + 1)
                .is_some_and(|&n| self.raw_key(&fields[n]) == self.raw_key(&e));
            if replaced || e.len == 0 {
                continue; // a later value, or a removal mark (NaN), decides this key
            }
            let from = self.start + e.at;
            kept.push(Entry {
                at: base + text.len(),
                ..e
            });
            text.extend_from_slice(&self.buf[from..from + e.len]);
        }
        let from = self.start + base;
        self.buf[from..from + text.len()].copy_from_slice(&text);
        self.end = from + text.len();
        self.fields_len = text.len();
        self.fields = kept;
    }

    /// [`LineBuffer::place`] when the new entry (written at the end of `buf`) has to move
    /// before other entries or replace one.
    #[cold]
    #[inline(never)]
    fn place_slow(&mut self, is_tag: bool, key: &[u8], mut entry: Entry, after_last: bool) {
        let entries = if is_tag { &self.tags } else { &self.fields };
        let (index, equal) = if after_last {
            (entries.len(), false)
        } else {
            let mut i = 0;
            let mut equal = false;
            while let Some(e) = entries.get(i) {
                match self.raw_key(e).cmp(key) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Equal => {
                        equal = true;
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            (i, equal)
        };
        if equal {
            let old = entries[index];
            if old.fixed && !entry.fixed {
                // A default tag wins: the line's own value is not written.
                self.end = self.start + entry.at;
                return;
            }
            self.cut(is_tag, index);
            entry.at -= old.len;
        }
        let entries = if is_tag { &self.tags } else { &self.fields };
        let dest = match entries.get(index) {
            Some(e) => e.at,
            // end of the section: for tags, where the fields begin
            None if is_tag => self.meas_len + self.tags_len,
            None => entry.at,
        };
        if dest != entry.at {
            self.buf[self.start + dest..self.end].rotate_right(entry.len);
            self.shift_from(dest, entry.len as isize);
            entry.at = dest;
        }
        if is_tag {
            self.tags_len += entry.len;
            self.tags.insert(index, entry);
        } else {
            self.fields_len += entry.len;
            self.fields.insert(index, entry);
        }
    }

    /// Remove the entry of `key` from the tags or fields, unless it is a default tag.
    fn remove(&mut self, is_tag: bool, key: &[u8]) {
        if !is_tag && self.fields_unsorted {
            // Unsorted fields: a mark that removes the key's earlier values when the fields
            // are sorted (no text; the key is kept in `raw_keys`).
            self.fields.push(Entry {
                at: self.end - self.start,
                len: 0,
                key_len: 0,
                raw_at: self.raw_keys.len(),
                raw_len: key.len(),
                fixed: false,
            });
            self.raw_keys.extend_from_slice(key);
            return;
        }
        let entries = if is_tag { &self.tags } else { &self.fields };
        let found = entries
            .iter()
            .position(|e| self.raw_key(e) == key)
            .filter(|&i| !entries[i].fixed);
        if let Some(i) = found {
            self.cut(is_tag, i);
        }
    }

    /// Take entry `index` out of the line (its bytes and its record).
    fn cut(&mut self, is_tag: bool, index: usize) {
        let e = if is_tag {
            self.tags.remove(index)
        } else {
            self.fields.remove(index)
        };
        let from = self.start + e.at;
        self.buf.copy_within(from + e.len..self.end, from);
        self.end -= e.len;
        self.shift_from(e.at, -(e.len as isize));
        if is_tag {
            self.tags_len -= e.len;
        } else {
            self.fields_len -= e.len;
        }
    }

    /// Move every entry at or after `at` by `by` bytes.
    fn shift_from(&mut self, at: usize, by: isize) {
        for e in self.tags.iter_mut().chain(self.fields.iter_mut()) {
            if e.at >= at {
                e.at = e.at.wrapping_add_signed(by);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;
    use crate::point::encode_point;
    use crate::point::Point;

    fn one_line(lb: &LineBuffer) -> String {
        String::from_utf8(lb.data().to_vec()).unwrap()
    }

    /// Many fields in descending, ascending and mixed order, with repeated keys and NaN
    /// (which removes a key), past the sort-at-end threshold: the same line as the point
    /// built by the same calls, and in linear-ish time (100,000 fields in descending order
    /// took seconds when every field was inserted in its place).
    #[test]
    fn many_fields_in_any_order_give_the_points_line_quickly() {
        for (n, order) in [
            (70usize, 0u8),
            (200, 1),
            (300, 2),
            (100_000, 0),
            (100_000, 1),
        ] {
            let keys: Vec<String> = (0..n).map(|i| format!("f{i:06}")).collect();
            let mut seq: Vec<(usize, f64)> = match order {
                0 => (0..n).rev().map(|i| (i, i as f64)).collect(),
                1 => (0..n).map(|i| (i, i as f64)).collect(),
                _ => (0..n).map(|i| ((i * 7919) % n, i as f64)).collect(),
            };
            // repeats (last value wins) and removals (NaN), also of keys given before
            for i in (0..n).step_by(7) {
                seq.push((i, -(i as f64)));
            }
            for i in (0..n).step_by(11) {
                seq.push((i, f64::NAN));
            }
            seq.push((3, 3.5));
            let started = std::time::Instant::now();
            let mut lb = LineBuffer::new(Precision::Ns);
            lb.begin("m").unwrap();
            lb.tag("t", "v").unwrap();
            let mut p = Point::new("m").unwrap();
            p.tag("t", "v").unwrap();
            for &(k, v) in &seq {
                lb.field_f64(&keys[k], v).unwrap();
                p.field_f64(&keys[k], v).unwrap();
            }
            lb.end_at(1).unwrap();
            p.set_time(1, Precision::Ns).unwrap();
            let mut want = Vec::new();
            encode_point(&p, &[], &mut want).unwrap();
            assert_eq!(lb.data(), &want[..], "n={n} order={order}");
            assert!(
                started.elapsed()
                    < std::time::Duration::from_secs(if cfg!(debug_assertions) { 20 } else { 2 }),
                "n={n} order={order}: {:?}",
                started.elapsed()
            );
            // the next line starts sorted again
            lb.begin("m").unwrap();
            lb.field_i64("b", 1).unwrap();
            lb.field_i64("a", 2).unwrap();
            lb.end().unwrap();
            assert!(one_line(&lb).ends_with("\nm a=2i,b=1i"));
        }
    }

    #[test]
    fn sorted_and_unsorted_calls_give_the_points_line() {
        let mut lb = LineBuffer::new(Precision::Ns);
        lb.begin("cpu").unwrap();
        lb.tag("region", "us-west").unwrap();
        lb.field_f64("usage_user", 12.5).unwrap();
        lb.tag("host", "a b,c=d").unwrap();
        lb.field_i64("count", -3).unwrap();
        lb.field_bool("ok", true).unwrap();
        lb.field_str("msg", "say \"hi\"\\").unwrap();
        lb.field_u64("big", u64::MAX).unwrap();
        lb.end_at(1_700_000_000_000_000_000).unwrap();
        assert_eq!(
            one_line(&lb),
            "cpu,host=a\\ b\\,c\\=d,region=us-west big=18446744073709551615u,count=-3i,\
             msg=\"say \\\"hi\\\"\\\\\",ok=true,usage_user=12.5 1700000000000000000"
        );
        assert_eq!(lb.lines(), 1);
        lb.begin("m e,x").unwrap();
        lb.field_f64("f", 1.0).unwrap();
        lb.end().unwrap();
        assert!(
            one_line(&lb).ends_with("\nm\\ e\\,x f=1"),
            "{}",
            one_line(&lb)
        );
        assert_eq!(lb.lines(), 2);
    }

    #[test]
    fn state_errors_change_nothing() {
        let mut lb = LineBuffer::new(Precision::S);
        let e = lb.tag("k", "v").unwrap_err();
        assert_eq!(e.code, Code::InvalidArgument);
        assert!(e.message.contains("no line is open"), "{}", e.message);
        assert_eq!(lb.end().unwrap_err().code, Code::InvalidArgument);
        lb.begin("m").unwrap();
        let e = lb.begin("n").unwrap_err();
        assert!(e.message.contains("not finished"), "{}", e.message);
        // nothing to write: the line stays open and can be completed
        let e = lb.end_at(5).unwrap_err();
        assert_eq!(e.code, Code::InvalidPoint);
        assert!(e.message.contains("no fields"), "{}", e.message);
        lb.field_f64("nan", f64::NAN).unwrap();
        let e = lb.end().unwrap_err();
        assert!(e.message.contains("NaN"), "{}", e.message);
        // time out of range for seconds
        lb.field_i64("f", 1).unwrap();
        assert_eq!(lb.end_at(i64::MAX).unwrap_err().code, Code::InvalidPoint);
        assert!(lb.is_line_open());
        assert_eq!(lb.data(), b"");
        lb.end_at(5).unwrap();
        assert_eq!(one_line(&lb), "m f=1i 5");
        // an invalid call leaves the open line as it was
        lb.begin("m").unwrap();
        lb.field_i64("a", 1).unwrap();
        assert_eq!(lb.tag("time", "x").unwrap_err().code, Code::InvalidPoint);
        assert_eq!(
            lb.field_bool("", true).unwrap_err().code,
            Code::InvalidPoint
        );
        assert_eq!(lb.tag("t", "v\\").unwrap_err().code, Code::InvalidPoint);
        lb.end().unwrap();
        assert_eq!(one_line(&lb), "m f=1i 5\nm a=1i");
        // discard drops only the open line; clear drops everything
        lb.begin("gone").unwrap();
        lb.field_i64("a", 1).unwrap();
        lb.discard_line();
        assert_eq!(lb.lines(), 2);
        lb.begin("next").unwrap();
        lb.field_i64("a", 2).unwrap();
        lb.end().unwrap();
        assert_eq!(one_line(&lb), "m f=1i 5\nm a=1i\nnext a=2i");
        lb.clear();
        assert_eq!((lb.lines(), lb.data()), (0, &b""[..]));
        lb.begin("again").unwrap();
        lb.field_i64("a", 3).unwrap();
        lb.end().unwrap();
        assert_eq!(one_line(&lb), "again a=3i");
    }

    #[test]
    fn invalid_default_tags_are_refused() {
        let d = vec![("time".to_string(), "x".to_string())];
        let e = LineBuffer::with_default_tags(Precision::Ns, &d).unwrap_err();
        assert_eq!(e.code, Code::InvalidPoint);
        assert!(e.message.starts_with("default tag key"), "{}", e.message);
    }

    // ---- randomized comparison with Point + encode_point ----

    const KEYS: &[&str] = &[
        "a",
        "b",
        "host",
        "region",
        "zone",
        "a b",
        "a!",
        "a=b",
        "k,1",
        "time",
        "",
        "_field",
        "longer_key_name_1",
        "longer_key_name_2",
        "x\\y",
        "bad\\",
        "é",
        "#h",
        "ab",
        "abcdefgh",
        "abcdefghi",
        "abcdefgh\0",
    ];
    const VALUES: &[&str] = &[
        "v", "", "server-1", "a b", "x=y,z", "q\"s", "t\\", "ü", "\\n",
    ];
    const MEASUREMENTS: &[&str] = &["cpu", "m e", "m,x", "#c", "", "a\\", "мера", "m=x"];

    #[derive(Clone, Copy, Debug)]
    enum Op {
        Tag(usize, usize),
        F64(usize, f64),
        I64(usize, i64),
        U64(usize, u64),
        Bool(usize, bool),
        Str(usize, usize),
    }

    fn random_f64(rng: &mut fastrand::Rng) -> f64 {
        match rng.u8(0..8) {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => -0.0,
            3 => rng.f64() * 1e20,
            4 => (rng.i64(-1000..1000) as f64) / 100.0,
            _ => rng.f64() * 1000.0 - 500.0,
        }
    }

    fn random_op(rng: &mut fastrand::Rng) -> Op {
        let k = rng.usize(..KEYS.len());
        match rng.u8(0..6) {
            0 | 1 => Op::Tag(k, rng.usize(..VALUES.len())),
            2 => Op::F64(k, random_f64(rng)),
            3 => Op::I64(k, rng.i64(..)),
            4 => Op::U64(k, rng.u64(..)),
            _ if rng.bool() => Op::Bool(k, rng.bool()),
            _ => Op::Str(k, rng.usize(..VALUES.len())),
        }
    }

    fn apply_point(p: &mut Point, op: Op) -> Result<()> {
        match op {
            Op::Tag(k, v) => p.tag(KEYS[k], VALUES[v]),
            Op::F64(k, v) => p.field_f64(KEYS[k], v),
            Op::I64(k, v) => p.field_i64(KEYS[k], v),
            Op::U64(k, v) => p.field_u64(KEYS[k], v),
            Op::Bool(k, v) => p.field_bool(KEYS[k], v),
            Op::Str(k, v) => p.field_str(KEYS[k], VALUES[v]),
        }
    }

    fn apply_lines(lb: &mut LineBuffer, op: Op) -> Result<()> {
        match op {
            Op::Tag(k, v) => lb.tag(KEYS[k], VALUES[v]),
            Op::F64(k, v) => lb.field_f64(KEYS[k], v),
            Op::I64(k, v) => lb.field_i64(KEYS[k], v),
            Op::U64(k, v) => lb.field_u64(KEYS[k], v),
            Op::Bool(k, v) => lb.field_bool(KEYS[k], v),
            Op::Str(k, v) => lb.field_str(KEYS[k], VALUES[v]),
        }
    }

    fn same(a: &Result<()>, b: &Result<()>, what: &str) {
        match (a, b) {
            (Ok(()), Ok(())) => {}
            (Err(x), Err(y)) => {
                assert_eq!((x.code, &x.message), (y.code, &y.message), "{what}")
            }
            _ => panic!("{what}: point {a:?}, line buffer {b:?}"),
        }
    }

    #[test]
    fn line_buffer_writes_what_encode_point_writes() {
        let mut rng = fastrand::Rng::with_seed(0x11_4e5);
        for round in 0..3000 {
            // default tags: none most of the time, else a few (maybe repeated, maybe empty)
            let defaults: Vec<(String, String)> = if rng.u8(0..3) == 0 {
                (0..rng.usize(1..4))
                    .map(|_| {
                        let k = ["host", "site", "zone", "a", "", "dc 1"][rng.usize(..6)];
                        let v = ["d", "", "x y"][rng.usize(..3)];
                        (k.to_string(), v.to_string())
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let precision =
                [Precision::Ns, Precision::Us, Precision::Ms, Precision::S][rng.usize(..4)];
            let mut lb = LineBuffer::with_default_tags(precision, &defaults).unwrap();
            let mut want = Vec::new();
            for line in 0..rng.usize(1..4) {
                let m = MEASUREMENTS[rng.usize(..MEASUREMENTS.len())];
                let ctx = format!("round {round} line {line} m {m:?} defaults {defaults:?}");
                let p = Point::new(m);
                let b = lb.begin(m);
                match (&p, &b) {
                    (Ok(_), Ok(())) => {}
                    (Err(x), Err(y)) => {
                        assert_eq!((x.code, &x.message), (y.code, &y.message), "{ctx}");
                        continue;
                    }
                    _ => panic!("{ctx}: begin {b:?} vs new {:?}", p.as_ref().err()),
                }
                let mut p = p.unwrap();
                let mut ops = Vec::new();
                // sometimes keys in ascending order (the fast path), else random order
                let n = rng.usize(0..9);
                for _ in 0..n {
                    ops.push(random_op(&mut rng));
                }
                if rng.bool() {
                    ops.sort_by_key(|op| match *op {
                        Op::Tag(k, _) => (0, KEYS[k]),
                        Op::F64(k, _)
                        | Op::I64(k, _)
                        | Op::U64(k, _)
                        | Op::Bool(k, _)
                        | Op::Str(k, _) => (1, KEYS[k]),
                    });
                }
                for op in &ops {
                    let a = apply_point(&mut p, *op);
                    let b = apply_lines(&mut lb, *op);
                    same(&a, &b, &format!("{ctx} op {op:?}"));
                }
                let time = match rng.u8(0..4) {
                    0 => None,
                    1 => Some(rng.i64(..)),
                    _ => Some(rng.i64(0..2_000_000_000)),
                };
                let mut line = Vec::new();
                let a = match time {
                    Some(t) => p.set_time(t, precision),
                    None => Ok(()),
                }
                .and_then(|()| encode_point(&p, &defaults, &mut line));
                let b = match time {
                    Some(t) => lb.end_at(t),
                    None => lb.end(),
                };
                same(&a, &b, &format!("{ctx} ops {ops:?} end {time:?}"));
                if b.is_err() {
                    assert!(lb.is_line_open());
                    if rng.bool() {
                        lb.discard_line();
                    } else {
                        // complete it: a field and no time always works
                        lb.field_i64("zz_fix", 1).unwrap();
                        lb.end().unwrap();
                        p.clear_time();
                        p.field_i64("zz_fix", 1).unwrap();
                        line.clear();
                        encode_point(&p, &defaults, &mut line).unwrap();
                        want.push(line);
                    }
                } else {
                    want.push(line);
                }
            }
            assert!(!lb.is_line_open());
            assert_eq!(lb.lines(), want.len(), "round {round}");
            let want = want.join(&b'\n');
            assert_eq!(
                String::from_utf8_lossy(lb.data()),
                String::from_utf8_lossy(&want),
                "round {round}"
            );
        }
    }

    // ---- shapes and rows ----

    #[test]
    fn shapes_refuse_what_cannot_be_written() {
        let f = [("v", FieldType::I64)];
        let code = |r: Result<Shape>| r.unwrap_err().code;
        assert_eq!(code(Shape::new("", &[], &f)), Code::InvalidPoint);
        assert_eq!(code(Shape::new("m", &["time"], &f)), Code::InvalidPoint);
        assert_eq!(code(Shape::new("m", &[""], &f)), Code::InvalidPoint);
        assert_eq!(
            code(Shape::new("m", &[], &[("", FieldType::F64)])),
            Code::InvalidPoint
        );
        assert_eq!(code(Shape::new("m", &[], &[])), Code::InvalidArgument);
        let e = Shape::new("m", &["a", "b", "a"], &f).unwrap_err();
        assert!(
            e.message.contains("tag key \"a\" appears twice"),
            "{}",
            e.message
        );
        let e = Shape::new("m", &[], &[("x", FieldType::I64), ("x", FieldType::F64)]).unwrap_err();
        assert!(
            e.message.contains("field key \"x\" appears twice"),
            "{}",
            e.message
        );
        // the same key as a tag and as a field is fine (as for points)
        let sh = Shape::new("m", &["k"], &[("k", FieldType::Bool)]).unwrap();
        assert_eq!((sh.tag_count(), sh.field_count()), (1, 1));
        assert_eq!(sh.field_type(0), Some(FieldType::Bool));
        assert_eq!(sh.field_type(1), None);
    }

    #[test]
    fn row_errors_change_nothing() {
        let sh = Shape::new("m", &["t"], &[("f", FieldType::F64), ("s", FieldType::Str)]).unwrap();
        let mut lb = LineBuffer::new(Precision::S);
        lb.row(
            &sh,
            &["a"],
            &[FieldValue::F64(1.5), FieldValue::Str("x")],
            Some(7),
        )
        .unwrap();
        let before = lb.data().to_vec();
        type Case<'a> = (&'a [&'a str], &'a [FieldValue<'a>], Option<i64>, Code);
        let bad: [Case<'_>; 6] = [
            (&["a"], &[FieldValue::F64(1.0)], None, Code::InvalidArgument),
            (
                &["a"],
                &[FieldValue::I64(1), FieldValue::Str("x")],
                None,
                Code::InvalidArgument,
            ),
            (
                &["a\\"],
                &[FieldValue::F64(1.0), FieldValue::Str("x")],
                None,
                Code::InvalidPoint,
            ),
            (
                &["a"],
                &[FieldValue::F64(1.0), FieldValue::Str("x")],
                Some(i64::MAX),
                Code::InvalidPoint,
            ),
            (
                &["a"],
                &[FieldValue::F64(f64::NAN), FieldValue::Str("x")],
                None,
                Code::Ok,
            ),
            (
                &["a"],
                &[FieldValue::F64(f64::INFINITY), FieldValue::Str("x")],
                None,
                Code::Ok,
            ),
        ];
        for (tags, fields, time, code) in bad {
            let r = lb.row(&sh, tags, fields, time);
            if code == Code::Ok {
                r.unwrap();
                lb.discard_line();
                continue;
            }
            assert_eq!(r.unwrap_err().code, code, "{tags:?} {fields:?}");
            assert_eq!(lb.data(), &before[..]);
        }
        // only non-finite floats and nothing else: nothing to write
        let only = Shape::new("m", &[], &[("f", FieldType::F64)]).unwrap();
        let e = lb
            .row(&only, &[], &[FieldValue::F64(f64::NAN)], None)
            .unwrap_err();
        assert!(e.message.contains("NaN"), "{}", e.message);
        // a line is open
        lb.begin("x").unwrap();
        let e = lb
            .row(&only, &[], &[FieldValue::F64(1.0)], None)
            .unwrap_err();
        assert!(e.message.contains("not finished"), "{}", e.message);
        lb.discard_line();
        assert_eq!(
            one_line(&lb),
            "m,t=a f=1.5,s=\"x\" 7\nm,t=a s=\"x\"\nm,t=a s=\"x\""
        );
    }

    #[test]
    fn rows_write_what_the_calls_write() {
        let mut rng = fastrand::Rng::with_seed(0x5a_9e);
        let types = [
            FieldType::F64,
            FieldType::I64,
            FieldType::U64,
            FieldType::Bool,
            FieldType::Str,
        ];
        let mut shapes_made = 0;
        for round in 0..3000 {
            let m = MEASUREMENTS[rng.usize(..MEASUREMENTS.len())];
            let tag_keys: Vec<&str> = (0..rng.usize(0..4))
                .map(|_| KEYS[rng.usize(..KEYS.len())])
                .collect();
            let fields: Vec<(&str, FieldType)> = (0..rng.usize(0..4))
                .map(|_| (KEYS[rng.usize(..KEYS.len())], types[rng.usize(..5)]))
                .collect();
            let Ok(shape) = Shape::new(m, &tag_keys, &fields) else {
                continue;
            };
            shapes_made += 1;
            let defaults: Vec<(String, String)> = if rng.bool() {
                vec![("host".into(), "d".into()), ("zone".into(), String::new())]
            } else {
                Vec::new()
            };
            let precision = [Precision::Ns, Precision::S][rng.usize(..2)];
            let mut by_row = LineBuffer::with_default_tags(precision, &defaults).unwrap();
            let mut by_calls = by_row.clone();
            for line in 0..3 {
                let tags: Vec<&str> = tag_keys
                    .iter()
                    .map(|_| VALUES[rng.usize(..VALUES.len())])
                    .collect();
                let values: Vec<FieldValue<'_>> = fields
                    .iter()
                    .map(|&(_, ty)| match ty {
                        FieldType::F64 => FieldValue::F64(random_f64(&mut rng)),
                        FieldType::I64 => FieldValue::I64(rng.i64(..)),
                        FieldType::U64 => FieldValue::U64(rng.u64(..)),
                        FieldType::Bool => FieldValue::Bool(rng.bool()),
                        FieldType::Str => FieldValue::Str(VALUES[rng.usize(..VALUES.len())]),
                    })
                    .collect();
                let time = if rng.bool() {
                    Some(rng.i64(0..2_000_000_000))
                } else {
                    None
                };
                let a = by_row.row(&shape, &tags, &values, time);
                // the same through the general calls, in the caller's order
                let b = (|| {
                    by_calls.begin(m)?;
                    for (k, v) in tag_keys.iter().zip(&tags) {
                        by_calls.tag(k, v)?;
                    }
                    for ((k, _), v) in fields.iter().zip(&values) {
                        by_calls.field(k, *v)?;
                    }
                    match time {
                        Some(t) => by_calls.end_at(t),
                        None => by_calls.end(),
                    }
                })();
                if b.is_err() {
                    by_calls.discard_line();
                }
                let ctx = format!("round {round} line {line}: {m:?} {tag_keys:?} {fields:?} {tags:?} {values:?} {time:?}");
                match (&a, &b) {
                    (Ok(()), Ok(())) => {}
                    (Err(x), Err(y)) => assert_eq!(x.code, y.code, "{ctx}: {x} / {y}"),
                    _ => panic!("{ctx}: row {a:?}, calls {b:?}"),
                }
                assert!(!by_row.is_line_open(), "{ctx}");
                assert_eq!(
                    String::from_utf8_lossy(by_row.data()),
                    String::from_utf8_lossy(by_calls.data()),
                    "{ctx}"
                );
                assert_eq!(by_row.lines(), by_calls.lines(), "{ctx}");
            }
        }
        assert!(shapes_made > 500, "only {shapes_made} valid shapes");
    }

    #[test]
    fn long_row_values_give_the_same_line() {
        let sh = Shape::new("m", &["t"], &[("s", FieldType::Str), ("f", FieldType::I64)]).unwrap();
        for n in [255, 256, 257, 5000] {
            let long = "x ".repeat(n / 2) + if n % 2 == 1 { "y" } else { "" };
            let mut a = LineBuffer::new(Precision::Ns);
            a.row(
                &sh,
                &[&long],
                &[FieldValue::Str(&long), FieldValue::I64(n as i64)],
                Some(1),
            )
            .unwrap();
            let mut b = LineBuffer::new(Precision::Ns);
            b.begin("m").unwrap();
            b.tag("t", &long).unwrap();
            b.field_str("s", &long).unwrap();
            b.field_i64("f", n as i64).unwrap();
            b.end_at(1).unwrap();
            assert_eq!(a.data(), b.data(), "n = {n}");
            assert!(a.data().len() > 2 * n, "n = {n}");
        }
        // an invalid long value: error, nothing written
        let mut a = LineBuffer::new(Precision::Ns);
        let bad = "x".repeat(300) + "\\";
        let e = a
            .row(
                &sh,
                &[&bad],
                &[FieldValue::Str("s"), FieldValue::I64(1)],
                None,
            )
            .unwrap_err();
        assert_eq!(e.code, Code::InvalidPoint);
        assert_eq!(
            (a.lines(), a.data(), a.is_line_open()),
            (0, &b""[..], false)
        );
    }

    #[test]
    fn timestamps_are_written_exactly_whatever_came_before() {
        let sh = Shape::new("m", &[], &[("f", FieldType::Bool)]).unwrap();
        let mut times = vec![
            0i64,
            1,
            99_999_999,
            100_000_000,
            100_000_001,
            -1,
            -100_000_000,
        ];
        // the same high digits, one after the other
        let t0 = 1_700_000_000_000_000_000i64 - 5;
        times.extend(t0..t0 + 20);
        times.extend([
            1_700_000_000_099_999_999,
            1_700_000_000_100_000_000, // the high digits change
            1_700_000_000_099_999_999,
            i64::MAX - 1,
            123_456_789_012,
            123_456_789_012,
            5,
        ]);
        let mut rng = fastrand::Rng::with_seed(7);
        times.extend((0..200).map(|_| rng.i64(-1_000_000_000_000..i64::MAX / 2)));
        let mut by_row = LineBuffer::new(Precision::Ns);
        let mut by_end = LineBuffer::new(Precision::Ns);
        let mut want = Vec::new();
        for &t in &times {
            by_row
                .row(&sh, &[], &[FieldValue::Bool(true)], Some(t))
                .unwrap();
            by_end.begin("m").unwrap();
            by_end.field_bool("f", true).unwrap();
            by_end.end_at(t).unwrap();
            want.push(format!("m f=true {t}"));
        }
        assert_eq!(one_line(&by_row), want.join("\n"));
        assert_eq!(one_line(&by_end), want.join("\n"));
    }
}
