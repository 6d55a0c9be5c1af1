//! The seed's write-retry rules as pure functions (no clock, no randomness of their own).
//!
//! The seed (`influxdb_client/client/write/retry.py`, `WritesRetry`, a urllib3 `Retry`
//! subclass built per batch by `WriteOptions.to_retry_strategy()` in `WriteApi._http`) decides,
//! after each failed POST of a batch:
//! 1. the failure is retried only for HTTP status >= 429 or a transport error;
//! 2. at most `max_retries` retries (`total`), so at most `max_retries + 1` POSTs;
//! 3. no retry once `max_retry_time` has passed since the batch's first POST;
//! 4. the wait is the server's `Retry-After` (+ jitter) if positive (one deviation: a
//!    `Retry-After` ending after `max_retry_time` gives up at once), else an exponential
//!    backoff drawn uniformly from a range that doubles (by `exponential_base`) per retry.
//!
//! The caller supplies the random numbers, the elapsed time and the parsed `Retry-After`.

use std::time::{Duration, SystemTime};

use crate::config::WriteOptions;

/// Retry parameters, all as in the seed's `WriteOptions` (milliseconds there, `Duration` here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// First backoff range is `[retry_interval, retry_interval * exponential_base]`.
    pub retry_interval: Duration,
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// Upper bound of every backoff delay (not of a server `Retry-After`, as in the seed).
    pub max_retry_delay: Duration,
    /// No retry starts after this much time since the first attempt; zero disables retrying.
    pub max_retry_time: Duration,
    /// Growth factor of the backoff range; 0 is treated as 1.
    pub exponential_base: u32,
    /// Random extra delay before each batch POST and added to a `Retry-After` wait.
    pub jitter_interval: Duration,
}

impl Default for RetryPolicy {
    /// The seed's defaults: 5 s, 5 retries, 125 s cap, 180 s total, base 2, no jitter.
    fn default() -> RetryPolicy {
        RetryPolicy {
            retry_interval: Duration::from_millis(5_000),
            max_retries: 5,
            max_retry_delay: Duration::from_millis(125_000),
            max_retry_time: Duration::from_millis(180_000),
            exponential_base: 2,
            jitter_interval: Duration::ZERO,
        }
    }
}

impl RetryPolicy {
    /// The policy of a write API (seed: `WriteOptions.to_retry_strategy`).
    pub fn from_options(o: &WriteOptions) -> RetryPolicy {
        RetryPolicy {
            retry_interval: o.retry_interval,
            max_retries: o.max_retries,
            max_retry_delay: o.max_retry_delay,
            max_retry_time: o.max_retry_time,
            exponential_base: o.exponential_base,
            jitter_interval: o.jitter_interval,
        }
    }
}

/// Whether an HTTP status is retried (seed `WritesRetry.is_retry`: `status_code >= 429`).
/// So 429, 430-499 and every 5xx are retried; 400, 401, 403, 404, 413, 422 are not.
pub fn is_retriable_status(status: u16) -> bool {
    status >= 429
}

/// Why retrying stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The failure is not retriable (HTTP status < 429, or an error that is not transient).
    NotRetriable,
    /// `max_retries` retries were already made (or `max_retries` is 0).
    MaxRetries,
    /// `max_retry_time` has passed since the first attempt (or it is 0).
    MaxRetryTime,
}

impl GiveUpReason {
    /// Static text for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            GiveUpReason::NotRetriable => "not retriable",
            GiveUpReason::MaxRetries => "max_retries exceeded",
            GiveUpReason::MaxRetryTime => "max_retry_time exceeded",
        }
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then make the retry.
    RetryAfter(Duration),
    /// Report the failure.
    GiveUp(GiveUpReason),
}

const NANOS_PER_SEC: u128 = 1_000_000_000;

fn to_duration(nanos: u128) -> Duration {
    let secs = nanos / NANOS_PER_SEC;
    let sub = (nanos % NANOS_PER_SEC) as u32;
    match u64::try_from(secs) {
        Ok(s) => Duration::new(s, sub),
        Err(_) => Duration::MAX,
    }
}

/// A random number forced into [0, 1] (NaN → 0), so callers cannot cause a panic or overshoot.
fn unit(r: f64) -> f64 {
    if r.is_nan() {
        0.0
    } else {
        r.clamp(0.0, 1.0)
    }
}

