# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 479, section:
#   How to use / Writes / Default Tags / Via API (first block)
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# Lines marked `harness` are not the README's: they give a fragment what it assumes (imports,
# `self`, a client, the config.ini the section shows) or print/write something the test checks.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
from influxdb_client_c import InfluxDBClient  # harness
from influxdb_client_c.client.write_api import SYNCHRONOUS, PointSettings  # harness

class _Self:  # harness: the fragment is a method body (`self`)
    pass


self = _Self()
self.client = InfluxDBClient(url="http://localhost:8086", token="my-token", org="my-org")  # harness

# --- README line 479 ---
point_settings = PointSettings()
point_settings.add_default_tag("id", "132-987-655")
point_settings.add_default_tag("customer", "California Miner")
point_settings.add_default_tag("data_center", "${env.data_center}")

self.write_client = self.client.write_api(write_options=SYNCHRONOUS, point_settings=point_settings)
# --- end of README text ---
# harness: write one point through the fragment's write API (the test reads its tags back)
from influxdb_client_c import Point  # noqa: E402
self.write_client.write("my-bucket", "my-org", Point("readme_default_tags").field("value", 1))
self.client.close()
