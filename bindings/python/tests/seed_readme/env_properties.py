# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 206, section:
#   Client configuration / Via Environment Properties (INFLUXDB_V2_* set by the test)
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# Lines marked `harness` are not the README's: they give a fragment what it assumes (imports,
# `self`, a client, the config.ini the section shows) or print/write something the test checks.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
from influxdb_client_c import InfluxDBClient  # harness

class _Self:  # harness: the fragment is a method body (`self`)
    pass


self = _Self()

# --- README line 206 ---
self.client = InfluxDBClient.from_env_properties()
# --- end of README text ---
assert self.client.ping()  # harness
print(f"url={self.client.url} org={self.client.org}")  # harness
self.client.close()  # harness
