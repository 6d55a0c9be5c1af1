"""influxdb_client_c: the seed's Python API (influxdb-client 1.50) on the C library.

Replace ``influxdb_client`` by ``influxdb_client_c`` in the imports; nothing else changes.
"""
from influxdb_client_c.version import VERSION
from influxdb_client_c.domain.write_precision import WritePrecision
from influxdb_client_c.client.write.point import Point

__version__ = VERSION
__all__ = ['Point', 'WritePrecision', 'VERSION']
