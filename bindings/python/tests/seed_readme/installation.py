# Vendored from the README.md of influxdb-client-python 1.50.0 (MIT License, see the
# seed's LICENSE in LICENSE here), the code block at README line 91, section:
#   Installation / pip install
# Changed: `influxdb_client` -> `influxdb_client_c` in the imports, nothing else.
# The test substitutes the server for http://localhost:8086, my-token, my-org and my-bucket at run time.
# --- README line 91 ---
import influxdb_client_c
# --- end of README text ---
