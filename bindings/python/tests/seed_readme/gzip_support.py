# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 1018, section:
#   Advanced Usage / Gzip support
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# Lines marked `harness` are not the README's: they give a fragment what it assumes (imports,
# `self`, a client, the config.ini the section shows) or print/write something the test checks.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
# --- README line 1018 ---
from influxdb_client_c import InfluxDBClient

_db_client = InfluxDBClient(url="http://localhost:8086", token="my-token", org="my-org", enable_gzip=True)
# --- end of README text ---
# harness: write and read back one point through the gzip client
from influxdb_client_c import Point  # noqa: E402
from influxdb_client_c.client.write_api import SYNCHRONOUS  # noqa: E402
_db_client.write_api(write_options=SYNCHRONOUS).write("my-bucket", record=Point("readme_gzip").field("value", 42.5))
for _t in _db_client.query_api().query('from(bucket:"my-bucket") |> range(start: -10m) |> filter(fn: (r) => r._measurement == "readme_gzip")'):
    for _r in _t.records:
        print(f"gzip read back: {_r.get_value()}")
_db_client.close()
