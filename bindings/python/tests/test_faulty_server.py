"""Callbacks under a server that fails: a scripted HTTP server on loopback answers each write
with the next scripted status (503 + Retry-After, 500, 400, 204, or a dropped connection)."""
import http.server
import threading

import pytest

from influxdb_client_c import InfluxDBClient, WriteOptions, WritePrecision


class Scripted(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script):
        self.script = list(script)
        self.bodies = []
        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.bodies.append(body.decode())
        step = self.server.script.pop(0) if self.server.script else 204
        if step == "drop":
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(step)
        if step in (429, 503):
            self.send_header("Retry-After", "1")
        payload = b'{"code":"x","message":"scripted %d"}' % step if step >= 300 else b""
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def write_api(server, **kw):
    client = InfluxDBClient(url=server.url, token="t", org="o", timeout=2000)
    reports = {"ok": [], "err": [], "retry": []}
    w = client.write_api(write_options=WriteOptions(batch_size=10, flush_interval=100_000, retry_interval=100,
                                                    max_retry_delay=300, **kw),
                         success_callback=lambda c, d: reports["ok"].append((c, d)),
                         error_callback=lambda c, d, e: reports["err"].append((c, d, e)),
                         retry_callback=lambda c, d, e: reports["retry"].append((c, d, e)))
    return client, w, reports


def test_retry_then_success_reports_each_retry_and_one_success():
    server = Scripted([503, 500, 204])
    client, w, r = write_api(server)
    w.write("b", record=["m v=1 1", "m v=2 2"], write_precision=WritePrecision.S)
    w.flush()
    w.close()
    assert len(r["retry"]) == 2 and r["retry"][0][2].status == 503
    assert r["ok"] == [(("b", "o", "s"), "m v=1 1\nm v=2 2")] and r["err"] == []
    assert len(server.bodies) == 3
    server.stop()


def test_bad_request_is_reported_once_without_retry():
    server = Scripted([400])
    client, w, r = write_api(server)
    w.write("b", record="m v=1 1")
    w.close()
    assert r["retry"] == [] and r["ok"] == []
    (conf, data, exc), = r["err"]
    assert data == "m v=1 1" and exc.status == 400 and "scripted 400" in exc.message
    server.stop()


def test_retries_exhausted_is_write_retry_error():
    from influxdb_client_c.client.exceptions import WriteRetryError
    server = Scripted([500, 500, 500])
    client, w, r = write_api(server, max_retries=2)
    w.write("b", record="m v=1 1")
    w.flush()
    w.close()
    assert len(r["retry"]) == 2
    assert len(r["err"]) == 1 and isinstance(r["err"][0][2], WriteRetryError)
    server.stop()


def test_dropped_connections_are_retried_and_a_raising_callback_changes_nothing(caplog):
    server = Scripted(["drop", 204, 204])
    client = InfluxDBClient(url=server.url, token="t", org="o", timeout=2000)
    seen = []

    def bad(conf, data, exc=None):
        seen.append(data)
        raise ValueError("callback bug")

    w = client.write_api(write_options=WriteOptions(batch_size=1, flush_interval=100_000, retry_interval=100),
                         success_callback=bad, retry_callback=bad)
    w.write("b", record="m v=1 1")
    w.flush()
    w.write("b", record="m v=2 2")
    w.close()
    assert seen == ["m v=1 1", "m v=1 1", "m v=2 2"]
    assert caplog.text.count("(ignored; delivery goes on)") == 3
    server.stop()


def test_server_down_close_reports_everything_failed():
    server = Scripted([])
    url = server.url
    server.stop()
    server.server_close()
    client = InfluxDBClient(url=url, token="t", org="o", timeout=500)
    errs = []
    w = client.write_api(write_options=WriteOptions(batch_size=10, flush_interval=100_000, max_retries=0),
                         error_callback=lambda c, d, e: errs.append(d))
    w.write("b", record=[f"m v={i} {i}" for i in range(25)])
    w.close()
    assert sum(d.count("\n") + 1 for d in errs) == 25


class CsvThenBroken(http.server.BaseHTTPRequestHandler):
    """A query answer of 5,000 valid records, then a row the CSV reader refuses (a long of
    text), so the error arrives while a thread reads ahead; or the connection cut there."""
    cut = False

    def log_message(self, *a):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        rows = "".join(f",,0,{i}\r\n" for i in range(5000))
        body = ("#datatype,string,long,long\r\n#group,false,false,false\r\n#default,_result,,\r\n"
                ",result,table,v\r\n" + rows + ("" if self.cut else ",,0,not-a-number\r\n")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body) + (1000 if self.cut else 0)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True


class CsvThenCut(CsvThenBroken):
    cut = True


@pytest.mark.parametrize("handler", [CsvThenBroken, CsvThenCut])
def test_an_error_after_many_records_reaches_the_reader_once(handler):
    from influxdb_client_c.client.exceptions import InfluxDBError
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with InfluxDBClient(url=f"http://127.0.0.1:{srv.server_address[1]}", token="t", org="o",
                            timeout=2000) as client:
            got = []
            with pytest.raises(InfluxDBError) as e:
                for r in client.query_api().query_stream("x"):
                    got.append(r["v"])
            assert got == list(range(5000))  # every record before the failure, in order
            assert handler is CsvThenCut or "not-a-number" in str(e.value)
            assert not [t for t in threading.enumerate() if "read-ahead" in t.name]
    finally:
        srv.shutdown()
        srv.server_close()


class CsvThenStall(http.server.BaseHTTPRequestHandler):
    """3,000 records, then nothing for 3 s (the connection open), then the rest."""

    def log_message(self, *a):
        pass

    def do_POST(self):
        import time
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        head = "#datatype,string,long,long\r\n#group,false,false,false\r\n#default,_result,,\r\n,result,table,v\r\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        try:
            self.wfile.write((head + "".join(f",,0,{i}\r\n" for i in range(3000))).encode())
            self.wfile.flush()
            time.sleep(3)
            self.wfile.write(b",,0,3000\r\n")
        except OSError:
            pass
        self.close_connection = True


def test_closing_a_stalled_answer_does_not_wait_for_it():
    """The read-ahead thread waits in C for a stalled answer (a call returns when 1,024 records
    are there); the consumer's close() returns at once, and the thread closes the query when
    its call returns (here: at the read timeout)."""
    import time
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CsvThenStall)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with InfluxDBClient(url=f"http://127.0.0.1:{srv.server_address[1]}", token="t", org="o",
                            timeout=1000) as client:
            stream = client.query_api().query_stream("x")
            assert [next(stream)["v"] for _ in range(1500)] == list(range(1500))
            assert [t for t in threading.enumerate() if "read-ahead" in t.name]
            t = time.perf_counter()
            stream.close()
            assert time.perf_counter() - t < 0.5
            deadline = time.time() + 10
            while [t for t in threading.enumerate() if "read-ahead" in t.name] and time.time() < deadline:
                time.sleep(0.05)
            assert not [t for t in threading.enumerate() if "read-ahead" in t.name]
    finally:
        srv.shutdown()
        srv.server_close()
