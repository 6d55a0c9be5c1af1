//! Where encoded bytes go ([`Sink`]): a caller's `Vec`, a [`StackLine`] (a short line is
//! built on the stack, its write position kept in a register) or a [`Tail`] (a line
//! buffer's reserved room). Pieces up to 16 bytes are copied as overlapping fixed-size
//! chunks instead of `memcpy` calls.
//!
//! The slow writers (escaping, ryu's float path) are generic functions kept out of line
//! (`#[inline(never)]`): the common line (nothing to escape, short floats) stays small.

use super::digits::Digits;

/// Append `s` to `out`. Short slices (the usual keys, values and numbers) are copied as at
/// most two overlapping fixed-size chunks instead of through a `memcpy` call.
#[inline(always)]
pub(crate) fn put_bytes(out: &mut Vec<u8>, s: &[u8]) {
    let n = s.len();
    let start = out.len();
    if n > 16 {
        out.extend_from_slice(s);
    } else if n >= 8 {
        if let (Some(a), Some(b)) = (s.first_chunk::<8>(), s.last_chunk::<8>()) {
            out.extend_from_slice(a);
            out.truncate(start + n - 8);
            out.extend_from_slice(b);
        }
    } else if n >= 4 {
        if let (Some(a), Some(b)) = (s.first_chunk::<4>(), s.last_chunk::<4>()) {
            out.extend_from_slice(a);
            out.truncate(start + n - 4);
            out.extend_from_slice(b);
        }
    } else if n >= 2 {
        if let (Some(a), Some(b)) = (s.first_chunk::<2>(), s.last_chunk::<2>()) {
            out.extend_from_slice(a);
            out.truncate(start + n - 2);
            out.extend_from_slice(b);
        }
    } else if let Some(&b) = s.first() {
        out.push(b);
    }
}

/// Where encoded bytes go: the caller's `Vec`, or a stack buffer for a typical short line
/// (keeps the write position in a register instead of updating the `Vec` at every piece).
pub(crate) trait Sink {
    fn put(&mut self, s: &[u8]);
    /// Write a number's digits.
    #[inline(always)]
    fn digits(&mut self, d: Digits) {
        let b = d.bytes();
        self.put(b.get(..d.len()).unwrap_or_default());
    }
    fn byte(&mut self, b: u8);
    fn len(&self) -> usize;
}

impl Sink for Vec<u8> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        put_bytes(self, s)
    }
    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.push(b)
    }
    #[inline(always)]
    fn len(&self) -> usize {
        Vec::len(self)
    }
}

/// Lines up to this many bytes are built on the stack first.
pub(crate) const STACK_LINE: usize = 384;

pub(crate) struct StackLine<'a> {
    /// 16 bytes of slack so that short pieces are written as fixed-size chunks. Borrowed
    /// (not a field array): stores through it cannot alias `n`, which can stay in a register
    pub(crate) b: &'a mut [u8; STACK_LINE + 16],
    /// bytes of the line so far; more than STACK_LINE means the line did not fit (the
    /// content is then invalid: encode into the Vec instead). Writes go to
    /// `min(n, STACK_LINE)`, so they always land in `b` without a separate overflow flag.
    pub(crate) n: usize,
}

impl<'a> StackLine<'a> {
    #[inline(always)]
    pub(crate) fn new(b: &'a mut [u8; STACK_LINE + 16]) -> StackLine<'a> {
        StackLine { b, n: 0 }
    }

    /// Where the next write goes (at most STACK_LINE).
    #[inline(always)]
    pub(crate) fn pos(&self) -> usize {
        self.n.min(STACK_LINE)
    }

    #[inline(always)]
    pub(crate) fn full(&self) -> bool {
        self.n > STACK_LINE
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        self.b.get(..self.n).unwrap_or_default()
    }
}

impl Sink for StackLine<'_> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        let p = self.pos();
        put_at(&mut self.b[..], p, s);
        self.n += s.len();
    }

    #[inline(always)]
    fn byte(&mut self, c: u8) {
        let p = self.pos();
        if let Some(d) = self.b.get_mut(p) {
            *d = c;
        }
        self.n += 1;
    }

    /// Whole 8-byte chunks (each write lands in `b`: p <= STACK_LINE, and when the digits
    /// end past STACK_LINE the line is `full` and discarded anyway).
    #[inline(always)]
    fn digits(&mut self, d: Digits) {
        let p = self.pos();
        digits_at(&mut self.b[..], p, d);
        self.n += d.len();
    }

    #[inline(always)]
    fn len(&self) -> usize {
        self.n
    }
}

