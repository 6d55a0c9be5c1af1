"""Writing every record type in every mode to the real InfluxDB, read back with the binding's
own query API; flush/close semantics; callbacks; 16 threads."""
import dataclasses
import gc
import logging
import threading
import time
from collections import namedtuple
from datetime import datetime, timezone

import pytest

from influxdb_client_c import Point, WritePrecision, WriteOptions
from influxdb_client_c.client.write_api import SYNCHRONOUS, ASYNCHRONOUS, PointSettings
from influxdb_client_c.client.exceptions import InfluxDBError
from influxdb_client_c.rest import ApiException

MODES = {
    "synchronous": lambda: SYNCHRONOUS,
    "batching": lambda: WriteOptions(batch_size=50, flush_interval=100_000),
    "asynchronous": lambda: ASYNCHRONOUS,
}

Row = namedtuple("Row", ["measurement", "host", "value", "time"])


@dataclasses.dataclass
class Car:
    engine: str
    speed: float
    ts: int


def count(client, bucket, measurement):
    flux = (f'from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "{measurement}")'
            f' |> count() |> group() |> sum()')
    tables = client.query_api().query(flux)
    return tables[0].records[0].get_value() if tables and tables[0].records else 0


def values(client, bucket, measurement):
    flux = f'from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "{measurement}")'
    return sorted((r.get_field(), r.get_value(), r.get_time()) for r in client.query_api().query_stream(flux))


def records_of_every_type(m):
    from influxdb_client_c.extras import pd
    df = pd.DataFrame({"host": ["a", "b"], "v": [1.5, 2.5]},
                      index=pd.to_datetime([10, 11], unit="s", utc=True))
    return [
        ("point", Point(m).tag("host", "a").field("v", 1.5).time(1, WritePrecision.S), 1),
        ("str", f"{m},host=a v=2 2", 1),
        ("bytes", f"{m},host=a v=3 3".encode(), 1),
        ("dict", {"measurement": m, "tags": {"host": "a"}, "fields": {"v": 4.0}, "time": 4}, 1),
        ("namedtuple", Row(m, "a", 5.0, 5), 1),
        ("dataclass", Car("e", 6.0, 6), 1),
        ("list", [Point(m).field("v", 7.0).time(7, WritePrecision.S), f"{m} v=8 8"], 2),
        ("nested", [[f"{m} v=9 9"], (f"{m} v=10 12",)], 2),
        ("dataframe", df, 2),
    ]


@pytest.mark.parametrize("mode", list(MODES))
def test_every_record_type_in_every_mode_reads_back(client, bucket, mode):
    m = f"every_{mode}"
    with client.write_api(write_options=MODES[mode]()) as w:
        total = 0
        for name, rec, n in records_of_every_type(m):
            kw = {}
            if name == "namedtuple":
                kw = dict(record_measurement_key="measurement", record_time_key="time",
                          record_tag_keys=["host"], record_field_keys=["value"])
            if name == "dataclass":
                kw = dict(record_measurement_name=m, record_time_key="ts", record_tag_keys=["engine"],
                          record_field_keys=["speed"])
            if name == "dataframe":
                kw = dict(data_frame_measurement_name=m, data_frame_tag_columns=["host"])
            w.write(bucket, record=rec, write_precision=WritePrecision.S, **kw)
            total += n
        w.flush()
    assert count(client, bucket, m) == total
    got = values(client, bucket, m)
    assert ("v", 1.5, datetime(1970, 1, 1, 0, 0, 1, tzinfo=timezone.utc)) in got
    assert ("speed", 6.0, datetime(1970, 1, 1, 0, 0, 6, tzinfo=timezone.utc)) in got


def test_field_types_and_default_tags_read_back(client, bucket):
    m = "types"
    with client.write_api(write_options=SYNCHRONOUS, point_settings=PointSettings(site="s1")) as w:
        w.write(bucket, record=Point(m).field("f", 1.25).field("i", -3).field("b", True).field("s", 'a "q" \\')
                .time(datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)))
        w.write(bucket, record=Point.from_dict({"measurement": m, "fields": {"u": 7}, "time": 1},
                                               field_types={"u": "uint"}))
    tables = client.query_api().query(
        f'from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "{m}")')
    by_field = {t.records[0].get_field(): t.records[0] for t in tables}
    assert by_field["f"].get_value() == 1.25 and by_field["i"].get_value() == -3
    assert by_field["b"].get_value() is True and by_field["s"].get_value() == 'a "q" \\'
    assert by_field["u"].get_value() == 7 and by_field["f"]["site"] == "s1"
    assert by_field["f"].get_time() == datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)


