//! Cell conversions of the annotated-CSV cursor (API.md §5.3, "Cell conversion"), as pure
//! functions over the cell's bytes. Each returns `Err(reason)` with a short static reason; the
//! cursor adds the cell text and the column to make the message.

/// Reason for a `long` that is not `[+-]?[0-9]+` within int64.
pub const BAD_LONG: &str = "invalid long";
/// Reason for an `unsignedLong` that is not `\+?[0-9]+` within uint64.
pub const BAD_ULONG: &str = "invalid unsignedLong";
/// Reason for a `double` that Rust's `f64::from_str` rejects.
pub const BAD_DOUBLE: &str = "invalid double";
/// Reason for a `dateTime` that is not RFC 3339.
pub const BAD_TIME: &str = "not an RFC3339 time";
/// Reason for a valid RFC 3339 time outside 1677-09-21T00:12:43.145224192Z ..
/// 2262-04-11T23:47:16.854775807Z.
pub const TIME_RANGE: &str = "time outside the int64 nanosecond range";
/// Reason for a `duration` that is neither integer nanoseconds nor Go syntax (or overflows).
pub const BAD_DURATION: &str = "invalid duration";
/// Reason for a `base64Binary` that is not strict RFC 4648 base64 with padding.
pub const BAD_BASE64: &str = "invalid base64Binary";

/// Unsigned decimal digits only (no sign), within u64.
#[inline]
fn digits_u64(d: &[u8]) -> Option<u64> {
    if d.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &b in d {
        let x = b.wrapping_sub(b'0');
        if x > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(x))?;
    }
    Some(v)
}

/// `long`: `[+-]?[0-9]+` within int64.
#[inline]
pub fn parse_i64(s: &[u8]) -> Result<i64, &'static str> {
    let (neg, d) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let m = digits_u64(d).ok_or(BAD_LONG)?;
    if neg {
        if m <= 1u64 << 63 {
            Ok((m as i64).wrapping_neg())
        } else {
            Err(BAD_LONG)
        }
    } else {
        i64::try_from(m).map_err(|_| BAD_LONG)
    }
}

/// `unsignedLong`: `\+?[0-9]+` within uint64.
#[inline]
pub fn parse_u64(s: &[u8]) -> Result<u64, &'static str> {
    let d = match s.first() {
        Some(b'+') => &s[1..],
        _ => s,
    };
    digits_u64(d).ok_or(BAD_ULONG)
}

/// `double`: Rust's `f64::from_str` (decimal or exponent, `inf`/`infinity`/`nan` in any case,
/// signed).
#[inline]
pub fn parse_f64(s: &[u8]) -> Result<f64, &'static str> {
    std::str::from_utf8(s)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .ok_or(BAD_DOUBLE)
}

/// `boolean`: only `true` is true (the seed's rule); any other text is false.
#[inline]
pub fn parse_bool(s: &[u8]) -> bool {
    s == b"true"
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[inline]
fn two(s: &[u8], i: usize) -> Option<u32> {
    let a = s[i].wrapping_sub(b'0');
    let b = s[i + 1].wrapping_sub(b'0');
    if a > 9 || b > 9 {
        return None;
    }
    Some(u32::from(a) * 10 + u32::from(b))
}

/// `dateTime:RFC3339` / `dateTime:RFC3339Nano`: `YYYY-MM-DDTHH:MM:SS`, optional `.` and 1-9
/// digits, then `Z` or `±hh:mm` (`T` and `Z` in any case), as nanoseconds since the epoch (UTC)
/// within int64.
pub fn parse_time_ns(s: &[u8]) -> Result<i64, &'static str> {
    parse_time_i128(s).ok_or(BAD_TIME).and_then(|ns| {
        if ns < i128::from(i64::MIN) || ns > i128::from(i64::MAX) {
            Err(TIME_RANGE)
        } else {
            Ok(ns as i64)
        }
    })
}

