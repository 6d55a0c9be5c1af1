"""QueryApi: the seed's query API over the C query cursor (influx_query_open/next/get_cells).

The C library sends the request, reads the annotated CSV and converts each cell; this module
builds the seed's FluxTable / FluxRecord objects from the converted cells (one C call per
batch of records: influx_query_next_records) and DataFrames from them.
"""

import ctypes
import json
import queue
import struct
import threading
from datetime import datetime, timedelta, timezone
from typing import List, Generator, Any

from influxdb_client_c import _cdefs as C
from influxdb_client_c._lib import lib, last_error
from influxdb_client_c.client._c import error_from, to_bytes
from influxdb_client_c.client.exceptions import FluxQueryException, FluxCsvParserException
from influxdb_client_c.client.flux_table import FluxTable, FluxColumn, FluxRecord, TableList, CSVIterator
from influxdb_client_c.client.util import date_utils
from influxdb_client_c.client.util.date_utils import get_date_helper
from influxdb_client_c.client.warnings import MissingPivotFunction


class QueryOptions(object):
    """Query options: Flux profilers and their callback."""

    def __init__(self, profilers: List[str] = None, profiler_callback=None) -> None:
        """Initialize query options.

        :param profilers: list of enabled flux profilers
        :param profiler_callback: callback function return profilers (FluxRecord)
        """
        self.profilers = profilers
        self.profiler_callback = profiler_callback


class Dialect(object):
    """The CSV dialect of query_csv/query_raw (the seed's Dialect model)."""

    def __init__(self, header=True, delimiter=",", annotations=None, comment_prefix="#",
                 date_time_format="RFC3339"):
        """Initialize defaults."""
        self.header = header
        self.delimiter = delimiter
        self.annotations = annotations if annotations is not None else ["datatype", "group", "default"]
        self.comment_prefix = comment_prefix
        self.date_time_format = date_time_format


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


# ------------------------------------------------------------------ params (seed _parm_to_extern_ast)

def _ast(value):
    if hasattr(value, "to_dict") and not isinstance(value, (str, bytes)):
        return value.to_dict()
    if isinstance(value, bool):
        return {"type": "BooleanLiteral", "value": value}
    if isinstance(value, int):
        return {"type": "IntegerLiteral", "value": str(value)}
    if isinstance(value, float):
        return {"type": "FloatLiteral", "value": value}
    if isinstance(value, datetime):
        h = get_date_helper()
        v = h.to_utc(value)
        return {"type": "DateTimeLiteral", "value": v.strftime('%Y-%m-%dT%H:%M:%S.%f') + "000Z"}
    if isinstance(value, timedelta):
        us = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
        lit = {"type": "DurationLiteral", "values": [{"magnitude": abs(us), "unit": "us"}]}
        return lit if us >= 0 else {"type": "UnaryExpression", "operator": "-", "argument": lit}
    if isinstance(value, str):
        return {"type": "StringLiteral", "value": value}
    if isinstance(value, dict):
        return value
    try:
        return {"type": "ArrayExpression", "elements": [_ast(v) for v in value]}
    except TypeError:
        return {"type": "StringLiteral", "value": str(value)}


def _params(params, profilers):
    if not params and not profilers:
        return None
    p = lib.influx_query_params_new()
    try:
        for name, value in (params or {}).items():
            n = to_bytes(name)
            if isinstance(value, bool):
                rc = lib.influx_query_params_set_bool(p, n, value)
            elif isinstance(value, int) and -2 ** 63 <= value < 2 ** 63:
                rc = lib.influx_query_params_set_i64(p, n, value)
            elif isinstance(value, float):
                rc = lib.influx_query_params_set_f64(p, n, value)
            elif isinstance(value, str):
                rc = lib.influx_query_params_set_str(p, n, value.encode())
            elif isinstance(value, datetime):
                h = get_date_helper()
                rc = lib.influx_query_params_set_time_ns(p, n, h.to_nanoseconds(h.to_utc(value) - _EPOCH))
            elif isinstance(value, timedelta):
                rc = lib.influx_query_params_set_duration_ns(p, n, get_date_helper().to_nanoseconds(value))
            else:
                rc = lib.influx_query_params_set_ast(p, n, json.dumps(_ast(value)).encode())
            if rc:
                raise error_from(rc)
        if profilers:
            arr = (ctypes.c_char_p * len(profilers))(*[to_bytes(x) for x in profilers])
            rc = lib.influx_query_params_set_profilers(p, arr, len(profilers))
            if rc:
                raise error_from(rc)
        return p
    except BaseException:
        lib.influx_query_params_free(p)
        raise


