//! A point's tag and field entries: 24 bytes each (an 8-byte key prefix for memcmp-free
//! ordering, the key's range, the typed value or the string's range, "needs escaping"
//! flags computed once), kept sorted, inline up to eight.

/// A byte range of the arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Span {
    pub(crate) const EMPTY: Span = Span { start: 0, end: 0 };
    pub(crate) fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }
}

/// `Entry::esc` bits: the string needs escaping (computed when stored, so the encoder copies
/// plain strings without looking at them again).
pub(crate) const ESC_KEY: u8 = 1;
pub(crate) const ESC_VALUE: u8 = 2;

#[derive(Clone, Copy, Debug)]
pub(crate) enum Value {
    F64(f64),
    I64(i64),
    U64(u64),
    Bool(bool),
    Str(Span),
}

/// A tag (value is always a string) or a field, in three words (written whole: narrow
/// stores followed by a wide load of the same bytes stall the CPU).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    /// first 8 key bytes, big-endian, zero-padded: orders most keys without a memcmp
    pub(crate) prefix: u64,
    /// key start (bits 0..32), key length (32..48; keys are at most 65535 bytes),
    /// value kind (48..52), ESC_KEY | ESC_VALUE (52..56), insertion order (56..64, see
    /// [`Point::clear`])
    pub(crate) meta: u64,
    /// f64 bits, i64/u64 bits, bool, or a string's span (start << 32 | end)
    pub(crate) payload: u64,
}

pub(crate) const K_F64: u8 = 0;
pub(crate) const K_I64: u8 = 1;
pub(crate) const K_U64: u8 = 2;
pub(crate) const K_BOOL: u8 = 3;
pub(crate) const K_STR: u8 = 4;

impl Entry {
    pub(crate) const EMPTY: Entry = Entry {
        prefix: 0,
        meta: 0,
        payload: 0,
    };

    #[inline(always)]
    pub(crate) fn new(prefix: u64, key: Span, value: Value, esc: u8, order: u8) -> Entry {
        let (kind, payload) = Entry::encode_value(value);
        Entry {
            prefix,
            meta: Entry::pack(key, kind, esc, order),
            payload,
        }
    }

    #[inline(always)]
    pub(crate) fn pack(key: Span, kind: u8, esc: u8, order: u8) -> u64 {
        let len = key.len().min(usize::from(u16::MAX)) as u64;
        u64::from(key.start)
            | len << 32
            | u64::from(kind & 0xf) << 48
            | u64::from(esc & 0xf) << 52
            | u64::from(order) << 56
    }

    #[inline(always)]
    pub(crate) fn kind(&self) -> u8 {
        (self.meta >> 48) as u8 & 0xf
    }

    #[inline(always)]
    pub(crate) fn esc(&self) -> u8 {
        (self.meta >> 52) as u8 & 0xf
    }

    /// The setter call (counted from the point's start) that inserted this entry.
    #[inline(always)]
    pub(crate) fn order(&self) -> u8 {
        (self.meta >> 56) as u8
    }

    #[inline(always)]
    pub(crate) fn key_len(&self) -> usize {
        usize::from((self.meta >> 32) as u16)
    }

    #[inline(always)]
    pub(crate) fn key(&self) -> Span {
        let start = self.meta as u32;
        let len = (self.meta >> 32) as u16;
        Span {
            start,
            end: start.saturating_add(u32::from(len)),
        }
    }

    #[inline(always)]
    pub(crate) fn set_key(&mut self, k: Span) {
        self.meta = Entry::pack(k, self.kind(), self.esc(), self.order());
    }

    #[inline(always)]
    pub(crate) fn value(&self) -> Value {
        let p = self.payload;
        match self.kind() {
            K_F64 => Value::F64(f64::from_bits(p)),
            K_I64 => Value::I64(p as i64),
            K_U64 => Value::U64(p),
            K_STR => Value::Str(Span {
                start: (p >> 32) as u32,
                end: p as u32,
            }),
            _ => Value::Bool(p != 0),
        }
    }

    #[inline(always)]
    pub(crate) fn encode_value(v: Value) -> (u8, u64) {
        match v {
            Value::F64(x) => (K_F64, x.to_bits()),
            Value::I64(x) => (K_I64, x as u64),
            Value::U64(x) => (K_U64, x),
            Value::Bool(x) => (K_BOOL, u64::from(x)),
            Value::Str(s) => (K_STR, u64::from(s.start) << 32 | u64::from(s.end)),
        }
    }

    /// Replace the value and the escaping flags, keeping the key.
    #[inline(always)]
    pub(crate) fn set_value(&mut self, v: Value, esc: u8) {
        let (kind, payload) = Entry::encode_value(v);
        self.meta = Entry::pack(self.key(), kind, esc, self.order());
        self.payload = payload;
    }

    /// Replace the value and its escaping flag, keeping the key and the key's flag.
    #[inline(always)]
    pub(crate) fn replace_value(&mut self, v: Value, value_esc: u8) {
        self.set_value(v, self.esc() & ESC_KEY | value_esc);
    }

