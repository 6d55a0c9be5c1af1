"""Build step of `pip install bindings/python`: put libinfluxdb_client.so into the package.

INFLUXDB_CLIENT_LIB=/path/to/libinfluxdb_client.so takes an installed library as it is;
otherwise the library is built from this checkout with `cargo build --release --lib`
(CARGO_TARGET_DIR is honoured).
"""
import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        lib = os.environ.get("INFLUXDB_CLIENT_LIB")
        if not lib:
            if not os.path.exists(os.path.join(ROOT, "Cargo.toml")):
                raise SystemExit("influxdb-client-c: no Cargo.toml at %s; set INFLUXDB_CLIENT_LIB to an installed "
                                 "libinfluxdb_client.so" % ROOT)
            target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
            subprocess.check_call(["cargo", "build", "--release", "--lib", "--manifest-path",
                                   os.path.join(ROOT, "Cargo.toml")])
            lib = os.path.join(target, "release", "libinfluxdb_client.so")
        dest = os.path.join(self.build_lib, "influxdb_client_c", "libinfluxdb_client.so")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(lib, dest)


setup(cmdclass={"build_py": BuildWithLibrary})
