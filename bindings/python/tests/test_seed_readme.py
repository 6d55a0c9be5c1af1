"""The seed's README examples (tests/seed_readme/, the seed's code with only the import changed)
run against the real InfluxDB, each in a fresh Python process and a fresh bucket: each must exit 0
without a traceback, and what it writes must be in InfluxDB with the values it wrote.

The README's placeholders (http://localhost:8086, my-token, my-org, my-bucket) are replaced at run
time by the server of scripts/influxdb.sh start and the test's bucket; the vendored text is not.
"""
import csv
import datetime
import os
import re
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "seed_readme")
PKG_ROOT = os.path.dirname(HERE)  # bindings/python: influxdb_client_c from the tree, as the other tests
README_START = re.compile(r"^# --- README line (\d+) ---$")
README_END = "# --- end of README text ---"
DATA_CENTER = "dc-readme"


@pytest.fixture
def bucket(server):
    """A new bucket per test (as conftest's), deleted with a longer timeout: deleting the bucket
    of the large import can take more than the default 10 s on a busy machine."""
    import time
    from influxdb_client_c import InfluxDBClient
    with InfluxDBClient(url=server["url"], token=server["token"], org=server["org"], timeout=120_000) as c:
        api = c.buckets_api()
        b = api.create_bucket(bucket_name=f"py_readme_{time.time_ns()}", org=server["org"])
        yield b.name
        api.delete_bucket(b)


def _vendored():
    return sorted(f[:-3] for f in os.listdir(EXAMPLES) if f.endswith(".py"))


def _text(name):
    with open(os.path.join(EXAMPLES, name + ".py"), encoding="utf-8") as f:
        return f.read()


def run_example(name, server, bucket, tmp_path, text=None, env=None):
    """Run one example (its text with the server and bucket substituted) in a new interpreter."""
    text = text if text is not None else _text(name)
    for placeholder, value in (("http://localhost:8086", server["url"]), ("my-token", server["token"]),
                               ("my-org", server["org"]), ("my-bucket", bucket)):
        text = text.replace(placeholder, value)
    path = tmp_path / f"readme_{name}.py"  # no file named like a stdlib module (logging, gzip)
    path.write_text(text, encoding="utf-8")
    if name == "import_data_set":
        shutil.copy(os.path.join(EXAMPLES, "vix-daily.csv"), tmp_path)
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(p for p in (PKG_ROOT, e.get("PYTHONPATH")) if p)
    e["INFLUXDB_V2_URL"], e["INFLUXDB_V2_TOKEN"], e["INFLUXDB_V2_ORG"] = server["url"], server["token"], server["org"]
    e["data_center"] = DATA_CENTER
    e.update(env or {})
    return subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=e,
                          capture_output=True, text=True, timeout=180)


def assert_ok(proc):
    out = f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    assert proc.returncode == 0, out
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, out
    assert "Exception" not in proc.stderr, out


def points(client, bucket, measurement):
    """Every point of ``measurement`` in ``bucket``: sorted (time, field, value, tags)."""
    q = (f'from(bucket: "{bucket}") |> range(start: 0, stop: 2100-01-01T00:00:00Z) '
         f'|> filter(fn: (r) => r._measurement == "{measurement}")')
    out = []
    for table in client.query_api().query(q):
        for r in table.records:
            tags = {k: v for k, v in r.values.items()
                    if k not in ("result", "table", "_start", "_stop", "_time", "_value", "_field", "_measurement")}
            out.append((r.get_time(), r.get_field(), r.get_value(), tags))
    return sorted(out, key=lambda p: (p[0], p[1], str(p[3])))


def write_lp(client, bucket, lines):
    from influxdb_client_c.client.write_api import SYNCHRONOUS
    with client.write_api(write_options=SYNCHRONOUS) as w:
        w.write(bucket=bucket, record=lines)


def now_ns():
    return int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1e9)


def values(pts):
    return sorted((p[3].get("location"), p[1], p[2]) for p in pts)


# ------------------------------------------------------------------ the vendored text is the seed's

