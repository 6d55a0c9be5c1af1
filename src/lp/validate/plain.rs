//! The fast path of [`super::validate_lines`]: one line in the plain form every encoder
//! writes (ASCII names without escapes, numbers in their short forms, booleans, strings
//! without escapes or newlines, an integer timestamp), read in one pass in which each byte
//! is looked at once. Anything else — a backslash, a `\r`, a non-ASCII byte, an exponent, a
//! reserved or repeated tag key, every error — is not decided here: the line is read again
//! by the full parser, which accepts it or says why not. So this path only ever accepts
//! lines the full parser accepts (`tests::agrees_with_the_full_parser` checks that on
//! mutated lines).

use super::byte_table;
use crate::lp::rules::{MAX_TIME_NS, MIN_TIME_NS};

/// Bytes that end a plain name (measurement, tag key or value, field key) or that this path
/// leaves to the full parser: space, `,`, `=`, `"`, `\\`, `\n`, `\r`, NUL, every non-ASCII
/// byte (UTF-8 is checked by the full parser).
const NAME_STOP: [bool; 256] = byte_table(b" ,=\"\\\n\r\0", true);

/// Inside a plain string field value: the closing quote, and what the full parser reads
/// (escapes, newlines, NUL, non-ASCII).
const STRING_STOP: [bool; 256] = byte_table(b"\"\\\n\0", true);

/// Most tag keys of a line this path compares for repeats; a line with more goes to the
/// full parser.
const MAX_TAGS: usize = 16;

/// Read one data line starting at `i` (its first non-blank byte). Some(index after the line
/// and its `\n`) when the line is plain and valid; None when the full parser must decide.
#[inline]
pub(super) fn plain_line(
    d: &[u8],
    mut i: usize,
    nanos_per_unit: i64,
    keys: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    // measurement
    let start = i;
    i = name_end(d, i);
    if i == start {
        return None;
    }
    // tags
    keys.clear();
    while d.get(i) == Some(&b',') {
        let k = i + 1;
        i = name_end(d, k);
        if i == k || d.get(i) != Some(&b'=') {
            return None;
        }
        let key = &d[k..i];
        if matches!(key, b"_measurement" | b"_field" | b"time")
            || keys.len() == MAX_TAGS
            || keys.iter().any(|&(s, e)| &d[s..e] == key)
        {
            return None;
        }
        keys.push((k, i));
        let v = i + 1;
        i = name_end(d, v);
        if i == v || !matches!(d.get(i), Some(b',' | b' ')) {
            return None;
        }
    }
    // one or more spaces, then the fields
    if d.get(i) != Some(&b' ') {
        return None;
    }
    while d.get(i) == Some(&b' ') {
        i += 1;
    }
    loop {
        let k = i;
        i = name_end(d, k);
        if i == k || d.get(i) != Some(&b'=') {
            return None;
        }
        i = field_value_end(d, i + 1)?;
        match d.get(i) {
            Some(b',') => i += 1,
            _ => break,
        }
    }
    // the timestamp
    while d.get(i) == Some(&b' ') {
        i += 1;
    }
    match d.get(i) {
        None => return Some(i),
        Some(b'\n') => return Some(i + 1),
        _ => {}
    }
    i = timestamp_end(d, i, nanos_per_unit)?;
    while d.get(i) == Some(&b' ') {
        i += 1;
    }
    match d.get(i) {
        None => Some(i),
        Some(b'\n') => Some(i + 1),
        _ => None,
    }
}

