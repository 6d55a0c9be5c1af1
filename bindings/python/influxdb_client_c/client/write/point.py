"""Point: the seed's data point; its line protocol comes from the C library."""

import struct
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from numbers import Integral

from influxdb_client_c.client.util.date_utils import get_date_helper
from influxdb_client_c.domain.write_precision import WritePrecision, c_precision

EPOCH = datetime.fromtimestamp(0, tz=timezone.utc)

DEFAULT_WRITE_PRECISION = WritePrecision.NS

try:
    import numpy as np

    _HAS_NUMPY = True
except ModuleNotFoundError:
    _HAS_NUMPY = False


class Point(object):
    """A data point: measurement, tags, fields and an optional time.

    The same class and methods as the seed's ``influxdb_client.Point``; its line protocol text
    (``to_line_protocol``) is made by the C library (``influx_lines_add_packed``).
    """

    @staticmethod
    def measurement(measurement):
        """Create a new Point with specified measurement name."""
        return Point(measurement)

    @staticmethod
    def from_dict(dictionary: dict, write_precision: WritePrecision = DEFAULT_WRITE_PRECISION, **kwargs):
        """Initialize point from 'dict' structure.

        The default structure is ``{"measurement", "tags", "fields", "time"}``; keys
        ``record_measurement_key``, ``record_measurement_name``, ``record_time_key``,
        ``record_tag_keys``, ``record_field_keys`` and ``field_types`` (``int``, ``uint``,
        ``float``; also read from the dictionary) as the seed's.
        """
        measurement_ = kwargs.get('record_measurement_name', None)
        if measurement_ is None:
            measurement_ = dictionary[kwargs.get('record_measurement_key', 'measurement')]
        point = Point(measurement_)

        record_tag_keys = kwargs.get('record_tag_keys', None)
        if record_tag_keys is not None:
            for tag_key in record_tag_keys:
                if tag_key in dictionary:
                    point.tag(tag_key, dictionary[tag_key])
        elif 'tags' in dictionary:
            for tag_key, tag_value in dictionary['tags'].items():
                point.tag(tag_key, tag_value)

        record_field_keys = kwargs.get('record_field_keys', None)
        if record_field_keys is not None:
            for field_key in record_field_keys:
                if field_key in dictionary:
                    point.field(field_key, dictionary[field_key])
        else:
            for field_key, field_value in dictionary['fields'].items():
                point.field(field_key, field_value)

        record_time_key = kwargs.get('record_time_key', 'time')
        if record_time_key in dictionary:
            point.time(dictionary[record_time_key], write_precision=write_precision)

        _field_types = kwargs.get('field_types', {})
        if 'field_types' in dictionary:
            _field_types = dictionary['field_types']
        # the seed's suffix notation: int 'i', uint 'u', float ''
        point._field_types = {k: ('i' if v == 'int' else 'u' if v == 'uint' else '')
                              for k, v in _field_types.items()}
        return point

    def __init__(self, measurement_name):
        """Initialize defaults."""
        self._tags = {}
        self._fields = {}
        self._name = measurement_name
        self._time = None
        self._write_precision = DEFAULT_WRITE_PRECISION
        self._field_types = {}

    def time(self, time, write_precision=DEFAULT_WRITE_PRECISION):
        """Set the timestamp: an int in ``write_precision``, a datetime (naive = UTC), an ISO
        string or a timedelta since the epoch."""
        self._write_precision = write_precision
        self._time = time
        return self

    def tag(self, key, value):
        """Add tag with key and value."""
        self._tags[key] = value
        return self

    def field(self, field, value):
        """Add field with key and value."""
        self._fields[field] = value
        return self

    def to_line_protocol(self, precision=None):
        """The point's line protocol (from the C library), without default tags.

        :param precision: precision of the timestamp; None: the point's ``write_precision``.
        Returns ``""`` for a point with nothing to write (no fields, or only None/NaN/±Inf
        values), as the seed; other invalid points raise ``ValueError``.
        """
        prec = self._write_precision if precision is None else precision
        data = packed(self, prec)
        from influxdb_client_c._lib import lib, last_error, lines_text
        lb = lib.influx_lines_new(None, c_precision(prec))
        try:
            rc = lib.influx_lines_add_packed(lb, data, len(data), None)
            if rc:
                msg = last_error()[0]
                if "has nothing to write" in msg:
                    return ""
                raise ValueError(msg.replace("point 0: ", "", 1))
            return lines_text(lb).decode("utf-8")
        finally:
            lib.influx_lines_free(lb)

    @property
    def write_precision(self):
        """Get precision."""
        return self._write_precision

    @classmethod
    def set_str_rep(cls, rep_function):
        """Set the string representation for all Points."""
        cls.__str___rep = rep_function

    def __str__(self):
        """Create string representation of this Point."""
        return self.to_line_protocol()

    def __eq__(self, other):
        """Return true iff other is equal to self."""
        if not isinstance(other, Point):
            return False
        return (self._tags == other._tags and
                self._fields == other._fields and
                self._name == other._name and
                self._time == other._time and
                self._write_precision == other._write_precision and
                self._field_types == other._field_types)


