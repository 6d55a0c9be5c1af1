"""The query and management calls against the real InfluxDB."""
import json
import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from influxdb_client_c import Point, WritePrecision
from influxdb_client_c.client.write_api import SYNCHRONOUS
from influxdb_client_c.client.exceptions import FluxQueryException
from influxdb_client_c.client.flux_table import TableList, FluxRecord
from influxdb_client_c.rest import ApiException


@pytest.fixture
def data(client, bucket):
    with client.write_api(write_options=SYNCHRONOUS) as w:
        w.write(bucket, record=[Point("q").tag("h", f"h{i % 2}").field("v", float(i)).field("n", i)
                                .time(1_700_000_000 + i, WritePrecision.S) for i in range(10)])
    return f'from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "q")'


def test_query_builds_tables_and_records_as_the_seed(client, data):
    tables = client.query_api().query(data)
    assert isinstance(tables, TableList) and len(tables) == 4
    assert [c.label for c in tables[0].columns][:3] == ["result", "table", "_start"]
    assert [c.label for c in tables[0].get_group_key()] == ["_start", "_stop", "_field", "_measurement", "h"]
    r = tables[0].records[0]
    assert isinstance(r, FluxRecord) and r.table == 0 and r.get_measurement() == "q"
    assert r.get_time() == datetime.fromtimestamp(1_700_000_000, tz=timezone.utc)
    vals = tables.to_values(columns=["_field", "_value"])
    assert sorted(v for f, v in vals if f == "n") == list(range(10))
    assert '"_value"' in tables.to_json(columns=["_value"])


def test_query_stream_params_csv_raw(client, data, bucket):
    q = client.query_api()
    assert sum(1 for _ in q.query_stream(data)) == 20
    flux = f'from(bucket: b) |> range(start: start) |> filter(fn: (r) => r._field == f and r.h == "h1")'
    recs = list(q.query_stream(flux, params={"b": bucket, "f": "n",
                                             "start": datetime(2000, 1, 1, tzinfo=timezone.utc)}))
    assert sorted(r.get_value() for r in recs) == [1, 3, 5, 7, 9]
    rows = list(q.query_csv(data))
    assert rows[0][0] == "#datatype" and len([r for r in rows if r[0] == ""]) == 20 + 4
    assert q.query_raw(data).data.startswith(b"#datatype")


def test_query_errors(client):
    q = client.query_api()
    with pytest.raises(ApiException) as e:
        q.query('from(bucket:"nope") |> range(start: 0)')
    assert e.value.status == 404
    with pytest.raises((FluxQueryException, ApiException)):
        q.query('import "experimental"\nexperimental.error(message:"boom")')


def test_query_data_frame(client, data):
    df = client.query_api().query_data_frame(
        data + ' |> pivot(rowKey:["_time"], columnKey: ["_field"], valueColumn: "_value")')
    frames = df if isinstance(df, list) else [df]
    assert sum(len(f) for f in frames) == 10
    assert set(frames[0].columns) >= {"_time", "h", "n", "v"}


def test_query_data_frame_without_pivot_warns_as_the_seed(client, data):
    import warnings
    from influxdb_client_c.client.warnings import MissingPivotFunction
    with pytest.warns(MissingPivotFunction, match="pivot"):
        client.query_api().query_data_frame(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingPivotFunction)
        client.query_api().query_data_frame(data + ' |> pivot(rowKey:["_time"], columnKey: ["_field"], '
                                                   'valueColumn: "_value")')


def test_management_calls(client, server):
    assert client.ping() and client.version().startswith("v2") and client.build() == "OSS"
    assert client.ready().status == "ready"
    with pytest.warns(DeprecationWarning):
        assert client.health().status == "pass"
    buckets = client.buckets_api()
    b = buckets.create_bucket(bucket_name="py_mgmt_b", org=server["org"])
    try:
        assert buckets.find_bucket_by_name("py_mgmt_b").id == b.id
        assert buckets.find_bucket_by_id(b.id).name == "py_mgmt_b"
        assert b.id in [x.id for x in buckets.find_buckets_iter()]
    finally:
        buckets.delete_bucket(b)
    assert buckets.find_bucket_by_name("py_mgmt_b") is None
    orgs = client.organizations_api()
    o = orgs.create_organization(name="py_mgmt_org")
    assert [x.id for x in orgs.find_organizations(org="py_mgmt_org")] == [o.id]
    assert orgs.find_organization(o.id).name == "py_mgmt_org"
    orgs.delete_organization(o.id)
    assert orgs.find_organizations(org="py_mgmt_org") == []


