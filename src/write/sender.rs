//! The background thread of a write API: takes sealed batches in order, sends each with the
//! seed's jitter and retry rules (413: split in halves), reports it exactly once.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use super::background::{lock, BatchInfo, Shared};
use super::queue::{join, Batch};
use super::retry::{self, Decision, GiveUpReason};
use crate::error::{Code, Error};

pub(crate) fn info<'a>(b: &'a Batch, attempts: u32) -> BatchInfo<'a> {
    debug_assert!(
        b.parts.is_empty(),
        "a batch is joined before it is reported"
    );
    BatchInfo {
        bucket: &b.dest.bucket,
        org: &b.dest.org,
        precision: b.dest.precision,
        data: &b.data,
        lines: b.lines,
        attempts,
    }
}

/// Background thread: take sealed batches in order and deliver them. The thread's panic
/// boundary: a panic while delivering fails the part being sent (`Internal`) and delivery
/// goes on (see [`deliver`]); a panic elsewhere in the loop (a bug) is caught and the loop
/// resumes, so every accepted batch is still settled and flush/close return.
pub(crate) fn run(sh: &Shared) {
    while catch_unwind(AssertUnwindSafe(|| run_loop(sh))).is_err() {}
}

fn run_loop(sh: &Shared) {
    loop {
        let batch = {
            let mut st = lock(&sh.state);
            loop {
                if st.stop {
                    return;
                }
                let now = Instant::now();
                let mut i = 0;
                while i < st.open.len() {
                    if st.open[i].deadline <= now {
                        let ob = st.open.swap_remove(i);
                        sh.seal(&mut st, ob);
                    } else {
                        i += 1;
                    }
                }
                if let Some(b) = st.ready.pop_front() {
                    let spare = Shared::join_buffer(&mut st, &b);
                    break (b, spare);
                }
                let next = st.open.iter().map(|o| o.deadline).min();
                st = match next {
                    Some(d) => {
                        sh.work
                            .wait_timeout(st, d.saturating_duration_since(now))
                            .unwrap_or_else(|e| e.into_inner())
                            .0
                    }
                    None => sh.work.wait(st).unwrap_or_else(|e| e.into_inner()),
                };
            }
        };
        deliver(sh, batch.0, batch.1);
    }
}

/// Sleep up to `d`, waking early when `close`'s deadline passes. Returns false if the
/// deadline has passed (the caller must give the batch up).
pub(crate) fn pause(sh: &Shared, d: Duration) -> bool {
    let until = Instant::now() + d;
    let mut st = lock(&sh.state);
    loop {
        let now = Instant::now();
        if st.close_deadline.is_some_and(|cd| now >= cd) {
            return false;
        }
        if now >= until {
            return true;
        }
        let limit = match st.close_deadline {
            Some(cd) if cd < until => cd,
            _ => until,
        };
        st = sh
            .work
            .wait_timeout(st, limit - now)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

pub(crate) fn close_deadline_passed(sh: &Shared, after: Duration) -> bool {
    lock(&sh.state)
        .close_deadline
        .is_some_and(|cd| Instant::now() + after >= cd)
}

/// Report the terminal outcome of `part`, then free its buffer space.
pub(crate) fn finish(
    sh: &Shared,
    part: Batch,
    attempts: u32,
    outcome: std::result::Result<(), &Error>,
) {
    let bi = info(&part, attempts);
    match outcome {
        Ok(()) => sh.report(|l| l.on_success(&bi)),
        Err(e) => sh.report(|l| l.on_error(&bi, e)),
    }
    let mut st = lock(&sh.state);
    match outcome {
        Ok(()) => st.stats.written += part.lines as u64,
        Err(e) => {
            st.stats.failed += part.lines as u64;
            if e.code == Code::TimedOut {
                st.undelivered_at_close += part.lines as u64;
            }
        }
    }
    sh.release(&mut st, part.lines, part.data.len() + 1);
    sh.recycle(&mut st, part.data);
}

pub(crate) fn close_timeout_error(sh: &Shared, last: Option<&Error>) -> Error {
    let mut e = last
        .cloned()
        .unwrap_or_else(|| Error::new(Code::TimedOut, ""));
    e.code = Code::TimedOut;
    e.message = format!(
        "not delivered within max_close_wait ({} ms){}",
        sh.opts.max_close_wait.as_millis(),
        last.map(|l| format!("; last error: {}", l.message))
            .unwrap_or_default()
    );
    e
}

pub(crate) fn deliver(sh: &Shared, mut batch: Batch, spare: Option<Vec<u8>>) {
    // The joining copy happens here, on the background thread, not on the writer's.
    let freed = match spare {
        Some(spare) => join(&mut batch, spare),
        None => Vec::new(),
    };
    sh.release_extra(&mut batch);
    let id = batch.id;
    let jitter = retry::jitter_delay(&sh.policy, fastrand::f64());
    // Parts still to send; a 413 splits a part into halves (depth first, order kept). A part
    // leaves `parts` only to be finished, so after a panic the top one is the unsettled one.
    let mut parts = vec![batch];
    let mut deadline_hit = !pause(sh, jitter);
    while !parts.is_empty() {
        if deadline_hit || close_deadline_passed(sh, Duration::ZERO) {
            deadline_hit = true;
            if let Some(part) = parts.pop() {
                finish(sh, part, 0, Err(&close_timeout_error(sh, None)));
            }
            continue;
        }
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| send_with_retry(sh, &mut parts))) {
            if let Some(part) = parts.pop() {
                let e = Error::internal(format!(
                    "internal error: the write API's sender panicked ({}); the batch was not \
                     delivered",
                    panic_text(&panic)
                ));
                finish(sh, part, 0, Err(&e));
            }
        }
    }
    let mut st = lock(&sh.state);
    st.unsettled.remove(&id);
    for v in freed {
        sh.recycle(&mut st, v);
    }
    sh.settled.notify_all();
}

