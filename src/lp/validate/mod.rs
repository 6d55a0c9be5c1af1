//! Raw line protocol checked as the server parses it, before it joins a batch: any line the
//! server would refuse makes it answer 400 for the whole request, so the valid points queued
//! with it would be lost too.
//!
//! The rules (InfluxDB 2.x `models/points.go`): a line is a measurement, optional
//! `,key=value` tags, one or more spaces, a field set `key=value[,key=value...]` and an
//! optional integer timestamp. A backslash escapes the next byte in names and values. Field
//! values are floats, integers (`i`), unsigned integers (`u`), booleans or `"` strings (which
//! may hold newlines). Blank lines and lines starting with `#` are skipped. NUL bytes are
//! refused anywhere. Also refused, as the server refuses them: the tag keys `_measurement`,
//! `_field` and `time`, a tag key given twice, a timestamp outside the range InfluxDB
//! accepts in the request's precision. Not checked here: key lengths (over 65535 bytes the
//! server answers 400 for the request).
//!
//! Each data line is first read by [`plain`], one pass over the form encoders write (ASCII,
//! no escapes, short numbers); a line it does not take is read by the full parser below,
//! which accepts it or says why not. UTF-8 is checked per line read by the full parser (the
//! plain path takes only ASCII), so valid text is not read twice.

use crate::error::{Code, Error, Result};
use crate::lp::rules::{MAX_TIME_NS, MIN_TIME_NS};
use crate::types::Precision;

mod plain;

/// Why a line was refused.
type Why = &'static str;

/// Check raw line protocol and count its data lines. Errors: `InvalidUtf8`; `InvalidArgument`
/// for text with no data line (only blanks or comments); `InvalidPoint` naming the first
/// line (1-based, counting every `\n` outside a string value) the server would refuse.
pub fn validate_lines(data: &[u8], precision: Precision) -> Result<usize> {
    let mut p = Parser {
        d: data,
        i: 0,
        line: 1,
        nanos_per_unit: precision.nanos_per_unit(),
        tags: Vec::new(),
    };
    let mut count = 0usize;
    let mut comments = 0usize;
    loop {
        p.skip(|b| matches!(b, b' ' | b'\t' | b'\r'));
        match p.peek() {
            None => break,
            Some(b'\n') => {
                p.newline();
                continue;
            }
            Some(b'#') => {
                comments += 1;
                let (at, start) = (p.line, p.i);
                while let Some(b) = p.peek() {
                    if b == b'\n' {
                        break;
                    }
                    if b == 0 {
                        return Err(refused(data, at, "it has a NUL byte"));
                    }
                    p.i += 1;
                }
                if std::str::from_utf8(&data[start..p.i]).is_err() {
                    return Err(not_utf8(data));
                }
                continue;
            }
            Some(_) => {}
        }
        // the plain form (ASCII) in one pass; anything else through the full parser
        if let Some(next) = plain::plain_line(data, p.i, p.nanos_per_unit, &mut p.tags) {
            if data.get(next - 1) == Some(&b'\n') {
                p.line += 1;
            }
            p.i = next;
        } else {
            let (at, start) = (p.line, p.i);
            p.data_line().map_err(|why| refused(data, at, why))?;
            if std::str::from_utf8(&data[start..p.i]).is_err() {
                return Err(not_utf8(data));
            }
        }
        count += 1;
    }
    if count == 0 {
        return Err(Error::invalid_argument(if comments == 0 {
            "line protocol is empty (only whitespace)"
        } else {
            "line protocol has no data lines (only comments)"
        }));
    }
    Ok(count)
}

/// Every byte is in a line read above or is blank ASCII, so the text is UTF-8 unless a
/// line is not; an invalid line's error yields to the text not being UTF-8 at all.
#[cold]
fn not_utf8(data: &[u8]) -> Error {
    let at = std::str::from_utf8(data)
        .err()
        .map_or(0, |e| e.valid_up_to());
    Error::new(
        Code::InvalidUtf8,
        format!("line protocol is not valid UTF-8 (at byte {at})"),
    )
}

