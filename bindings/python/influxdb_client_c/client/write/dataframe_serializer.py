"""DataFrames to line protocol: numpy column buffers handed to the C library in one call per
chunk (``influx_lines_add_columns``), no Python object per row.

The text is the C library's in its DataFrame form (``INFLUX_TEXT_DATAFRAME``): values as the
seed's DataFrame writer prints them, floats with their ``.0`` (``1.0``) and booleans as
``True``/``False`` (a ``Point`` writes ``1`` and ``true``: the same values for InfluxDB).
"""

import ctypes
import logging
import math
import os
from types import SimpleNamespace

from influxdb_client_c import _cdefs as C
from influxdb_client_c._lib import lib, lines_text
from influxdb_client_c.client._c import error_from
from influxdb_client_c.client.write.point import DEFAULT_WRITE_PRECISION
from influxdb_client_c.domain.write_precision import WritePrecision, c_precision

logger = logging.getLogger('influxdb_client_c.client.write.dataframe_serializer')

# rows per C call when writing a DataFrame: bounds the memory of the converted columns
_CHUNK_ROWS = 50_000


def _nul_joined(values, what):
    """n strings as NUL-terminated UTF-8 back to back (one join in C, no per-row Python code)."""
    text = "\0".join(values) + "\0"
    if text.count("\0") != len(values):
        raise ValueError(f"{what}: a value contains a NUL character")
    return text.encode("utf-8")