/// A panic's message, for the error report.
fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

/// Send the top part of `parts` with the seed's retry rules until it is settled (popped and
/// finished) or split (popped, its halves pushed).
pub(crate) fn send_with_retry(sh: &Shared, parts: &mut Vec<Batch>) {
    let Some(part) = parts.last() else {
        return;
    };
    let first_attempt = Instant::now();
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        #[cfg(test)]
        sh.inject_panic();
        let result = super::post_lines(
            &sh.client.http,
            &part.dest.org,
            &part.dest.bucket,
            part.dest.precision,
            &part.data,
        );
        let err = match result {
            Ok(()) => return settle_top(sh, parts, attempts, Ok(())),
            Err(e) => e,
        };
        if err.http_status == 413 && part.lines > 1 {
            // No line boundary found (an unterminated quote runs to the end): the part cannot
            // be split; it is reported failed below like a single line.
            if let Some((a, b)) = split_half(part) {
                parts.pop();
                parts.push(b);
                parts.push(a);
                return;
            }
        }
        let decision = retry::decide(
            &sh.policy,
            attempts,
            err.retriable,
            err.retry_after,
            first_attempt.elapsed(),
            fastrand::f64(),
            fastrand::f64(),
        );
        match decision {
            Decision::RetryAfter(delay) => {
                if close_deadline_passed(sh, delay) {
                    // The retry would land after close's deadline: give up now, clearly.
                    return settle_top(
                        sh,
                        parts,
                        attempts,
                        Err(&close_timeout_error(sh, Some(&err))),
                    );
                }
                lock(&sh.state).stats.retries += 1;
                sh.report(|l| l.on_retry(&info(part, attempts), &err, attempts, delay));
                if !pause(sh, delay) {
                    return settle_top(
                        sh,
                        parts,
                        attempts,
                        Err(&close_timeout_error(sh, Some(&err))),
                    );
                }
            }
            Decision::GiveUp(reason) => {
                let e = match reason {
                    GiveUpReason::NotRetriable => err,
                    GiveUpReason::MaxRetries | GiveUpReason::MaxRetryTime => {
                        let mut e = err.clone();
                        e.code = Code::RetriesExhausted;
                        let why = if matches!(reason, GiveUpReason::MaxRetries) {
                            format!("max_retries={}", sh.opts.max_retries)
                        } else {
                            format!("max_retry_time={} ms", sh.opts.max_retry_time.as_millis())
                        };
                        e.message = format!(
                            "giving up after {attempts} attempts ({why}): {}",
                            err.message
                        );
                        e
                    }
                };
                return settle_top(sh, parts, attempts, Err(&e));
            }
        }
    }
}