/// `d * r` for `r` in [0, 1], without `Duration::mul_f64`'s panics.
fn scale(d: Duration, r: f64) -> Duration {
    let n = d.as_nanos();
    let scaled = (n as f64 * unit(r)) as u128; // `as` saturates; the product is <= n anyway
    to_duration(scaled.min(n))
}

/// Range `[start, stop]` of the backoff before the k-th retry (k = 1, 2, ...; 0 is read as 1).
///
/// Seed `WritesRetry.get_backoff_time`: start = retry_interval, stop = start * base; then for
/// each earlier consecutive failure start = stop, stop *= base, stopping the growth as soon as
/// stop exceeds max_retry_delay; finally stop is capped at max_retry_delay. With the defaults:
/// [5,10], [10,20], [20,40], [40,80], [80,125] s, and [80,125] s for every later retry.
/// One deviation: start is capped at max_retry_delay too (the seed lets start exceed it when
/// `retry_interval * base^j` jumps past the cap), so no backoff ever exceeds max_retry_delay.
pub fn backoff_range(p: &RetryPolicy, k: u32) -> (Duration, Duration) {
    let base = u128::from(p.exponential_base.max(1));
    let max = p.max_retry_delay.as_nanos();
    let mut start = p.retry_interval.as_nanos();
    let mut stop = start.saturating_mul(base);
    let mut i = 1u32;
    while i < k.max(1) {
        i += 1;
        let next = stop.saturating_mul(base);
        if next == stop {
            // base 1 or interval 0: the range no longer changes; stop early.
            start = stop;
            break;
        }
        start = stop;
        stop = next;
        if stop > max {
            break;
        }
    }
    let stop = stop.min(max);
    let start = start.min(max);
    (to_duration(start), to_duration(stop))
}

/// Decide what follows a failed attempt, before retry number `k` (1-based: `k` = 1 after the
/// first POST failed). `elapsed` is the time since the first POST; `rand1`, `rand2` are uniform
/// in [0, 1) (values outside are clamped).
pub fn decide(
    p: &RetryPolicy,
    k: u32,
    retriable: bool,
    retry_after: Option<Duration>,
    elapsed: Duration,
    rand1: f64,
    rand2: f64,
) -> Decision {
    // Seed `is_retry`: only statuses >= 429 (and, via urllib3, transport errors) are retried.
    if !retriable {
        return Decision::GiveUp(GiveUpReason::NotRetriable);
    }
    // Seed `is_retry` (`self.total and ...`) / urllib3 `increment` (total < 0 → exhausted):
    // retry k is allowed while k <= max_retries; max_retries = 0 means one attempt only.
    if p.max_retries == 0 || k.max(1) > p.max_retries {
        return Decision::GiveUp(GiveUpReason::MaxRetries);
    }
    // Seed `WritesRetry.increment`: `retry_timeout < now` → MaxRetryError, where retry_timeout
    // = first attempt + max_retry_time. Only checked here, before the wait: the seed does not
    // shorten a wait that ends after the deadline. max_retry_time = 0 → one attempt only.
    if p.max_retry_time.is_zero() || elapsed > p.max_retry_time {
        return Decision::GiveUp(GiveUpReason::MaxRetryTime);
    }
    // Seed `WritesRetry.get_retry_after` + urllib3 `Retry.sleep`: a positive Retry-After wins
    // and gets `jitter_interval * random()` added; it is not capped by max_retry_delay.
    // Unlike the seed, a Retry-After that ends after max_retry_time gives up now: the retry
    // it asks for could never start within max_retry_time, and waiting for it (hours, or
    // years for a huge value) would hold every later batch behind this one.
    if let Some(ra) = retry_after.filter(|d| !d.is_zero()) {
        if elapsed.saturating_add(ra) > p.max_retry_time {
            return Decision::GiveUp(GiveUpReason::MaxRetryTime);
        }
        return Decision::RetryAfter(ra.saturating_add(scale(p.jitter_interval, rand2)));
    }
    // Seed `get_backoff_time`: `range_start + (range_stop - range_start) * random()`.
    let (start, stop) = backoff_range(p, k);
    let span = stop.saturating_sub(start);
    Decision::RetryAfter(start.saturating_add(scale(span, rand1)))
}

