"""WriteApi: the seed's write API over the C write API (synchronous, batching, asynchronous).

Batching, retries, flush and close are the C library's; this module translates records into
one C call per write (packed points, raw line protocol, DataFrame columns) and delivery
reports from the C background thread into the seed's callbacks, which run on a dispatcher
thread of this module (so a slow or failing callback never holds up the C thread).
"""

import atexit
import ctypes
import logging
import queue
import sys
import threading
import weakref
from enum import Enum

from influxdb_client_c import _cdefs as C
from influxdb_client_c._lib import lib
from influxdb_client_c.client._c import check, error_from, new_conf, to_bytes, flatten, InfluxValueError
from influxdb_client_c.client.exceptions import WriteApiError, WriteRetryError
from influxdb_client_c.client.write.point import Point, DEFAULT_WRITE_PRECISION, packed as packed_point
from influxdb_client_c.client.write.retry import WritesRetry
from influxdb_client_c.domain.write_precision import WritePrecision, c_precision

logger = logging.getLogger('influxdb_client_c.client.write_api')

_PRECISION_NAMES = {0: WritePrecision.NS, 1: WritePrecision.US, 2: WritePrecision.MS, 3: WritePrecision.S}
# points packed per C call when a write() gets many: bounds the memory of one call
_CHUNK_POINTS = 5000
_write_packed = lib.influx_write_packed


def _is_observable(r):
    """A reactivex Observable (without importing reactivex when the caller did not)."""
    rx = sys.modules.get("reactivex")
    return rx is not None and isinstance(r, rx.Observable)


class WriteType(Enum):
    """Configuration which type of writes will client use."""

    batching = 1
    asynchronous = 2
    synchronous = 3


class WriteOptions(object):
    """Write configuration (the seed's arguments and defaults, durations in milliseconds).

    Extra keyword arguments are the C write API's other options (CONFIGURATION.md), e.g.
    ``max_buffer_lines``, ``max_buffer_bytes``, ``buffer_full_policy`` (block, reject,
    drop_oldest), ``buffer_full_timeout``.
    """

    def __init__(self, write_type: WriteType = WriteType.batching,
                 batch_size=1_000, flush_interval=1_000,
                 jitter_interval=0,
                 retry_interval=5_000,
                 max_retries=5,
                 max_retry_delay=125_000,
                 max_retry_time=180_000,
                 exponential_base=2,
                 max_close_wait=300_000,
                 write_scheduler=None, **kwargs) -> None:
        """Create write api configuration."""
        self.write_type = write_type
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.jitter_interval = jitter_interval
        self.retry_interval = retry_interval
        self.max_retries = max_retries
        self.max_retry_delay = max_retry_delay
        self.max_retry_time = max_retry_time
        self.exponential_base = exponential_base
        self.write_scheduler = write_scheduler
        self.max_close_wait = max_close_wait
        self.extra_options = dict(kwargs)

    def to_retry_strategy(self, **kwargs):
        """The seed's WritesRetry of these options (seconds)."""
        return WritesRetry(
            total=self.max_retries,
            retry_interval=self.retry_interval / 1_000,
            jitter_interval=self.jitter_interval / 1_000,
            max_retry_delay=self.max_retry_delay / 1_000,
            max_retry_time=self.max_retry_time / 1_000,
            exponential_base=self.exponential_base,
            retry_callback=kwargs.get("retry_callback", None),
            allowed_methods=["POST"])

    def _c_options(self):
        o = {
            "write_type": self.write_type.name,
            "batch_size": self.batch_size,
            "flush_interval": int(self.flush_interval),
            "jitter_interval": int(self.jitter_interval),
            "retry_interval": int(self.retry_interval),
            "max_retries": self.max_retries,
            "max_retry_delay": int(self.max_retry_delay),
            "max_retry_time": int(self.max_retry_time),
            "exponential_base": self.exponential_base,
            "max_close_wait": int(self.max_close_wait),
        }
        o.update(self.extra_options)
        return o

    def __getstate__(self):
        """Return a dict of attributes that you want to pickle."""
        state = self.__dict__.copy()
        state.pop('write_scheduler', None)
        return state

    def __setstate__(self, state):
        """Set your object with the provided dict."""
        self.__dict__.update(state)
        self.write_scheduler = None


