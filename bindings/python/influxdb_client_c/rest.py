"""ApiException: the seed's error for a non-2xx answer of the server's HTTP API."""

from influxdb_client_c.client.exceptions import InfluxDBError, HTTPResponse


class ApiException(InfluxDBError):
    """A non-2xx answer: ``status``, ``reason``, ``body`` and ``headers`` as the seed's."""

    def __init__(self, status=None, reason=None, http_resp=None):
        """Initialize with HTTP response."""
        super().__init__(response=http_resp)
        if http_resp:
            self.status = http_resp.status
            self.reason = http_resp.reason
            self.body = http_resp.data
            if isinstance(http_resp, HTTPResponse):  # response is HTTPResponse
                self.headers = http_resp.headers
            else:  # response is RESTResponse-like
                self.headers = http_resp.getheaders()
        else:
            self.status = status
            self.reason = reason
            self.body = None
            self.headers = None

    def __str__(self):
        """Get custom error messages for exception."""
        error_message = "({0})\n" \
                        "Reason: {1}\n".format(self.status, self.reason)
        if self.headers:
            error_message += "HTTP response headers: {0}\n".format(
                self.headers)

        if self.body:
            error_message += "HTTP response body: {0}\n".format(self.body)

        return error_message
