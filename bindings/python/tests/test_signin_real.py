"""Username/password sign-in against the real InfluxDB, as the seed's
``InfluxDBClient(url=..., username=..., password=..., org=...)``: the user is the one that
scripts/influxdb.sh sets up (its ``TEST_USER`` / ``TEST_PASSWORD``)."""
import asyncio
import os
import re
import time

import pytest

from influxdb_client_c import InfluxDBClient, Point, WritePrecision
from influxdb_client_c.client.influxdb_client_async import InfluxDBClientAsync
from influxdb_client_c.client.write_api import SYNCHRONOUS
from influxdb_client_c.rest import ApiException

_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "influxdb.sh")


def _from_script(name):
    with open(_SCRIPT) as f:
        m = re.search(rf'^readonly {name}="([^"]*)"$', f.read(), re.M)
    assert m, f"{name} not in scripts/influxdb.sh"
    return m.group(1)


@pytest.fixture(scope="module")
def user():
    return (os.environ.get("INFLUXDB_TEST_USERNAME") or _from_script("TEST_USER"),
            os.environ.get("INFLUXDB_TEST_PASSWORD") or _from_script("TEST_PASSWORD"))


def _count(client, bucket, measurement):
    flux = (f'from(bucket:"{bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "{measurement}")'
            f' |> count() |> group() |> sum()')
    tables = client.query_api().query(flux)
    return tables[0].records[0].get_value() if tables and tables[0].records else 0


def test_signin_write_and_read_back(server, user):
    username, password = user
    m = f"py_signin_{time.time_ns()}"
    with InfluxDBClient(url=server["url"], username=username, password=password, org=server["org"]) as client:
        client.write_api(write_options=SYNCHRONOUS).write(
            server["bucket"], record=[Point(m).tag("t", "a").field("v", i).time(i, WritePrecision.S)
                                      for i in range(1, 4)])
        assert _count(client, server["bucket"], m) == 3
        rows = [(r.get_field(), r.get_value()) for r in client.query_api().query_stream(
            f'from(bucket:"{server["bucket"]}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "{m}")')]
        assert sorted(rows) == [("v", 1), ("v", 2), ("v", 3)]
        assert client.buckets_api().find_bucket_by_name(server["bucket"]) is not None
    # the data is there for a token client too
    with InfluxDBClient(url=server["url"], token=server["token"], org=server["org"]) as client:
        assert _count(client, server["bucket"], m) == 3


def test_signin_wrong_password_is_a_401_without_the_password(server, user):
    username, _ = user
    wrong = "WRONG-py-password-canary"
    with InfluxDBClient(url=server["url"], username=username, password=wrong, org=server["org"]) as client:
        with pytest.raises(ApiException) as e:
            client.write_api(write_options=SYNCHRONOUS).write(server["bucket"], record="signin_wrong v=1i")
        assert e.value.status == 401
        text = f"{e.value!r} {e.value} {getattr(e.value, 'message', '')}"
        assert wrong not in text
        assert "sign-in" in text and username in text


def test_signin_with_token_too_uses_the_session_as_the_seed(server, user):
    username, password = user
    m = f"py_signin_tok_{time.time_ns()}"
    with InfluxDBClient(url=server["url"], token="not-a-valid-token", username=username, password=password,
                        org=server["org"]) as client:
        client.write_api(write_options=SYNCHRONOUS).write(server["bucket"], record=f"{m} v=1i 1",
                                                          write_precision=WritePrecision.S)
        assert _count(client, server["bucket"], m) == 1


def test_signin_async_client(server, user):
    username, password = user

    async def run():
        async with InfluxDBClientAsync(url=server["url"], username=username, password=password,
                                       org=server["org"]) as client:
            return await client.ping(), await client.query_api().query(
                f'buckets() |> filter(fn: (r) => r.name == "{server["bucket"]}")')

    ok, tables = asyncio.run(run())
    assert ok and len(tables) == 1 and len(tables[0].records) == 1
