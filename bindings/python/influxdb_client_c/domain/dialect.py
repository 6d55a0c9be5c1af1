"""Dialect (the seed's module path)."""
from influxdb_client_c.client.query_api import Dialect

__all__ = ["Dialect"]
