"""Benchmark: the binding against the seed (influxdb-client 1.50.0), the same user code for both.

    python bench.py all [--n N] [--sink-only]       # what scripts/bench.sh of the binding runs

Each case runs in its own child process (peak RSS = the child's ru_maxrss), importing either
``influxdb_client`` (the seed) or ``influxdb_client_c`` under the same name:
  (a) points:    1 Point per write() call through a batching write API (batch_size 5000)
  (a') points1k: lists of 1000 Points per write() call
  (b) lp:        line protocol str, lists of 1000 per write() call; (b') bytes likewise
  (c) dataframe: one DataFrame of N rows (2 tag columns, 4 fields), data_frame_tag_columns
  (d) query:     query_stream() of the N points written (records counted); "floor" reads the
                 same query's CSV over plain HTTP without parsing it (the server's rate)
Targets: a null HTTP sink (a separate process answering 204 and counting lines: one thread on raw sockets) and the real
InfluxDB 2.x (INFLUXDB_V2_*). Times are wall time from the first point built to close().
"""
import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1_700_000_000_000_000_000


def std_points(m, Point, n):
    for i in range(n):
        yield (Point(m).tag("host", f"server-{i % 100}").tag("region", f"us-west-{i % 4}")
               .field("usage_user", i * 0.37).field("usage_system", i * 0.11).field("count", i)
               .field("ok", i % 2 == 0).time(T0 + i * 1000))


def std_line(m, i):
    return (f"{m},host=server-{i % 100},region=us-west-{i % 4} count={i}i,ok={'true' if i % 2 == 0 else 'false'},"
            f"usage_system={i * 0.11!r},usage_user={i * 0.37!r} {T0 + i * 1000}")


def query_floor(url, token, org, flux):
    """The server's side of (d): the same query's annotated CSV read over one HTTP request and
    thrown away (newlines counted), no CSV parsing and no records: what no client can beat."""
    import http.client
    import urllib.parse
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    body = json.dumps({"query": flux, "type": "flux", "dialect": {
        "header": True, "delimiter": ",", "annotations": ["datatype", "group", "default"],
        "commentPrefix": "#", "dateTimeFormat": "RFC3339"}})
    conn.request("POST", "/api/v2/query?" + urllib.parse.urlencode({"org": org}), body=body,
                 headers={"Authorization": "Token " + token, "Content-Type": "application/json",
                          "Accept-Encoding": "identity"})
    r = conn.getresponse()
    if r.status != 200:
        raise SystemExit(f"query floor: HTTP {r.status}: {r.read()[:300]!r}")
    lines = 0
    buf = bytearray(1 << 20)
    while True:
        k = r.readinto(buf)
        if not k:
            break
        lines += buf.count(b"\n", 0, k)
    conn.close()
    return lines


def case(impl, mode, n, url, token, org, bucket, measurement):
    flux = (f'from(bucket:"{bucket}") |> range(start: 2023-01-01T00:00:00Z) '
            f'|> filter(fn: (r) => r._measurement == "{measurement}")')
    if impl == "floor":
        t = time.perf_counter()
        lines = query_floor(url, token, org, flux)
        return time.perf_counter() - t, lines, []
    mod = importlib.import_module(impl)
    InfluxDBClient, Point, WriteOptions = mod.InfluxDBClient, mod.Point, mod.WriteOptions
    client = InfluxDBClient(url=url, token=token, org=org, timeout=60_000)
    errors = []
    t = time.perf_counter()
    if mode == "query":
        count = sum(1 for _ in client.query_api().query_stream(flux))
        dt = time.perf_counter() - t
        client.close()
        return dt, count, errors
    w = client.write_api(write_options=WriteOptions(batch_size=5000, flush_interval=1000),
                         error_callback=lambda c, d, e: errors.append(str(e)))
    if mode == "points":
        for p in std_points(measurement, Point, n):
            w.write(bucket, record=p)
    elif mode == "points1k":
        batch = []
        for p in std_points(measurement, Point, n):
            batch.append(p)
            if len(batch) == 1000:
                w.write(bucket, record=batch)
                batch = []
        if batch:
            w.write(bucket, record=batch)
    elif mode in ("lp", "lpbytes"):
        # the lines are the input: only the write() calls (and close) are timed
        spent = 0.0
        for s in range(0, n, 1000):
            lines = [std_line(measurement, i) for i in range(s, min(n, s + 1000))]
            if mode == "lpbytes":
                lines = [x.encode() for x in lines]
            t1 = time.perf_counter()
            w.write(bucket, record=lines)
            spent += time.perf_counter() - t1
        t = time.perf_counter() - spent
    elif mode == "dataframe":
        import numpy as np
        import pandas as pd
        i = np.arange(n)
        df = pd.DataFrame({"host": pd.Series([f"server-{k}" for k in range(100)])[i % 100].to_numpy(),
                           "region": pd.Series([f"us-west-{k}" for k in range(4)])[i % 4].to_numpy(),
                           "usage_user": i * 0.37, "usage_system": i * 0.11, "count": i, "ok": i % 2 == 0},
                          index=pd.to_datetime(T0 + i * 1000, unit="ns", utc=True))
        t = time.perf_counter()  # the DataFrame is the input: built before the clock starts
        w.write(bucket, record=df, data_frame_measurement_name=measurement,
                data_frame_tag_columns=["host", "region"])
    w.close()
    dt = time.perf_counter() - t
    client.close()
    return dt, n, errors


