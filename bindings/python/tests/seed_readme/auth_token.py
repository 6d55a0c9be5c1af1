# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 1039, section:
#   Advanced Usage / Authenticate to the InfluxDB / Token (the README's `with` line, completed by the harness)
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# Lines marked `harness` are not the README's: they give a fragment what it assumes (imports,
# `self`, a client, the config.ini the section shows) or print/write something the test checks.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
# --- README line 1039 ---
from influxdb_client_c import InfluxDBClient

with InfluxDBClient(url="http://localhost:8086", token="my-token") as client:  # harness: ':' and the body below complete the README's line
    assert client.ping()  # harness
# --- end of README text ---