# ------------------------------------------------------------------ the cursor

class _Cursor:
    """One open C query; iterate ``events()``."""

    q = None
    _closing = False
    _reader_stop = None  # (stop event, free queue) while a read-ahead thread owns the query

    def __init__(self, client, org, query, params, profilers, raw_dialect=None):
        self._lock = threading.Lock()
        p = _params(params, profilers)
        q = ctypes.c_void_p()
        try:
            if raw_dialect is None:
                rc = lib.influx_query_open(client._handle(), to_bytes(org), to_bytes(query), p, ctypes.byref(q))
            else:
                d = C.influx_dialect()
                lib.influx_dialect_init(ctypes.byref(d))
                d.header = bool(raw_dialect.header)
                d.delimiter = (raw_dialect.delimiter or ",").encode()[:1]
                bits = 0
                for a in raw_dialect.annotations or []:
                    bits |= {"datatype": C.INFLUX_ANNOTATION_DATATYPE, "group": C.INFLUX_ANNOTATION_GROUP,
                             "default": C.INFLUX_ANNOTATION_DEFAULT}.get(a, 0)
                d.annotations = bits
                self._dtf = to_bytes(raw_dialect.date_time_format or "RFC3339")
                d.date_time_format = self._dtf
                rc = lib.influx_query_open_raw(client._handle(), to_bytes(org), to_bytes(query), p,
                                               ctypes.byref(d), ctypes.byref(q))
        finally:
            if p:
                lib.influx_query_params_free(p)
        if rc:
            raise error_from(rc)
        self.q = q

    def close(self):
        """End the request. With a read-ahead thread running, it is told to stop and closes
        the query itself when its current C call returns (see _events)."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ failed before the query was opened
            return
        with lock:
            self._closing = True
            if self._reader_stop is not None:
                stop, free = self._reader_stop
                stop.set()
                free.put(None)
                return
            q, self.q = self.q, None
        if q:
            lib.influx_query_close(q)

    def __del__(self):
        self.close()

    def _fail(self, rc):
        if rc == C.INFLUX_ERR_QUERY:
            msg, ref = ctypes.c_char_p(), ctypes.c_char_p()
            lib.influx_query_error(self.q, ctypes.byref(msg), ctypes.byref(ref))
            raise FluxQueryException(message=(msg.value or b"").decode("utf-8", "replace"),
                                     reference=(ref.value or b"").decode("utf-8", "replace"))
        if rc == C.INFLUX_ERR_PARSE:
            raise FluxCsvParserException(last_error()[0])
        raise error_from(rc)

    def read_raw(self, n=65536):
        buf = ctypes.create_string_buffer(n)
        got = ctypes.c_size_t()
        rc = lib.influx_query_read_raw(self.q, buf, n, ctypes.byref(got))
        if rc:
            self._fail(rc)
        return buf.raw[:got.value]

    def _fetcher(self):
        """A function (buffer or None) -> one event of the C cursor: ("table", FluxTable, types,
        index, new_block, buffer), ("records", buffer, n_records, n_strings, max_records: the
        string table's place), ("end",) or ("error", exception) — everything a consumer needs, read on the calling thread (C errors are
        per thread). One record larger than the buffer gets a larger buffer."""
        q = self.q
        n_rec, n_str, ev = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_int()
        refs = (ctypes.byref(n_rec), ctypes.byref(n_str), ctypes.byref(ev))
        nxt = lib.influx_query_next_records
        state = {"size": 0, "cap": _BATCH_BYTES}

        def max_records(cap):
            size = state["size"]
            return min(_BATCH_RECORDS, cap // (2 * size)) if size else 1

        def fetch(buf):
            try:
                while True:
                    if buf is None or ctypes.sizeof(buf) < state["cap"]:
                        buf = (ctypes.c_uint64 * (state["cap"] // 8))()
                    max_rec = max_records(ctypes.sizeof(buf))
                    rc = nxt(q, buf, ctypes.sizeof(buf), max_rec, *refs)
                    if rc:
                        if (rc == C.INFLUX_ERR_INVALID_ARG and "does not fit" in last_error()[0]
                                and state["cap"] < _MAX_BATCH_BYTES):
                            state["cap"] *= 4  # one record larger than the buffer (it is kept)
                            continue
                        self._fail(rc)
                    e = ev.value
                    if e == C.INFLUX_QUERY_END:
                        return ("end",)
                    if e == C.INFLUX_QUERY_TABLE:
                        t = lib.influx_query_table(q)
                        n = lib.influx_table_column_count(t)
                        table = FluxTable()
                        types = []
                        for i in range(n):
                            types.append(lib.influx_table_column_type(t, i))
                            table.columns.append(FluxColumn(
                                index=i, label=lib.influx_table_column_name(t, i).decode(),
                                data_type=lib.influx_table_column_datatype(t, i).decode(),
                                group=bool(lib.influx_table_column_is_group(t, i)),
                                default_value=lib.influx_table_column_default(t, i).decode()))
                        state["size"] = 8 * (max(1, (n + 63) // 64) + n)
                        state["cap"] = max(state["cap"], 2 * state["size"])
                        return ("table", table, types, lib.influx_table_index(t),
                                bool(lib.influx_table_new_block(t)), buf)
                    return ("records", buf, n_rec.value, n_str.value, max_rec)
            except Exception as e:  # noqa: BLE001 - handed to the consumer, raised there
                return ("error", e)
        return fetch

    def _events(self):
        """The cursor's events (see _fetcher). The first 1,024 records are read here; from then on
        a thread reads ahead (the C call runs without the GIL while the records of the batch
        before it are built), at most two batches ahead. While it runs, the thread owns the C
        query: a consumer that stops (close(), garbage collection) only tells it to stop, and
        the thread closes the query when its current call returns — so closing never waits
        for a slow answer, and the query is never used by two threads."""
        fetch = self._fetcher()
        buf = None
        seen = 0
        while True:
            item = fetch(buf)
            yield item
            kind = item[0]
            if kind in ("end", "error"):
                return
            buf = item[5] if kind == "table" else item[1]
            if kind == "records":
                seen += item[2]
                if seen >= _READ_AHEAD_AFTER:
                    break
        free, ready = queue.SimpleQueue(), queue.Queue(maxsize=2)
        stop = threading.Event()

        def read_ahead():
            try:
                b = buf
                while not stop.is_set():
                    it = fetch(b)
                    while not stop.is_set():
                        try:
                            ready.put(it, timeout=0.05)
                            break
                        except queue.Full:
                            continue
                    if it[0] in ("end", "error"):
                        return
                    b = free.get()  # the buffer of a batch the consumer is done with
                    if b is None:
                        return
            finally:
                with self._lock:
                    self._reader_stop = None
                    if self._closing:  # the consumer closed while this thread read
                        q, self.q = self.q, None
                        if q:
                            lib.influx_query_close(q)

        for _ in range(2):
            free.put((ctypes.c_uint64 * (ctypes.sizeof(buf) // 8))())
        with self._lock:
            if self._closing:
                return
            self._reader_stop = (stop, free)
        threading.Thread(target=read_ahead, name="influxdb_client_c query read-ahead", daemon=True).start()
        try:
            last = None
            while True:
                item = ready.get()
                if last is not None:
                    free.put(last)
                yield item
                kind = item[0]
                if kind in ("end", "error"):
                    return
                last = item[5] if kind == "table" else item[1]
        finally:
            stop.set()
            free.put(None)

    def records(self, on_table=None):
        """Yield (FluxTable, FluxRecord) per record.

        Records come many per C call (influx_query_next_records): per record a null mask and
        one 8-byte slot per column, then the call's string table (texts, RFC 3339 times and
        bytes, each once per call). A record is built from one ``struct.iter_unpack`` tuple."""
        helper = get_date_helper()
        parse_time = _time_parser(helper)
        text_cache = {}
        build = slow = None
        table = None
        size = 0
        iter_unpack, unpack_len = struct.iter_unpack, _U32.unpack_from
        for item in self._events():
            kind = item[0]
            if kind == "end":
                return
            if kind == "error":
                raise item[1]
            if kind == "table":
                _, table, types, index, new_block, _buf = item
                n = len(types)
                words = max(1, (n + 63) // 64)
                size = 8 * (words + n)
                labels = [c.label for c in table.columns]
                fmt, build, slow = _row_builder(types, words, labels, index)
                if on_table is not None:
                    on_table(index, table, new_block)
                continue
            _, buf, n_rec, n_str, max_rec = item
            mv = memoryview(buf).cast("B")
            # the call's string table (after max_rec records): texts, times (converted once
            # per call) and bytes
            strs = []
            append = strs.append
            o = max_rec * size
            region = n_rec * size
            for _ in range(n_str):
                w = unpack_len(mv, o)[0]
                ln = w & 0x3FFFFFFF
                b = mv[o + 4:o + 4 + ln]
                o += 4 + ln
                kind = w >> 30
                if kind == 0:
                    b = bytes(b)
                    s_ = text_cache.get(b)
                    if s_ is None:
                        s_ = b.decode("utf-8", "replace")
                        if len(text_cache) < 4096:
                            text_cache[b] = s_
                    append(s_)
                elif kind == 1:
                    append(parse_time(str(b, "ascii")))
                else:
                    append(bytes(b))
            for tup in iter_unpack(fmt, mv[:region]):
                yield table, (slow(tup, strs) if tup[0] else build(tup, strs))
            del mv


_BATCH_BYTES = 1 << 18          # one C call fills up to this much
_MAX_BATCH_BYTES = 1 << 30      # a record larger than this is an error
_BATCH_RECORDS = 1024           # records per call at most
_READ_AHEAD_AFTER = _BATCH_RECORDS  # records read before a thread reads ahead (a long answer)
_U32 = struct.Struct("<I")
_SLOT = {  # struct code of the 8-byte slot per column type
    C.INFLUX_COL_DOUBLE: "d", C.INFLUX_COL_LONG: "q", C.INFLUX_COL_ULONG: "Q", C.INFLUX_COL_BOOL: "?7x",
    C.INFLUX_COL_TIME: "Q", C.INFLUX_COL_DURATION: "q", C.INFLUX_COL_STRING: "Q", C.INFLUX_COL_BYTES: "Q",
    C.INFLUX_COL_UNKNOWN: "Q",
}
# the columns whose slot is an index into the string table (times: their converted value)
_INDEXED = (C.INFLUX_COL_STRING, C.INFLUX_COL_TIME, C.INFLUX_COL_BYTES)


def _row_builder(types, words, labels, index):
    """The struct format of a record, and two functions (tuple, strings) -> FluxRecord (its
    ``values`` and ``row``): one for a record without nulls (a dict display with the labels
    as constant keys, generated per table), one that looks at the null mask."""
    fmt = "<" + "Q" * words + "".join(_SLOT.get(ty, "Q") for ty in types)
    n = len(types)
    exprs = []
    for j, ty in enumerate(types):
        k = words + j
        if ty in _INDEXED:
            exprs.append(f"S[t[{k}]]")
        elif ty in _SLOT and ty != C.INFLUX_COL_UNKNOWN:
            exprs.append(f"t[{k}]")
        else:
            exprs.append("None")  # a datatype the seed does not know: None
    ns = {"R": FluxRecord, "I": index, "L": labels, "new": object.__new__}
    if len(set(labels)) == n:
        # FluxRecord.__init__ skipped: table and values set, row left to be built when read
        keys = ", ".join(f"{lab!r}: {e}" for lab, e in zip(labels, exprs))
        src = (f"def build(t, S):\n    r = new(R)\n    r.table = I\n"
               f"    r.values = {{{keys}}}\n    return r\n")
    else:  # a label twice: values as dict(zip()) makes them (the last value wins)
        src = (f"def build(t, S):\n    row = [{', '.join(exprs)}]\n    r = R(I, dict(zip(L, row)))\n"
               f"    r.row = row\n    return r\n")
    exec(src, ns)  # noqa: S102 - a generated dict display, as namedtuple generates code
    build = ns["build"]
    kinds = [2 if ty in _INDEXED else (1 if ty in _SLOT and ty != C.INFLUX_COL_UNKNOWN else 0) for ty in types]

    def slow(t, S):
        row = [None] * n
        for j in range(n):
            if (t[j >> 6] >> (j & 63)) & 1:
                continue
            kind = kinds[j]
            if kind == 2:
                row[j] = S[t[words + j]]
            elif kind == 1:
                row[j] = t[words + j]
        r = FluxRecord(index, dict(zip(labels, row)))
        r.row = row
        return r
    return fmt, build, slow


def _time_parser(helper):
    """RFC 3339 text (9 fraction digits, Z) -> the seed's value: the date helper's parse_date
    (datetime.fromisoformat, ciso8601 or a user's helper, e.g. pandas Timestamps)."""
    parse = helper.parse_date
    if type(helper) is date_utils.DateHelper and getattr(parse, "__name__", "") == "parse":
        # dateutil (Python < 3.11 without ciso8601): the same datetime, read directly
        def fixed(text):
            return datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                            int(text[14:16]), int(text[17:19]), int(text[20:26]), tzinfo=timezone.utc)
        return fixed
    return parse


