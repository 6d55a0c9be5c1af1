"""The seed's generated services that this binding provides (over its management calls)."""
from influxdb_client_c.service.organizations_service import OrganizationsService

__all__ = ['OrganizationsService']
