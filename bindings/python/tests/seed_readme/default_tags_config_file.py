# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 498, section:
#   How to use / Writes / Default Tags / Via Configuration file (with the section's config.ini)
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# Lines marked `harness` are not the README's: they give a fragment what it assumes (imports,
# `self`, a client, the config.ini the section shows) or print/write something the test checks.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
from influxdb_client_c import InfluxDBClient  # harness

with open("config.ini", "w") as f:  # harness: the README's config.ini
    f.write('''[influx2]
url=http://localhost:8086
org=my-org
token=my-token
timeout=6000

[tags]
id = 132-987-655
customer = California Miner
data_center = ${env.data_center}
''')

class _Self:  # harness: the fragment is a method body (`self`)
    pass


self = _Self()

# --- README line 498 ---
self.client = InfluxDBClient.from_config_file("config.ini")
# --- end of README text ---
# harness: write one point through the fragment's client (the test reads its tags back)
from influxdb_client_c import Point  # noqa: E402
from influxdb_client_c.client.write_api import SYNCHRONOUS  # noqa: E402
with self.client.write_api(write_options=SYNCHRONOUS) as _w:
    _w.write("my-bucket", record=Point("readme_default_tags").field("value", 1))
self.client.close()
