"""WritesRetry: the seed's retry configuration class.

Writes are retried by the C write API (src/write/retry.rs), which follows the seed's rules; this
class is the seed's configuration object (a urllib3 ``Retry``) for code that builds one, and
its backoff range is computed by the same C function the write API uses.
"""

import ctypes
import logging
from datetime import datetime, timedelta
from itertools import takewhile
from random import random
from typing import Callable

from urllib3 import Retry
from urllib3.exceptions import MaxRetryError, ResponseError

from influxdb_client_c.client.exceptions import InfluxDBError

logger = logging.getLogger('influxdb_client_c.client.write.retry')


class WritesRetry(Retry):
    """Writes retry configuration.

    The next delay is a random value in ``[retry_interval * exponential_base^(attempts-1),
    retry_interval * exponential_base^attempts]``, capped at ``max_retry_delay`` (seconds).
    """

    def __init__(self, jitter_interval=0, max_retry_delay=125, exponential_base=2, max_retry_time=180, total=5,
                 retry_interval=5, retry_callback: Callable[[Exception], int] = None, **kw):
        """Initialize defaults (durations in seconds)."""
        super().__init__(**kw)
        self.jitter_interval = jitter_interval
        self.total = total
        self.retry_interval = retry_interval
        self.max_retry_delay = max_retry_delay
        self.max_retry_time = max_retry_time
        self.exponential_base = exponential_base
        self.retry_timeout = datetime.now() + timedelta(seconds=max_retry_time)
        self.retry_callback = retry_callback

    def new(self, **kw):
        """Copy with the counters updated (urllib3 protocol)."""
        for k in ('jitter_interval', 'retry_interval', 'max_retry_delay', 'max_retry_time',
                  'exponential_base', 'retry_callback'):
            kw.setdefault(k, getattr(self, k))
        new = super().new(**kw)
        new.retry_timeout = self.retry_timeout
        return new

    def is_retry(self, method, status_code, has_retry_after=False):
        """Retried: statuses >= 429 while retries remain (Retry-After is not required)."""
        if not self._is_method_retryable(method):
            return False
        return self.total and (status_code >= 429)

    def get_backoff_time(self):
        """The backoff before the next retry: random in the core's range for this retry."""
        consecutive_errors_len = len(
            list(takewhile(lambda x: x.redirect_location is None, reversed(self.history))))
        if consecutive_errors_len < 1:
            return 0
        from influxdb_client_c._lib import lib, last_error
        start, stop = ctypes.c_double(), ctypes.c_double()
        rc = lib.influx_retry_backoff_range(float(self.retry_interval), int(self.exponential_base),
                                            float(self.max_retry_delay), consecutive_errors_len,
                                            ctypes.byref(start), ctypes.byref(stop))
        if rc:
            raise ValueError(last_error()[0])
        start, stop = _plain(start.value), _plain(stop.value)
        return start + (stop - start) * self._random()

    def get_retry_after(self, response):
        """Get the value of Retry-After header and append random jitter delay."""
        retry_after = super().get_retry_after(response)
        if retry_after:
            retry_after += self._jitter_delay()
        return retry_after

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        """Return a new Retry object with incremented retry counters."""
        if self.retry_timeout < datetime.now():
            raise MaxRetryError(_pool, url, error or ResponseError("max_retry_time exceeded"))

        new_retry = super().increment(method, url, response, error, _pool, _stacktrace)

        if response is not None:
            parsed_error = InfluxDBError(response=response)
        elif error is not None:
            parsed_error = error
        else:
            parsed_error = f"Failed request to: {url}"

        message = f"The retriable error occurred during request. Reason: '{parsed_error}'."
        if isinstance(parsed_error, InfluxDBError):
            message += f" Retry in {parsed_error.retry_after}s."

        if self.retry_callback:
            self.retry_callback(parsed_error)

        logger.warning(message)

        return new_retry

    def _jitter_delay(self):
        return self.jitter_interval * random()

    def _random(self):
        return random()


def _plain(x):
    """Seconds as an int when whole (so ranges of whole seconds compare as the seed's)."""
    return int(x) if x == int(x) else x