/// The index after the run of ASCII digits at `i`.
#[inline(always)]
fn digits_end(d: &[u8], mut i: usize) -> usize {
    while d.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

#[inline(always)]
fn name_end(d: &[u8], mut i: usize) -> usize {
    while let Some(&b) = d.get(i) {
        if NAME_STOP[b as usize] {
            break;
        }
        i += 1;
    }
    i
}

/// A field value at `i`; Some(index after it) when it is plain, valid and followed by `,`,
/// a space, `\n` or the end.
#[inline]
fn field_value_end(d: &[u8], i: usize) -> Option<usize> {
    let end = match *d.get(i)? {
        b'"' => {
            let mut j = i + 1;
            while let Some(&b) = d.get(j) {
                if STRING_STOP[b as usize] {
                    break;
                }
                j += 1;
            }
            if d.get(j) != Some(&b'"') {
                return None;
            }
            j + 1
        }
        b't' | b'f' | b'T' | b'F' => {
            let mut j = i;
            while d.get(j).is_some_and(u8::is_ascii_alphabetic) {
                j += 1;
            }
            if !matches!(
                &d[i..j],
                b"t" | b"T"
                    | b"true"
                    | b"True"
                    | b"TRUE"
                    | b"f"
                    | b"F"
                    | b"false"
                    | b"False"
                    | b"FALSE"
            ) {
                return None;
            }
            j
        }
        _ => number_end(d, i)?,
    };
    matches!(d.get(end), None | Some(b',' | b' ' | b'\n')).then_some(end)
}

/// `[-]digits[.digits]` (a float: at least one digit, at most 300 so it is finite), or
/// `[-]digits` + `i` (at most 18 digits, so it fits an i64) or digits + `u` (at most 19,
/// fits a u64), read in one pass. Other forms (exponents, longer numbers) are the full
/// parser's.
#[inline]
fn number_end(d: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    let neg = d.get(j) == Some(&b'-');
    if neg {
        j += 1;
    }
    let first = j;
    j = digits_end(d, j);
    let int_digits = j - first;
    match d.get(j) {
        Some(b'i') => (1..=18).contains(&int_digits).then_some(j + 1),
        Some(b'u') => (!neg && (1..=19).contains(&int_digits)).then_some(j + 1),
        Some(b'.') => {
            j += 1;
            let frac = j;
            j = digits_end(d, j);
            let digits = int_digits + (j - frac);
            (1..=300).contains(&digits).then_some(j)
        }
        _ => (1..=300).contains(&int_digits).then_some(j),
    }
}

/// A timestamp `[-]digits` of at most 19 digits at `i` that is within the range InfluxDB
/// accepts in the precision (`nanos_per_unit`); Some(the index after it).
#[inline]
fn timestamp_end(d: &[u8], i: usize, nanos_per_unit: i64) -> Option<usize> {
    let neg = d.get(i) == Some(&b'-');
    let first = i + usize::from(neg);
    let end = digits_end(d, first);
    let digits = d.get(first..end)?;
    match digits.len() {
        0 | 20.. => return None,
        // nanoseconds: below 10^18 always in range; 19 digits compared as text with
        // MAX_TIME_NS = -MIN_TIME_NS (same length, so the text order is the number order)
        1..=18 if nanos_per_unit == 1 => return Some(end),
        19 if nanos_per_unit == 1 => {
            const MAX: &[u8; 19] = b"9223372036854775806";
            debug_assert_eq!(MAX_TIME_NS.to_string().as_bytes(), MAX);
            debug_assert_eq!(MIN_TIME_NS, -MAX_TIME_NS);
            return (digits <= &MAX[..]).then_some(end);
        }
        _ => {}
    }
    let v = digits
        .iter()
        .fold(0u64, |v, &b| v * 10 + u64::from(b - b'0')); // 19 digits fit a u64
    let t = if neg {
        0i64.checked_sub_unsigned(v)?
    } else {
        i64::try_from(v).ok()?
    };
    match t.checked_mul(nanos_per_unit) {
        Some(ns) if (MIN_TIME_NS..=MAX_TIME_NS).contains(&ns) => Some(end),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::full_line_ok;
    use super::*;

    /// Every line this path accepts, the full parser accepts, ending at the same place.
    fn check(line: &[u8]) {
        for npu in [1, 1_000, 1_000_000_000] {
            if let Some(end) = plain_line(line, 0, npu, &mut Vec::new()) {
                assert_eq!(
                    full_line_ok(line, npu),
                    Some(end),
                    "plain path accepted {:?} (nanos/unit {npu}) which the full parser does not",
                    String::from_utf8_lossy(line)
                );
            }
        }
    }

    #[test]
    fn plain_lines_are_taken_here() {
        for line in [
            &b"m,host=server-1,region=us-west-2 count=1i,ok=true,usage_system=0.11,usage_user=0.37 1700000000000000000"[..],
            b"m f=1",
            b"m f=1\nm f=2",
            b"m  f=-1.5,g=2u,h=\"x y\",i=F   -5  ",
            b"m f=.5,g=5.",
        ] {
            assert!(plain_line(line, 0, 1, &mut Vec::new()).is_some(), "{}", String::from_utf8_lossy(line));
            check(line);
        }
        for line in [
            &b"m f=1e5"[..],
            b"m\\ x f=1",
            b"m f=1\r\n",
            b"m,t=\xc3\xa9 f=1",
            b"m,time=x f=1",
            b"m,a=1,a=2 f=1",
            b"m f=\"a\nb\"",
            b"m f=1 1 2",
        ] {
            assert!(
                plain_line(line, 0, 1, &mut Vec::new()).is_none(),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn name_end_finds_the_first_stop_at_every_place() {
        for len in 0..20 {
            for at in 0..len {
                for stop in 0..=255u8 {
                    let mut v = vec![b'a'; len];
                    v[at] = stop;
                    let want = if NAME_STOP[stop as usize] { at } else { len };
                    assert_eq!(name_end(&v, 0), want, "{v:?}");
                    // a stop after the first one does not matter
                    if at + 1 < len {
                        v[at + 1] = b' ';
                        assert_eq!(name_end(&v, 0), want.min(at + 1), "{v:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn agrees_with_the_full_parser() {
        // every one- and two-byte change of a few lines: replace, insert, delete
        let seeds: [&[u8]; 5] = [
            b"m,h=s1,r=w2 c=10i,o=true,s=0.25,u=-7u,q=\"ab\" 1700000000000000000",
            b"m,a=b f=9223372036854775807i,g=18446744073709551615u -9223372036854775806",
            b"cpu f=1.5 9223372036854",
            b"m,t=x f=T,g=False,h=t 1\nm f=2",
            b"m  f=-.5   12  \n",
        ];
        let alphabet = b" ,=\"\\\n\r\t\0-.0159iutfTFe#\xc3\xa9x";
        for seed in seeds {
            check(seed);
            for pos in 0..=seed.len() {
                for &b in alphabet {
                    let mut v = seed.to_vec();
                    if pos < seed.len() {
                        v[pos] = b;
                        check(&v);
                    }
                    let mut v = seed.to_vec();
                    v.insert(pos, b);
                    check(&v);
                    for &c in alphabet {
                        let mut w = v.clone();
                        w.insert(pos, c);
                        check(&w);
                    }
                }
                if pos < seed.len() {
                    let mut v = seed.to_vec();
                    v.remove(pos);
                    check(&v);
                }
            }
        }
        // long numbers at their edges
        for digits in 15..22 {
            let n = "9".repeat(digits);
            for form in [
                format!("m f={n}i"),
                format!("m f=-{n}i"),
                format!("m f={n}u"),
                format!("m f={n}"),
                format!("m f=1 {n}"),
                format!("m f=1 -{n}"),
            ] {
                check(form.as_bytes());
            }
        }
        for t in [
            "9223372036854775806",
            "9223372036854775807",
            "-9223372036854775806",
            "-9223372036854775807",
            "0999999999999999999",
            "9223372036854775",
            "9223372036854776",
            "-9223372036854776",
            "9223372036",
            "9223372037",
        ] {
            check(format!("m f=1 {t}").as_bytes());
            check(format!("m f=1 {t} ").as_bytes());
        }
        // digit runs ending at every place of an 8-byte word, and at the end of the text
        for n in 1..=20 {
            for tail in ["", "i", "x", "\n", ".5", "5.", ".", "u"] {
                check(format!("m f={}{tail}", "7".repeat(n)).as_bytes());
                check(format!("m f={}{tail} 1", "7".repeat(n)).as_bytes());
            }
        }
        check(format!("m f={}", "9".repeat(300)).as_bytes());
        check(format!("m f={}", "9".repeat(301)).as_bytes());
    }
}