# ------------------------------------------------------------------ packing (src/lines/packed.rs)
# Type translation only: Python values become the packed format's typed values; the C library
# checks, escapes, sorts and encodes them.

_U32 = struct.Struct('<I').pack
_F64 = struct.Struct('<Bd').pack      # type byte 0 + double
_I64 = struct.Struct('<Bq').pack      # type byte 1 + int64
_U64 = struct.Struct('<BQ').pack      # type byte 2 + uint64
_TIME = struct.Struct('<Bq').pack     # has_time 1 + int64
_TRUE = b'\x03\x01'
_FALSE = b'\x03\x00'
_STR = b'\x04'
_NO_TIME = b'\x00'
_U32_CACHE = [_U32(i) for i in range(256)]

_key_cache = {}


def _key(k):
    """The packed form of a key (u32 length + UTF-8), cached: keys repeat."""
    try:
        return _key_cache[k]
    except KeyError:
        b = str(k).encode()
        v = _U32(len(b)) + b
        if len(_key_cache) > 65536:
            _key_cache.clear()
        _key_cache[k] = v
        return v


def _s(v):
    b = v.encode() if type(v) is str else str(v).encode()
    n = len(b)
    return (_U32_CACHE[n] if n < 256 else _U32(n)) + b


def _unsupported(field, value):
    return ValueError(f'Type: "{type(value)}" of field: "{field}" is not supported.')


def _np_float(value):
    # numpy's str() is the shortest text of the value in its own precision (float16/32), as
    # the seed writes it; the double of that text has the same shortest text
    return float(str(value)) if value.dtype.itemsize < 8 else float(value)


def _field(k, v, field_types, out):
    t = type(v)
    if t is float:
        out += _key(k)
        out += _F64(0, v)
    elif t is int:
        ft = field_types.get(k, 'i') if field_types else 'i'
        out += _key(k)
        try:
            if ft == 'i':
                out += _I64(1, v)
            elif ft == 'u':
                out += _U64(2, v)
            else:
                out += _F64(0, float(v))
        except struct.error:
            del out[len(out) - len(_key(k)):]
            raise ValueError(f'field "{k}": integer {v} does not fit a 64-bit '
                             f'{"unsigned " if ft == "u" else ""}integer') from None
    elif t is str:
        out += _key(k)
        out += _STR
        out += _s(v)
    elif t is bool:
        out += _key(k)
        out += _TRUE if v else _FALSE
    elif v is None:
        return 0
    elif isinstance(v, bool):
        out += _key(k)
        out += _TRUE if v else _FALSE
    elif isinstance(v, (float, Decimal)):
        out += _key(k)
        out += _F64(0, float(v))
    elif _HAS_NUMPY and isinstance(v, np.floating):
        out += _key(k)
        out += _F64(0, _np_float(v))
    elif _HAS_NUMPY and isinstance(v, np.bool_):
        out += _key(k)
        out += _TRUE if v else _FALSE
    elif isinstance(v, Integral) or (_HAS_NUMPY and isinstance(v, np.integer)):
        return _field(k, int(v), field_types, out)
    elif isinstance(v, str):
        return _field(k, str(v), field_types, out)
    else:
        raise _unsupported(k, v)
    return 1


_tag_cache = {}
# most (key, value) pairs of str tags kept packed: tag values repeat (series); bounded memory
_TAG_CACHE_MAX = 16384


def _tag(item):
    """The packed form of a tag (key, value); str pairs are cached."""
    k, v = item
    b = _key(k) + _s(v)
    if type(v) is str and type(k) is str:
        if len(_tag_cache) >= _TAG_CACHE_MAX:
            _tag_cache.clear()
        _tag_cache[item] = b
    return b


_head_cache = {}   # (measurement, *tag items) of str only -> packed measurement + tags
_HEAD_CACHE_MAX = 16384
_fields_cache = {}  # field keys -> their generated packer, or False (not of the fast form)
_FIELDS_CACHE_MAX = 1024
_FAST_FIELD = {float: ('d', b'\x00', 'float'), int: ('q', b'\x01', 'int'), bool: ('?', b'\x03', 'bool')}