SYNCHRONOUS = WriteOptions(write_type=WriteType.synchronous)
ASYNCHRONOUS = WriteOptions(write_type=WriteType.asynchronous)


class PointSettings(object):
    """Settings to store default tags."""

    def __init__(self, **default_tags) -> None:
        """Create point settings for write api."""
        self.defaultTags = dict()
        for key, val in default_tags.items():
            self.add_default_tag(key, val)

    def add_default_tag(self, key, value) -> None:
        """Add new default tag with key and value (``${env.NAME}`` values are expanded)."""
        self.defaultTags[key] = value


# ------------------------------------------------------------------ delivery reports

def _batch_conf(b):
    return (b.bucket.decode("utf-8", "replace"), b.org.decode("utf-8", "replace"),
            _PRECISION_NAMES.get(b.precision, b.precision))


_DATA_OFFSET = C.influx_batch.data.offset


def _batch_data(bp):
    b = bp.contents
    addr = ctypes.c_void_p.from_address(ctypes.addressof(b) + _DATA_OFFSET).value
    return ctypes.string_at(addr, b.len).decode("utf-8", "replace") if addr else ""


def _error_of(ep):
    e = ep.contents
    cls = WriteRetryError if e.code == C.INFLUX_ERR_RETRIES_EXHAUSTED else WriteApiError
    return error_from(e.code, e.message.decode("utf-8", "replace"), e.http_status,
                      e.server_message.decode("utf-8", "replace"), cls=cls)


_STOP = object()