class _Columns:
    """A DataFrame's columns converted to C buffers (kept alive here during the C call)."""

    def __init__(self, data_frame, point_settings, precision, kwargs, with_default_tags):
        from influxdb_client_c.extras import pd, np
        if not isinstance(data_frame, pd.DataFrame):
            raise TypeError('Must be DataFrame, but type was: {0}.'.format(type(data_frame)))
        name = kwargs.get('data_frame_measurement_name')
        if name is None:
            raise TypeError('"data_frame_measurement_name" is a Required Argument')
        self.measurement = str(name).encode()
        timestamp_column = kwargs.get('data_frame_timestamp_column', None)
        timestamp_timezone = kwargs.get('data_frame_timestamp_timezone', None)
        tag_columns = set(kwargs.get('data_frame_tag_columns') or [])

        # timestamps, as the seed reads them
        ts = data_frame.index if timestamp_column is None else data_frame[timestamp_column]
        if isinstance(ts, pd.PeriodIndex):
            ts = ts.to_timestamp()
        else:
            ts = pd.to_datetime(ts, unit=precision)
        if timestamp_timezone:
            ts = ts.tz_localize(timestamp_timezone) if isinstance(ts, pd.DatetimeIndex) \
                else ts.dt.tz_localize(timestamp_timezone)
        ts = pd.DatetimeIndex(ts)
        if ts.tz is None:
            ts = ts.tz_localize('UTC')
        ns = ts.asi8
        if precision == WritePrecision.US:
            ns = (ns / 1e3).astype(np.int64)
        elif precision == WritePrecision.MS:
            ns = (ns / 1e6).astype(np.int64)
        elif precision == WritePrecision.S:
            ns = (ns / 1e9).astype(np.int64)
        self.times = np.ascontiguousarray(ns, dtype=np.int64)
        n = self.n = len(data_frame)

        self.keep = []
        tag_keys, tag_cols = [], []
        field_keys, field_types, field_cols, field_nulls = [], [], [], []
        for key in data_frame.columns:
            col = data_frame[key]
            skey = str(key)
            if timestamp_column is not None and key == timestamp_column:
                continue
            if key in tag_columns:
                mask = col.isna().to_numpy()
                vals = col.astype(str).to_numpy(dtype=object)
                if mask.any():
                    vals[mask] = ""
                tag_keys.append(skey.encode())
                tag_cols.append(_nul_joined(vals.tolist(), f"tag {skey}"))
                continue
            mask = col.isna().to_numpy()
            dtype = col.dtype
            kind = getattr(dtype, "kind", "O")
            if kind == "f":
                if dtype.itemsize < 8 or (hasattr(dtype, "numpy_dtype") and dtype.numpy_dtype.itemsize < 8):
                    # the shortest text of the value in its own precision, as the seed prints it
                    arr = col.to_numpy(dtype=object, na_value=math.nan).astype(str).astype(np.float64)
                else:
                    arr = col.to_numpy(dtype=np.float64, na_value=math.nan)
                ftype, buf = C.INFLUX_FIELD_F64, np.ascontiguousarray(arr, dtype=np.float64)
            elif kind in "iu":
                buf = np.ascontiguousarray(col.to_numpy(dtype=np.int64, na_value=0))
                ftype = C.INFLUX_FIELD_I64
            elif kind == "b":
                buf = np.ascontiguousarray(col.to_numpy(dtype=bool, na_value=False)).view(np.uint8)
                ftype = C.INFLUX_FIELD_BOOL
            else:
                vals = col.astype(str).to_numpy(dtype=object)
                if mask.any():
                    vals[mask] = ""
                buf = _nul_joined(vals.tolist(), f"field {skey}")
                ftype = C.INFLUX_FIELD_STR
            field_keys.append(skey.encode())
            field_types.append(ftype)
            self.keep.append(buf)
            field_cols.append(buf.ctypes.data if hasattr(buf, "ctypes") else ctypes.cast(ctypes.c_char_p(buf),
                                                                                        ctypes.c_void_p).value)
            if mask.any() and ftype != C.INFLUX_FIELD_F64:
                m = np.ascontiguousarray(mask, dtype=np.uint8)
                self.keep.append(m)
                field_nulls.append(m.ctypes.data)
            else:
                field_nulls.append(None)
        if with_default_tags and point_settings is not None:
            for k, v in (point_settings.defaultTags or {}).items():
                if k not in data_frame.columns and v is not None:
                    tag_keys.append(str(k).encode())
                    tag_cols.append(_nul_joined([str(v)] * n, f"tag {k}"))
        self.n_tags = len(tag_keys)
        self.n_fields = len(field_keys)
        self.tag_keys = (ctypes.c_char_p * max(len(tag_keys), 1))(*tag_keys)
        self.field_keys = (ctypes.c_char_p * max(len(field_keys), 1))(*field_keys)
        self.field_types = (ctypes.c_int * max(len(field_types), 1))(*field_types)
        self.keep += [tag_keys, field_keys, tag_cols]
        # per column: (base address, row start offsets or None, item size)
        self.tag_at = [(_addr(b), _starts(b, n), 0) for b in tag_cols]
        self.field_at = []
        for ty, addr in zip(field_types, field_cols):
            if ty == C.INFLUX_FIELD_STR:
                b = next(x for x in self.keep if isinstance(x, bytes) and _addr(x) == addr)
                self.field_at.append((addr, _starts(b, n), 0))
            else:
                self.field_at.append((addr, None, 1 if ty == C.INFLUX_FIELD_BOOL else 8))
        self.null_at = field_nulls

    def add(self, lines, start, stop):
        """Add rows [start, stop) to the line buffer; returns the number of lines added."""
        if stop <= start:
            return 0

        def at(col):
            base, starts, size = col
            return base + (int(starts[start]) if starts is not None else start * size)
        tag_cols = (ctypes.c_void_p * max(self.n_tags, 1))(*[at(c) for c in self.tag_at])
        field_cols = (ctypes.c_void_p * max(self.n_fields, 1))(*[at(c) for c in self.field_at])
        field_nulls = (ctypes.POINTER(ctypes.c_uint8) * max(self.n_fields, 1))(
            *[ctypes.cast(p + start, ctypes.POINTER(ctypes.c_uint8)) if p else None for p in self.null_at])
        times = self.times[start:stop]
        added, skipped = ctypes.c_size_t(), ctypes.c_size_t()
        rc = lib.influx_lines_add_columns(
            lines, self.measurement, self.tag_keys, ctypes.cast(tag_cols, ctypes.POINTER(ctypes.c_char_p)),
            self.n_tags, self.field_keys, self.field_types, field_cols, field_nulls, self.n_fields,
            times.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)), stop - start, ctypes.byref(added),
            ctypes.byref(skipped), C.INFLUX_TEXT_DATAFRAME)
        if rc:
            e = error_from(rc)
            lib.influx_lines_clear(lines)
            raise e
        return added.value


def _addr(b):
    return ctypes.cast(ctypes.c_char_p(b), ctypes.c_void_p).value


