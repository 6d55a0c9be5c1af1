# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 1519, section:
#   Advanced Usage / Logging / Debugging
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# Lines marked `harness` are not the README's: they give a fragment what it assumes (imports,
# `self`, a client, the config.ini the section shows) or print/write something the test checks.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
from influxdb_client_c import InfluxDBClient  # harness


# --- README line 1519 ---
client = InfluxDBClient(url="http://localhost:8086", token="my-token", debug=True)
# --- end of README text ---
assert client.ping()  # harness
client.close()  # harness
