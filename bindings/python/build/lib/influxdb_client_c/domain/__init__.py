"""The seed's model classes that this binding provides."""
from influxdb_client_c.domain.write_precision import WritePrecision

__all__ = ['WritePrecision']