def child_main(argv):
    impl, mode, n, url, token, org, bucket, measurement = argv
    if impl == "influxdb_client_c":
        sys.path.insert(0, os.path.dirname(HERE))
    dt, count, errors = case(impl, mode, int(n), url, token, org, bucket, measurement)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"seconds": dt, "count": count, "errors": errors[:3], "rss_mb": rss}))


# ---------------------------------------------------------------- the null sink (own process)
SINK = r'''
# One thread, raw sockets, one receive buffer: the sink should cost as little as it can, so
# that it is not what the fastest client waits for (http.server took ~71 ns/line of a core).
import selectors, socket
count = 0
sel = selectors.DefaultSelector()
srv = socket.create_server(("127.0.0.1", 0))
srv.setblocking(False)
sel.register(srv, selectors.EVENT_READ)
print(srv.getsockname()[1], flush=True)
conns = {}  # socket -> [buffered header bytes, body bytes still to read, lines so far, last byte]
def answer(s, status, body=b""):
    s.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
buf = bytearray(1 << 20)
view = memoryview(buf)
while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s is srv:
            c, _ = srv.accept()
            c.setblocking(False)
            conns[c] = [b"", 0, 0, b""]
            sel.register(c, selectors.EVENT_READ)
            continue
        st = conns[s]
        try:
            if st[1] > 0:  # inside a body: count its newlines without keeping it
                n = s.recv_into(view[:min(st[1], len(buf))])
                if n == 0:
                    raise ConnectionError
                st[2] += buf.count(b"\n", 0, n)
                st[3] = buf[n - 1:n]
                st[1] -= n
                if st[1] == 0:
                    count += st[2] + (0 if st[3] == b"\n" else 1)
                    answer(s, b"204 No Content")
                continue
            data = s.recv(65536)
            if not data:
                raise ConnectionError
            st[0] += data
            while b"\r\n\r\n" in st[0] and st[1] == 0:
                head, rest = st[0].split(b"\r\n\r\n", 1)
                lines = head.split(b"\r\n")
                length = 0
                for h in lines[1:]:
                    k, _, v = h.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v)
                if lines[0].startswith(b"GET"):
                    answer(s, b"200 OK", str(count).encode())
                    if b"/reset" in lines[0]:
                        count = 0
                    st[0] = rest
                    continue
                body, st[0] = rest[:length], rest[length:]
                st[2] = body.count(b"\n")
                st[3] = body[-1:]
                st[1] = length - len(body)
                if length == 0:
                    st[3] = b"\n"
                if st[1] == 0:
                    count += st[2] + (0 if st[3] == b"\n" else 1)
                    answer(s, b"204 No Content")
        except (ConnectionError, OSError):
            sel.unregister(s)
            conns.pop(s, None)
            s.close()
'''


def run_child(impl, mode, n, url, token, org, bucket, measurement, timeout=900):
    env = dict(os.environ)
    p = subprocess.run([sys.executable, __file__, "child", impl, mode, str(n), url, token, org, bucket, measurement],
                       capture_output=True, text=True, timeout=timeout, env=env)
    if p.returncode != 0:
        raise SystemExit(f"{impl} {mode} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["all"])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--sink-only", action="store_true")
    ap.add_argument("--modes", default="points,points1k,lp,lpbytes,dataframe,query")
    a = ap.parse_args()
    modes = a.modes.split(",")
    results = []
    sink = subprocess.Popen([sys.executable, "-c", SINK], stdout=subprocess.PIPE, text=True)
    try:
        port = sink.stdout.readline().strip()
        sink_url = f"http://127.0.0.1:{port}"
        import urllib.request

        def sink_count(reset=False):
            return int(urllib.request.urlopen(sink_url + ("/reset" if reset else "/count")).read())
        targets = [("null sink", sink_url, "t", "o", "b")]
        if not a.sink_only:
            targets.append(("InfluxDB 2.x", os.environ["INFLUXDB_V2_URL"], os.environ["INFLUXDB_V2_TOKEN"],
                            os.environ["INFLUXDB_V2_ORG"], os.environ["INFLUXDB_V2_BUCKET"]))
        for target, url, token, org, bucket in targets:
            for mode in modes:
                if mode == "query" and target == "null sink":
                    continue
                row = {"target": target, "mode": mode}
                impls = ("influxdb_client", "influxdb_client_c") + (("floor",) if mode == "query" else ())
                for impl in impls:
                    m = f"bench_{mode if mode != 'query' else 'points1k'}_{impl if impl != 'floor' else 'influxdb_client_c'}"
                    if target == "null sink":
                        sink_count(reset=True)
                    r = run_child(impl, mode, a.n, url, token, org, bucket, m)
                    if target == "null sink" and mode != "query":
                        r["delivered"] = sink_count()
                    row[impl] = r
                    print(f"{target:13} {mode:9} {impl:18} {r['seconds']:8.2f} s  {r['count'] / r['seconds']:>10,.0f}/s"
                          f"  rss {r['rss_mb']} MB  delivered {r.get('delivered', r['count'])}  errors {r['errors']}",
                          flush=True)
                row["ratio"] = row["influxdb_client"]["seconds"] / row["influxdb_client_c"]["seconds"]
                print(f"{'':13} {mode:9} ratio ours/seed: {row['ratio']:.1f}x", flush=True)
                if "floor" in row:
                    row["ceiling"] = row["influxdb_client"]["seconds"] / row["floor"]["seconds"]
                    print(f"{'':13} {mode:9} server floor (CSV read, no parse): seed/floor {row['ceiling']:.1f}x "
                          f"= the most any client could reach here", flush=True)
                results.append(row)
    finally:
        sink.terminate()
    print(json.dumps(results))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child_main(sys.argv[2:])
    else:
        main()
