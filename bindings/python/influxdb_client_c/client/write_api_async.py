"""WriteApiAsync: awaitable writes over a synchronous C write API run off the event loop."""

import asyncio

from influxdb_client_c.client.write.point import DEFAULT_WRITE_PRECISION
from influxdb_client_c.client.write_api import WriteApi, SYNCHRONOUS, PointSettings
from influxdb_client_c.domain.write_precision import WritePrecision


class WriteApiAsync(object):
    """Write time series data into InfluxDB from asyncio code."""

    def __init__(self, influxdb_client, point_settings: PointSettings = PointSettings()) -> None:
        """Initialize defaults."""
        self._influxdb_client = influxdb_client
        self._point_settings = point_settings
        self._api = WriteApi(influxdb_client, write_options=SYNCHRONOUS, point_settings=point_settings)

    async def write(self, bucket: str, org: str = None, record=None,
                    write_precision: WritePrecision = DEFAULT_WRITE_PRECISION, **kwargs) -> bool:
        """Write records (as WriteApi.write); True once the server accepted them."""
        await asyncio.to_thread(self._api.write, bucket, org, record, write_precision, **kwargs)
        return True

    async def close(self):
        """Release the C write API."""
        await asyncio.to_thread(self._api.close)
