"""Test set-up: the library under test, the server, and the seed tests' known deviations."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests.seed... and influxdb_client_c from the tree

# Seed tests whose expected text is a seed quirk the C library deliberately does not copy
# (FACTS.md §1: errors instead of silently changed or lost data) or prints differently
# (the same value for InfluxDB). Each still runs: it must fail the stated way (strict xfail).
DEVIATIONS = {
    "test_point.py::PointTest::test_lineprotocol_encode":
        "a tag value ending in '\\' is refused (the seed appends a space, changing the value)",
    "test_point.py::PointTest::test_name_start_with_hash":
        "a measurement starting with '#' is refused (the server would read the line as a comment)",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for nodeid, reason in DEVIATIONS.items():
            if item.nodeid.endswith(nodeid):
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True))


@pytest.fixture(scope="session")
def server():
    """The real InfluxDB 2.x of scripts/influxdb.sh start (INFLUXDB_V2_*)."""
    missing = [k for k in ("INFLUXDB_V2_URL", "INFLUXDB_V2_TOKEN", "INFLUXDB_V2_ORG", "INFLUXDB_V2_BUCKET")
               if not os.environ.get(k)]
    if missing:
        pytest.fail(f"no InfluxDB server: {missing} unset (run under scripts/influxdb.sh start)")
    return {k: os.environ[f"INFLUXDB_V2_{k.upper()}"] for k in ("url", "token", "org", "bucket")}


@pytest.fixture
def client(server):
    from influxdb_client_c import InfluxDBClient
    c = InfluxDBClient(url=server["url"], token=server["token"], org=server["org"])
    yield c
    c.close()


@pytest.fixture
def bucket(client, server):
    """A new bucket per test, deleted after it."""
    import time
    api = client.buckets_api()
    b = api.create_bucket(bucket_name=f"py_{time.time_ns()}", org=server["org"])
    yield b.name
    api.delete_bucket(b)