class _WriteState:
    """The C write API and what its callbacks need. Holds no reference to the WriteApi, so a
    WriteApi that is garbage collected is closed by its finalizer and its callbacks stay valid
    until the C close returns (no callback runs after it)."""

    live = weakref.WeakSet()

    def __init__(self, client_handle, conf, success, error, retry, sync=False):
        self.success, self.error, self.retry = success, error, retry
        self.queue = queue.SimpleQueue()
        self.dispatcher = None
        self.lock = threading.Lock()
        self.local = threading.local()
        self.line_buffers = []
        self.closed = False
        has_cb = success is not None or error is not None or retry is not None
        # the error callback is always set: without a user callback, failures are logged
        self.c_success = C.influx_success_cb(self._on_success) if success else C.influx_success_cb()
        self.c_error = C.influx_error_cb(self._on_error)
        self.c_retry = C.influx_retry_cb(self._on_retry) if retry else C.influx_retry_cb()
        if not sync:
            rc = lib.influx_conf_set_callbacks(conf, self.c_success, self.c_error, self.c_retry, None)
            if rc:
                lib.influx_conf_free(conf)
                check(rc)
        err = ctypes.create_string_buffer(512)
        self.api = lib.influx_write_api_new(client_handle, conf, err, 512)
        if not self.api:
            raise InfluxValueError(C.INFLUX_ERR_CONFIG, err.value.decode("utf-8", "replace"))
        if has_cb:
            self.dispatcher = threading.Thread(target=self._dispatch, name="influxdb_client_c-callbacks",
                                               daemon=True)
            self.dispatcher.start()
        _WriteState.live.add(self)

    # C thread: copy and hand over, never run user code here
    def _on_success(self, bp, _user):
        try:
            self.queue.put(("s", _batch_conf(bp.contents), _batch_data(bp), None))
        except BaseException:  # never let an exception reach the C thread
            logger.exception("influxdb_client_c: success report lost")

    def _on_error(self, bp, ep, _user):
        try:
            exc = _error_of(ep)
            data = _batch_data(bp)
            if self.dispatcher is None or self.error is None:
                logger.error("The batch item wasn't processed successfully because: %s (%d lines of %s)",
                             exc, bp.contents.lines, _batch_conf(bp.contents))
            if self.dispatcher is not None and self.error is not None:
                self.queue.put(("e", _batch_conf(bp.contents), data, exc))
        except BaseException:
            logger.exception("influxdb_client_c: error report lost")

    def _on_retry(self, bp, ep, retry, delay_ms, _user):
        try:
            exc = _error_of(ep)
            logger.warning("The retriable error occurred during request. Reason: '%s'. Retry in %ss.",
                           exc, delay_ms / 1000)
            self.queue.put(("r", _batch_conf(bp.contents), _batch_data(bp), exc))
        except BaseException:
            logger.exception("influxdb_client_c: retry report lost")

    def _dispatch(self):
        while True:
            item = self.queue.get()
            if item is _STOP:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            kind, conf, data, exc = item
            try:
                if kind == "s":
                    self.success(conf, data)
                elif kind == "e":
                    self.error(conf, data, exc)
                else:
                    self.retry(conf, data, exc)
            except Exception:
                logger.exception("influxdb_client_c: exception in the %s callback (ignored; delivery goes on)",
                                 {"s": "success", "e": "error", "r": "retry"}[kind])

    def drain(self):
        """Wait until the callbacks of every report made so far have run."""
        if self.dispatcher is None or threading.current_thread() is self.dispatcher:
            return
        ev = threading.Event()
        self.queue.put(ev)
        ev.wait()

    def lines(self, precision):
        """This thread's line buffer for ``precision`` (a WritePrecision or INFLUX_PRECISION_*)."""
        try:
            return self.local.bufs[precision]
        except (AttributeError, KeyError):
            pass
        bufs = getattr(self.local, "bufs", None)
        if bufs is None:
            bufs = self.local.bufs = {}
        cp = precision if type(precision) is int else c_precision(precision)
        lb = bufs.get(cp)
        if lb is None:
            lb = lib.influx_lines_new(self.api, cp)
            if not lb:
                raise error_from(C.INFLUX_ERR_INVALID_ARG)
            bufs[cp] = lb
            with self.lock:
                self.line_buffers.append(lb)
        bufs[precision] = lb
        return lb

    def close(self):
        with self.lock:
            if self.closed:
                return C.INFLUX_OK
            self.closed = True
        rc = lib.influx_write_api_close(self.api)
        msg = None
        if rc:
            msg = error_from(rc)
        if self.dispatcher is not None:
            self.queue.put(_STOP)
            if threading.current_thread() is not self.dispatcher:
                self.dispatcher.join()
        with self.lock:
            for lb in self.line_buffers:
                lib.influx_lines_free(lb)
            self.line_buffers.clear()
        _WriteState.live.discard(self)
        if msg is not None:
            raise msg
        return C.INFLUX_OK


@atexit.register
def _close_all_at_exit():
    for s in list(_WriteState.live):
        try:
            s.close()
        except Exception as e:  # pragma: no cover - reported, not raised, at exit
            logger.error("influxdb_client_c: closing a write API at exit: %s", e)


class _WriteResult:
    """What write() returns in ASYNCHRONOUS mode: ``get()`` waits until the data was delivered
    or reported (a flush); the outcome of each request goes to the callbacks."""

    def __init__(self, api):
        self._api = api

    def get(self, timeout=None):
        self._api.flush()

    def wait(self, timeout=None):
        self._api.flush()

    def ready(self):
        return True


