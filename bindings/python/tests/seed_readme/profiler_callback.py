# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 320, section:
#   Client configuration / Profile query (callback)
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# Lines marked `harness` are not the README's: they give a fragment what it assumes (imports,
# `self`, a client, the config.ini the section shows) or print/write something the test checks.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
from influxdb_client_c import InfluxDBClient  # harness
from influxdb_client_c.client.query_api import QueryOptions  # harness

client = InfluxDBClient(url="http://localhost:8086", token="my-token", org="my-org")  # harness

# --- README line 320 ---
class ProfilersCallback(object):
   def __init__(self):
       self.records = []

   def __call__(self, flux_record):
       self.records.append(flux_record.values)

callback = ProfilersCallback()

query_api = client.query_api(query_options=QueryOptions(profilers=["query", "operator"], profiler_callback=callback))
tables = query_api.query('from(bucket:"my-bucket") |> range(start: -10m)')

for profiler in callback.records:
   print(f'Custom processing of profiler result: {profiler}')
# --- end of README text ---
print(f"tables={len(tables)}")  # harness
client.close()  # harness