/// Pop the part being sent and report its outcome.
fn settle_top(
    sh: &Shared,
    parts: &mut Vec<Batch>,
    attempts: u32,
    outcome: std::result::Result<(), &Error>,
) {
    if let Some(part) = parts.pop() {
        finish(sh, part, attempts, outcome);
    }
}

/// Split a multi-line part between its data lines, `lines / 2` of them in the first half.
/// Lines are delimited as the server delimits them (and as `lp::count_lines`
/// counted them): a `\n` inside a quoted string field value does not end a line, so a split
/// never cuts a line in two.
pub(crate) fn split_half(part: &Batch) -> Option<(Batch, Batch)> {
    let half = part.lines / 2;
    let cut = line_boundary(&part.data, half)?;
    let first = Batch {
        id: part.id,
        dest: part.dest.clone(),
        data: part.data[..cut].to_vec(),
        parts: Vec::new(),
        lines: half,
        extra: 0,
    };
    let second = Batch {
        id: part.id,
        dest: part.dest.clone(),
        data: part.data[cut + 1..].to_vec(),
        parts: Vec::new(),
        lines: part.lines - half,
        extra: 0,
    };
    Some((first, second))
}

/// Index of the line-ending `\n` just before data line `n` (0-based) starts; blank and
/// comment lines are not data lines (split as the server does: `lp::scan_lines`).
pub(crate) fn line_boundary(data: &[u8], n: usize) -> Option<usize> {
    let mut count = 0usize;
    let mut cut = None;
    crate::lp::scan_lines(data, |line| {
        if line.comment {
            return std::ops::ControlFlow::Continue(());
        }
        if count == n {
            cut = line.prev_newline;
            return std::ops::ControlFlow::Break(());
        }
        count += 1;
        std::ops::ControlFlow::Continue(())
    });
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Precision;
    use crate::write::Destination;

    fn batch(lines: &[&str]) -> Batch {
        Batch {
            id: 1,
            dest: Destination {
                bucket: "b".into(),
                org: "o".into(),
                precision: Precision::Ns,
            },
            data: lines.join("\n").into_bytes(),
            parts: Vec::new(),
            lines: lines.len(),
            extra: 0,
        }
    }

    #[test]
    fn split_half_partitions_lines_exactly() {
        for n in 2..9 {
            let owned: Vec<String> = (0..n).map(|i| format!("m v={i}i")).collect();
            let refs: Vec<&str> = owned.iter().map(|s| s.as_str()).collect();
            let b = batch(&refs);
            let (x, y) = split_half(&b).unwrap();
            assert_eq!(x.lines + y.lines, n);
            assert_eq!(x.lines, n / 2);
            let mut joined = x.data.clone();
            joined.push(b'\n');
            joined.extend_from_slice(&y.data);
            assert_eq!(joined, b.data);
            assert_eq!(String::from_utf8(x.data).unwrap().lines().count(), x.lines);
            assert_eq!(String::from_utf8(y.data).unwrap().lines().count(), y.lines);
        }
    }

    #[test]
    fn split_half_never_cuts_a_quoted_newline_and_skips_comments() {
        let lines = [
            "m s=\"a\nb\" 1",
            "# comment\nm s=\"c\nd\" 2",
            "m s=\"e\" 3",
            "m v=1i 4",
        ];
        let mut b = batch(&lines);
        b.lines = 4; // the comment is not a data line
        let (x, y) = split_half(&b).unwrap();
        assert_eq!(x.data, b"m s=\"a\nb\" 1\n# comment\nm s=\"c\nd\" 2");
        assert_eq!(y.data, b"m s=\"e\" 3\nm v=1i 4");
        assert_eq!((x.lines, y.lines), (2, 2));
        let (x1, x2) = split_half(&x).unwrap();
        assert_eq!(x1.data, b"m s=\"a\nb\" 1\n# comment");
        assert_eq!(x2.data, b"m s=\"c\nd\" 2");
        // An unterminated quote leaves no boundary: no split.
        let mut u = batch(&["m s=\"open 1", "m v=1i 2"]);
        u.lines = 2;
        assert!(split_half(&u).is_none());
    }
}