@pytest.mark.parametrize("mode", ["synchronous", "batching"])
def test_dataframe_column_wins_over_a_default_tag_of_its_name(client, bucket, mode):
    # the seed adds a default tag to a DataFrame only where no column has its name; a Point's
    # tag of that name is overwritten by the default tag
    from influxdb_client_c.extras import pd
    m = f"df_default_tags_{mode}"
    df = pd.DataFrame({"host": ["a", "b"], "v": [1.0, 2.0]}, index=pd.to_datetime([1, 2], unit="s", utc=True))
    with client.write_api(write_options=MODES[mode](), point_settings=PointSettings(host="dflt", dc="x")) as w:
        w.write(bucket, record=df, data_frame_measurement_name=m, data_frame_tag_columns=["host"])
        w.write(bucket, record=Point(m).tag("host", "p").field("v", 3.0).time(3, WritePrecision.S))
    flux = f'from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "{m}")'
    got = sorted((r["host"], r["dc"], r.get_value()) for r in client.query_api().query_stream(flux))
    assert got == [("a", "x", 1.0), ("b", "x", 2.0), ("dflt", "x", 3.0)]


def test_synchronous_http_error_is_api_exception_with_status(client):
    w = client.write_api(write_options=SYNCHRONOUS)
    with pytest.raises(ApiException) as e:
        w.write("no-such-bucket", record="m v=1")
    assert e.value.status == 404 and "not found" in e.value.message
    with pytest.raises(InfluxDBError):
        w.write("no-such-bucket", record="m v=1")
    w.close()


def test_invalid_point_is_value_error_and_poisons_nothing(client, bucket):
    with client.write_api(write_options=SYNCHRONOUS) as w:
        with pytest.raises(ValueError):
            w.write(bucket, record=[Point("ok").field("v", 1), Point("bad").tag("_field", "x").field("v", 1)])
    assert count(client, bucket, "ok") == 0


def test_flush_delivers_everything_before_returning_and_close_after_it(client, bucket):
    got = []
    w = client.write_api(write_options=WriteOptions(batch_size=10_000, flush_interval=3_600_000),
                         success_callback=lambda conf, data: got.append(data.count("\n") + 1))
    w.write(bucket, record=[f"fl v={i} {i}" for i in range(2500)], write_precision=WritePrecision.S)
    w.flush()
    assert sum(got) == 2500 and count(client, bucket, "fl") == 2500
    w.write(bucket, record="fl v=1 99999", write_precision=WritePrecision.S)
    w.close()
    assert sum(got) == 2501


def test_error_callback_and_exception_in_callback_does_not_stop_delivery(client, bucket, caplog):
    errors, oks = [], []

    def on_success(conf, data):
        oks.append(data.count("\n") + 1)
        raise RuntimeError("user bug")

    w = client.write_api(write_options=WriteOptions(batch_size=1, flush_interval=100_000),
                         success_callback=on_success, error_callback=lambda c, d, e: errors.append((c, d, e)))
    with caplog.at_level(logging.ERROR):
        w.write(bucket, record="cb v=1 1", write_precision=WritePrecision.S)
        w.flush()
        w.write(bucket, record="cb v=2 2", write_precision=WritePrecision.S)
        w.write("no-such-bucket", record="cb v=3 3", write_precision=WritePrecision.S)
        w.flush()
    w.close()
    assert oks == [1, 1]  # the first callback raised; the second batch was still reported
    assert len(errors) == 1 and errors[0][0][0] == "no-such-bucket" and errors[0][1] == "cb v=3 3"
    assert errors[0][2].status == 404
    assert "user bug" in caplog.text


def test_callbacks_survive_garbage_collection_of_the_write_api(client, bucket):
    got = []
    w = client.write_api(write_options=WriteOptions(batch_size=1000, flush_interval=50),
                         success_callback=lambda conf, data: got.append(data))
    w.write(bucket, record="gc v=1 1", write_precision=WritePrecision.S)
    del w
    gc.collect()
    assert got == ["gc v=1 1"]  # the finalizer closed the write API: delivered, reported
    assert count(client, bucket, "gc") == 1


def test_sixteen_threads_write_at_once(client, bucket):
    n, per = 16, 2000
    errors = []
    w = client.write_api(write_options=WriteOptions(batch_size=1000, flush_interval=200),
                         error_callback=lambda c, d, e: errors.append(e))

    def run(t):
        for i in range(0, per, 100):
            w.write(bucket, record=[Point("th").tag("t", str(t)).field("v", i + j).time(t * per + i + j)
                                    for j in range(100)])
            w.write(bucket, record=f"th2,t={t} v={i} {t * per + i}")
    threads = [threading.Thread(target=run, args=(t,)) for t in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    w.close()
    assert not errors
    assert count(client, bucket, "th") == n * per
    assert count(client, bucket, "th2") == n * (per // 100)


def test_bounded_buffer_options_reach_the_c_write_api(client, bucket):
    w = client.write_api(write_options=WriteOptions(batch_size=5, flush_interval=100_000, max_buffer_lines=5,
                                                    buffer_full_policy="reject"))
    with pytest.raises(InfluxDBError):
        w.write(bucket, record=[f"bf v={i} {i}" for i in range(20)], write_precision=WritePrecision.S)
    assert w.stats()["buffered_lines"] == 0
    w.close()


def test_write_after_close_raises(client, bucket):
    w = client.write_api()
    w.close()
    with pytest.raises(InfluxDBError):
        w.write(bucket, record="x v=1")
