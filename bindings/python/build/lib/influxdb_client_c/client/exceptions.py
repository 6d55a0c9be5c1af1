"""Exceptions of the client: InfluxDBError (the seed's), with the C library's detail."""

import json
import logging

try:
    from urllib3 import HTTPResponse
except ModuleNotFoundError:  # urllib3 is only needed to pass urllib3 responses in
    class HTTPResponse:  # noqa: D101 - a stand-in nothing is an instance of
        pass

logger = logging.getLogger('influxdb_client_c.client.exceptions')


class _CResponse:
    """What the C library reports about a failed call, shaped like the seed's RESTResponse."""

    def __init__(self, status, reason, data, message, code=None):
        self.status = status
        self.reason = reason
        self.data = data
        self.message = message
        self.code = code
        self._headers = {}

    def getheaders(self):
        return self._headers

    def getheader(self, name, default=None):
        return self._headers.get(name, default)


class InfluxDBError(Exception):
    """Raised when a server error occurs."""

    def __init__(self, response=None, message: str = None):
        """Initialize the InfluxDBError handler."""
        if response is not None:
            self.response = response
            self.message = self._get_message(response)
            if isinstance(response, HTTPResponse):  # response is HTTPResponse
                self.headers = response.headers
                self.retry_after = response.headers.get('Retry-After')
            else:  # response is RESTResponse-like
                self.headers = response.getheaders()
                self.retry_after = response.getheader('Retry-After')
        else:
            self.response = None
            self.message = message or 'no response'
            self.retry_after = None
        super().__init__(self.message)

    def _get_message(self, response):
        if isinstance(response, _CResponse) and response.message:
            return response.message
        # Body
        if response.data:
            try:
                return json.loads(response.data)["message"]
            except Exception as e:
                logging.debug(f"Cannot parse error response to JSON: {response.data}, {e}")
                return response.data

        # Header
        for header_key in ["X-Platform-Error-Code", "X-Influx-Error", "X-InfluxDb-Error"]:
            header_value = response.getheader(header_key)
            if header_value is not None:
                return header_value

        # Http Status
        return response.reason


class FluxQueryException(Exception):
    """The Flux query failed: the server reported an error in the result."""

    def __init__(self, message, reference) -> None:
        """Initialize defaults."""
        self.message = message
        self.reference = reference
        super().__init__(message)


class FluxCsvParserException(Exception):
    """The annotated CSV of a query answer could not be read."""


class InfluxError(InfluxDBError):
    """An error of the C library that is not an HTTP answer: transport, timeout, invalid input.

    ``code`` is the INFLUX_ERR_* result code, ``name`` its text (influx_strerror).
    """

    def __init__(self, code, message, http_status=0, server_message=""):
        """Initialize from a result code and the thread's last-error detail."""
        self.code = code
        self.status = http_status or None
        self.server_message = server_message
        super().__init__(response=_CResponse(http_status, message, None, server_message or message, code)
                         if http_status else None, message=message)
        if http_status:
            self.message = server_message or message


class WriteApiError(InfluxError):
    """A write was not delivered: reported by the error callback of the write API."""


class WriteRetryError(WriteApiError):
    """Retries of a write were exhausted (max_retries or max_retry_time)."""