def _readme_blocks():
    """The README's python code blocks: {fence line number: code} (the async ones are quoted `> `)."""
    with open(os.path.join(EXAMPLES, "README.seed.md"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks, i = {}, 0

    def unquote(s):
        return s[2:] if s.startswith("> ") else s[1:] if s.startswith(">") else s
    while i < len(lines):
        if unquote(lines[i]).strip().startswith("```") and "python" in lines[i]:
            start, body = i + 1, []
            i += 1
            while not unquote(lines[i]).strip().startswith("```"):
                body.append(unquote(lines[i]))
                i += 1
            blocks[start] = "\n".join(body) + "\n"
        i += 1
    return blocks


def test_vendored_text_is_the_readme_with_only_the_import_changed():
    blocks = _readme_blocks()
    seen = set()
    for name in _vendored():
        lines = _text(name).split("\n")
        starts = [i for i, line in enumerate(lines) if README_START.match(line)]
        assert len(starts) == 1, name
        line_no = int(README_START.match(lines[starts[0]]).group(1))
        end = lines.index(README_END)
        region = []
        for line in lines[starts[0] + 1:end]:
            if "  # harness" in line:
                code = line.split("  # harness")[0]
                if code.lstrip().startswith("with ") and code.endswith(":"):
                    region.append(code[:-1])  # the README's `with` line, completed by ':' and a body
                continue
            region.append(line)
        expected = re.sub(r"\binfluxdb_client\b", "influxdb_client_c", blocks[line_no])
        assert "\n".join(region) + "\n" == expected, name
        seen.add(line_no)
    # every other python block of the README is listed with its reason in seed_readme/README.md
    with open(os.path.join(EXAMPLES, "README.md"), encoding="utf-8") as f:
        omitted = {int(n) for n in re.findall(r"README line (\d+)", f.read())}
    assert seen.isdisjoint(omitted)
    assert set(blocks) == seen | omitted, sorted(set(blocks) - seen - omitted)


# ------------------------------------------------------------------ the examples

def test_installation(server, bucket, tmp_path):
    assert_ok(run_example("installation", server, bucket, tmp_path))


def test_getting_started(server, bucket, client, tmp_path):
    proc = run_example("getting_started", server, bucket, tmp_path)
    assert_ok(proc)
    assert values(points(client, bucket, "my_measurement")) == [("Prague", "temperature", 25.3)]
    assert "FluxTable() columns: 9, records: 1" in proc.stdout
    assert "'_value': 25.3, '_field': 'temperature', '_measurement': 'my_measurement', 'location': 'Prague'}" \
        in proc.stdout


@pytest.mark.parametrize("name", ["config_file", "env_properties"])
def test_client_configuration(name, server, bucket, tmp_path):
    proc = run_example(name, server, bucket, tmp_path)
    assert_ok(proc)
    assert proc.stdout.splitlines() == [f"url={server['url']} org={server['org']}"]


def test_profiler_query(server, bucket, client, tmp_path):
    t = now_ns() - 60_000_000_000
    write_lp(client, bucket, [f"mem,host=a available=1i,free=2i,used=3i {t}"])
    proc = run_example("profiler_query", server, bucket, tmp_path)
    assert_ok(proc)
    for title in ("Profiler: query", "Profiler: profiler/query", "Profiler: profiler/operator"):
        assert f"\n{title}\n" in proc.stdout, proc.stdout
    # the profiler tables are printed, not returned: one pivoted table of mem
    assert proc.stdout.splitlines()[-1] == "tables=1"


def test_profiler_callback(server, bucket, client, tmp_path):
    write_lp(client, bucket, [f"m,host=a value=1 {now_ns()}"])
    proc = run_example("profiler_callback", server, bucket, tmp_path)
    assert_ok(proc)
    lines = proc.stdout.splitlines()
    assert lines[-1] == "tables=1"
    assert any(line.startswith("Custom processing of profiler result: {'result': '_profiler', 'table': 0, "
                               "'_measurement': 'profiler/query', ") for line in lines), proc.stdout
    assert any(line.startswith("Custom processing of profiler result: {'result': '_profiler', 'table': 1, "
                               "'_measurement': 'profiler/operator', ") for line in lines), proc.stdout
    # the seed prints the query even with a callback, the profiler results go to the callback only
    assert "\nProfiler: query\n" in proc.stdout and "Profiler: profiler/" not in proc.stdout


def test_batching(server, bucket, client, tmp_path):
    before = datetime.datetime.now(datetime.timezone.utc)
    proc = run_example("batching", server, bucket, tmp_path)
    assert_ok(proc)
    pts = points(client, bucket, "h2o_feet")
    assert all(p[1] == "water_level" and p[3] == {"location": "coyote_creek"} for p in pts), pts
    # line protocol, bytes, dicts, Points (1..6) and the Observable stream (7..10) at 1..10 ns
    q = (f'from(bucket: "{bucket}") |> range(start: 0, stop: 1970-01-02T00:00:00Z) '
         f'|> filter(fn: (r) => r._measurement == "h2o_feet") |> map(fn: (r) => ({{r with ns: int(v: r._time)}}))')
    early = sorted((r["ns"], r.get_value()) for t in client.query_api().query(q) for r in t.records)
    assert early == [(i, float(i)) for i in range(1, 11)], early
    # the DataFrame: now and now + 1h
    late = [p for p in pts if p[0] >= before - datetime.timedelta(seconds=1)]
    assert [p[2] for p in late] == [1.0, 2.0]
    assert late[1][0] - late[0][0] == datetime.timedelta(hours=1)


def _default_tags(client, bucket):
    pts = points(client, bucket, "readme_default_tags")
    assert len(pts) == 1 and pts[0][1:3] == ("value", 1), pts
    return pts[0][3]


def test_default_tags_api(server, bucket, client, tmp_path):
    assert_ok(run_example("default_tags_api", server, bucket, tmp_path))
    assert _default_tags(client, bucket) == {"id": "132-987-655", "customer": "California Miner",
                                             "data_center": DATA_CENTER}


def test_default_tags_kwargs(server, bucket, client, tmp_path):
    assert_ok(run_example("default_tags_kwargs", server, bucket, tmp_path))
    assert _default_tags(client, bucket) == {"id": "132-987-655", "customer": "California Miner"}


def test_default_tags_config_file(server, bucket, client, tmp_path):
    assert_ok(run_example("default_tags_config_file", server, bucket, tmp_path))
    assert _default_tags(client, bucket) == {"id": "132-987-655", "customer": "California Miner",
                                             "data_center": DATA_CENTER}


def test_default_tags_env(server, bucket, client, tmp_path):
    proc = run_example("default_tags_env", server, bucket, tmp_path,
                       env={"INFLUXDB_V2_TAG_ID": "132-987-655", "INFLUXDB_V2_TAG_HOSTNAME": "readme-host"})
    assert_ok(proc)
    assert _default_tags(client, bucket) == {"id": "132-987-655", "hostname": "readme-host"}


def test_synchronous_client(server, bucket, client, tmp_path):
    assert_ok(run_example("synchronous_client", server, bucket, tmp_path))
    assert values(points(client, bucket, "my_measurement")) == [("New York", "temperature", 24.3),
                                                                ("Prague", "temperature", 25.3)]


def test_queries_as_printed_fails_like_the_seed(server, bucket, client, tmp_path):
    """The README's Queries block uses `datetime` without importing it: it stops there with the
    seed too (checked with the seed when it is installed), after writing and the Table query."""
    proc = run_example("queries", server, bucket, tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == "NameError: name 'datetime' is not defined", proc.stderr
    assert "FluxTable() columns: 9, records: 1" in proc.stdout
    assert values(points(client, bucket, "my_measurement")) == [("New York", "temperature", 24.3),
                                                                ("Prague", "temperature", 25.3)]
    try:
        import influxdb_client  # noqa: F401  the seed, in the test venv
    except ImportError:
        return
    seed_text = _text("queries").replace("influxdb_client_c", "influxdb_client")
    seed = run_example("queries", server, bucket, tmp_path, text=seed_text)
    assert seed.returncode == 1
    assert seed.stderr.strip().splitlines()[-1] == "NameError: name 'datetime' is not defined", seed.stderr


def test_queries_with_datetime_imported(server, bucket, client, tmp_path):
    proc = run_example("queries", server, bucket, tmp_path, text="import datetime\n" + _text("queries"))
    assert_ok(proc)
    out = proc.stdout.splitlines()
    assert values(points(client, bucket, "my_measurement")) == [("New York", "temperature", 24.3),
                                                                ("Prague", "temperature", 25.3)]
    # bind parameters: Prague only, its one value in one 5-minute window, the others empty
    prague = [line for line in out if re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00:00 - Prague: ", line)]
    assert [line.split(": ", 1)[1] for line in prague].count("25.3") == 1, out
    assert len(prague) >= 12 and all(line.endswith(": 25.3") or line.endswith(": None") for line in prague)
    # the stream, its interrupted copy, and the CSV lines
    assert out.count("Temperature in Prague is 25.3") == 2, out  # query_stream + query_csv
    assert out.count("Temperature in New York is 24.3") == 2, out
    assert "New York temperature: 24.3" in out


def test_query_data_frame(server, bucket, client, tmp_path):
    proc = run_example("query_data_frame", server, bucket, tmp_path)
    assert_ok(proc)
    # the README's "Output:"
    assert proc.stdout.splitlines() == ["    result  table  location  temperature",
                                        "0  _result      0  New York         24.3",
                                        "1  _result      1    Prague         25.3"], proc.stdout


def test_import_data_set(server, bucket, client, tmp_path):
    proc = run_example("import_data_set", server, bucket, tmp_path)
    assert_ok(proc)
    with open(os.path.join(EXAMPLES, "vix-daily.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    expected = [f"max {field:5} = {max(float(r[column]) for r in rows)}"
                for field, column in (("close", "VIX Close"), ("high", "VIX High"), ("low", "VIX Low"),
                                      ("open", "VIX Open"))]
    assert proc.stdout.splitlines()[-4:] == expected, proc.stdout[-2000:]
    q = (f'from(bucket: "{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == '
         f'"financial-analysis" and r.type == "vix-daily") |> count()')
    counts = {r.get_field(): r.get_value() for t in client.query_api().query(q) for r in t.records}
    assert counts == {f: len(rows) for f in ("open", "high", "low", "close")}
    first = points(client, bucket, "financial-analysis")[:4]
    assert first[0][0] == datetime.datetime(2004, 1, 2, tzinfo=datetime.timezone.utc)
    assert {p[1]: p[2] for p in first} == {"open": 17.96, "high": 18.68, "low": 17.54, "close": 18.22}


def test_gzip(server, bucket, client, tmp_path):
    proc = run_example("gzip_support", server, bucket, tmp_path)
    assert_ok(proc)
    assert proc.stdout.splitlines() == ["gzip read back: 42.5"]
    assert [p[1:3] for p in points(client, bucket, "readme_gzip")] == [("value", 42.5)]


@pytest.mark.parametrize("name", ["auth_token", "http_retry", "debugging"])
def test_client_construction(name, server, bucket, tmp_path):
    """Examples that make a client (and, by the harness, ping the server through it)."""
    assert_ok(run_example(name, server, bucket, tmp_path))


def test_delete(server, bucket, client, tmp_path):
    write_lp(client, bucket, ["my_measurement,location=Prague temperature=1 1590969600000000000",   # 2020-06
                              "my_measurement,location=Prague temperature=2 1640995200000000000",   # 2022-01
                              "other,location=Prague temperature=3 1590969600000000000"])
    assert_ok(run_example("delete", server, bucket, tmp_path))
    assert [(p[0].year, p[2]) for p in points(client, bucket, "my_measurement")] == [(2022, 2.0)]
    assert [p[2] for p in points(client, bucket, "other")] == [3.0]


def test_errors_sync(server, bucket, client, tmp_path):
    assert_ok(run_example("errors_sync", server, bucket, tmp_path))
    assert [(p[1], p[2], p[3]) for p in points(client, bucket, "mem")] == [("value", 86.0, {"tag": "a"})]


def test_errors_sync_unauthorized(server, bucket, tmp_path):
    """The example's `except` branch: a 401 gives InfluxDBError with response.status 401."""
    text = _text("errors_sync").replace('token="my-token"', 'token="not-the-token"')
    proc = run_example("errors_sync", server, bucket, tmp_path, text=text)
    assert proc.returncode == 1
    assert "Exception: Insufficient write permissions to '" in proc.stderr, proc.stderr
    assert "InfluxDBError" in proc.stderr or "ApiException" in proc.stderr or "(401)" in proc.stderr, proc.stderr


def test_errors_batching_callbacks(server, bucket, tmp_path):
    proc = run_example("errors_batching_callbacks", server, bucket, tmp_path)
    assert_ok(proc)
    assert proc.stdout == ""  # nothing written, so no callback


def test_nanosecond_precision(server, bucket, client, tmp_path):
    proc = run_example("nanosecond_precision", server, bucket, tmp_path)
    assert_ok(proc)
    assert proc.stdout.splitlines() == [
        "Time serialized with nanosecond precision: h2o_feet,location=pacific water_level=10i 825283200001001231",
        "",
        "Temperature in pacific is 10 at time: 1996-02-25 21:20:00.001001231+00:00"]
    raw = client.query_api().query_raw(f'from(bucket: "{bucket}") |> range(start: 0)').data
    assert b"1996-02-25T21:20:00.001001231Z" in raw


def test_async_ping(server, bucket, tmp_path):
    proc = run_example("async_ping", server, bucket, tmp_path)
    assert_ok(proc)
    assert proc.stdout.splitlines() == ["InfluxDB: True"]


def test_async_write(server, bucket, client, tmp_path):
    proc = run_example("async_write", server, bucket, tmp_path)
    assert_ok(proc)
    assert proc.stdout.splitlines() == [" > successfully: True"]
    assert values(points(client, bucket, "async_m")) == [("New York", "temperature", 24.3),
                                                         ("Prague", "temperature", 25.3)]


def test_async_query(server, bucket, client, tmp_path):
    t = now_ns() - 60_000_000_000
    write_lp(client, bucket, [f"async_m,location=Prague temperature=25.3 {t}",
                              f"async_m,location=New\\ York temperature=24.3 {t}"])
    proc = run_example("async_query", server, bucket, tmp_path)
    assert_ok(proc)
    out = proc.stdout.splitlines()
    assert len(out) == 2 and all(line.startswith("FluxRecord() table: ") for line in out), out
    assert "'_value': 24.3, '_field': 'temperature', '_measurement': 'async_m', 'location': 'New York'}" in out[0]
    assert "'_value': 25.3, '_field': 'temperature', '_measurement': 'async_m', 'location': 'Prague'}" in out[1]


def test_async_delete(server, bucket, client, tmp_path):
    t = now_ns() - 3_600_000_000_000
    write_lp(client, bucket, [f"async_m,location=Prague temperature=25.3 {t}",
                              f"async_m,location=Berlin temperature=20.5 {t}"])
    proc = run_example("async_delete", server, bucket, tmp_path)
    assert_ok(proc)
    assert proc.stdout.splitlines() == [" > successfully: True"]
    assert values(points(client, bucket, "async_m")) == [("Berlin", "temperature", 20.5)]


def test_async_management(server, bucket, client, tmp_path):
    proc = run_example("async_management", server, bucket, tmp_path)
    assert_ok(proc)
    org = client.organizations_api().find_organizations(org=server["org"])[0]
    assert proc.stdout.splitlines() == [f"name: {server['org']}, id: {org.id}"]


def test_logging(server, bucket, tmp_path):
    """The README's logger set-up, then one debug record: it reaches the handler the example added
    to its logger and the one added to the root logger (the seed's ``conf.loggers`` holds
    ``logging.getLogger(None)`` as "http_client_logger"), so it is printed twice, as with the seed."""
    text = _text("logging_config") + (
        "import logging as _l  # harness\n"
        "_l.getLogger('influxdb_client_c.client.write_api').debug('readme logging check')  # harness\n")
    proc = run_example("logging_config", server, bucket, tmp_path, text=text)
    assert_ok(proc)
    assert proc.stdout.splitlines() == ["readme logging check"] * 2


def test_every_example_has_a_test():
    tested = {"installation", "getting_started", "config_file", "env_properties", "profiler_query",
              "profiler_callback", "batching", "default_tags_api", "default_tags_kwargs", "default_tags_config_file",
              "default_tags_env", "synchronous_client", "queries", "query_data_frame", "import_data_set",
              "gzip_support", "auth_token", "http_retry", "debugging", "delete", "errors_sync",
              "errors_batching_callbacks", "nanosecond_precision", "async_ping", "async_write", "async_query",
              "async_delete", "async_management", "logging_config"}
    assert set(_vendored()) == tested
