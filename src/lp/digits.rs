//! Decimal digits of integers, eight at a time (the numbers of every line: integers,
//! unsigned integers, timestamps, the digits of short floats).

pub(crate) const ZEROS: u64 = 0x3030_3030_3030_3030;

/// The 8 decimal digits of `x < 10^8` (leading zeros included) as ASCII, the most
/// significant in the lowest byte, computed in parallel (SWAR): split into two 4-digit
/// halves (32-bit lanes), each into two 2-digit quarters (16-bit lanes), each into two
/// digits (bytes). The multiply-shifts divide exactly for these ranges
/// (`x * 10486 >> 20 == x / 100` for x < 10^4, `x * 103 >> 10 == x / 10` for x < 100) and no
/// lane's product reaches the next lane.
#[inline(always)]
pub(crate) fn digits8(x: u64) -> u64 {
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
pub(crate) struct Digits {
    pub(crate) chunks: [u64; 3],
    pub(crate) count: usize,
    pub(crate) first_len: usize,
}

impl Digits {
    #[inline(always)]
    pub(crate) fn of(n: u64) -> Digits {
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
    pub(crate) fn fraction(frac: u64, k: usize) -> Digits {
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
    pub(crate) fn len(&self) -> usize {
        self.first_len + 8 * (self.count - 1)
    }

    /// The digits as bytes: `.0[..len()]`.
    #[inline(always)]
    pub(crate) fn bytes(&self) -> [u8; 24] {
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