class _RawResponse:
    """A raw query answer as a readable stream: ``read(n)``, ``data``, iteration, ``close()``."""

    def __init__(self, cursor):
        self._cursor = cursor
        self._buf = b""
        self._done = False

    def read(self, amt=None):
        if amt is None:
            out = [self._buf]
            self._buf = b""
            while not self._done:
                chunk = self._cursor.read_raw()
                if not chunk:
                    self._done = True
                    self._cursor.close()
                    break
                out.append(chunk)
            return b"".join(out)
        while len(self._buf) < amt and not self._done:
            chunk = self._cursor.read_raw()
            if not chunk:
                self._done = True
                self._cursor.close()
                break
            self._buf += chunk
        out, self._buf = self._buf[:amt], self._buf[amt:]
        return out

    @property
    def data(self):
        return self.read()

    def stream(self, amt=65536):
        while True:
            chunk = self.read(amt)
            if not chunk:
                return
            yield chunk

    def __iter__(self):
        for chunk in self.stream():
            yield from chunk.splitlines(keepends=True)

    def close(self):
        self._cursor.close()

    def release_conn(self):
        self.close()


class QueryApi(object):
    """Query Flux (the seed's QueryApi)."""

    default_dialect = Dialect(header=True, delimiter=",", comment_prefix="#",
                              annotations=["datatype", "group", "default"], date_time_format="RFC3339")

    def __init__(self, influxdb_client, query_options=QueryOptions()):
        """Initialize query client."""
        self._influxdb_client = influxdb_client
        self._query_options = query_options

    def _org(self, org):
        if org is None:
            return self._influxdb_client.org
        return getattr(org, "id", org)

    def _profilers(self):
        p = self._query_options.profilers if self._query_options else None
        return p if p is not None else getattr(self._influxdb_client, "profilers", None)

    def _cursor(self, query, org, params, dialect=None, dataframe=False):
        profilers = self._profilers()
        if profilers:  # the seed prints the query before its profiler results
            print("\n===============")
            print("Profiler: query")
            print("===============")
            print(query)
        if dataframe:
            MissingPivotFunction.print_warning(query)
        return _Cursor(self._influxdb_client, self._org(org), query, params, profilers, dialect)

    def _records(self, cursor, on_table=None):
        """(FluxTable, FluxRecord) per record; profiler results go to the profiler callback."""
        profilers = self._profilers()
        if not profilers:
            return cursor.records(on_table)
        return self._without_profilers(cursor.records(on_table))

    def _without_profilers(self, records):
        callback = self._query_options.profiler_callback if self._query_options else None
        for table, rec in records:
            if str(rec.values.get("_measurement", "")).startswith("profiler/"):
                if callback:
                    callback(rec)
                else:
                    _print_profiler(rec)
                continue
            yield table, rec

    def query_csv(self, query: str, org=None, dialect: Dialect = default_dialect, params: dict = None) -> CSVIterator:
        """The answer's CSV rows (lists of str), as the server sent them."""
        return CSVIterator(_RawResponse(self._cursor(query, org, params, dialect or self.default_dialect)))

    def query_raw(self, query: str, org=None, dialect=default_dialect, params: dict = None):
        """The raw answer: a readable stream (``.data`` for all of it, ``read(n)``, iteration)."""
        return _RawResponse(self._cursor(query, org, params, dialect or self.default_dialect))

    def query(self, query: str, org=None, params: dict = None) -> TableList:
        """The answer as a TableList of FluxTables (the whole result in memory)."""
        cursor = self._cursor(query, org, params)
        tables = TableList()
        try:
            for table, rec in self._records(cursor, lambda i, t, nb: tables.append(t)):
                table.records.append(rec)
        finally:
            cursor.close()
        if self._profilers():  # the seed leaves the profiler tables out
            return TableList(t for t in tables if not any(
                c.label == "result" and c.default_value == "_profiler" for c in t.columns))
        return tables

    def query_stream(self, query: str, org=None, params: dict = None) -> Generator['FluxRecord', Any, None]:
        """The answer's records one at a time (constant memory; the request ends when closed)."""
        cursor = self._cursor(query, org, params)

        def gen():
            try:
                for _table, rec in self._records(cursor):
                    yield rec
            finally:
                cursor.close()
        return gen()

    def query_data_frame(self, query: str, org=None, data_frame_index: List[str] = None, params: dict = None,
                         use_extension_dtypes: bool = False):
        """The answer as a DataFrame (a list of them for tables of different schemas)."""
        frames = list(self.query_data_frame_stream(query, org=org, data_frame_index=data_frame_index,
                                                   params=params, use_extension_dtypes=use_extension_dtypes))
        from influxdb_client_c.extras import pd
        if len(frames) == 0:
            return pd.DataFrame(columns=[], index=None)
        if len(frames) == 1:
            return frames[0]
        return frames

    def query_data_frame_stream(self, query: str, org=None, data_frame_index: List[str] = None,
                                params: dict = None, use_extension_dtypes: bool = False):
        """DataFrames, a new one at each table with its own annotations (the seed's split)."""
        from influxdb_client_c.extras import pd
        cursor = self._cursor(query, org, params, dataframe=True)
        state = {"rows": None, "labels": None, "new": False}

        def on_table(index, table, new_block):
            state["new"] = new_block

        def frame(rows, labels):
            df = pd.DataFrame(data=rows, columns=labels)
            if use_extension_dtypes:
                df = df.convert_dtypes()
            if data_frame_index:
                df = df.set_index(data_frame_index)
            return df

        def gen():
            try:
                for table, rec in self._records(cursor, on_table):
                    if state["new"] or state["rows"] is None:
                        if state["rows"] is not None:
                            yield frame(state["rows"], state["labels"])
                        state["rows"], state["labels"], state["new"] = [], [c.label for c in table.columns], False
                    state["rows"].append(rec.row)
                if state["rows"] is not None:
                    yield frame(state["rows"], state["labels"])
            finally:
                cursor.close()
        return gen()

    def __del__(self):
        """Nothing to release: each query closes its own request."""
        pass


def _print_profiler(rec):
    """A profiler record, printed as the seed prints it."""
    msg = "Profiler: " + rec.get_measurement()
    print("\n" + len(msg) * "=")
    print(msg)
    print(len(msg) * "=")
    for name in rec.values:
        val = rec[name]
        if isinstance(val, str) and len(val) > 50:
            print(f"{name:<20}: \n\n{val}")
        elif val is not None:
            print(f"{name:<20}: {val:<20}")


__all__ = ['QueryApi', 'QueryOptions', 'Dialect', 'FluxQueryException']
