//! The line protocol encoder: escaping, numbers, one line per point. Pure, no I/O, no
//! allocation per field (an allocation happens only for default tags passed unsorted).
//!
//! Output matches the seed (influxdb-client-python 1.50.0, `Point.to_line_protocol`)
//! byte for byte, except for the seed quirks FACTS §1 lists, which are errors here.

use crate::error::{Code, Error, Result};
use crate::point::{self, Point, RawTag, RawValue, MAX_KEY_LEN};

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

const ZEROS: u64 = 0x3030_3030_3030_3030;

/// The 8 decimal digits of `x < 10^8` (leading zeros included) as ASCII, the most
/// significant in the lowest byte, computed in parallel (SWAR): split into two 4-digit
/// halves (32-bit lanes), each into two 2-digit quarters (16-bit lanes), each into two
/// digits (bytes). The multiply-shifts divide exactly for these ranges
/// (`x * 10486 >> 20 == x / 100` for x < 10^4, `x * 103 >> 10 == x / 10` for x < 100) and no
/// lane's product reaches the next lane.
#[inline(always)]
fn digits8(x: u64) -> u64 {
    let halves = (x / 10_000) | ((x % 10_000) << 32);
    let hundreds = ((halves * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let quarters = hundreds | ((halves - hundreds * 100) << 16);
    let tens = ((quarters * 103) >> 10) & 0x000f_000f_000f_000f;
    (tens | ((quarters - tens * 10) << 8)) + ZEROS
}

/// The decimal digits of a `u64`, in up to three 8-digit chunks, most significant first;
/// the first chunk shifted so that it starts with its first significant digit (or is
/// "0"), holding `first_len` digits.
#[derive(Clone, Copy)]
struct Digits {
    chunks: [u64; 3],
    count: usize,
    first_len: usize,
}

impl Digits {
    #[inline(always)]
    fn of(n: u64) -> Digits {
        const E8: u64 = 100_000_000;
        const E16: u64 = E8 * E8;
        let (chunks, count) = if n < E8 {
            ([digits8(n), 0, 0], 1)
        } else if n < E16 {
            ([digits8(n / E8), digits8(n % E8), 0], 2)
        } else {
            ([digits8(n / E16), digits8(n / E8 % E8), digits8(n % E8)], 3)
        };
        // leading '0' bytes of the first chunk (all 8 for n = 0: keep one)
        let lead = (((chunks[0] - ZEROS).trailing_zeros() / 8) as usize).min(7);
        Digits {
            chunks: [chunks[0] >> (8 * lead), chunks[1], chunks[2]],
            count,
            first_len: 8 - lead,
        }
    }

    /// Exactly `k` digits of `frac < 10^k` (1 <= k <= 16), leading zeros kept.
    #[inline(always)]
    fn fraction(frac: u64, k: usize) -> Digits {
        const E8: u64 = 100_000_000;
        if k <= 8 {
            Digits {
                chunks: [digits8(frac) >> (8 * (8 - k)), 0, 0],
                count: 1,
                first_len: k,
            }
        } else {
            Digits {
                chunks: [digits8(frac / E8) >> (8 * (16 - k)), digits8(frac % E8), 0],
                count: 2,
                first_len: k - 8,
            }
        }
    }

    #[inline(always)]
    fn len(&self) -> usize {
        self.first_len + 8 * (self.count - 1)
    }

    /// The digits as bytes: `.0[..len()]`.
    #[inline(always)]
    fn bytes(&self) -> [u8; 24] {
        let mut b = [0u8; 24];
        let mut at = 0;
        for (i, c) in self.chunks.iter().enumerate().take(self.count) {
            if let Some(d) = b.get_mut(at..at + 8) {
                d.copy_from_slice(&c.to_le_bytes());
            }
            at += if i == 0 { self.first_len } else { 8 };
        }
        b
    }
}

/// Where encoded bytes go: the caller's `Vec`, or a stack buffer for a typical short line
/// (keeps the write position in a register instead of updating the `Vec` at every piece).
trait Sink {
    fn put(&mut self, s: &[u8]);
    /// Write a number's digits.
    #[inline(always)]
    fn digits(&mut self, d: Digits) {
        let b = d.bytes();
        self.put(b.get(..d.len()).unwrap_or_default());
    }
    fn byte(&mut self, b: u8);
    fn len(&self) -> usize;
    /// Run a slow (not inlined) writer on this sink. The stack line hands it a copy of
    /// itself and takes the position back, so that the caller's line never has its address
    /// taken and its write position can stay in a register.
    fn detour(&mut self, op: Slow<'_>);
}

/// The out-of-line writers of the encoder.
#[derive(Clone, Copy)]
enum Slow<'s> {
    Escape(&'s [u8], &'static [u8; 256]),
    EscapeString(&'s [u8]),
    Float(f64),
}

#[inline(always)]
fn run_slow<W: Sink>(op: Slow<'_>, w: &mut W) {
    match op {
        Slow::Escape(s, table) => escape_slow(s, table, w),
        Slow::EscapeString(s) => escape_string_slow(s, w),
        Slow::Float(v) => write_finite_f64_ryu(v, w),
    }
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
    #[inline(always)]
    fn detour(&mut self, op: Slow<'_>) {
        run_slow(op, self)
    }
}

/// Lines up to this many bytes are built on the stack first.
const STACK_LINE: usize = 384;

struct StackLine<'a> {
    /// 16 bytes of slack so that short pieces are written as fixed-size chunks. Borrowed
    /// (not a field array): stores through it cannot alias `n`, which can stay in a register
    b: &'a mut [u8; STACK_LINE + 16],
    /// bytes of the line so far; more than STACK_LINE means the line did not fit (the
    /// content is then invalid: encode into the Vec instead). Writes go to
    /// `min(n, STACK_LINE)`, so they always land in `b` without a separate overflow flag.
    n: usize,
}

impl<'a> StackLine<'a> {
    #[inline(always)]
    fn new(b: &'a mut [u8; STACK_LINE + 16]) -> StackLine<'a> {
        StackLine { b, n: 0 }
    }

    /// Where the next write goes (at most STACK_LINE).
    #[inline(always)]
    fn pos(&self) -> usize {
        self.n.min(STACK_LINE)
    }

    #[inline(always)]
    fn full(&self) -> bool {
        self.n > STACK_LINE
    }

    fn as_slice(&self) -> &[u8] {
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
    #[inline(always)]
    fn detour(&mut self, op: Slow<'_>) {
        let mut t = StackLine {
            b: &mut *self.b,
            n: self.n,
        };
        run_slow(op, &mut t);
        let n = t.n;
        self.n = n;
    }
}

/// Write `s` at `b[p..]` (short pieces as at most two overlapping fixed-size chunks, which
/// may touch up to 16 bytes from `p`). A write that does not fit in `b` is dropped: callers
/// keep 16 bytes of slack past what they count as written.
#[inline(always)]
fn put_at(b: &mut [u8], p: usize, s: &[u8]) {
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
fn digits_at(b: &mut [u8], p: usize, d: Digits) {
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
fn w8(b: &mut [u8], at: usize, a: &[u8; 8]) {
    if let Some(d) = b.get_mut(at..).and_then(|t| t.first_chunk_mut::<8>()) {
        *d = *a;
    }
}

#[inline(always)]
fn w4(b: &mut [u8], at: usize, a: &[u8; 4]) {
    if let Some(d) = b.get_mut(at..).and_then(|t| t.first_chunk_mut::<4>()) {
        *d = *a;
    }
}

#[inline(always)]
fn w2(b: &mut [u8], at: usize, a: &[u8; 2]) {
    if let Some(d) = b.get_mut(at..).and_then(|t| t.first_chunk_mut::<2>()) {
        *d = *a;
    }
}

/// A writer into a slice with room reserved beforehand, for [`crate::line_buffer`]: the
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

    #[inline(always)]
    fn detour(&mut self, op: Slow<'_>) {
        run_slow(op, self)
    }
}

/// Escape table: 0 = copy the byte, else write `\` and this byte.
const fn escape_table(with_eq: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    t[b',' as usize] = b',';
    t[b' ' as usize] = b' ';
    t[b'\n' as usize] = b'n';
    t[b'\t' as usize] = b't';
    t[b'\r' as usize] = b'r';
    if with_eq {
        t[b'=' as usize] = b'=';
    }
    t
}

static MEASUREMENT_ESCAPES: [u8; 256] = escape_table(false);
static KEY_ESCAPES: [u8; 256] = escape_table(true);

#[inline(never)]
fn escape_slow<W: Sink>(s: &[u8], table: &[u8; 256], w: &mut W) {
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
fn escape_string_slow<W: Sink>(s: &[u8], w: &mut W) {
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

/// Measurement escaping: `,` space LF TAB CR become `\,` `\ ` `\n` `\t` `\r`; `=` and `\`
/// are kept as they are.
pub fn escape_measurement(s: &str, out: &mut Vec<u8>) {
    if point::is_plain(s.as_bytes()) {
        put_bytes(out, s.as_bytes());
    } else {
        escape_slow(s.as_bytes(), &MEASUREMENT_ESCAPES, out)
    }
}

/// Tag key, tag value and field key escaping: as [`escape_measurement`] plus `=` → `\=`.
/// Backslash is kept as it is.
pub fn escape_key(s: &str, out: &mut Vec<u8>) {
    if point::is_plain(s.as_bytes()) {
        put_bytes(out, s.as_bytes());
    } else {
        escape_slow(s.as_bytes(), &KEY_ESCAPES, out)
    }
}

/// String field escaping (without the surrounding quotes): only `"` → `\"` and `\` → `\\`;
/// LF and TAB stay raw.
pub fn escape_string_field(s: &str, out: &mut Vec<u8>) {
    if point::string_needs_escape(s.as_bytes()) {
        escape_string_slow(s.as_bytes(), out)
    } else {
        put_bytes(out, s.as_bytes());
    }
}

/// Signed integer in decimal (no suffix).
#[inline]
pub fn write_i64(v: i64, out: &mut Vec<u8>) {
    put_bytes(out, itoa::Buffer::new().format(v).as_bytes());
}

/// Unsigned integer in decimal (no suffix).
#[inline]
pub fn write_u64(v: u64, out: &mut Vec<u8>) {
    put_bytes(out, itoa::Buffer::new().format(v).as_bytes());
}

/// A float exactly as the seed writes it: Python's `repr(v)` with a trailing `.0` removed.
///
/// Shortest round-trip digits (ryu). Python's `repr` uses the exponent form when the decimal
/// point position `decpt` (value = 0.d1d2... × 10^decpt) is <= -4 or > 16, i.e. for
/// |v| < 1e-4 or |v| >= 1e16, with a signed exponent of at least two digits (`1e-05`,
/// `1.5e+16`). Ryu uses the same fixed range except that it also writes `0.0000ddd` for
/// decpt == -4, so that case and ryu's own exponent form are rewritten.
///
/// Non-finite values (which the encoder never writes) come out as Python's repr too:
/// `nan`, `inf`, `-inf`.
pub fn write_f64(v: f64, out: &mut Vec<u8>) {
    if !v.is_finite() {
        let s: &[u8] = if v.is_nan() {
            b"nan"
        } else if v > 0.0 {
            b"inf"
        } else {
            b"-inf"
        };
        out.extend_from_slice(s);
        return;
    }
    write_finite_f64(v, out)
}

#[inline(always)]
fn write_finite_f64<W: Sink>(v: f64, w: &mut W) {
    if !write_short_f64(v, w) {
        w.detour(Slow::Float(v))
    }
}

/// Powers of ten that are exact doubles.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Fast path for the common case of a value with at most 15 significant digits in Python's
/// fixed range: finds the smallest `k` and an integer `m < 10^15` with `m / 10^k` rounding
/// to `v` (both exact doubles, so the division is correctly rounded), and writes `m` with
/// the decimal point `k` digits from the right. That is exactly the shortest round-trip
/// text (ryu's digits): two different decimals of at most 15 significant digits never
/// round to the same double (DBL_DIG = 15), so no other decimal as short as `m / 10^k`
/// rounds to `v`, and a smaller `k` was tried first. Returns false (nothing written) when
/// `v` is not such a value.
#[inline(always)]
fn write_short_f64<W: Sink>(v: f64, w: &mut W) -> bool {
    let a = v.abs();
    if !(1e-4..1e15).contains(&a) && a != 0.0 {
        return false;
    }
    // 2^52 + 2^51: adding and subtracting it rounds any 0 <= x < 2^51 to an integer,
    // without a float-to-int conversion in the loop
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let mut k = 0;
    let (m, p) = loop {
        let Some(&p) = POW10.get(k) else {
            return false;
        };
        let x = a * p;
        if x >= 1e15 {
            return false;
        }
        // any integer near x will do: the check below is what proves it
        let m = (x + ROUND) - ROUND;
        if m / p == a {
            // an integer below 1e15 + 1, and a power of ten up to 1e15: exact in u64
            break (m as u64, p as u64);
        }
        k += 1;
    };
    if v.is_sign_negative() {
        w.byte(b'-');
    }
    if k == 0 {
        w.digits(Digits::of(m));
        return true;
    }
    // a = m / 10^k. Its integer part by truncation is exact: a's rounding error (below
    // 2^-53 * 10^(15-k)) is smaller than its distance to the next integer (at least
    // 10^-k). The rest of m are exactly k fraction digits, leading zeros included.
    let int = a as u64;
    let frac = m.wrapping_sub(int.wrapping_mul(p));
    w.digits(Digits::of(int));
    w.byte(b'.');
    w.digits(Digits::fraction(frac, k));
    true
}

/// The general path: ryu's shortest digits, rewritten in Python's notation.
#[inline(never)]
fn write_finite_f64_ryu<W: Sink>(v: f64, w: &mut W) {
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
fn write_f64_exponent<W: Sink>(neg: bool, body: &[u8], w: &mut W) {
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

/// Append one line (no trailing `\n`) for `point` to `out`.
///
/// `default_tags` are merged in (they should be sorted by key and unique; if they are not,
/// they are sorted here, the last of equal keys winning). Default tags with an empty key are
/// ignored. On a key conflict the DEFAULT tag wins, as in the seed: `_BaseWriteApi.
/// _append_default_tags` (influxdb_client/client/_base.py, called by `WriteApi.write`) calls
/// `record.tag(key, val)` on the user's Point, overwriting its value. Following the same code, a
/// default tag with an empty value hides the point's tag of that key (the seed's tag becomes
/// `""`/`None` and is skipped) and is not written itself. Default tags are validated like
/// point tags (reserved keys, backslashes).
///
/// Errors (`InvalidPoint`): no field to write (none set, or all NaN/±Inf — the seed returns
/// `""` and silently writes nothing); an invalid default tag; a series key (measurement and
/// tags, escaped) longer than 65535 bytes. On error `out` is left exactly as it was.
pub fn encode_point(
    point: &Point,
    default_tags: &[(String, String)],
    out: &mut Vec<u8>,
) -> Result<()> {
    if point.is_partial() {
        return encode_point(&point.settled(), default_tags, out);
    }
    let mut estimate = line_estimate(point);
    for (k, v) in default_tags {
        estimate += k.len() + v.len() + 2;
    }
    if estimate <= STACK_LINE {
        let mut buf = [0u8; STACK_LINE + 16];
        let mut line = StackLine::new(&mut buf);
        encode_inner(point, default_tags, &mut line, 0)?;
        if !line.full() {
            out.extend_from_slice(line.as_slice());
            return Ok(());
        }
    }
    encode_into_vec(point, default_tags, out, estimate)
}

/// Bytes a point's line (without default tags) usually takes at most: numbers take at most
/// 24 bytes, the time 20. Escaping may exceed it (then the stack line reports `full` and the
/// line is encoded again into a `Vec`).
#[inline(always)]
fn line_estimate(point: &Point) -> usize {
    point.text_len() + 28 * point.field_count() + 40
}

/// The `Vec` path of [`encode_point`] (long lines).
#[inline(never)]
fn encode_into_vec(
    point: &Point,
    default_tags: &[(String, String)],
    out: &mut Vec<u8>,
    estimate: usize,
) -> Result<()> {
    let start = out.len();
    out.reserve(estimate);
    let r = encode_inner(point, default_tags, out, start);
    if r.is_err() {
        out.truncate(start);
    }
    r
}

/// Encode `point` (no default tags) and pass the line to `f`, without copying it into a
/// `Vec` first when it is short (the C API copies it once, into an exactly sized string).
/// Same output and errors as [`encode_point`].
#[inline]
pub(crate) fn encode_point_then<R>(point: &Point, f: impl FnOnce(&[u8]) -> R) -> Result<R> {
    if point.is_partial() {
        return encode_point_then(&point.settled(), f);
    }
    let estimate = line_estimate(point);
    if estimate <= STACK_LINE {
        let mut buf = [0u8; STACK_LINE + 16];
        let mut line = StackLine::new(&mut buf);
        encode_inner(point, &[], &mut line, 0)?;
        if !line.full() {
            return Ok(f(line.as_slice()));
        }
    }
    let mut out = Vec::new();
    encode_into_vec(point, &[], &mut out, estimate)?;
    Ok(f(&out))
}

#[inline(always)]
fn encode_inner<W: Sink>(
    point: &Point,
    default_tags: &[(String, String)],
    w: &mut W,
    start: usize,
) -> Result<()> {
    match point.measurement_raw() {
        (m, true) => w.detour(Slow::Escape(m, &MEASUREMENT_ESCAPES)),
        (m, false) => w.put(m),
    }

    if default_tags.is_empty() {
        for t in point.tags_raw() {
            put_tag(t, w);
        }
    } else if default_tags
        .windows(2)
        .all(|p| matches!(p, [a, b] if a.0 < b.0))
    {
        write_merged_tags(
            point,
            default_tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            w,
        )?;
    } else {
        write_merged_tags(
            point,
            sorted_default_tags(default_tags)
                .into_iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            w,
        )?;
    }
    if w.len() - start > MAX_KEY_LEN {
        return Err(series_key_too_long(point.measurement()));
    }

    w.byte(b' ');
    let mut first = true;
    for (k, k_esc, v) in point.fields_raw() {
        if let RawValue::F64(x) = v {
            if !x.is_finite() {
                continue; // seed: NaN/±Inf fields are skipped
            }
        }
        if !first {
            w.byte(b',');
        }
        first = false;
        put_key(k, k_esc, w);
        w.byte(b'=');
        match v {
            RawValue::F64(x) => write_finite_f64(x, w),
            RawValue::I64(x) => {
                write_int(x, w);
                w.byte(b'i');
            }
            RawValue::U64(x) => {
                w.digits(Digits::of(x));
                w.byte(b'u');
            }
            RawValue::Bool(true) => w.put(b"true"),
            RawValue::Bool(false) => w.put(b"false"),
            RawValue::Str(s, esc) => write_quoted(s, esc, w),
        }
    }
    if first {
        return Err(nothing_to_write(
            point.measurement(),
            point.field_count() > 0,
        ));
    }
    if let Some(t) = point.time() {
        w.byte(b' ');
        write_int(t, w);
    }
    Ok(())
}

/// A signed integer in decimal (no suffix).
#[inline(always)]
fn write_int<W: Sink>(v: i64, w: &mut W) {
    if v < 0 {
        w.byte(b'-');
    }
    w.digits(Digits::of(v.unsigned_abs()));
}

/// A string field value in quotes; `esc` = `point::string_needs_escape(s)`.
#[inline(always)]
fn write_quoted<W: Sink>(s: &[u8], esc: bool, w: &mut W) {
    w.byte(b'"');
    if esc {
        w.detour(Slow::EscapeString(s));
    } else {
        w.put(s);
    }
    w.byte(b'"');
}

#[cold]
#[inline(never)]
pub(crate) fn nothing_to_write(measurement: &str, has_fields: bool) -> Error {
    let why = if has_fields {
        "all its fields are NaN or infinite, which InfluxDB cannot store"
    } else {
        "it has no fields"
    };
    Error::invalid_point(format!(
        "point {} has nothing to write: {why}",
        point::show(measurement)
    ))
}

#[cold]
#[inline(never)]
pub(crate) fn series_key_too_long(measurement: &str) -> Error {
    Error::invalid_point(format!(
        "measurement {}: series key (measurement and tags) is longer than {MAX_KEY_LEN} bytes",
        point::show(measurement)
    ))
}

/// A key or tag value, escaped if its flag (computed when the point stored it) says so.
#[inline(always)]
fn put_key<W: Sink>(s: &[u8], esc: bool, w: &mut W) {
    if esc {
        w.detour(Slow::Escape(s, &KEY_ESCAPES))
    } else {
        w.put(s)
    }
}

#[inline(always)]
fn put_tag<W: Sink>(t: RawTag<'_>, w: &mut W) {
    w.byte(b',');
    put_key(t.key, t.key_esc, w);
    w.byte(b'=');
    put_key(t.value, t.value_esc, w);
}

/// Merge the point's tags with sorted, unique default tags; the default wins on equal keys.
fn write_merged_tags<'d, W: Sink>(
    point: &Point,
    defaults: impl Iterator<Item = (&'d str, &'d str)>,
    w: &mut W,
) -> Result<()> {
    let mut mine = point.tags_raw().peekable();
    for (dk, dv) in defaults {
        if dk.is_empty() {
            continue;
        }
        let mut esc = (false, false);
        if !dv.is_empty() {
            esc.0 = point::check_tag_key(dk).map_err(default_tag_error)?;
            esc.1 = point::check_tag_value(dk, dv).map_err(default_tag_error)?;
        }
        let dkb = dk.as_bytes();
        while let Some(&t) = mine.peek() {
            if t.key < dkb {
                put_tag(t, w);
                mine.next();
            } else {
                if t.key == dkb {
                    mine.next(); // the default tag replaces the point's
                }
                break;
            }
        }
        if !dv.is_empty() {
            let t = RawTag {
                key: dkb,
                key_esc: esc.0,
                value: dv.as_bytes(),
                value_esc: esc.1,
            };
            put_tag(t, w);
        }
    }
    for t in mine {
        put_tag(t, w);
    }
    Ok(())
}

/// A default tag's error, named as such.
pub(crate) fn default_tag_error(mut e: Error) -> Error {
    e.message = format!("default {}", e.message);
    e
}

/// Default tags sorted by key, one per key: for a repeated key the last given wins.
pub(crate) fn sorted_default_tags(default_tags: &[(String, String)]) -> Vec<&(String, String)> {
    let mut sorted: Vec<&(String, String)> = default_tags.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0)); // stable: equal keys keep their order
    sorted.reverse();
    sorted.dedup_by(|a, b| a.0 == b.0); // keeps the first of a run = the last given
    sorted.reverse();
    sorted
}

/// The encoder's own writers, into a [`Tail`], for [`crate::line_buffer`] (which encodes as
/// calls arrive): same escaping and number text as [`encode_point`].
pub(crate) mod put {
    use super::{
        put_key, write_finite_f64, write_int, write_quoted, Digits, Sink, Slow, Tail,
        MEASUREMENT_ESCAPES,
    };

    /// A measurement; `esc` as returned by `point::check_measurement`.
    #[inline]
    pub(crate) fn measurement(s: &[u8], esc: bool, out: &mut Tail<'_>) {
        if esc {
            out.detour(Slow::Escape(s, &MEASUREMENT_ESCAPES));
        } else {
            out.put(s);
        }
    }

    /// A tag key, tag value or field key; `esc` as returned by its `point::check_*`.
    #[inline(always)]
    pub(crate) fn key(s: &[u8], esc: bool, out: &mut Tail<'_>) {
        put_key(s, esc, out);
    }

    /// A quoted string field value; `esc` = `point::string_needs_escape(s)`.
    #[inline]
    pub(crate) fn string(s: &[u8], esc: bool, out: &mut Tail<'_>) {
        write_quoted(s, esc, out);
    }

    /// A finite float as the seed writes it.
    #[inline(always)]
    pub(crate) fn finite_f64(v: f64, out: &mut Tail<'_>) {
        debug_assert!(v.is_finite());
        write_finite_f64(v, out);
    }

    /// A signed integer in decimal (no suffix).
    #[inline(always)]
    pub(crate) fn int(v: i64, out: &mut Tail<'_>) {
        write_int(v, out);
    }

    /// An unsigned integer in decimal (no suffix).
    #[inline(always)]
    pub(crate) fn uint(v: u64, out: &mut Tail<'_>) {
        out.digits(Digits::of(v));
    }

    /// The text of a timestamp's digits above the last eight, kept from the previous
    /// timestamp: consecutive timestamps usually share them (nanoseconds: ~0.1 s apart).
    #[derive(Clone, Copy, Debug, Default)]
    pub(crate) struct TimeCache {
        /// `t / 10^8 + 1` of the cached timestamp (0: nothing cached).
        hi: u64,
        digits: [u8; 16],
        len: usize,
    }

    /// A timestamp in decimal, as [`int`] writes it, reusing `cache` for its high digits.
    #[inline(always)]
    pub(crate) fn time(v: i64, cache: &mut TimeCache, out: &mut Tail<'_>) {
        const E8: u64 = 100_000_000;
        if v < E8 as i64 {
            return int(v, out);
        }
        let n = v as u64;
        let hi = n / E8;
        if hi + 1 != cache.hi {
            let d = Digits::of(hi);
            let b = d.bytes();
            let len = d.len();
            if len > 16 {
                // above 10^24 cannot happen for a u64 / 10^8; keep the plain path anyway
                return int(v, out);
            }
            cache.digits[..len].copy_from_slice(&b[..len]);
            cache.len = len;
            cache.hi = hi + 1;
        }
        out.put(&cache.digits[..cache.len]);
        out.put(&super::digits8(n % E8).to_le_bytes());
    }

    /// A field value as the encoder writes it: a finite float, an integer with its `i`/`u`
    /// suffix, `true`/`false`, a quoted (escaped) string. Non-finite floats are the caller's
    /// to leave out.
    #[inline(always)]
    pub(crate) fn value(v: crate::point::FieldValue<'_>, out: &mut Tail<'_>) {
        use crate::point::FieldValue;
        match v {
            FieldValue::F64(x) => finite_f64(x, out),
            FieldValue::I64(x) => {
                int(x, out);
                out.byte(b'i');
            }
            FieldValue::U64(x) => {
                uint(x, out);
                out.byte(b'u');
            }
            FieldValue::Bool(x) => out.put(if x { b"true" } else { b"false" }),
            FieldValue::Str(s) => string(
                s.as_bytes(),
                crate::point::string_needs_escape(s.as_bytes()),
                out,
            ),
        }
    }

    /// Raw bytes (punctuation, `true`/`false`).
    #[inline(always)]
    pub(crate) fn bytes(s: &[u8], out: &mut Tail<'_>) {
        out.put(s);
    }

    #[inline(always)]
    pub(crate) fn byte(b: u8, out: &mut Tail<'_>) {
        out.byte(b);
    }
}

/// One line found by [`scan_lines`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineStart {
    /// Offset of the line's first non-blank byte.
    pub start: usize,
    /// Offset of the `\n` that ended the previous line (None for the first line).
    pub prev_newline: Option<usize>,
    /// The line is a `#` comment (the server ignores it).
    pub comment: bool,
}

/// Walk `data` the way the server splits it into lines (models/points.go `scanLine`): a
/// `\n` inside a quoted string field value does not end a line, a backslash escapes the
/// next byte, leading whitespace and blank lines are skipped. Calls `f` for every
/// non-blank line (comments included, marked) until it returns `Break`.
pub fn scan_lines(data: &[u8], mut f: impl FnMut(LineStart) -> std::ops::ControlFlow<()>) {
    let len = data.len();
    let mut i = 0usize;
    let mut prev_newline = None;
    // state of the current line, as the server's scanLine tracks it
    let mut line_start = true; // still in the leading whitespace of the line
    let mut fields = false;
    let mut quoted = false;
    let mut equals = false;
    while let Some(&b) = data.get(i) {
        if line_start {
            match b {
                b' ' | b'\t' | b'\r' | 0 => {
                    i += 1;
                    continue;
                }
                b'\n' => {
                    prev_newline = Some(i);
                    i += 1;
                    continue;
                }
                _ => {
                    line_start = false;
                    let line = LineStart {
                        start: i,
                        prev_newline,
                        comment: b == b'#',
                    };
                    if f(line).is_break() {
                        return;
                    }
                }
            }
        }
        if b == b'\\' && i + 2 < len {
            i += 2;
            continue;
        }
        if b == b' ' {
            fields = true;
        }
        if fields {
            if !quoted && b == b'=' {
                equals = true;
                i += 1;
                continue;
            } else if b == b'"' && equals {
                quoted = !quoted;
            }
        }
        if b == b'\n' && !quoted {
            line_start = true;
            fields = false;
            equals = false;
            prev_newline = Some(i);
        }
        i += 1;
    }
}

/// Check raw line protocol given by a user before it is sent: valid UTF-8, at least one
/// line that is not blank or a comment. Returns the number of such lines, splitting lines
/// the way the server does (a `\n` inside a quoted string field value does not end a line,
/// a backslash skips the next byte). Single pass, no full parse.
pub fn count_lines(data: &[u8]) -> Result<usize> {
    if let Err(e) = std::str::from_utf8(data) {
        return Err(Error::new(
            Code::InvalidUtf8,
            format!(
                "line protocol is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            ),
        ));
    }
    let mut count = 0usize;
    let mut blank_only = true;
    scan_lines(data, |line| {
        blank_only = false;
        if !line.comment {
            count += 1;
        }
        std::ops::ControlFlow::Continue(())
    });
    if blank_only {
        return Err(Error::invalid_argument(
            "line protocol is empty (only whitespace)",
        ));
    }
    if count == 0 {
        return Err(Error::invalid_argument(
            "line protocol has no data lines (only comments)",
        ));
    }
    Ok(count)
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
    use crate::point::assert_invalid_point;
    use crate::point::{Precision, MAX_STRING_FIELD_LEN};

    fn lp(p: &Point) -> String {
        lp_with(p, &[])
    }

    fn lp_with(p: &Point, defaults: &[(&str, &str)]) -> String {
        let d: Vec<(String, String)> = defaults
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut out = Vec::new();
        encode_point(p, &d, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn f(v: f64) -> String {
        let mut out = Vec::new();
        write_f64(v, &mut out);
        String::from_utf8(out).unwrap()
    }

    // ---- seed vectors (conformance/seed_vectors.jsonl) ----

    #[test]
    fn py_lp_01() {
        let mut p = Point::new("h2 o").unwrap();
        p.tag("location", "europe").unwrap();
        p.tag("", "warn").unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(lp(&p), "h2\\ o,location=europe level=2i");
    }

    #[test]
    fn py_lp_02() {
        let mut p = Point::new("h2,o").unwrap();
        p.tag("location", "europe").unwrap();
        p.tag("", "warn").unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(lp(&p), "h2\\,o,location=europe level=2i");
    }

    #[test]
    fn py_lp_03() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.tag("log", "").unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i");
    }

    #[test]
    fn py_lp_04() {
        let mut p = Point::new("h\n2\ro\t_data").unwrap();
        p.tag("new\nline", "new\nline").unwrap();
        p.tag("carriage\rreturn", "carriage\nreturn").unwrap();
        p.tag("t\tab", "t\tab").unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(
            lp(&p),
            "h\\n2\\ro\\t_data,carriage\\rreturn=carriage\\nreturn,new\\nline=new\\nline,t\\tab=t\\tab level=2i"
        );
    }

    #[test]
    fn py_lp_05() {
        let mut p = Point::new("h=2o").unwrap();
        p.tag("l=ocation", "e=urope").unwrap();
        p.field_i64("l=evel", 2).unwrap();
        assert_eq!(lp(&p), "h=2o,l\\=ocation=e\\=urope l\\=evel=2i");
    }

    #[test]
    fn py_lp_06() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_i64("long", 1).unwrap();
        p.field_f64("double", 250.69).unwrap();
        p.field_f64("float", 35.0).unwrap();
        p.field_i64("integer", 7).unwrap();
        p.field_i64("short", 8).unwrap();
        p.field_i64("byte", 9).unwrap();
        p.field_i64("ulong", 10).unwrap();
        p.field_i64("uint", 11).unwrap();
        p.field_i64("sbyte", 12).unwrap();
        p.field_i64("ushort", 13).unwrap();
        p.field_f64("point", 13.3).unwrap();
        p.field_f64("decimal", 25.6).unwrap();
        p.field_f64("decimal-object", 0.142857).unwrap(); // Decimal("0.142857")
        p.field_bool("boolean", false).unwrap();
        p.field_str("string", "string value").unwrap();
        assert_eq!(
            lp(&p),
            "h2o,location=europe boolean=false,byte=9i,decimal=25.6,decimal-object=0.142857,double=250.69,\
             float=35,integer=7i,long=1i,point=13.3,sbyte=12i,short=8i,string=\"string value\",uint=11i,\
             ulong=10i,ushort=13i"
        );
    }

    #[test]
    fn py_lp_07() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_str("level", "string esc\\ape value").unwrap();
        assert_eq!(
            lp(&p),
            "h2o,location=europe level=\"string esc\\\\ape value\""
        );
    }

    #[test]
    fn py_lp_08() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_str("level", "string esc\"ape value").unwrap();
        assert_eq!(
            lp(&p),
            "h2o,location=europe level=\"string esc\\\"ape value\""
        );
    }

    #[test]
    fn py_lp_09() {
        // timedelta(hours=356) at US precision
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_i64("level", 2).unwrap();
        p.set_time(356 * 3600 * 1_000_000, Precision::Us).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i 1281600000000");
        assert_eq!(p.precision(), Precision::Us);
    }

    #[test]
    fn py_lp_10() {
        // datetime(2015, 10, 15, 8, 20, 15, 750, utc) at US precision
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_bool("level", false).unwrap();
        p.set_time(1_444_897_215_000_750, Precision::Us).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=false 1444897215000750");
    }

    #[test]
    fn py_lp_11() {
        // datetime(2015, 10, 15, 8, 20, 15), default NS precision
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_i64("level", 2).unwrap();
        p.set_time(1_444_897_215_000_000_000, Precision::Ns)
            .unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i 1444897215000000000");
    }

    #[test]
    fn py_lp_12() {
        // "1970-01-01T00:00:45.808680869Z" at S precision (truncated to whole seconds)
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_i64("level", 2).unwrap();
        p.set_time(45, Precision::S).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i 45");
    }

    #[test]
    fn py_lp_13() {
        // datetime(2009, 11, 10, 23, 0, 0, 123456) at MS precision
        let mut p = Point::new("weather").unwrap();
        p.set_time(1_257_894_000_123, Precision::Ms).unwrap();
        p.tag("location", "Přerov").unwrap();
        p.tag("sid", "12345").unwrap();
        p.field_f64("temperature", 30.1).unwrap();
        p.field_i64("int_field", 2).unwrap();
        p.field_i64("float_field", 0).unwrap();
        assert_eq!(
            lp(&p),
            "weather,location=Přerov,sid=12345 float_field=0i,int_field=2i,temperature=30.1 1257894000123"
        );
    }

    #[test]
    fn py_lp_14() {
        // seed quirk: "C:\\" became "C:\\ " (a space appended); we refuse the value instead.
        let mut p = Point::new("test").unwrap();
        p.tag("empty_tag", "").unwrap();
        // none_tag=None: not set at all
        let err = p.tag("backslash_tag", "C:\\\\").unwrap_err();
        assert_eq!(err.code, Code::InvalidPoint);
        assert!(err.message.contains("\"backslash_tag\""), "{}", err.message);
        assert!(err.message.contains("backslash"), "{}", err.message);
        p.tag("integer_tag", "2").unwrap();
        p.tag("string_tag", "hello").unwrap();
        p.field_str("string_val", "hello!").unwrap();
        p.field_i64("int_val", 1).unwrap();
        p.field_f64("float_val", 1.1).unwrap();
        p.field_bool("bool_val", true).unwrap();
        // the rest of the point is what the seed writes, minus the refused tag
        assert_eq!(
            lp(&p),
            "test,integer_tag=2,string_tag=hello bool_val=true,float_val=1.1,int_val=1i,string_val=\"hello!\""
        );
    }

    #[test]
    fn py_lp_15() {
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        // Decimal("Infinity"/"-Infinity"/"NaN") behave as the floats
        p.field_f64("decimal-infinity-positive", f64::INFINITY)
            .unwrap();
        p.field_f64("decimal-infinity-negative", f64::NEG_INFINITY)
            .unwrap();
        p.field_f64("decimal-nan", f64::NAN).unwrap();
        p.field_f64("flout-infinity-positive", f64::INFINITY)
            .unwrap();
        p.field_f64("flout-infinity-negative", f64::NEG_INFINITY)
            .unwrap();
        p.field_f64("flout-nan", f64::NAN).unwrap();
        p.field_i64("level", 2).unwrap();
        assert_eq!(lp(&p), "h2o,location=europe level=2i");
    }

    #[test]
    fn py_lp_16() {
        // seed quirk: returns "" (nothing written, no error); we return a clear error
        let mut p = Point::new("h2o").unwrap();
        p.tag("location", "europe").unwrap();
        p.field_f64("decimal-infinity-positive", f64::INFINITY)
            .unwrap();
        p.field_f64("decimal-infinity-negative", f64::NEG_INFINITY)
            .unwrap();
        p.field_f64("decimal-nan", f64::NAN).unwrap();
        p.field_f64("flout-infinity-positive", f64::INFINITY)
            .unwrap();
        p.field_f64("flout-infinity-negative", f64::NEG_INFINITY)
            .unwrap();
        p.field_f64("flout-nan", f64::NAN).unwrap();
        let mut out = b"keep".to_vec();
        let err = encode_point(&p, &[], &mut out).unwrap_err();
        assert_eq!(err.code, Code::InvalidPoint);
        assert!(err.message.contains("\"h2o\""), "{}", err.message);
        assert!(err.message.contains("NaN or infinite"), "{}", err.message);
        assert_eq!(out, b"keep");
    }

    #[test]
    fn py_lp_17() {
        // datetime(2009, 11, 10, 23, 0, 0, 123456, Europe/Berlin) = 22:00 UTC
        let mut p = Point::new("h2o").unwrap();
        p.field_i64("val", 1).unwrap();
        p.set_time(1_257_890_400_123_456_000, Precision::Ns)
            .unwrap();
        assert_eq!(lp(&p), "h2o val=1i 1257890400123456000");
    }

    #[test]
    fn py_lp_18() {
        let mut p = Point::new("h2o").unwrap();
        p.field_i64("val", 1).unwrap();
        p.set_time(1_257_894_000_123_456_000, Precision::Ns)
            .unwrap();
        assert_eq!(lp(&p), "h2o val=1i 1257894000123456000");
    }

    #[test]
    fn py_lp_19() {
        let mut p = Point::new("test").unwrap();
        p.tag("tag1", "value1").unwrap();
        p.tag("tag2", "value\u{2}").unwrap(); // Python "value\2" is an octal escape
        p.tag("tag3", "value\\3").unwrap();
        p.tag("tag4", "value\\4").unwrap();
        p.tag("tag5", "value\\\\5").unwrap();
        p.set_time(1_624_989_000_000_000_000, Precision::Ns)
            .unwrap();
        p.field_i64("value", 10).unwrap();
        assert_eq!(
            lp(&p),
            "test,tag1=value1,tag2=value\u{2},tag3=value\\3,tag4=value\\4,tag5=value\\\\5 value=10i 1624989000000000000"
        );
    }

    #[test]
    fn py_lp_20() {
        let mut p = Point::new("sensor_pt859").unwrap();
        p.tag("location", "warehouse_125").unwrap();
        p.tag("version", "2021.06.05.5874").unwrap();
        p.field_i64("pressure", 125).unwrap();
        p.field_i64("temperature", 10).unwrap();
        p.set_time(1_632_208_639, Precision::S).unwrap();
        assert_eq!(
            lp(&p),
            "sensor_pt859,location=warehouse_125,version=2021.06.05.5874 pressure=125i,temperature=10i 1632208639"
        );
    }

    #[test]
    fn py_lp_21() {
        let mut p = Point::new("h2o_feet").unwrap();
        p.tag("location", "coyote_creek").unwrap();
        p.field_f64("water_level", 1.0).unwrap();
        p.field_u64("some_counter", 108_913_123_234).unwrap(); // field_types "uint"
        p.set_time(1, Precision::Ns).unwrap();
        assert_eq!(
            lp(&p),
            "h2o_feet,location=coyote_creek some_counter=108913123234u,water_level=1 1"
        );
    }

    #[test]
    fn py_lp_22() {
        let mut p = Point::new("h2o_feet").unwrap();
        p.tag("location", "coyote_creek").unwrap();
        p.field_f64("water_level", 1.0).unwrap();
        p.field_f64("some_counter", 108_913_123_234.0).unwrap(); // field_types "float"
        p.set_time(1, Precision::Ns).unwrap();
        assert_eq!(
            lp(&p),
            "h2o_feet,location=coyote_creek some_counter=108913123234,water_level=1 1"
        );
    }

    #[test]
    fn py_lp_23() {
        // record_measurement_name; "version" and "temperature" are absent from the dict
        let mut p = Point::new("custom_sensor_id").unwrap();
        p.tag("location", "warehouse_125").unwrap();
        p.field_i64("pressure", 125).unwrap();
        assert_eq!(
            lp(&p),
            "custom_sensor_id,location=warehouse_125 pressure=125i"
        );
        assert_eq!(p.precision(), Precision::Ns); // write_precision=S only applies to a time
    }

    #[test]
    fn py_lp_24() {
        // seed quirk: writes "#hash_start,..." which the server reads as a comment
        let err = Point::new("#hash_start").unwrap_err();
        assert_eq!(err.code, Code::InvalidPoint);
        assert!(err.message.contains("\"#hash_start\""), "{}", err.message);
        assert!(err.message.contains("comment"), "{}", err.message);
        let mut p = Point::new("ok").unwrap();
        assert_invalid_point(p.clear("#x"), "comment");
    }

    // ---- escaping ----

    #[test]
    fn escaping_every_special_char() {
        let all = "a,b c=d\ne\tf\rg\\h\"i#j";
        let mut out = Vec::new();
        escape_measurement(all, &mut out);
        assert_eq!(out, b"a\\,b\\ c=d\\ne\\tf\\rg\\h\"i#j");
        out.clear();
        escape_key(all, &mut out);
        assert_eq!(out, b"a\\,b\\ c\\=d\\ne\\tf\\rg\\h\"i#j");
        out.clear();
        escape_string_field(all, &mut out);
        assert_eq!(out, "a,b c=d\ne\tf\rg\\\\h\\\"i#j".as_bytes());
        out.clear();
        escape_key("", &mut out);
        escape_key("plain", &mut out);
        escape_string_field("ž\"", &mut out);
        assert_eq!(out, "plainž\\\"".as_bytes());
        out.clear();
        escape_key(",,", &mut out);
        escape_measurement("  ", &mut out);
        escape_string_field("\\\\", &mut out);
        assert_eq!(out, b"\\,\\,\\ \\ \\\\\\\\");
    }

    #[test]
    fn escaping_in_a_point() {
        let mut p = Point::new("m e,a=s").unwrap();
        p.tag("k ,=\n\t\r", "v ,=\n\t\r").unwrap();
        p.field_str("f ,=", "s \"\\\n,=").unwrap();
        p.field_bool("g\\x", true).unwrap();
        assert_eq!(
            lp(&p),
            "m\\ e\\,a=s,k\\ \\,\\=\\n\\t\\r=v\\ \\,\\=\\n\\t\\r f\\ \\,\\==\"s \\\"\\\\\n,=\",g\\x=true"
        );
    }

    // ---- sorting, overwrite, types ----

    #[test]
    fn sorted_output_and_overwrites() {
        let mut p = Point::new("m").unwrap();
        p.field_i64("z", 1).unwrap();
        p.field_i64("a", 2).unwrap();
        p.tag("b", "1").unwrap();
        p.tag("a", "1").unwrap();
        p.tag("b", "2").unwrap();
        p.field_f64("z", 2.5).unwrap(); // type change i64 -> f64
        p.field_str("a", "s").unwrap(); // i64 -> string
        p.field_u64("m", 0).unwrap();
        p.field_i64("n", i64::MIN).unwrap();
        p.field_u64("o", u64::MAX).unwrap();
        assert_eq!(
            lp(&p),
            "m,a=1,b=2 a=\"s\",m=0u,n=-9223372036854775808i,o=18446744073709551615u,z=2.5"
        );
        p.field_bool("a", false).unwrap();
        p.tag("a", "").unwrap();
        assert_eq!(
            lp(&p),
            "m,b=2 a=false,m=0u,n=-9223372036854775808i,o=18446744073709551615u,z=2.5"
        );
    }

    #[test]
    fn timestamps_written_as_given() {
        let mut p = Point::new("m").unwrap();
        p.field_i64("f", 1).unwrap();
        p.set_time(-5, Precision::S).unwrap();
        assert_eq!(lp(&p), "m f=1i -5");
        p.set_time(0, Precision::Ns).unwrap();
        assert_eq!(lp(&p), "m f=1i 0");
        p.set_time(i64::MAX - 1, Precision::Ns).unwrap();
        assert_eq!(lp(&p), "m f=1i 9223372036854775806");
        p.clear_time();
        assert_eq!(lp(&p), "m f=1i");
    }

    // ---- default tags ----

    #[test]
    fn default_tags_merge_and_win_conflicts() {
        let mut p = Point::new("m").unwrap();
        p.tag("b", "point").unwrap();
        p.tag("d", "point").unwrap();
        p.tag("f", "point").unwrap();
        p.field_i64("x", 1).unwrap();
        assert_eq!(
            lp_with(
                &p,
                &[("a", "dflt"), ("d", "dflt"), ("e", "dflt"), ("g", "dflt")]
            ),
            "m,a=dflt,b=point,d=dflt,e=dflt,f=point,g=dflt x=1i"
        );
        assert_eq!(
            lp_with(&p, &[("z", "1")]),
            "m,b=point,d=point,f=point,z=1 x=1i"
        );
        assert_eq!(
            lp_with(&p, &[("0", "1")]),
            "m,0=1,b=point,d=point,f=point x=1i"
        );
        // empty key ignored; empty value hides the point's tag (the seed sets it to "")
        assert_eq!(
            lp_with(&p, &[("", "v"), ("b", ""), ("c", "")]),
            "m,d=point,f=point x=1i"
        );
        // escaping applies to default tags too
        assert_eq!(
            lp_with(&p, &[("h o", "v,=")]),
            "m,b=point,d=point,f=point,h\\ o=v\\,\\= x=1i"
        );
        // the point itself is unchanged
        assert_eq!(lp(&p), "m,b=point,d=point,f=point x=1i");
        // a point without tags
        let mut q = Point::new("m").unwrap();
        q.field_i64("x", 1).unwrap();
        assert_eq!(lp_with(&q, &[("a", "1"), ("b", "2")]), "m,a=1,b=2 x=1i");
    }

    #[test]
    fn default_tags_unsorted_or_duplicated() {
        let mut p = Point::new("m").unwrap();
        p.tag("b", "point").unwrap();
        p.field_i64("x", 1).unwrap();
        assert_eq!(
            lp_with(&p, &[("c", "1"), ("a", "1"), ("b", "dflt"), ("a", "2")]),
            "m,a=2,b=dflt,c=1 x=1i"
        );
    }

    #[test]
    fn invalid_default_tags_are_errors() {
        let mut p = Point::new("m").unwrap();
        p.field_i64("x", 1).unwrap();
        for (k, v, needle) in [
            ("time", "v", "reserved"),
            ("_field", "v", "reserved"),
            ("k", "v\\", "backslash"),
            ("k\\", "v", "backslash"),
        ] {
            let d = vec![(k.to_string(), v.to_string())];
            let mut out = b"prefix\n".to_vec();
            let e = encode_point(&p, &d, &mut out).unwrap_err();
            assert_eq!(e.code, Code::InvalidPoint);
            assert!(e.message.starts_with("default "), "{}", e.message);
            assert!(e.message.contains(needle), "{}", e.message);
            assert_eq!(out, b"prefix\n");
        }
        // an empty value is not validated (it is not written)
        assert_eq!(lp_with(&p, &[("time", "")]), "m x=1i");
    }

    // ---- errors leave `out` unchanged ----

    #[test]
    fn no_fields_is_an_error_and_out_is_unchanged() {
        let mut p = Point::new("cpu").unwrap();
        p.tag("host", "a").unwrap();
        let mut out = b"line one\n".to_vec();
        let e = encode_point(&p, &[("r".into(), "x".into())], &mut out).unwrap_err();
        assert_eq!(e.code, Code::InvalidPoint);
        assert!(e.message.contains("no fields"), "{}", e.message);
        assert_eq!(out, b"line one\n");
        p.field_f64("n", f64::NAN).unwrap();
        let e = encode_point(&p, &[], &mut out).unwrap_err();
        assert!(e.message.contains("NaN"), "{}", e.message);
        assert_eq!(out, b"line one\n");
        p.field_f64("n", 1.0).unwrap();
        encode_point(&p, &[], &mut out).unwrap();
        assert_eq!(out, b"line one\ncpu,host=a n=1");
    }

    #[test]
    fn series_key_too_long() {
        let mut p = Point::new(&"m".repeat(40_000)).unwrap();
        p.field_i64("x", 1).unwrap();
        p.tag("t", &"v".repeat(25_000)).unwrap();
        let mut out = Vec::new();
        encode_point(&p, &[], &mut out).unwrap();
        p.tag("u", &"w".repeat(1_000)).unwrap();
        let mut out = b"x".to_vec();
        assert_invalid_point(encode_point(&p, &[], &mut out), "65535");
        assert_eq!(out, b"x");
    }

    #[test]
    fn big_string_field_encodes() {
        let mut p = Point::new("m").unwrap();
        let s = "\"".repeat(MAX_STRING_FIELD_LEN);
        p.field_str("s", &s).unwrap();
        let mut out = Vec::new();
        encode_point(&p, &[], &mut out).unwrap();
        assert_eq!(out.len(), "m s=\"\"".len() + 2 * MAX_STRING_FIELD_LEN);
    }

    #[test]
    fn stack_and_vec_paths_agree_around_the_stack_limit() {
        // lines from a few bytes to well past STACK_LINE, some made longer than the size
        // estimate by escaping (the stack attempt overflows and the Vec path takes over)
        for n in (0..500).step_by(7) {
            for fill in ["x", ",", "\\"] {
                let mut p = Point::new("m").unwrap();
                let tag_value = if fill == "\\" {
                    "v".repeat(n + 1)
                } else {
                    fill.repeat(n + 1)
                };
                p.tag("t", &tag_value).unwrap();
                p.field_str("s", &fill.repeat(n)).unwrap();
                p.field_f64("f", n as f64 / 8.0).unwrap();
                p.set_time(n as i64, Precision::S).unwrap();
                let mut want = b"m,t=".to_vec();
                escape_key(&tag_value, &mut want);
                want.extend_from_slice(b" f=");
                write_f64(n as f64 / 8.0, &mut want);
                want.extend_from_slice(b",s=\"");
                escape_string_field(&fill.repeat(n), &mut want);
                want.extend_from_slice(format!("\" {n}").as_bytes());
                let mut out = b"prefix".to_vec();
                encode_point(&p, &[], &mut out).unwrap();
                assert_eq!(out.get(6..), Some(&want[..]), "n={n} fill={fill:?}");
                assert!(out.starts_with(b"prefix"));
                // with default tags too
                let mut out = Vec::new();
                encode_point(
                    &p,
                    &[("a".into(), fill.repeat(n / 2 + 1).replace('\\', "v"))],
                    &mut out,
                )
                .unwrap();
                assert!(out.ends_with(&want[1..]), "n={n} fill={fill:?}");
            }
        }
    }

    #[test]
    fn encode_appends_and_reuses() {
        let mut p = Point::new("cpu").unwrap();
        let mut out = Vec::new();
        for i in 0..3i64 {
            p.clear("cpu").unwrap();
            p.tag("host", &format!("h{i}")).unwrap();
            p.field_i64("v", i).unwrap();
            if !out.is_empty() {
                out.push(b'\n');
            }
            encode_point(&p, &[], &mut out).unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "cpu,host=h0 v=0i\ncpu,host=h1 v=1i\ncpu,host=h2 v=2i"
        );
    }

    // ---- numbers ----

    #[test]
    fn integers() {
        let mut out = Vec::new();
        write_i64(i64::MIN, &mut out);
        out.push(b' ');
        write_i64(0, &mut out);
        out.push(b' ');
        write_u64(u64::MAX, &mut out);
        assert_eq!(out, b"-9223372036854775808 0 18446744073709551615");
    }

    #[test]
    fn floats_like_python_repr() {
        for (v, s) in [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (35.0, "35"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00011, "0.00011"),
            (0.00001, "1e-05"),
            (0.000012345, "1.2345e-05"),
            (-0.00001, "-1e-05"),
            (1e-7, "1e-07"),
            (1e15, "1000000000000000"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (9999999999999998.0, "9999999999999998"),
            (1e22, "1e+22"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (123456789.125, "123456789.125"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(f(v), s, "{v:e}");
        }
    }

    #[test]
    fn floats_match_python_table() {
        let table = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/float_repr.tsv"
        ));
        let mut n = 0;
        let mut out = Vec::new();
        for line in table
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (hex, want) = line.split_once('\t').unwrap();
            let v = f64::from_bits(u64::from_str_radix(hex, 16).unwrap());
            out.clear();
            write_f64(v, &mut out);
            assert_eq!(std::str::from_utf8(&out).unwrap(), want, "bits {hex}");
            n += 1;
        }
        assert!(n >= 3000, "only {n} values");
    }

    #[test]
    fn short_float_path_matches_ryu_path() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut hits = 0;
        let mut check = |v: f64| {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            if write_short_f64(v, &mut fast) {
                hits += 1;
                // the stack line (chunked digit writes) gives the same text
                let mut buf = [0u8; STACK_LINE + 16];
                let mut line = StackLine::new(&mut buf);
                line.byte(b'x');
                assert!(write_short_f64(v, &mut line));
                line.byte(b'y');
                assert_eq!(line.as_slice(), [&b"x"[..], &fast, b"y"].concat(), "{v:e}");
                write_finite_f64_ryu(v, &mut slow);
                assert_eq!(
                    String::from_utf8(fast).unwrap(),
                    String::from_utf8(slow).unwrap(),
                    "{v:e} bits {:x}",
                    v.to_bits()
                );
            }
        };
        for i in 0..200_000u64 {
            check(i as f64 * 0.37);
            check(i as f64 * -0.11);
            check(i as f64 / 1000.0);
        }
        for _ in 0..300_000 {
            // short decimals of every length and scale, and their neighbours
            let digits = 1 + rnd() % 17;
            let m = rnd() % 10u64.pow(digits as u32);
            let v = m as f64 / 10f64.powi((rnd() % 24) as i32);
            check(v);
            check(-v);
            check(f64::from_bits(v.to_bits() + 1));
            check(f64::from_bits(v.to_bits().saturating_sub(1)));
            // arbitrary doubles in and around the fixed range
            let x = f64::from_bits(rnd());
            if x.is_finite() {
                check(x);
            }
            let e = (rnd() % 26) as i32 - 6;
            check((rnd() >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi(e));
        }
        for v in [
            0.0,
            -0.0,
            1e-4,
            0.00011,
            1e15 - 1.0,
            1e15,
            999999999999999.9,
            0.1,
            0.5,
            1.0,
        ] {
            check(v);
        }
        assert!(hits > 500_000, "{hits}");
    }

    // ---- count_lines ----

    #[test]
    fn count_lines_counts_data_lines() {
        assert_eq!(count_lines(b"m f=1").unwrap(), 1);
        assert_eq!(count_lines(b"m f=1\n").unwrap(), 1);
        assert_eq!(count_lines(b"m f=1\nm f=2\r\n\n  \n\tm f=3").unwrap(), 3);
        assert_eq!(
            count_lines(b"# comment\nm f=1\n  # indented comment\n").unwrap(),
            1
        );
        // a newline inside a quoted string field does not end the line (as the server reads it)
        assert_eq!(count_lines(b"m s=\"a\nb\"\nm f=2").unwrap(), 2);
        // an escaped quote does not open a string
        assert_eq!(count_lines(b"m s=\"a\\\"\nb\"\nm f=2").unwrap(), 2);
        // quotes in the measurement/tags are literal
        assert_eq!(count_lines(b"m\"x,t=\"v f=1\nm f=2").unwrap(), 2);
        assert_eq!(count_lines("m,t=ž f=\"é\"".as_bytes()).unwrap(), 1);
    }

    #[test]
    fn count_lines_errors() {
        for empty in [&b""[..], b"\n", b"  \r\n\t\n"] {
            let e = count_lines(empty).unwrap_err();
            assert_eq!(e.code, Code::InvalidArgument);
            assert!(e.message.contains("empty"), "{}", e.message);
        }
        let e = count_lines(b"# only\n#comments").unwrap_err();
        assert_eq!(e.code, Code::InvalidArgument);
        assert!(e.message.contains("comments"), "{}", e.message);
        let e = count_lines(b"m f=1\nm s=\"\xff\"").unwrap_err();
        assert_eq!(e.code, Code::InvalidUtf8);
        assert!(e.message.contains("byte 11"), "{}", e.message);
    }
}