def test_delete_api(client, data, bucket):
    client.delete_api().delete(datetime(2000, 1, 1), "2100-01-01T00:00:00Z", 'h="h0"', bucket=bucket)
    assert sum(1 for _ in client.query_api().query_stream(data)) == 10


def test_async_client_writes_and_queries_off_the_loop(server, bucket):
    from influxdb_client_c.client.influxdb_client_async import InfluxDBClientAsync

    async def main():
        async with InfluxDBClientAsync(url=server["url"], token=server["token"], org=server["org"]) as c:
            assert await c.ping()
            w = c.write_api()
            ticks = 0

            async def ticker():
                nonlocal ticks
                while True:
                    ticks += 1
                    await asyncio.sleep(0.001)
            t = asyncio.create_task(ticker())
            ok = await w.write(bucket=bucket, record=[f"am v={i} {i}" for i in range(20000)],
                               write_precision=WritePrecision.S)
            tables = await c.query_api().query(
                f'from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "am")')
            n = 0
            async for _ in await c.query_api().query_stream(
                    f'from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "am")'):
                n += 1
            t.cancel()
            return ok, sum(len(t.records) for t in tables), n, ticks
    ok, n_tables, n_stream, ticks = asyncio.run(main())
    assert ok is True and n_tables == 20000 and n_stream == 20000 and ticks > 1


_EVERY_TYPE = (
    'import "csv"\n'
    'csv.from(csv: "#datatype,string,long,dateTime:RFC3339,double,long,unsignedLong,boolean,string,string\n'
    '#group,false,false,false,false,false,false,false,true,false\n'
    '#default,_result,,,,,,,,\n'
    ',result,table,_time,d,l,u,b,tag,s\n'
    ',,0,2021-01-01T00:00:00.123456789Z,1.5,-7,18446744073709551615,true,x,hello\n'
    ',,0,1969-12-31T23:59:59.999999999Z,,,,,x,\n'
    ',,0,2021-01-01T00:00:01Z,-0.0,0,0,false,x,hé\n'
    ',,1,2021-01-01T00:00:02Z,2,3,4,true,y,x\n'
    '")'
)


def _seed_and_ours(server, flux, how, helper=None):
    """The seed's and the binding's answer to the same query (optionally a date helper set
    on both)."""
    import influxdb_client as seed
    from influxdb_client.client.util import date_utils as seed_dates
    from influxdb_client_c.client.util import date_utils as our_dates
    from influxdb_client_c import InfluxDBClient
    url, token, org = server["url"], server["token"], server["org"]
    saved = seed_dates.date_helper, our_dates.date_helper
    try:
        if helper is not None:
            seed_dates.date_helper, our_dates.date_helper = helper[0](), helper[1]()
        with seed.InfluxDBClient(url=url, token=token, org=org) as s, \
                InfluxDBClient(url=url, token=token, org=org) as o:
            return how(s.query_api(), flux), how(o.query_api(), flux)
    finally:
        seed_dates.date_helper, our_dates.date_helper = saved


