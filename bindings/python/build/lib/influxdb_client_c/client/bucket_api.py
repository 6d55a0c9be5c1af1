"""BucketsApi (the seed's module path)."""
from influxdb_client_c.client.management import BucketsApi

__all__ = ["BucketsApi"]
