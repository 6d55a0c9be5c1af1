# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 174, section:
#   Client configuration / Via File (with the section's config.ini)
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
verify_ssl=False
''')

class _Self:  # harness: the fragment is a method body (`self`)
    pass


self = _Self()

# --- README line 174 ---
self.client = InfluxDBClient.from_config_file("config.ini")
# --- end of README text ---
assert self.client.ping()  # harness
print(f"url={self.client.url} org={self.client.org}")  # harness
self.client.close()  # harness