def _starts(b, n):
    """Offsets of the n NUL-terminated strings of a NUL-joined buffer (numpy, no row loop)."""
    from influxdb_client_c.extras import np
    nul = np.flatnonzero(np.frombuffer(b, dtype=np.uint8) == 0)
    starts = np.empty(n + 1, dtype=np.int64)
    starts[0] = 0
    starts[1:] = nul[:n] + 1
    return starts


def write_data_frame(state, bucket, org, data_frame, default_tags, precision, kwargs):
    """Write a DataFrame through the write API's line buffer, a chunk of rows per C call.

    ``default_tags``: the write API's (which its line buffer adds to every line, over a
    line's own tag of that key). The seed lets a column win over a default tag of its name,
    so a DataFrame with such a column is made in a buffer of its own, the other default tags
    as columns, and written as line protocol (to which the write API adds no tags).
    """
    chunk = kwargs.get("chunk_size") or _CHUNK_ROWS
    if any(k in data_frame.columns for k in default_tags):
        settings = SimpleNamespace(defaultTags={k: _env(v) for k, v in default_tags.items()})
        cols = _Columns(data_frame, settings, precision, kwargs, with_default_tags=True)
        lb = lib.influx_lines_new(None, c_precision(precision))
        if not lb:
            raise error_from(C.INFLUX_ERR_INVALID_ARG)
        try:
            for start in range(0, cols.n, chunk):
                cols.add(lb, start, min(cols.n, start + chunk))
                data = lines_text(lb)
                lib.influx_lines_clear(lb)
                if data:
                    rc = lib.influx_write_lp(state.api, bucket, org, data, len(data), c_precision(precision))
                    if rc:
                        raise error_from(rc)
        finally:
            lib.influx_lines_free(lb)
        return
    cols = _Columns(data_frame, None, precision, kwargs, with_default_tags=False)
    lb = state.lines(c_precision(precision))
    for start in range(0, cols.n, chunk):
        cols.add(lb, start, min(cols.n, start + chunk))
        rc = lib.influx_write_lines(state.api, bucket, org, lb)
        if rc:
            e = error_from(rc)
            lib.influx_lines_clear(lb)
            raise e


def _env(value):
    """A default tag value as the seed's PointSettings keeps it (``${env.NAME}`` read from the
    environment), for the tags this module adds as columns itself."""
    if isinstance(value, str) and value.startswith("${env.") and value.endswith("}"):
        return os.environ.get(value[6:-1])
    return value


class DataframeSerializer:
    """Serialize DataFrame into LineProtocols (text from the C library)."""

    def __init__(self, data_frame, point_settings, precision=DEFAULT_WRITE_PRECISION, chunk_size: int = None,
                 **kwargs) -> None:
        """Init serializer.

        :key data_frame_measurement_name, data_frame_tag_columns, data_frame_timestamp_column,
             data_frame_timestamp_timezone: as the seed's
        """
        self.precision = precision
        self._cols = _Columns(data_frame, point_settings, precision, kwargs, with_default_tags=True)
        if chunk_size is not None:
            self.number_of_chunks = int(math.ceil(len(data_frame) / float(chunk_size)))
            self.chunk_size = chunk_size
        else:
            self.number_of_chunks = None

    def serialize(self, chunk_idx: int = None):
        """Serialize chunk into LineProtocols (the whole DataFrame when ``chunk_idx`` is None)."""
        if chunk_idx is None:
            start, stop = 0, self._cols.n
        else:
            logger.debug("Serialize chunk %s/%s ...", chunk_idx + 1, self.number_of_chunks)
            start = chunk_idx * self.chunk_size
            stop = min(self._cols.n, start + self.chunk_size)
        lb = lib.influx_lines_new(None, c_precision(self.precision))
        try:
            if self._cols.add(lb, start, stop) == 0:
                return []
            return lines_text(lb).decode("utf-8").split("\n")
        finally:
            lib.influx_lines_free(lb)


def data_frame_to_list_of_points(data_frame, point_settings, precision=DEFAULT_WRITE_PRECISION, **kwargs):
    """Serialize DataFrame into LineProtocols."""
    return DataframeSerializer(data_frame, point_settings, precision, **kwargs).serialize()