/// Write `s` at `b[p..]` (short pieces as at most two overlapping fixed-size chunks, which
/// may touch up to 16 bytes from `p`). A write that does not fit in `b` is dropped: callers
/// keep 16 bytes of slack past what they count as written.
#[inline(always)]
pub(crate) fn put_at(b: &mut [u8], p: usize, s: &[u8]) {
    let len = s.len();
    if len <= 16 {
        if len >= 8 {
            if let (Some(a), Some(z)) = (s.first_chunk::<8>(), s.last_chunk::<8>()) {
                w8(b, p, a);
                w8(b, p + len - 8, z);
            }
        } else if len >= 4 {
            if let (Some(a), Some(z)) = (s.first_chunk::<4>(), s.last_chunk::<4>()) {
                w4(b, p, a);
                w4(b, p + len - 4, z);
            }
        } else if len >= 2 {
            if let (Some(a), Some(z)) = (s.first_chunk::<2>(), s.last_chunk::<2>()) {
                w2(b, p, a);
                w2(b, p + len - 2, z);
            }
        } else if let (Some(&c), Some(d)) = (s.first(), b.get_mut(p)) {
            *d = c;
        }
    } else if let Some(d) = b.get_mut(p..p + len) {
        d.copy_from_slice(s);
    }
}

/// Write a number's digits at `b[p..]` as whole 8-byte chunks (up to 24 bytes from `p`).
#[inline(always)]
pub(crate) fn digits_at(b: &mut [u8], p: usize, d: Digits) {
    let [c0, c1, c2] = d.chunks;
    w8(b, p, &c0.to_le_bytes());
    if d.count > 1 {
        w8(b, p + d.first_len, &c1.to_le_bytes());
        if d.count > 2 {
            w8(b, p + d.first_len + 8, &c2.to_le_bytes());
        }
    }
}

#[inline(always)]
pub(crate) fn w8(b: &mut [u8], at: usize, a: &[u8; 8]) {
    if let Some(d) = b.get_mut(at..).and_then(|t| t.first_chunk_mut::<8>()) {
        *d = *a;
    }
}

#[inline(always)]
pub(crate) fn w4(b: &mut [u8], at: usize, a: &[u8; 4]) {
    if let Some(d) = b.get_mut(at..).and_then(|t| t.first_chunk_mut::<4>()) {
        *d = *a;
    }
}

#[inline(always)]
pub(crate) fn w2(b: &mut [u8], at: usize, a: &[u8; 2]) {
    if let Some(d) = b.get_mut(at..).and_then(|t| t.first_chunk_mut::<2>()) {
        *d = *a;
    }
}

/// A writer into a slice with room reserved beforehand, for [`crate::lines`]: the
/// caller makes `b` at least 32 bytes longer than `n` plus what it will write (escaped text
/// takes at most twice its input, a number at most 32 bytes); writes that would not fit are
/// dropped, never out of bounds. `n` is the write position.
pub(crate) struct Tail<'a> {
    pub(crate) b: &'a mut [u8],
    pub(crate) n: usize,
}

/// Room a [`Tail`] needs past the text it writes (chunked writes, a float's digits).
pub(crate) const TAIL_SLACK: usize = 48;

impl Sink for Tail<'_> {
    #[inline(always)]
    fn put(&mut self, s: &[u8]) {
        put_at(self.b, self.n, s);
        self.n += s.len();
    }

    #[inline(always)]
    fn byte(&mut self, c: u8) {
        if let Some(d) = self.b.get_mut(self.n) {
            *d = c;
        }
        self.n += 1;
    }

    #[inline(always)]
    fn digits(&mut self, d: Digits) {
        digits_at(self.b, self.n, d);
        self.n += d.len();
    }

    #[inline(always)]
    fn len(&self) -> usize {
        self.n
    }
}

#[inline(never)]
pub(crate) fn escape_slow<W: Sink>(s: &[u8], table: &[u8; 256], w: &mut W) {
    let mut last = 0;
    for (i, &b) in s.iter().enumerate() {
        let e = table[b as usize];
        if e != 0 {
            w.put(s.get(last..i).unwrap_or_default());
            w.byte(b'\\');
            w.byte(e);
            last = i + 1;
        }
    }
    w.put(s.get(last..).unwrap_or_default());
}

