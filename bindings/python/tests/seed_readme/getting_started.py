# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 119, section:
#   Getting Started
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
# --- README line 119 ---
from influxdb_client_c import InfluxDBClient, Point
from influxdb_client_c.client.write_api import SYNCHRONOUS

bucket = "my-bucket"

client = InfluxDBClient(url="http://localhost:8086", token="my-token", org="my-org")

write_api = client.write_api(write_options=SYNCHRONOUS)
query_api = client.query_api()

p = Point("my_measurement").tag("location", "Prague").field("temperature", 25.3)

write_api.write(bucket=bucket, record=p)

## using Table structure
tables = query_api.query('from(bucket:"my-bucket") |> range(start: -10m)')

for table in tables:
    print(table)
    for row in table.records:
        print (row.values)


## using csv library
csv_result = query_api.query_csv('from(bucket:"my-bucket") |> range(start: -10m)')
val_count = 0
for row in csv_result:
    for cell in row:
        val_count += 1
# --- end of README text ---