/// The full parser on one line from its start: Some(index after it) when it accepts it.
#[cfg(test)]
fn full_line_ok(d: &[u8], nanos_per_unit: i64) -> Option<usize> {
    let mut p = Parser {
        d,
        i: 0,
        line: 1,
        nanos_per_unit,
        tags: Vec::new(),
    };
    p.data_line().ok()?;
    std::str::from_utf8(&d[..p.i]).ok()?;
    Some(p.i)
}

#[cold]
fn refused(data: &[u8], line: usize, why: Why) -> Error {
    if std::str::from_utf8(data).is_err() {
        return not_utf8(data);
    }
    Error::invalid_point(format!(
        "line protocol line {line}: {why}; nothing of this write was queued"
    ))
}

/// A table of the bytes `listed` (and, with `non_ascii`, every byte from 0x80).
const fn byte_table(listed: &[u8], non_ascii: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0x80;
    while non_ascii && b < 256 {
        t[b] = true;
        b += 1;
    }
    let mut k = 0;
    while k < listed.len() {
        t[listed[k] as usize] = true;
        k += 1;
    }
    t
}

/// Bytes that end (or need a look in) a token: space, `\n`, `\r`, `\\`, NUL and `extra`.
const fn stop_table(extra: &[u8]) -> [bool; 256] {
    let mut t = byte_table(b" \n\r\\\0", false);
    let mut k = 0;
    while k < extra.len() {
        t[extra[k] as usize] = true;
        k += 1;
    }
    t
}

/// A timestamp.
const STOP_NONE: [bool; 256] = stop_table(b"");
/// A measurement, tag value or field value.
const STOP_COMMA: [bool; 256] = stop_table(b",");
/// A tag or field key.
const STOP_KEY: [bool; 256] = stop_table(b",=");
/// Inside a string field value: the bytes looked at one by one.
const STOP_STRING: [bool; 256] = byte_table(b"\"\\\n\0", false);

