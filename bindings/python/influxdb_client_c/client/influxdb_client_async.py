"""InfluxDBClientAsync: the seed's asyncio client. Every C call runs in a worker thread
(``asyncio.to_thread``), so nothing blocks the event loop."""

import asyncio
import logging

from influxdb_client_c.client.influxdb_client import _BaseClient
from influxdb_client_c.client import management

logger = logging.getLogger('influxdb_client_c.client.influxdb_client_async')


class InfluxDBClientAsync(_BaseClient):
    """InfluxDBClientAsync is client for InfluxDB v2 (asyncio)."""

    def __init__(self, url, token: str = None, org: str = None, debug=None, timeout=10_000, enable_gzip=False,
                 **kwargs):
        """Initialize defaults (the same arguments as InfluxDBClient)."""
        super().__init__(url=url, token=token, debug=debug, timeout=timeout, enable_gzip=enable_gzip, org=org,
                         **kwargs)

    async def __aenter__(self) -> 'InfluxDBClientAsync':
        """Enter the runtime context related to this object."""
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        """Shutdown the client."""
        await self.close()

    async def close(self):
        """Shutdown the client."""
        self._free()

    async def ping(self) -> bool:
        """True when the server answers GET /ping."""
        return await asyncio.to_thread(management.ping, self._handle())

    async def version(self) -> str:
        """The server's version."""
        return (await asyncio.to_thread(management.ping_info, self._handle()))[0]

    async def build(self) -> str:
        """The server's build type."""
        return (await asyncio.to_thread(management.ping_info, self._handle()))[1]

    def query_api(self, query_options=None):
        """The asyncio query API."""
        from influxdb_client_c.client.query_api_async import QueryApiAsync
        from influxdb_client_c.client.query_api import QueryOptions
        return QueryApiAsync(self, query_options or QueryOptions())

    def write_api(self, point_settings=None):
        """The asyncio write API (synchronous writes: each awaited write returns True when done)."""
        from influxdb_client_c.client.write_api_async import WriteApiAsync
        from influxdb_client_c.client.write_api import PointSettings
        return WriteApiAsync(self, point_settings or PointSettings())

    def delete_api(self):
        """The asyncio delete API."""
        return _DeleteApiAsync(self)


class _DeleteApiAsync:
    def __init__(self, client):
        self._api = management.DeleteApi(client)

    async def delete(self, start, stop, predicate: str, bucket, org=None) -> bool:
        """Delete points; True when done."""
        await asyncio.to_thread(self._api.delete, start, stop, predicate, bucket, org)
        return True