@pytest.mark.parametrize("helper", [None, "pandas"])
def test_records_of_every_type_as_the_seed_builds_them(server, helper):
    """Every column type, nulls, a negative time, two tables: query(), query_stream() and
    query_data_frame() as the seed's (with the default and the pandas date helper)."""
    if helper == "pandas":
        from influxdb_client.client.util.date_utils_pandas import PandasDateTimeHelper as SeedH
        from influxdb_client_c.client.util.date_utils_pandas import PandasDateTimeHelper as OurH
        helper = (SeedH, OurH)
    seed_t, our_t = _seed_and_ours(server, _EVERY_TYPE, lambda q, f: q.query(f), helper)
    assert len(seed_t) == len(our_t) == 2
    for st, ot in zip(seed_t, our_t):
        assert [vars(c) for c in st.columns] == [vars(c) for c in ot.columns]
        assert [(r.table, r.values, r.row) for r in st.records] == [(r.table, r.values, r.row) for r in ot.records]
        for sr, orr in zip(st.records, ot.records):
            assert [type(v) for v in sr.row] == [type(v) for v in orr.row]
    # the JSON of tables and records (FluxStructureEncoder: a record's row is built when first
    # read, here by the encoder itself)
    from influxdb_client.client.flux_table import FluxStructureEncoder as SeedEncoder
    from influxdb_client_c.client.flux_table import FluxStructureEncoder as OurEncoder
    seed_j, our_j = _seed_and_ours(server, _EVERY_TYPE, lambda q, f: q.query(f), helper)
    seed_j = json.dumps(seed_j, cls=SeedEncoder, indent=1)
    our_j = json.dumps(our_j, cls=OurEncoder, indent=1)
    assert '"row"' in our_j and seed_j == our_j
    seed_s, our_s = _seed_and_ours(server, _EVERY_TYPE, lambda q, f: [(r.table, r.values) for r in q.query_stream(f)],
                                   helper)
    assert seed_s == our_s and len(our_s) == 4


def test_wide_tables_and_many_batches_as_the_seed(server, client, bucket):
    """A table of 70 columns (two null-mask words) with nulls, and 5,000 records (several C
    batches and table boundaries): the same records as the seed's."""
    with client.write_api(write_options=SYNCHRONOUS) as w:
        w.write(bucket, record=[f"wide,k=a f{j}={i}i 17000000{i:02d}000000000" for i in range(5) for j in range(70)
                                if (i + j) % 7])
        w.write(bucket, record=[f"many,h=h{i % 3} v={i}i,s=\"s{i % 10}\" {1_700_000_000_000_000_000 + i}"
                                for i in range(5000)])
    src = f'from(bucket:"{bucket}") |> range(start: 0, stop: 2030-01-01T00:00:00Z)'
    wide = (f'{src} |> filter(fn: (r) => r._measurement == "wide") '
            f'|> pivot(rowKey:["_time"], columnKey: ["_field"], valueColumn: "_value")')
    many = f'{src} |> filter(fn: (r) => r._measurement == "many")'
    for flux, count in ((wide, 5), (many, 10000)):
        s, o = _seed_and_ours(server, flux, lambda q, f: [(r.table, r.values, r.row) for r in q.query_stream(f)])
        assert len(o) == count
        assert s == o


def test_read_ahead_of_a_long_answer_stops_with_the_consumer(client, bucket):
    """A long answer is read ahead by a thread (after the first full batch): records come in
    order across tables, a consumer that stops early ends the thread and the request, an
    abandoned generator too, and the client goes on."""
    import gc
    import threading
    import time
    with client.write_api(write_options=SYNCHRONOUS) as w:
        w.write(bucket, record=[f"ra,h=h{i % 2} v={i}i {1_700_000_000_000_000_000 + i}" for i in range(20_000)])
    flux = f'from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "ra")'

    def readers():
        return [t for t in threading.enumerate() if "read-ahead" in t.name]

    got = [(r["h"], r.get_value()) for r in client.query_api().query_stream(flux)]
    assert got == [(f"h{k}", i) for k in (0, 1) for i in range(k, 20_000, 2)]
    assert not readers()
    stream = client.query_api().query_stream(flux)
    first = [next(stream).get_value() for _ in range(3000)]
    assert first == list(range(0, 6000, 2))
    assert readers()  # past the first full batch: reading ahead

    def wait_no_readers():
        deadline = time.time() + 5
        while readers() and time.time() < deadline:
            time.sleep(0.01)
        return not readers()

    t = time.perf_counter()
    stream.close()
    assert time.perf_counter() - t < 0.5 and wait_no_readers()
    stream = client.query_api().query_stream(flux)
    assert next(stream).get_value() == 0 and [next(stream) for _ in range(2000)]
    del stream
    gc.collect()
    assert wait_no_readers()
    tables = client.query_api().query(flux)
    assert [len(t.records) for t in tables] == [10_000, 10_000]