struct Parser<'a> {
    d: &'a [u8],
    i: usize,
    /// 1-based number of the line `i` is on.
    line: usize,
    nanos_per_unit: i64,
    /// The tag keys of the line being read (start, end).
    tags: Vec<(usize, usize)>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.d.get(self.i).copied()
    }

    fn newline(&mut self) {
        self.i += 1;
        self.line += 1;
    }

    fn skip(&mut self, f: impl Fn(u8) -> bool) {
        while self.peek().is_some_and(&f) {
            self.i += 1;
        }
    }

    /// At the end of a line: its `\n` or the end of the text (a `\r` before either is part of
    /// the line ending).
    fn at_eol(&self) -> bool {
        match self.peek() {
            None | Some(b'\n') => true,
            Some(b'\r') => matches!(self.d.get(self.i + 1), None | Some(b'\n')),
            _ => false,
        }
    }

    /// Scan a name or unquoted value up to (not including) an unescaped byte of `stops`, a
    /// line end or a space; returns its bytes. `stops` is one of the [`STOP_NONE`],
    /// [`STOP_COMMA`], [`STOP_KEY`] tables: the bytes that end the token, with the space, `\n`,
    /// `\r`, `\\` and NUL, which are looked at one by one below; every other byte is skipped in
    /// one table lookup.
    fn token(&mut self, stops: &[bool; 256]) -> std::result::Result<&[u8], Why> {
        let start = self.i;
        let d = self.d;
        let mut i = self.i;
        loop {
            while i < d.len() && !stops[d[i] as usize] {
                i += 1;
            }
            let Some(&b) = d.get(i) else { break };
            match b {
                0 => {
                    self.i = i;
                    return Err("it has a NUL byte");
                }
                b'\\' => match d.get(i + 1) {
                    Some(0) => return Err("it has a NUL byte"),
                    Some(b'\n') | None => return Err("a backslash ends the line"),
                    Some(_) => i += 2,
                },
                // a \r ends the line only before \n or the end of the text
                b'\r' if !matches!(d.get(i + 1), None | Some(b'\n')) => i += 1,
                _ => break,
            }
        }
        self.i = i;
        Ok(&d[start..i])
    }

    fn data_line(&mut self) -> std::result::Result<(), Why> {
        // measurement
        if self.token(&STOP_COMMA)?.is_empty() {
            return Err("the measurement is empty");
        }
        // tags
        self.tags.clear();
        while self.peek() == Some(b',') {
            self.i += 1;
            let start = self.i;
            let key = self.token(&STOP_KEY)?;
            if key.is_empty() {
                return Err("a tag key is empty");
            }
            if matches!(key, b"_measurement" | b"_field" | b"time") {
                return Err("a tag key is reserved (_measurement, _field, time)");
            }
            let d = self.d;
            let end = self.i;
            if self.tags.iter().any(|&(s, e)| d[s..e] == d[start..end]) {
                return Err("a tag key is given twice");
            }
            self.tags.push((start, end));
            if self.peek() != Some(b'=') {
                return Err("a tag has no '=' and value");
            }
            self.i += 1;
            if self.token(&STOP_COMMA)?.is_empty() {
                return Err("a tag value is empty");
            }
        }
        self.skip(|b| b == b' ');
        if self.at_eol() {
            return Err("it has no field set (no 'key=value' after the measurement and tags)");
        }
        // fields
        loop {
            if self.token(&STOP_KEY)?.is_empty() {
                return Err("a field key is empty");
            }
            if self.peek() != Some(b'=') {
                return Err("a field has no '=' and value");
            }
            self.i += 1;
            self.field_value()?;
            match self.peek() {
                Some(b',') => self.i += 1,
                _ => break,
            }
        }
        // timestamp
        self.skip(|b| b == b' ');
        if !self.at_eol() {
            let t = self.token(&STOP_NONE)?;
            let time = parse_i64(t).ok_or("the timestamp is not an integer")?;
            match time.checked_mul(self.nanos_per_unit) {
                Some(ns) if (MIN_TIME_NS..=MAX_TIME_NS).contains(&ns) => {}
                _ => {
                    return Err(
                        "the timestamp is outside the range InfluxDB accepts in this precision",
                    )
                }
            }
            self.skip(|b| b == b' ' || b == b'\t');
            if !self.at_eol() {
                return Err("it has text after the timestamp");
            }
        }
        if self.peek() == Some(b'\r') {
            self.i += 1;
        }
        if self.peek() == Some(b'\n') {
            self.newline();
        }
        Ok(())
    }

    fn field_value(&mut self) -> std::result::Result<(), Why> {
        if self.peek() == Some(b'"') {
            self.i += 1;
            let d = self.d;
            loop {
                while self.i < d.len() && !STOP_STRING[d[self.i] as usize] {
                    self.i += 1;
                }
                match self.peek() {
                    None => return Err("a string field value has no closing '\"'"),
                    Some(0) => return Err("it has a NUL byte"),
                    Some(b'"') => {
                        self.i += 1;
                        break;
                    }
                    Some(b'\\') if self.i + 1 < d.len() => {
                        if d[self.i + 1] == 0 {
                            return Err("it has a NUL byte");
                        }
                        if d[self.i + 1] == b'\n' {
                            self.line += 1;
                        }
                        self.i += 2;
                    }
                    Some(b'\n') => {
                        self.line += 1;
                        self.i += 1;
                    }
                    Some(_) => self.i += 1,
                }
            }
            if !(self.at_eol() || matches!(self.peek(), Some(b',' | b' '))) {
                return Err("a string field value is followed by text before ',' or ' '");
            }
            return Ok(());
        }
        let v = self.token(&STOP_COMMA)?;
        if v.is_empty() {
            return Err("a field value is empty");
        }
        if is_field_number_or_bool(v) {
            Ok(())
        } else {
            Err("a field value is not a number, integer (i), unsigned (u), boolean or \"string\"")
        }
    }
}

