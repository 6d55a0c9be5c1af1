"""The ctypes declarations are generated from the header and must be current."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def test_generated_ctypes_declarations_match_the_header():
    gen = os.path.join(HERE, "..", "scripts", "gen_cdefs.py")
    r = subprocess.run([sys.executable, gen, "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_every_header_function_is_declared_and_loaded():
    from influxdb_client_c import _cdefs
    from influxdb_client_c._lib import lib
    import re
    with open(os.path.join(HERE, "..", "..", "..", "include", "influxdb_client.h")) as f:
        header = f.read()
    names = set(re.findall(r"\b(influx_\w+)\(", re.sub(r"/\*.*?\*/", "", header, flags=re.S)))
    assert names == set(_cdefs.FUNCTIONS)
    for n in names:
        assert getattr(lib, n).argtypes is not None
