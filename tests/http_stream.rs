//! The HTTP layer's timeouts against a scripted server (a real InfluxDB cannot be made to
//! stream slowly on demand): a streamed answer is bounded per read, never as a whole.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use influxdb_client::config::ClientConfig;
use influxdb_client::http::{Http, Method, Request};
use influxdb_client::Code;

/// A server that answers one request with a chunked body of `lines` lines, one every
/// `every`, and then ends it.
fn slow_server(
    lines: usize,
    every: Duration,
    first_delay: Duration,
) -> (String, std::thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let h = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut w = s;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
        }
        std::thread::sleep(first_delay);
        let _ = w.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        for i in 0..lines {
            let text = format!("line {i}\n");
            if w.write_all(format!("{:x}\r\n{text}\r\n", text.len()).as_bytes())
                .is_err()
            {
                return;
            }
            std::thread::sleep(every);
        }
        let _ = w.write_all(b"0\r\n\r\n");
    });
    (url, h)
}

fn http(url: &str, timeout_ms: u64) -> Http {
    let cfg = ClientConfig {
        url: url.to_string(),
        timeout: Duration::from_millis(timeout_ms),
        ..ClientConfig::default()
    };
    Http::new(&cfg).unwrap()
}

fn streamed(h: &Http) -> influxdb_client::Result<influxdb_client::http::Response> {
    h.send(Request {
        stream: true,
        ..Request::new(Method::Get, "/slow")
    })
}

#[test]
fn a_slow_30_second_stream_is_not_cut_by_a_2_second_timeout() {
    let (url, server) = slow_server(30, Duration::from_secs(1), Duration::ZERO);
    let h = http(&url, 2_000);
    let t0 = Instant::now();
    let resp = streamed(&h).unwrap();
    assert_eq!(resp.status(), 200);
    let mut body = String::new();
    resp.into_reader().read_to_string(&mut body).unwrap();
    let elapsed = t0.elapsed();
    assert_eq!(body.lines().count(), 30, "{body}");
    assert!(body.ends_with("line 29\n"));
    assert!(elapsed >= Duration::from_secs(29), "{elapsed:?}");
    server.join().unwrap();
}

#[test]
fn a_silent_server_is_still_a_timeout_per_read() {
    // headers never come: the wait for them is bounded by `timeout`
    let (url, server) = slow_server(1, Duration::ZERO, Duration::from_secs(3));
    let h = http(&url, 500);
    let t0 = Instant::now();
    let e = streamed(&h).unwrap_err();
    assert_eq!(e.code, Code::Timeout, "{e:?}");
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    server.join().unwrap();
    // and a stream that stalls mid-body fails its read with a timeout
    let (url, server) = slow_server(3, Duration::from_secs(2), Duration::ZERO);
    let h = http(&url, 500);
    let resp = streamed(&h).unwrap();
    let mut body = String::new();
    let err = resp.into_reader().read_to_string(&mut body).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ),
        "{err:?}"
    );
    assert_eq!(influxdb_client::http::read_error(&err).code, Code::Timeout);
    server.join().unwrap();
}