/// Largest `Retry-After` accepted, so deadline arithmetic (`Instant + d`) cannot overflow.
const RETRY_AFTER_MAX_SECS: u64 = u32::MAX as u64;

/// Parse a `Retry-After` header value: delta-seconds (digits, surrounding whitespace allowed,
/// as urllib3's `parse_retry_after`) or an HTTP-date, taken relative to `now`.
/// `None` if the value is unparsable or not in the future (the seed then uses the backoff;
/// for an unparsable value urllib3 raises instead). Capped at 2^32-1 seconds.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let d = if v.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: an overflowing number is simply "very long".
        let secs = v.parse::<u64>().unwrap_or(u64::MAX);
        Duration::from_secs(secs.min(RETRY_AFTER_MAX_SECS))
    } else {
        let at = httpdate::parse_http_date(v).ok()?;
        at.duration_since(now)
            .ok()?
            .min(Duration::from_secs(RETRY_AFTER_MAX_SECS))
    };
    if d.is_zero() {
        None
    } else {
        Some(d)
    }
}

/// The random delay before a batch POST (seed `WriteApi._jitter_delay`:
/// `random() * jitter_interval`), uniform in [0, jitter_interval) for `rand` in [0, 1).
pub fn jitter_delay(p: &RetryPolicy, rand: f64) -> Duration {
    scale(p.jitter_interval, rand)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    #[test]
    fn default_policy_matches_seed_write_options() {
        let o = WriteOptions::default();
        assert_eq!(RetryPolicy::from_options(&o), RetryPolicy::default());
    }

    #[test]
    fn default_ranges_are_the_seed_sequence() {
        let p = RetryPolicy::default();
        let got: Vec<_> = (1..=5).map(|k| backoff_range(&p, k)).collect();
        assert_eq!(
            got,
            vec![
                (s(5), s(10)),
                (s(10), s(20)),
                (s(20), s(40)),
                (s(40), s(80)),
                (s(80), s(125))
            ]
        );
    }

    #[test]
    fn range_freezes_once_the_cap_is_reached() {
        let p = RetryPolicy::default();
        for k in [6, 7, 10, 100, u32::MAX] {
            assert_eq!(backoff_range(&p, k), (s(80), s(125)), "k={k}");
        }
    }

    #[test]
    fn k_zero_is_read_as_first_retry() {
        let p = RetryPolicy::default();
        assert_eq!(backoff_range(&p, 0), backoff_range(&p, 1));
    }

    #[test]
    fn backoff_never_exceeds_max_retry_delay() {
        let p = RetryPolicy {
            max_retry_delay: s(8),
            ..RetryPolicy::default()
        };
        assert_eq!(backoff_range(&p, 1), (s(5), s(8)));
        // The seed would give [10, 8] here (start above the cap); we cap start too.
        assert_eq!(backoff_range(&p, 2), (s(8), s(8)));
        let p = RetryPolicy {
            retry_interval: s(200),
            ..RetryPolicy::default()
        };
        assert_eq!(backoff_range(&p, 1), (s(125), s(125)));
        for k in 1..50 {
            let d = decide(&p, k.min(5), true, None, s(0), 0.999, 0.0);
            assert!(matches!(d, Decision::RetryAfter(x) if x <= s(125)), "{d:?}");
        }
    }

    #[test]
    fn base_one_and_zero_give_a_constant_range() {
        for base in [0, 1] {
            let p = RetryPolicy {
                exponential_base: base,
                ..RetryPolicy::default()
            };
            assert_eq!(backoff_range(&p, 1), (s(5), s(5)));
            assert_eq!(backoff_range(&p, u32::MAX), (s(5), s(5)));
        }
    }

    #[test]
    fn huge_values_do_not_overflow() {
        let p = RetryPolicy {
            retry_interval: Duration::MAX,
            max_retries: u32::MAX,
            max_retry_delay: Duration::MAX,
            max_retry_time: Duration::MAX,
            exponential_base: u32::MAX,
            jitter_interval: Duration::MAX,
        };
        assert_eq!(backoff_range(&p, u32::MAX), (Duration::MAX, Duration::MAX));
        assert_eq!(
            decide(&p, 3, true, None, s(1), 1.0, 1.0),
            Decision::RetryAfter(Duration::MAX)
        );
        assert_eq!(
            decide(&p, 3, true, Some(Duration::MAX), s(1), 1.0, 1.0),
            Decision::RetryAfter(Duration::MAX)
        );
        let half = jitter_delay(&p, 0.5);
        assert!(
            half > Duration::from_secs(u64::MAX / 3)
                && half < Duration::from_secs(u64::MAX / 3 * 2)
        );
    }

    #[test]
    fn rand_extremes_hit_the_range_ends() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(&p, 1, true, None, s(0), 0.0, 0.0),
            Decision::RetryAfter(s(5))
        );
        assert_eq!(
            decide(&p, 1, true, None, s(0), 1.0, 0.0),
            Decision::RetryAfter(s(10))
        );
        assert_eq!(
            decide(&p, 1, true, None, s(0), 0.5, 0.0),
            Decision::RetryAfter(Duration::from_millis(7_500))
        );
        assert_eq!(
            decide(&p, 5, true, None, s(0), 1.0, 0.0),
            Decision::RetryAfter(s(125))
        );
        // Out-of-range and NaN randoms are clamped, never panic.
        assert_eq!(
            decide(&p, 1, true, None, s(0), -3.0, 0.0),
            Decision::RetryAfter(s(5))
        );
        assert_eq!(
            decide(&p, 1, true, None, s(0), 7.0, 0.0),
            Decision::RetryAfter(s(10))
        );
        assert_eq!(
            decide(&p, 1, true, None, s(0), f64::NAN, 0.0),
            Decision::RetryAfter(s(5))
        );
        assert_eq!(
            decide(&p, 1, true, None, s(0), f64::INFINITY, 0.0),
            Decision::RetryAfter(s(10))
        );
    }

    #[test]
    fn retry_after_wins_and_gets_jitter() {
        let p = RetryPolicy {
            jitter_interval: Duration::from_millis(1_000),
            ..RetryPolicy::default()
        };
        assert_eq!(
            decide(&p, 1, true, Some(s(3)), s(0), 0.9, 0.0),
            Decision::RetryAfter(s(3))
        );
        assert_eq!(
            decide(&p, 1, true, Some(s(3)), s(0), 0.9, 0.5),
            Decision::RetryAfter(Duration::from_millis(3_500))
        );
        // Not capped by max_retry_delay (seed: urllib3 sleeps the full Retry-After).
        assert_eq!(
            decide(&p, 1, true, Some(s(150)), s(0), 0.0, 0.0),
            Decision::RetryAfter(s(150))
        );
        // A zero Retry-After falls back to the backoff.
        assert_eq!(
            decide(&p, 2, true, Some(Duration::ZERO), s(0), 0.0, 0.9),
            Decision::RetryAfter(s(10))
        );
    }

    #[test]
    fn retry_after_beyond_max_retry_time_gives_up_at_once() {
        let p = RetryPolicy::default(); // max_retry_time 180 s
                                        // ends exactly at the deadline: still waited for
        assert_eq!(
            decide(&p, 1, true, Some(s(170)), s(10), 0.0, 0.0),
            Decision::RetryAfter(s(170))
        );
        for (ra, elapsed) in [(s(171), s(10)), (s(181), s(0)), (s(3600), s(0))] {
            assert_eq!(
                decide(&p, 1, true, Some(ra), elapsed, 0.0, 0.0),
                Decision::GiveUp(GiveUpReason::MaxRetryTime),
                "{ra:?} after {elapsed:?}"
            );
        }
        // the largest value parse_retry_after returns (about 136 years), and beyond
        let huge = parse_retry_after("4294967295", SystemTime::UNIX_EPOCH).unwrap();
        for ra in [huge, Duration::MAX] {
            assert_eq!(
                decide(&p, 1, true, Some(ra), s(0), 0.0, 0.0),
                Decision::GiveUp(GiveUpReason::MaxRetryTime)
            );
        }
    }

    #[test]
    fn gives_up_after_max_retries() {
        let p = RetryPolicy::default();
        for k in 1..=5 {
            assert!(
                matches!(
                    decide(&p, k, true, None, s(1), 0.0, 0.0),
                    Decision::RetryAfter(_)
                ),
                "k={k}"
            );
        }
        assert_eq!(
            decide(&p, 6, true, None, s(1), 0.0, 0.0),
            Decision::GiveUp(GiveUpReason::MaxRetries)
        );
        let p0 = RetryPolicy {
            max_retries: 0,
            ..p
        };
        assert_eq!(
            decide(&p0, 1, true, None, s(0), 0.0, 0.0),
            Decision::GiveUp(GiveUpReason::MaxRetries)
        );
    }

    #[test]
    fn gives_up_after_max_retry_time() {
        let p = RetryPolicy::default();
        assert!(matches!(
            decide(&p, 2, true, None, s(180), 0.0, 0.0),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            decide(
                &p,
                2,
                true,
                None,
                s(180) + Duration::from_millis(1),
                0.0,
                0.0
            ),
            Decision::GiveUp(GiveUpReason::MaxRetryTime)
        );
        // The wait itself is not shortened to the deadline (seed checks only before waiting).
        assert_eq!(
            decide(&p, 5, true, None, s(179), 1.0, 0.0),
            Decision::RetryAfter(s(125))
        );
        let p0 = RetryPolicy {
            max_retry_time: Duration::ZERO,
            ..p
        };
        assert_eq!(
            decide(&p0, 1, true, None, s(0), 0.0, 0.0),
            Decision::GiveUp(GiveUpReason::MaxRetryTime)
        );
    }

    #[test]
    fn non_retriable_is_checked_first() {
        let p = RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        };
        assert_eq!(
            decide(&p, 1, false, Some(s(1)), s(0), 0.0, 0.0),
            Decision::GiveUp(GiveUpReason::NotRetriable)
        );
    }

    #[test]
    fn retriable_statuses() {
        for st in [400, 401, 403, 404, 413, 422, 428, 200, 204, 301, 0] {
            assert!(!is_retriable_status(st), "{st}");
        }
        for st in [429, 430, 499, 500, 502, 503, 504, 599, 600, u16::MAX] {
            assert!(is_retriable_status(st), "{st}");
        }
    }

    #[test]
    fn retry_after_delta_seconds() {
        let now = SystemTime::UNIX_EPOCH + s(1_700_000_000);
        assert_eq!(parse_retry_after("120", now), Some(s(120)));
        assert_eq!(parse_retry_after("  7 ", now), Some(s(7)));
        assert_eq!(parse_retry_after("0", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("+5", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(s(u64::from(u32::MAX)))
        );
    }

    #[test]
    fn retry_after_http_date() {
        // Tue, 14 Nov 2023 22:13:20 GMT == 1_700_000_000
        let now = SystemTime::UNIX_EPOCH + s(1_700_000_000);
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now),
            Some(s(30))
        );
        assert_eq!(
            parse_retry_after("Tuesday, 14-Nov-23 22:14:20 GMT", now),
            Some(s(60))
        );
        assert_eq!(
            parse_retry_after("Tue Nov 14 22:13:21 2023", now),
            Some(s(1))
        );
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:13:20 GMT", now),
            None
        );
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now),
            None
        );
        assert_eq!(
            parse_retry_after("Tue, 99 Nov 2023 22:00:00 GMT", now),
            None
        );
        // Sub-second `now` still yields a positive wait just under the whole seconds.
        let now = now + Duration::from_millis(250);
        assert_eq!(
            parse_retry_after("Tue, 14 Nov 2023 22:13:21 GMT", now),
            Some(Duration::from_millis(750))
        );
    }

    #[test]
    fn jitter_is_within_interval() {
        let p = RetryPolicy {
            jitter_interval: Duration::from_millis(400),
            ..RetryPolicy::default()
        };
        assert_eq!(jitter_delay(&p, 0.0), Duration::ZERO);
        assert_eq!(jitter_delay(&p, 0.25), Duration::from_millis(100));
        assert!(jitter_delay(&p, 0.999_999) < Duration::from_millis(400));
        assert_eq!(jitter_delay(&p, f64::NAN), Duration::ZERO);
        assert_eq!(jitter_delay(&RetryPolicy::default(), 0.7), Duration::ZERO);
    }
}
