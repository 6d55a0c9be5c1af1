"""Loading libinfluxdb_client.so and declaring its functions from the generated _cdefs.

The library is looked for in this order: the file named by INFLUXDB_CLIENT_LIB, the copy
installed beside this package by `pip install bindings/python`, then the system's loader
path (an installed libinfluxdb_client.so.0).
"""
import ctypes
import os

from . import _cdefs as C

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load():
    tried = []
    env = os.environ.get("INFLUXDB_CLIENT_LIB")
    candidates = [env] if env else []
    candidates += [os.path.join(_HERE, "libinfluxdb_client.so"), "libinfluxdb_client.so.0",
                   "libinfluxdb_client.so"]
    for path in candidates:
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path}: {e}")
    raise ImportError("influxdb_client_c: cannot load libinfluxdb_client.so (set INFLUXDB_CLIENT_LIB "
                      "to its path, or pip install bindings/python to build it):\n  " + "\n  ".join(tried))


lib = _load()
for _name, (_res, _args) in C.FUNCTIONS.items():
    try:
        _f = getattr(lib, _name)
    except AttributeError as _e:  # a library older than the header
        raise ImportError(f"influxdb_client_c: {_name} missing from the loaded library "
                          f"({_e}); rebuild it from this checkout") from None
    _f.restype = _res
    _f.argtypes = _args

# influx_point_to_line_protocol's char **out must stay a raw pointer (freed with
# influx_string_free), not a converted bytes object.
lib.influx_point_to_line_protocol.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                                              ctypes.POINTER(ctypes.c_size_t)]
lib.influx_string_free.argtypes = [ctypes.c_void_p]
# influx_lines_data returns a pointer into the buffer that is NOT NUL-terminated
lib.influx_lines_data.restype = ctypes.c_void_p


def last_error():
    """(message, http_status, server_message) of the last failed call on this thread."""
    return (lib.influx_last_error_message().decode("utf-8", "replace"),
            lib.influx_last_http_status(),
            lib.influx_last_server_message().decode("utf-8", "replace"))


def strerror(rc):
    return lib.influx_strerror(rc).decode()


def lines_text(lines):
    """The complete lines of an influx_lines buffer as bytes."""
    n = ctypes.c_size_t()
    p = lib.influx_lines_data(lines, ctypes.byref(n))
    return ctypes.string_at(p, n.value) if p else b""
