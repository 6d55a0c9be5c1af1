#!/usr/bin/env bash
# The Python binding's tests (called by scripts/test.sh with a server running, or alone under
# `eval "$(scripts/influxdb.sh start)"`): builds the library, checks the generated ctypes
# declarations, installs the package with pip into a scratch directory (the library taken
# from INFLUXDB_CLIENT_LIB), then runs pytest (the seed's vendored unit tests plus ours,
# against the real InfluxDB) with warnings from our code as errors.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "${here}/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/influxdb-client-c/target}"
py=$("${here}/scripts/setup-venv.sh" | tail -1)
(cd "${root}" && cargo build --release --lib --quiet)
export INFLUXDB_CLIENT_LIB="${CARGO_TARGET_DIR}/release/libinfluxdb_client.so"
"${py}" "${here}/scripts/gen_cdefs.py" --check
scratch=$(mktemp -d)
trap 'rm -rf "${scratch}"' EXIT
PIP_CACHE_DIR="${HOME}/.cache/influxdb-client-c/pip" "${py}" -m pip install -q --no-deps --no-build-isolation \
    --target "${scratch}" "${here}" >/dev/null
(cd "${scratch}" && INFLUXDB_CLIENT_LIB= "${py}" -c "import influxdb_client_c, influxdb_client_c._lib as l; print('pip install ok:', l.lib._name)")
cd "${here}"
"${py}" -m pytest -q -p no:cacheprovider -W error::DeprecationWarning -W error::ResourceWarning tests "$@"