def packed(point, precision, _hc=_head_cache, _fc=_fields_cache, _TIME=_TIME):
    """``point`` in the packed format (bytes), its time in ``precision``.

    The measurement and tags of str only are cached packed (series repeat); fields without
    ``field_types`` whose values are float, int (64-bit) and bool are packed by one
    ``struct`` call generated once per set of field keys; everything else, and any value of
    another type than the first point with those keys had, takes the general path.
    """
    tags = point._tags
    try:
        hk = (point._name, *tags.items())
        head = _hc.get(hk)
    except TypeError:  # an unhashable tag value
        hk = head = None
    if head is None:
        head = _pack_head(point, hk)
    fields = point._fields
    body = None
    if not point._field_types:
        f = _fc.get(tuple(fields))
        if f is None:
            f = _fields_packer(fields)
        if f:
            try:
                body = f(*fields.values())
            except struct.error:  # an int beyond 64 bits: the general path says so
                body = None
    if body is None:
        body = _pack_fields(fields, point._field_types)
    t = point._time
    if t is None:
        return head + body + _NO_TIME
    if type(t) is not int:
        t = int(_convert_timestamp(t, precision))
    try:
        return head + body + _TIME(1, t)
    except struct.error:
        raise ValueError(f"timestamp {t} is outside what InfluxDB accepts") from None


def _pack_head(point, hk):
    """The packed measurement and tags; cached when all of them are str."""
    name = point._name
    parts = [_key(name), b'']
    n = 0
    cacheable = hk is not None and type(name) is str
    for item in point._tags.items():
        k, v = item
        if v is None:
            cacheable = False
            continue
        if type(k) is not str or type(v) is not str:
            cacheable = False
        try:
            b = _tag_cache.get(item) or _tag(item)
        except TypeError:  # an unhashable value: packed as its str()
            b = _key(k) + _s(v)
        parts.append(b)
        n += 1
    parts[1] = _U32(n)
    head = b''.join(parts)
    if cacheable:
        if len(_head_cache) >= _HEAD_CACHE_MAX:
            _head_cache.clear()
        _head_cache[hk] = head
    return head


def _fields_packer(fields):
    """A function packing the values of fields with these keys and value types (the first
    point's) in one ``struct`` call, returning None for values of other types; False when
    the fields are not all float/int/bool (or too many kinds of keys were seen)."""
    keys = tuple(fields)
    kinds = [_FAST_FIELD.get(type(v)) for v in fields.values()]
    if len(_fields_cache) >= _FIELDS_CACHE_MAX:
        return False
    f = False
    if keys and len(keys) <= 64 and all(kinds):
        fmt, env, params, checks, args = ['<'], {'_type': type, '_float': float, '_int': int, '_bool': bool}, [], [], []
        for i, (k, (code, type_byte, tname)) in enumerate(zip(keys, kinds)):
            const = (_U32(len(keys)) if i == 0 else b'') + _key(k) + type_byte
            fmt.append(f'{len(const)}s{code}')
            env[f'_c{i}'] = const
            params.append(f'v{i}')
            checks.append(f'_type(v{i}) is _{tname}')
            args += [f'_c{i}', f'v{i}']
        env['_p'] = struct.Struct(''.join(fmt)).pack
        defaults = ', '.join(f'{name}={name}' for name in env)
        src = (f"def fields_packer({', '.join(params)}, *, {defaults}):\n"
               f"    if {' and '.join(checks)}:\n"
               f"        return _p({', '.join(args)})\n")
        exec(src, env)  # only generated names and constants, no user text in the source
        f = env['fields_packer']
    _fields_cache[keys] = f
    return f


def _pack_fields(fields, field_types):
    """The packed field count and fields, every type (the general path)."""
    out = bytearray(b'\0\0\0\0')
    n = 0
    for k, v in fields.items():
        n += _field(k, v, field_types, out)
    out[0:4] = _U32(n)
    return bytes(out)


def _convert_timestamp(timestamp, precision=DEFAULT_WRITE_PRECISION):
    """An integer timestamp in ``precision`` (as the seed converts times; ints as given)."""
    date_helper = get_date_helper()
    if isinstance(timestamp, Integral):
        return timestamp  # assume precision is correct if timestamp is int

    if isinstance(timestamp, str):
        timestamp = date_helper.parse_date(timestamp)

    if isinstance(timestamp, timedelta) or isinstance(timestamp, datetime):

        if isinstance(timestamp, datetime):
            timestamp = date_helper.to_utc(timestamp) - EPOCH

        ns = date_helper.to_nanoseconds(timestamp)

        if precision is None or precision == WritePrecision.NS:
            return ns
        elif precision == WritePrecision.US:
            return ns / 1e3
        elif precision == WritePrecision.MS:
            return ns / 1e6
        elif precision == WritePrecision.S:
            return ns / 1e9

    raise ValueError(timestamp)

