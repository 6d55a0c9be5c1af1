# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 1115, section:
#   Advanced Usage / Delete data
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
# --- README line 1115 ---
from influxdb_client_c import InfluxDBClient

client = InfluxDBClient(url="http://localhost:8086", token="my-token")

delete_api = client.delete_api()

"""
Delete Data
"""
start = "1970-01-01T00:00:00Z"
stop = "2021-02-01T00:00:00Z"
delete_api.delete(start, stop, '_measurement="my_measurement"', bucket='my-bucket', org='my-org')

"""
Close client
"""
client.close()
# --- end of README text ---
