//! Numbers as the seed writes them: integers in decimal, floats as Python's `repr`.

use super::digits::Digits;
use super::sink::{put_bytes, write_finite_f64_ryu, Sink};

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
pub(crate) fn write_finite_f64<W: Sink>(v: f64, w: &mut W) {
    if !write_short_f64(v, w) {
        write_finite_f64_ryu(v, w)
    }
}

/// Powers of ten that are exact doubles.
pub(crate) const POW10: [f64; 16] = [
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
pub(crate) fn write_short_f64<W: Sink>(v: f64, w: &mut W) -> bool {
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

/// A signed integer in decimal (no suffix).
#[inline(always)]
pub(crate) fn write_int<W: Sink>(v: i64, w: &mut W) {
    if v < 0 {
        w.byte(b'-');
    }
    w.digits(Digits::of(v.unsigned_abs()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lp::sink::{write_finite_f64_ryu, StackLine, STACK_LINE};

    fn f(v: f64) -> String {
        let mut out = Vec::new();
        write_f64(v, &mut out);
        String::from_utf8(out).unwrap()
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
}