#[inline(never)]
pub(crate) fn escape_string_slow<W: Sink>(s: &[u8], w: &mut W) {
    let mut last = 0;
    for (i, &b) in s.iter().enumerate() {
        if b == b'"' || b == b'\\' {
            w.put(s.get(last..i).unwrap_or_default());
            w.byte(b'\\');
            w.byte(b);
            last = i + 1;
        }
    }
    w.put(s.get(last..).unwrap_or_default());
}

/// The general path: ryu's shortest digits, rewritten in Python's notation.
#[inline(never)]
pub(crate) fn write_finite_f64_ryu<W: Sink>(v: f64, w: &mut W) {
    let mut buf = ryu::Buffer::new();
    let s = buf.format_finite(v).as_bytes();
    let (neg, body) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let a = v.abs();
    if (1e-4..1e16).contains(&a) || a == 0.0 {
        // Python's fixed range (shortest repr is monotone, so comparing the double itself
        // with the doubles nearest 1e-4 and 1e16 decides it), where ryu's text is identical:
        // "123.0", "0.001", "1000000000000000.0"
        if neg {
            w.byte(b'-');
        }
        w.put(body.strip_suffix(b".0").unwrap_or(body));
        return;
    }
    write_f64_exponent(neg, body, w);
}

/// Rewrite ryu's output (`d.ddde-7`, `de16`, `0.0000ddd`) in Python's exponent form.
#[cold]
#[inline(never)]
pub(crate) fn write_f64_exponent<W: Sink>(neg: bool, body: &[u8], w: &mut W) {
    let (mantissa, exp_text) = match body.iter().position(|&b| b == b'e') {
        Some(p) => (
            body.get(..p).unwrap_or_default(),
            body.get(p + 1..).unwrap_or_default(),
        ),
        None => (body, &b""[..]),
    };
    let mut exp: i32 = 0;
    let mut exp_neg = false;
    for &b in exp_text {
        match b {
            b'-' => exp_neg = true,
            b'0'..=b'9' => exp = exp.saturating_mul(10).saturating_add(i32::from(b - b'0')),
            _ => {}
        }
    }
    if exp_neg {
        exp = -exp;
    }
    // significant digits without leading zeros; decpt counts integer-part digits
    let mut digits = [0u8; 32];
    let mut n = 0usize;
    let mut int_len: i32 = 0;
    let mut leading_zeros: i32 = 0;
    let mut after_dot = false;
    for &b in mantissa {
        if b == b'.' {
            after_dot = true;
            continue;
        }
        if !after_dot {
            int_len += 1;
        }
        if n == 0 && b == b'0' {
            leading_zeros += 1;
            continue;
        }
        if let Some(d) = digits.get_mut(n) {
            *d = b;
            n += 1;
        }
    }
    while n > 0 && digits.get(n - 1) == Some(&b'0') {
        n -= 1;
    }
    if neg {
        w.byte(b'-');
    }
    let Some((first, rest)) = digits.get(..n).and_then(|d| d.split_first()) else {
        w.byte(b'0');
        return;
    };
    let decpt = int_len + exp - leading_zeros;
    w.byte(*first);
    if !rest.is_empty() {
        w.byte(b'.');
        w.put(rest);
    }
    let e = decpt - 1;
    w.byte(b'e');
    w.byte(if e < 0 { b'-' } else { b'+' });
    let abs = e.unsigned_abs();
    if abs < 10 {
        w.byte(b'0');
    }
    w.put(itoa::Buffer::new().format(abs).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_match_std_formatting() {
        let mut values: Vec<u64> = vec![0, 1, 9, 10, 99, 100, u64::MAX, u64::MAX - 1];
        let mut p = 1u64;
        for _ in 0..20 {
            values.extend([p - 1, p, p + 1, p.saturating_mul(10) - 1]);
            p = p.saturating_mul(10);
        }
        let mut seed = 0x0123_4567_89ab_cdefu64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            values.push(seed >> (seed % 64)); // every magnitude
        }
        for n in values {
            let want = n.to_string();
            let d = Digits::of(n);
            let b = d.bytes();
            assert_eq!(&b[..d.len()], want.as_bytes(), "Digits::of({n})");
            // the stack line's chunked writes produce the same text
            let mut buf = [0u8; STACK_LINE + 16];
            let mut line = StackLine::new(&mut buf);
            line.byte(b'x');
            line.digits(d);
            line.byte(b'y');
            assert_eq!(line.as_slice(), format!("x{n}y").as_bytes());
            let mut v = b"x".to_vec();
            v.digits(d);
            assert_eq!(v, format!("x{n}").as_bytes());
        }
    }
}
