# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 526, section:
#   How to use / Writes / Default Tags / Via Environment Properties (INFLUXDB_V2_TAG_* set by the test)
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# Lines marked `harness` are not the README's: they give a fragment what it assumes (imports,
# `self`, a client, the config.ini the section shows) or print/write something the test checks.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
from influxdb_client_c import InfluxDBClient  # harness

class _Self:  # harness: the fragment is a method body (`self`)
    pass


self = _Self()

# --- README line 526 ---
self.client = InfluxDBClient.from_env_properties()
# --- end of README text ---
# harness: write one point through the fragment's client (the test reads its tags back)
from influxdb_client_c import Point  # noqa: E402
from influxdb_client_c.client.write_api import SYNCHRONOUS  # noqa: E402
with self.client.write_api(write_options=SYNCHRONOUS) as _w:
    _w.write("my-bucket", record=Point("readme_default_tags").field("value", 1))
self.client.close()