    /// The key's bytes (spans lie inside the arena, which is at most u32::MAX bytes, so the
    /// end needs no overflow check in usize).
    #[inline(always)]
    pub(crate) fn key_in<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        let start = self.meta as u32 as usize;
        let len = usize::from((self.meta >> 32) as u16);
        arena.get(start..start + len).unwrap_or(&[])
    }

    /// The string value's bytes; only for entries holding a string (all tags).
    #[inline(always)]
    pub(crate) fn str_in<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        let start = (self.payload >> 32) as usize;
        let end = self.payload as u32 as usize;
        arena.get(start..end).unwrap_or(&[])
    }

    /// The string value's span (empty for non-string values).
    #[inline(always)]
    pub(crate) fn value_span(&self) -> Span {
        match self.value() {
            Value::Str(s) => s,
            _ => Span::EMPTY,
        }
    }
}

/// Entries stored inline up to this many (no allocation), then on the heap.
pub(crate) const INLINE: usize = 8;

/// Sorted tags then sorted fields, in one small vector.
#[derive(Clone)]
pub(crate) enum Entries {
    Inline { len: u8, items: [Entry; INLINE] },
    Heap(HeapEntries),
}

/// Entries beyond [`INLINE`]: `v[head..]`, with room kept before them as well as after, so
/// that an entry inserted near the front (fields added in descending key order go right
/// after the tags) moves the few entries before it, not all those after it. Inserting at
/// either end is amortized O(1); in the middle it moves the shorter side.
#[derive(Clone)]
pub(crate) struct HeapEntries {
    v: Vec<Entry>,
    head: usize,
}

impl HeapEntries {
    fn insert(&mut self, i: usize, e: Entry) {
        let n = self.v.len() - self.head;
        let i = i.min(n);
        if i >= n / 2 {
            self.v.insert(self.head + i, e);
            return;
        }
        if self.head == 0 {
            // room before: as much as there are entries (doubling, as a Vec grows)
            let room = n.max(INLINE);
            let mut w = Vec::with_capacity(room + self.v.capacity().max(n + 1));
            w.resize(room, Entry::EMPTY);
            w.extend_from_slice(&self.v);
            self.v = w;
            self.head = room;
        }
        let h = self.head;
        self.v.copy_within(h..h + i, h - 1);
        self.head = h - 1;
        if let Some(slot) = self.v.get_mut(h - 1 + i) {
            *slot = e;
        }
    }
}

impl Entries {
    pub(crate) const fn new() -> Entries {
        Entries::Inline {
            len: 0,
            items: [Entry::EMPTY; INLINE],
        }
    }

    #[inline]
    pub(crate) fn as_slice(&self) -> &[Entry] {
        match self {
            Entries::Inline { len, items } => items.get(..*len as usize).unwrap_or_default(),
            Entries::Heap(h) => h.v.get(h.head..).unwrap_or_default(),
        }
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut Entry> {
        match self {
            Entries::Inline { len, items } => {
                items.get_mut(..*len as usize).and_then(|s| s.get_mut(i))
            }
            Entries::Heap(h) => h.v.get_mut(h.head + i),
        }
    }

    #[inline(always)]
    pub(crate) fn insert(&mut self, i: usize, e: Entry) {
        match self {
            Entries::Inline { len, items } if (*len as usize) < INLINE => {
                let n = *len as usize;
                let i = i.min(n);
                // shift [i, n) up by one; a short loop beats a memmove call here
                let mut j = n;
                while j > i {
                    if let Some(prev) = items.get(j - 1).copied() {
                        if let Some(slot) = items.get_mut(j) {
                            *slot = prev;
                        }
                    }
                    j -= 1;
                }
                if let Some(slot) = items.get_mut(i) {
                    *slot = e;
                }
                *len += 1;
            }
            Entries::Inline { items, .. } => {
                let mut v = Vec::with_capacity(INLINE * 2);
                v.extend_from_slice(items);
                v.insert(i.min(v.len()), e);
                *self = Entries::Heap(HeapEntries { v, head: 0 });
            }
            Entries::Heap(h) => h.insert(i, e),
        }
    }

    pub(crate) fn remove(&mut self, i: usize) -> Option<Entry> {
        match self {
            Entries::Inline { len, items } => {
                let n = *len as usize;
                if i >= n {
                    return None;
                }
                let e = items.get(i).copied();
                items.copy_within(i + 1..n, i);
                *len -= 1;
                e
            }
            Entries::Heap(h) => (i < h.v.len() - h.head).then(|| h.v.remove(h.head + i)),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.truncate(0);
    }

    pub(crate) fn truncate(&mut self, n: usize) {
        match self {
            Entries::Inline { len, .. } => *len = (*len).min(n.min(INLINE) as u8),
            Entries::Heap(h) => h.v.truncate(h.head + n),
        }
    }

    /// Keep the entries for which `keep` is true, in order; returns how many of the first
    /// `ntags` were kept.
    pub(crate) fn retain(&mut self, ntags: usize, mut keep: impl FnMut(&Entry) -> bool) -> usize {
        let n = self.as_slice().len();
        let (mut j, mut kept_tags) = (0, 0);
        for i in 0..n {
            let Some(e) = self.as_slice().get(i).copied() else {
                break;
            };
            if keep(&e) {
                if let Some(slot) = self.get_mut(j) {
                    *slot = e;
                }
                j += 1;
                if i < ntags {
                    kept_tags += 1;
                }
            }
        }
        self.truncate(j);
        kept_tags
    }
}