fn parse_time_i128(s: &[u8]) -> Option<i128> {
    if s.len() < 20
        || s[4] != b'-'
        || s[7] != b'-'
        || !matches!(s[10], b'T' | b't')
        || s[13] != b':'
        || s[16] != b':'
    {
        return None;
    }
    let year = i64::from(two(s, 0)? * 100 + two(s, 2)?);
    let month = two(s, 5)?;
    let day = two(s, 8)?;
    let hour = two(s, 11)?;
    let minute = two(s, 14)?;
    let second = two(s, 17)?;
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut i = 19;
    let mut frac: i64 = 0;
    if s[i] == b'.' {
        i += 1;
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        let n = i - start;
        if n == 0 || n > 9 {
            return None;
        }
        for &b in &s[start..i] {
            frac = frac * 10 + i64::from(b - b'0');
        }
        for _ in n..9 {
            frac *= 10;
        }
    }
    let offset_s: i64 = match s.get(i)? {
        b'Z' | b'z' if i + 1 == s.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == s.len() && s[i + 3] == b':' => {
            let oh = two(s, i + 1)?;
            let om = two(s, i + 4)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let off = i64::from(oh * 3600 + om * 60);
            if *sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_s;
    Some(i128::from(secs) * 1_000_000_000 + i128::from(frac))
}

/// Writes `ns` since the epoch as `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (UTC, always 9 fraction
/// digits: the seed's `DateTimeLiteral` form).
pub fn format_rfc3339_nanos(ns: i64) -> String {
    let mut out = [0u8; RFC3339_NANOS_LEN];
    write_rfc3339_nanos(ns, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Bytes of [`write_rfc3339_nanos`]'s text (every int64 time is in years 1677..=2262).
pub const RFC3339_NANOS_LEN: usize = 30;

/// [`format_rfc3339_nanos`] into a buffer, without allocating.
pub fn write_rfc3339_nanos(ns: i64, out: &mut [u8; RFC3339_NANOS_LEN]) {
    let secs = ns.div_euclid(1_000_000_000);
    let nanos = ns.rem_euclid(1_000_000_000) as u64;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u64;
    let (y, m, d) = civil_from_days(days);
    fn put(out: &mut [u8], mut v: u64) {
        for b in out.iter_mut().rev() {
            *b = b'0' + (v % 10) as u8;
            v /= 10;
        }
    }
    put(&mut out[0..4], y as u64);
    out[4] = b'-';
    put(&mut out[5..7], u64::from(m));
    out[7] = b'-';
    put(&mut out[8..10], u64::from(d));
    out[10] = b'T';
    put(&mut out[11..13], sod / 3600);
    out[13] = b':';
    put(&mut out[14..16], sod % 3600 / 60);
    out[16] = b':';
    put(&mut out[17..19], sod % 60);
    out[19] = b'.';
    put(&mut out[20..29], nanos);
    out[29] = b'Z';
}

/// `duration`: integer nanoseconds `[+-]?[0-9]+`, or Go syntax: an optional sign, then one or
/// more `<number><unit>` (number with an optional fraction; unit `ns`, `us`, `µs`, `μs`, `ms`,
/// `s`, `m`, `h`), within int64 nanoseconds.
pub fn parse_duration_ns(s: &[u8]) -> Result<i64, &'static str> {
    let (neg, rest) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest.is_empty() {
        return Err(BAD_DURATION);
    }
    let total: u128 = if rest.iter().all(u8::is_ascii_digit) {
        u128::from(digits_u64(rest).ok_or(BAD_DURATION)?)
    } else {
        go_duration(rest).ok_or(BAD_DURATION)?
    };
    if neg {
        if total <= 1u128 << 63 {
            Ok((total as u64 as i64).wrapping_neg())
        } else {
            Err(BAD_DURATION)
        }
    } else {
        i64::try_from(total).map_err(|_| BAD_DURATION)
    }
}

fn go_duration(mut s: &[u8]) -> Option<u128> {
    const LIMIT: u128 = 1u128 << 63;
    let mut total: u128 = 0;
    while !s.is_empty() {
        let mut i = 0;
        let mut int: u128 = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            int = int * 10 + u128::from(s[i] - b'0');
            if int > LIMIT {
                return None;
            }
            i += 1;
        }
        let mut any_digit = i > 0;
        let mut frac: u128 = 0;
        let mut scale: u128 = 1;
        if i < s.len() && s[i] == b'.' {
            i += 1;
            while i < s.len() && s[i].is_ascii_digit() {
                // Digits past the 20th cannot change the truncated nanoseconds.
                if scale < 100_000_000_000_000_000_000 {
                    frac = frac * 10 + u128::from(s[i] - b'0');
                    scale *= 10;
                }
                any_digit = true;
                i += 1;
            }
        }
        if !any_digit {
            return None;
        }
        let u = i;
        while i < s.len() && s[i] != b'.' && !s[i].is_ascii_digit() {
            i += 1;
        }
        let unit: u128 = match &s[u..i] {
            b"ns" => 1,
            // "us", "µs" (micro sign), "μs" (Greek mu)
            b"us" | b"\xc2\xb5s" | b"\xce\xbcs" => 1_000,
            b"ms" => 1_000_000,
            b"s" => 1_000_000_000,
            b"m" => 60_000_000_000,
            b"h" => 3_600_000_000_000,
            _ => return None,
        };
        total += int.checked_mul(unit)? + frac * unit / scale;
        if total > LIMIT {
            return None;
        }
        s = &s[i..];
    }
    Some(total)
}

const B64_INVALID: u8 = 0xff;

const fn b64_table() -> [u8; 256] {
    let mut t = [B64_INVALID; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
}

static B64: [u8; 256] = b64_table();

/// `base64Binary`: strict RFC 4648 base64 (standard alphabet, `=` padding to a multiple of 4,
/// no whitespace), appended to `out`. On error `out` keeps its former length.
pub fn decode_base64_into(s: &[u8], out: &mut Vec<u8>) -> Result<(), &'static str> {
    if s.len() % 4 != 0 {
        return Err(BAD_BASE64);
    }
    let start = out.len();
    out.reserve(s.len() / 4 * 3);
    let quads = s.len() / 4;
    for (qi, q) in s.chunks_exact(4).enumerate() {
        let last = qi + 1 == quads;
        let pad = if last {
            match (q[2], q[3]) {
                (b'=', b'=') => 2,
                (_, b'=') => 1,
                _ => 0,
            }
        } else {
            0
        };
        let mut v = [0u8; 4];
        for k in 0..4 - pad {
            let x = B64[q[k] as usize];
            if x == B64_INVALID {
                out.truncate(start);
                return Err(BAD_BASE64);
            }
            v[k] = x;
        }
        let n = (u32::from(v[0]) << 18)
            | (u32::from(v[1]) << 12)
            | (u32::from(v[2]) << 6)
            | u32::from(v[3]);
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_i64(b"-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775807"), Ok(i64::MAX));
        assert_eq!(parse_i64(b"+42"), Ok(42));
        assert!(parse_i64(b"9223372036854775808").is_err());
        assert!(parse_i64(b"").is_err());
        assert!(parse_i64(b"-").is_err());
        assert!(parse_i64(b" 1").is_err());
        assert!(parse_i64(b"1_000").is_err());
        assert_eq!(parse_u64(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_u64(b"+7"), Ok(7));
        assert!(parse_u64(b"18446744073709551616").is_err());
        assert!(parse_u64(b"-1").is_err());
    }

    #[test]
    fn doubles_and_bools() {
        assert_eq!(parse_f64(b"+Inf"), Ok(f64::INFINITY));
        assert_eq!(parse_f64(b"-inf"), Ok(f64::NEG_INFINITY));
        assert!(parse_f64(b"NaN").unwrap().is_nan());
        assert_eq!(parse_f64(b"1e3"), Ok(1000.0));
        assert!(parse_f64(b"1,5").is_err());
        assert!(parse_bool(b"true"));
        assert!(!parse_bool(b"True"));
        assert!(!parse_bool(b"1"));
    }

    #[test]
    fn times() {
        assert_eq!(parse_time_ns(b"1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(
            parse_time_ns(b"2262-04-11T23:47:16.854775807Z"),
            Ok(i64::MAX)
        );
        assert_eq!(
            parse_time_ns(b"1677-09-21T00:12:43.145224192Z"),
            Ok(i64::MIN)
        );
        assert_eq!(
            parse_time_ns(b"2262-04-11T23:47:16.854775808Z"),
            Err(TIME_RANGE)
        );
        assert_eq!(parse_time_ns(b"1970-01-01t01:00:00+01:00"), Ok(0));
        assert_eq!(parse_time_ns(b"1970-01-01T00:00:00.5z"), Ok(500_000_000));
        assert_eq!(parse_time_ns(b"1969-12-31T23:59:59.999999999Z"), Ok(-1));
        assert_eq!(parse_time_ns(b"2024-01-01 00:00:00"), Err(BAD_TIME));
        assert_eq!(parse_time_ns(b"2023-02-29T00:00:00Z"), Err(BAD_TIME));
        assert_eq!(parse_time_ns(b"2024-01-01T00:00:00.Z"), Err(BAD_TIME));
        assert_eq!(
            parse_time_ns(b"2024-01-01T00:00:00.1234567890Z"),
            Err(BAD_TIME)
        );
        assert_eq!(parse_time_ns(b"2024-01-01T00:00:00"), Err(BAD_TIME));
        assert_eq!(parse_time_ns(b"2024-01-01T00:00:00+0100"), Err(BAD_TIME));
        assert_eq!(
            parse_time_ns(b"2024-02-29T12:00:00Z"),
            Ok(1_709_208_000_000_000_000)
        );
        assert_eq!(
            format_rfc3339_nanos(1_616_255_950_607_352_000),
            "2021-03-20T15:59:10.607352000Z"
        );
        assert_eq!(format_rfc3339_nanos(-1), "1969-12-31T23:59:59.999999999Z");
        for ns in [0, 1, -1, i64::MIN, i64::MAX, 951_782_400_000_000_000] {
            assert_eq!(parse_time_ns(format_rfc3339_nanos(ns).as_bytes()), Ok(ns));
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ns(b"123"), Ok(123));
        assert_eq!(parse_duration_ns(b"-5"), Ok(-5));
        assert_eq!(parse_duration_ns(b"1m1s"), Ok(61_000_000_000));
        assert_eq!(parse_duration_ns(b"1h20m30.13245s"), Ok(4_830_132_450_000));
        assert_eq!(parse_duration_ns(b"-1.5h"), Ok(-5_400_000_000_000));
        assert_eq!(parse_duration_ns("3µs".as_bytes()), Ok(3_000));
        assert_eq!(parse_duration_ns("3μs".as_bytes()), Ok(3_000));
        assert_eq!(parse_duration_ns(b".5ms"), Ok(500_000));
        assert_eq!(parse_duration_ns(b"0s"), Ok(0));
        assert_eq!(parse_duration_ns(b"-9223372036854775808ns"), Ok(i64::MIN));
        assert_eq!(parse_duration_ns(b"9223372036854775807"), Ok(i64::MAX));
        assert!(parse_duration_ns(b"9223372036854775808").is_err());
        assert!(parse_duration_ns(b"9223372036854775808ns").is_err());
        assert!(parse_duration_ns(b"3000000h").is_err());
        assert!(parse_duration_ns(b"").is_err());
        assert!(parse_duration_ns(b"-").is_err());
        assert!(parse_duration_ns(b"1").is_ok());
        assert!(parse_duration_ns(b"1d").is_err());
        assert!(parse_duration_ns(b"s").is_err());
        assert!(parse_duration_ns(b"1.s").is_ok());
        assert!(parse_duration_ns(b"1s ").is_err());
    }

    #[test]
    fn base64() {
        let mut out = Vec::new();
        decode_base64_into(b"ZGF0YWluYmFzZTY0", &mut out).unwrap();
        assert_eq!(out, b"datainbase64");
        out.clear();
        decode_base64_into(b"AQI=", &mut out).unwrap();
        assert_eq!(out, [1, 2]);
        out.clear();
        decode_base64_into(b"AQ==", &mut out).unwrap();
        assert_eq!(out, [1]);
        out.clear();
        decode_base64_into(b"", &mut out).unwrap();
        assert!(out.is_empty());
        assert!(decode_base64_into(b"aGVsbG8", &mut out).is_err());
        assert!(decode_base64_into(b"A===", &mut out).is_err());
        assert!(decode_base64_into(b"AQ==AQ==", &mut out).is_err());
        assert!(decode_base64_into(b"AQ=A", &mut out).is_err());
        assert!(decode_base64_into(b"AQI\n", &mut out).is_err());
        assert!(out.is_empty());
    }
}
