"""Shared pieces between the Python classes and the C handles: confs, errors, records."""

import ctypes
import dataclasses
import json
from collections.abc import Iterable

from influxdb_client_c._lib import lib, last_error, strerror
from influxdb_client_c import _cdefs as C
from influxdb_client_c.client.exceptions import InfluxError, InfluxDBError, _CResponse

_ERRBUF = 512


class InfluxValueError(InfluxError, ValueError):
    """Invalid input (a point the core refuses, an invalid argument): also a ValueError."""


_VALUE_CODES = (C.INFLUX_ERR_INVALID_ARG, C.INFLUX_ERR_INVALID_UTF8, C.INFLUX_ERR_INVALID_POINT,
                C.INFLUX_ERR_CONFIG)


def error_from(rc, message=None, http_status=None, server_message=None, cls=None):
    """The exception for result code ``rc`` with this thread's last-error detail."""
    if message is None:
        message, http_status, server_message = last_error()
    if http_status and cls is None:
        from influxdb_client_c.rest import ApiException
        body = json.dumps({"message": server_message}).encode() if server_message else None
        e = ApiException(http_resp=_CResponse(http_status, message, body, server_message or message, rc))
        e.code = rc
        return e
    if cls is None:
        cls = InfluxValueError if rc in _VALUE_CODES else InfluxError
    return cls(rc, message or strerror(rc), http_status or 0, server_message or "")


def check(rc):
    if rc:
        raise error_from(rc)


def new_conf(options):
    """An influx_conf with ``options`` (key -> value; None values are left unset)."""
    conf = lib.influx_conf_new()
    err = ctypes.create_string_buffer(_ERRBUF)
    for k, v in options.items():
        if v is None:
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        if lib.influx_conf_set(conf, str(k).encode(), str(v).encode(), err, _ERRBUF):
            lib.influx_conf_free(conf)
            raise InfluxValueError(C.INFLUX_ERR_CONFIG, err.value.decode("utf-8", "replace"))
    return conf


def conf_get(conf, key):
    size = ctypes.c_size_t(256)
    buf = ctypes.create_string_buffer(size.value)
    if lib.influx_conf_get(conf, key.encode(), buf, ctypes.byref(size)):
        buf = ctypes.create_string_buffer(size.value)
        if lib.influx_conf_get(conf, key.encode(), buf, ctypes.byref(size)):
            return None
    return buf.value.decode()


def to_bytes(s):
    if s is None:
        return None
    return s if isinstance(s, bytes) else str(s).encode()


def flatten(record):
    """The records inside ``record``, depth first, in the seed's order of type checks (the
    DataFrame check comes before the generic iterable one)."""
    from influxdb_client_c.client.write.point import Point
    stack = [iter((record,))]
    while stack:
        try:
            r = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        if type(r) is Point:  # the common record: no further type checks
            yield r
        elif isinstance(r, (bytes, str, dict)) or r is None:
            yield r
        elif 'DataFrame' in type(r).__name__:
            yield r
        elif hasattr(r, "_asdict"):
            yield r._asdict()
        elif dataclasses.is_dataclass(r) and not isinstance(r, type):
            yield dataclasses.asdict(r)
        elif isinstance(r, Iterable):
            stack.append(iter(r))
        else:
            yield r
