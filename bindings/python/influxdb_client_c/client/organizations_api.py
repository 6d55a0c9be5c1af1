"""OrganizationsApi (the seed's module path)."""
from influxdb_client_c.client.management import OrganizationsApi

__all__ = ["OrganizationsApi"]
