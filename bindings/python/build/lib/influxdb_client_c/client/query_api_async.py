"""QueryApiAsync: the query API for asyncio; each C call (open, and each batch of records) runs
in a worker thread."""

import asyncio
from typing import List

from influxdb_client_c.client.flux_table import TableList
from influxdb_client_c.client.query_api import QueryApi, QueryOptions

_BATCH = 1000  # records read per worker-thread hop


class QueryApiAsync(object):
    """Asynchronous query API."""

    def __init__(self, influxdb_client, query_options=QueryOptions()):
        """Initialize defaults."""
        self._api = QueryApi(influxdb_client, query_options)

    async def query(self, query: str, org=None, params: dict = None) -> TableList:
        """The answer as a TableList."""
        return await asyncio.to_thread(self._api.query, query, org, params)

    async def query_stream(self, query: str, org=None, params: dict = None):
        """An async generator of FluxRecords (read in batches off the event loop)."""
        gen = await asyncio.to_thread(self._api.query_stream, query, org, params)

        def take():
            out = []
            for rec in gen:
                out.append(rec)
                if len(out) >= _BATCH:
                    break
            return out

        async def agen():
            try:
                while True:
                    batch = await asyncio.to_thread(take)
                    if not batch:
                        return
                    for rec in batch:
                        yield rec
            finally:
                await asyncio.to_thread(gen.close)
        return agen()

    async def query_raw(self, query: str, org=None, dialect=QueryApi.default_dialect, params: dict = None) -> str:
        """The raw CSV answer as a str."""
        def run():
            return self._api.query_raw(query, org, dialect, params).data.decode("utf-8")
        return await asyncio.to_thread(run)

    async def query_data_frame(self, query: str, org=None, data_frame_index: List[str] = None,
                               params: dict = None, use_extension_dtypes: bool = False):
        """The answer as a DataFrame (or a list of them)."""
        return await asyncio.to_thread(self._api.query_data_frame, query, org, data_frame_index, params,
                                       use_extension_dtypes)

    async def query_data_frame_stream(self, query: str, org=None, data_frame_index: List[str] = None,
                                      params: dict = None, use_extension_dtypes: bool = False):
        """An async generator of DataFrames."""
        frames = await asyncio.to_thread(lambda: list(self._api.query_data_frame_stream(
            query, org, data_frame_index, params, use_extension_dtypes)))

        async def agen():
            for f in frames:
                yield f
        return agen()
