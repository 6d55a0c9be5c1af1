"""OrganizationsService: the seed's generated service for /api/v2/orgs, over the binding's
OrganizationsApi (one C call). With the ``api_client`` of an InfluxDBClientAsync its calls are
awaitable, as the seed's."""

import asyncio

from influxdb_client_c.client.management import OrganizationsApi
from influxdb_client_c.domain.models import Organizations


class OrganizationsService(object):
    """Organizations (the seed's OrganizationsService: ``get_orgs``)."""

    def __init__(self, api_client=None):
        """Init the service on a client's ``api_client``."""
        if api_client is None:
            raise ValueError("Invalid value for `api_client`, must be defined.")
        self.api_client = api_client
        self._api = OrganizationsApi(api_client.influxdb_client)

    def get_orgs(self, **kwargs):
        """List organizations (``org``, ``org_id``, ``offset``, ``limit``): an Organizations.

        Awaitable when ``api_client`` is an InfluxDBClientAsync's.
        """
        def call():
            return Organizations(orgs=self._api.find_organizations(**kwargs))
        if self.api_client.is_async:
            return asyncio.to_thread(call)
        return call()