class WriteApi:
    """Write time series data into InfluxDB (the seed's WriteApi)."""

    def __init__(self, influxdb_client, write_options: WriteOptions = WriteOptions(),
                 point_settings: PointSettings = PointSettings(), **kwargs) -> None:
        """Create a write API: batching by default (as the seed), or the mode of ``write_options``.

        :key success_callback: ``(conf: (bucket, org, precision), data: str)`` for each written batch
        :key error_callback: ``(conf, data: str, exception)`` for each batch that failed for good
        :key retry_callback: ``(conf, data: str, exception)`` before each retry
        """
        self._influxdb_client = influxdb_client
        self._write_options = write_options
        self._point_settings = point_settings
        self._success_callback = kwargs.get('success_callback', None)
        self._error_callback = kwargs.get('error_callback', None)
        self._retry_callback = kwargs.get('retry_callback', None)
        options = write_options._c_options()
        tags = dict(point_settings.defaultTags) if point_settings else {}
        tags.update(getattr(influxdb_client, "default_tags", None) or {})  # the client's win (seed)
        for k, v in tags.items():
            options[f"default_tags.{k}"] = v
        self._default_tags = tags
        conf = new_conf(options)
        sync = write_options.write_type == WriteType.synchronous
        self._state = _WriteState(influxdb_client._handle(), conf,
                                  None if sync else self._success_callback,
                                  None if sync else self._error_callback,
                                  None if sync else self._retry_callback, sync)
        self._finalizer = weakref.finalize(self, _WriteState.close, self._state)
        self._names = {}  # (bucket, org) -> their bytes
        self._sync = sync
        self._async = write_options.write_type == WriteType.asynchronous

    # ---------------------------------------------------------------- writing
    def write(self, bucket: str, org: str = None, record=None,
              write_precision: WritePrecision = DEFAULT_WRITE_PRECISION, **kwargs):
        """Write records: Point, line protocol str/bytes, dict, NamedTuple, dataclass, DataFrame,
        or an iterable (nested) of these.

        :param bucket: the bucket (name or ID)
        :param org: the organization (name or ID); default the client's ``org``
        :param write_precision: precision of str/bytes/dict/DataFrame timestamps (Points carry their own)
        :key record_measurement_key, record_measurement_name, record_time_key, record_tag_keys,
             record_field_keys, field_types: how dicts, NamedTuples and dataclasses map to points
        :key data_frame_measurement_name, data_frame_tag_columns, data_frame_timestamp_column,
             data_frame_timestamp_timezone: how a DataFrame maps to points
        """
        org = org if org is not None else self._influxdb_client.org
        state = self._state
        if state.closed:
            raise error_from(C.INFLUX_ERR_CLOSED, "the write API is closed")
        if record is None:
            return None
        names = self._names
        key = (bucket, org)
        b_names = names.get(key)
        if b_names is None:
            if len(names) > 64:
                names.clear()
            b_names = names[key] = (to_bytes(bucket), to_bytes(org))
        b_bucket, b_org = b_names
        if type(record) is Point:  # one point: the common loop of seed code, one C call
            prec = record._write_precision
            data = packed_point(record, prec)
            try:
                lb = state.local.bufs[prec]
            except (AttributeError, KeyError):
                lb = state.lines(prec)
            rc = _write_packed(state.api, b_bucket, b_org, lb, data, len(data))
            if rc:
                raise error_from(rc)
        elif type(record) is list and record and type(record[0]) in (str, bytes) and self._write_lines_list(
                b_bucket, b_org, record, write_precision):
            pass
        else:
            self._write_records(b_bucket, b_org, record, write_precision, kwargs)
        if self._async:
            return _WriteResult(self)
        return None

    def _write_lines_list(self, bucket, org, record, write_precision):
        """A list of only str (or only bytes) lines: one join in C and one C call."""
        try:
            data = "\n".join(record).encode() if type(record[0]) is str else b"\n".join(record)
        except TypeError:
            return False  # mixed record types: the general path
        check(lib.influx_write_lp(self._state.api, bucket, org, data, len(data), c_precision(write_precision)))
        return True

    def _write_records(self, bucket, org, record, write_precision, kwargs):
        packed = {}   # precision -> bytearray of packed points
        counts = {}
        raw = {}      # precision -> list of bytes (line protocol)
        api = self._state.api
        for r in flatten(record):
            if r is None:
                continue
            t = type(r)
            if t is Point:
                prec = r._write_precision
            elif t is bytes or t is str:
                raw.setdefault(write_precision, []).append(r if t is bytes else r.encode())
                continue
            elif t is dict:
                r = Point.from_dict(r, write_precision=write_precision, **kwargs)
                prec = write_precision
            elif isinstance(r, Point):
                prec = r._write_precision
            elif 'DataFrame' in t.__name__:
                self._flush_packed(bucket, org, packed, counts)
                self._flush_raw(bucket, org, raw)
                from influxdb_client_c.client.write.dataframe_serializer import write_data_frame
                write_data_frame(self._state, bucket, org, r, self._default_tags, write_precision, kwargs)
                continue
            elif isinstance(r, (bytes, str)):
                raw.setdefault(write_precision, []).append(bytes(r) if isinstance(r, bytes) else str(r).encode())
                continue
            elif not self._sync and not self._async and _is_observable(r):
                # batching (the seed's only mode that takes one): each item it emits is written
                self._flush_packed(bucket, org, packed, counts)
                self._flush_raw(bucket, org, raw)
                r.subscribe(lambda it: self._write_records(bucket, org, it, write_precision, kwargs))
                continue
            else:
                continue  # the seed ignores records of other types
            buf = packed.get(prec)
            if buf is None:
                buf = packed[prec] = bytearray()
                counts[prec] = 0
            buf += packed_point(r, prec)
            counts[prec] += 1
            if counts[prec] >= _CHUNK_POINTS:
                self._flush_packed(bucket, org, {prec: buf}, counts)
                packed[prec] = bytearray()
        self._flush_packed(bucket, org, packed, counts)
        self._flush_raw(bucket, org, raw)

    def _flush_packed(self, bucket, org, packed, counts):
        for prec, buf in packed.items():
            if not buf:
                continue
            lb = self._state.lines(prec)
            rc = _write_packed(self._state.api, bucket, org, lb, bytes(buf), len(buf))
            if rc:
                raise error_from(rc)
            buf.clear()
            counts[prec] = 0

    def _flush_raw(self, bucket, org, raw):
        for prec, items in raw.items():
            if not items:
                continue
            data = b"\n".join(items)
            check(lib.influx_write_lp(self._state.api, bucket, org, data, len(data), c_precision(prec)))
            items.clear()

    # ---------------------------------------------------------------- life cycle
    def flush(self):
        """Deliver everything written so far (the seed's flush() did nothing; this one returns
        when every earlier point was written or reported failed, and its callbacks ran)."""
        if self._state.closed:
            return
        check(lib.influx_flush(self._state.api))
        self._state.drain()

    def flush_timeout(self, timeout_ms):
        """As flush(), giving up after ``timeout_ms`` (returns False, the data stays queued)."""
        rc = lib.influx_flush_timeout(self._state.api, int(timeout_ms))
        if rc == C.INFLUX_ERR_TIMED_OUT:
            return False
        check(rc)
        self._state.drain()
        return True

    def stats(self):
        """Counters of the C write API: accepted, written, failed, dropped, retries,
        buffered_lines, buffered_bytes (lines; retries in requests)."""
        s = C.influx_write_stats()
        check(lib.influx_write_api_stats(self._state.api, ctypes.byref(s)))
        return {name: getattr(s, name) for name, _ in C.influx_write_stats._fields_}

    def close(self):
        """Deliver what is pending (up to ``max_close_wait``), run the last callbacks, stop."""
        self._finalizer.detach()
        self._state.close()

    def __enter__(self):
        """Enter the runtime context related to this object."""
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        """Exit the runtime context related to this object and close the WriteApi."""
        self.close()