/// Decimal digits with an optional leading `-` (if `signed`).
fn is_int(s: &[u8], signed: bool) -> bool {
    let digits = match s.split_first() {
        Some((b'-', rest)) if signed => rest,
        _ => s,
    };
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// An integer of decimal digits with an optional leading `-`, as `str::parse::<i64>` reads
/// it (None: not such text, or out of range). Up to 19 digits (every timestamp) are summed
/// here; longer text goes to `parse`.
fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits.len() > 19 {
        return std::str::from_utf8(s).ok()?.parse::<i64>().ok();
    }
    let mut v = 0u64;
    for &b in digits {
        v = v * 10 + u64::from(b - b'0'); // 19 digits fit a u64
    }
    if neg {
        0i64.checked_sub_unsigned(v)
    } else {
        i64::try_from(v).ok()
    }
}

/// The common field values without a full parse: an integer (`i`, `u`) short enough that it
/// cannot overflow, or a plain decimal `[-]digits[.digits]` short enough to be finite. Some
/// (answer) when sure, None for the full check.
fn quick_field_number(v: &[u8]) -> Option<bool> {
    let (last, body) = v.split_last()?;
    let (body, max, signed) = match last {
        b'i' => (body, 18, true),
        b'u' => (body, 19, false),
        _ => (v, 300, true),
    };
    let digits = match body.split_first() {
        Some((b'-', rest)) if signed => rest,
        _ => body,
    };
    if digits.is_empty() || digits.len() > max {
        return None;
    }
    if matches!(last, b'i' | b'u') {
        return digits.iter().all(u8::is_ascii_digit).then_some(true);
    }
    // a float: digits, one optional '.', at least one digit
    let mut dot = false;
    let mut any = false;
    for &b in digits {
        match b {
            b'0'..=b'9' => any = true,
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    any.then_some(true)
}

fn is_field_number_or_bool(v: &[u8]) -> bool {
    if let Some(ok) = quick_field_number(v) {
        return ok;
    }
    let text = std::str::from_utf8(v).unwrap_or("");
    match v.split_last() {
        Some((b'i', n)) => is_int(n, true) && text[..n.len()].parse::<i64>().is_ok(),
        Some((b'u', n)) => is_int(n, false) && text[..n.len()].parse::<u64>().is_ok(),
        _ => {
            matches!(
                text,
                "t" | "T" | "true" | "True" | "TRUE" | "f" | "F" | "false" | "False" | "FALSE"
            ) || (v
                .iter()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
                && v.iter().any(u8::is_ascii_digit)
                && !matches!(v[0], b'+' | b'e' | b'E')
                && text.parse::<f64>().is_ok_and(f64::is_finite))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_at(data: &[u8], line: usize) {
        match validate_lines(data, Precision::Ns) {
            Err(e) => {
                assert_eq!(e.code, Code::InvalidPoint, "{data:?}: {e:?}");
                assert!(
                    e.message.contains(&format!("line {line}:")),
                    "{data:?}: {}",
                    e.message
                );
            }
            Ok(n) => panic!("{:?} accepted ({n} lines)", String::from_utf8_lossy(data)),
        }
    }

    #[test]
    fn valid_text_in_every_form_the_encoder_writes() {
        for (text, n) in [
            (&b"m f=1i"[..], 1),
            (b"m f=1i\n", 1),
            (b"m,t=a\\ b g=2,s=\"x\\\"y\" 1700000000\nm u=3u,b=true", 2),
            (
                b"m f=1.5,g=-2.5e-3,h=1E10,i=-9223372036854775808i,u=18446744073709551615u 1",
                1,
            ),
            (b"m b=t,c=F,d=TRUE,e=False", 1),
            (b"m s=\"a\nb\" 1\n# comment\n\n  m f=2\r\nm f=3 -5\r\n", 3),
            (b"m\\,x\\ y,t\\=k=v\\,w f\\ k=1", 1),
            (b"m,t=x  f=1   123  ", 1),
            ("m,t=ž f=\"é\"".as_bytes(), 1),
            (b"a=b f=1", 1),
        ] {
            assert_eq!(
                validate_lines(text, Precision::Ns).ok(),
                Some(n),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn refused_with_the_line_number() {
        refused_at(b"m f=1i\0junk", 1);
        refused_at(b"m f=1i\nm f=2i\nm f=3i\0", 3);
        refused_at(b"m,t=a\0b f=1i", 1);
        refused_at(b"m s=\"abc", 1);
        refused_at(b"m f=1i\nm s=\"abc 1700000000\nm f=3i", 2);
        refused_at(b"m,t=a", 1);
        refused_at(b"m f=1i\nm", 2);
        refused_at(b"m f=1i\nm f=2i\nm,t=x  1700000000", 3);
        refused_at(b"m f=", 1);
        refused_at(b"m f=abc", 1);
        refused_at(b"m f=1x", 1);
        refused_at(b"m f=1.2.3", 1);
        refused_at(b"m f=inf", 1);
        refused_at(b"m f=9223372036854775808i", 1);
        refused_at(b"m f=-1u", 1);
        refused_at(b"m f=1 12ab", 1);
        refused_at(b"m f=1 1 2", 1);
        refused_at(b"m =1", 1);
        refused_at(b"m f", 1);
        refused_at(b",t=a f=1", 1);
        refused_at(b"m,=a f=1", 1);
        refused_at(b"m,t= f=1", 1);
        refused_at(b"m,t f=1", 1);
        refused_at(b"m s=\"a\"b", 1);
        refused_at(b"m f=1,", 1);
        refused_at(b"m f=1\\", 1);
        // a string with a newline: the next line is counted after it
        refused_at(b"m s=\"a\nb\"\nm", 3);
        refused_at(b"# c\0", 1);
        refused_at(b"m f=1\nm,_field=x f=1", 2);
        refused_at(b"m,time=x f=1", 1);
        refused_at(b"m,t=a,u=b,t=c f=1", 1);
        refused_at(b"m f=1 9223372036854775807", 1);
        refused_at(b"m f=1 -9223372036854775807", 1);
        // the timestamp and number forms the quick paths read, at their edges
        for bad in [
            &b"m f=1 9223372036854775808"[..],
            b"m f=1 -9223372036854775809",
            b"m f=1 99999999999999999999",
            b"m f=1 +000000000000000000001",
            b"m f=1 12-3",
            b"m f=1 -",
            b"m f=1 1.5",
            b"m f=.",
            b"m f=-",
            b"m f=1..",
            b"m f=1-",
            b"m f=--1",
            b"m f=1.2i",
            b"m f=-1u",
            b"m f=i",
            b"m f=-i",
            b"m f=1e999",
            b"m f=18446744073709551616u",
            b"m f=-9223372036854775809i",
        ] {
            refused_at(bad, 1);
        }
        for good in [
            &b"m f=1 -0"[..],
            b"m f=1 0000000000000000000001",
            b"m f=1.,g=.5,h=-.5,i=-0.0,j=1e10,k=-1E-3",
            b"m f=999999999999999999i,g=-9223372036854775808i,h=9223372036854775807i",
            b"m f=9999999999999999999u,g=18446744073709551615u,h=0u",
        ] {
            validate_lines(good, Precision::Ns).unwrap();
        }
        let e = validate_lines(b"m f=1 1700000000000", Precision::S).unwrap_err();
        assert!(
            e.message.contains("line 1: the timestamp is outside"),
            "{}",
            e.message
        );
        validate_lines(b"m f=1 1700000000", Precision::S).unwrap();
        validate_lines(b"m f=1 9223372036854775806", Precision::Ns).unwrap();
    }

    #[test]
    fn empty_and_comment_only_text_is_an_argument_error() {
        for t in [&b""[..], b"\n  \r\n", b"# only\n#comments"] {
            assert_eq!(
                validate_lines(t, Precision::Ns).unwrap_err().code,
                Code::InvalidArgument
            );
        }
        assert_eq!(
            validate_lines(b"m s=\"\xff\"", Precision::Ns)
                .unwrap_err()
                .code,
            Code::InvalidUtf8
        );
    }

    #[test]
    fn agrees_with_the_server_line_split_on_valid_text() {
        let text = b"m s=\"a\nb\" 1\n# c\nm f=2\n\nm s=\"x\\\"\ny\"";
        assert_eq!(
            validate_lines(text, Precision::Ns).unwrap(),
            crate::lp::count_lines(text).unwrap()
        );
    }
}
