"""DeleteApi (the seed's module path)."""
from influxdb_client_c.client.management import DeleteApi

__all__ = ["DeleteApi"]
