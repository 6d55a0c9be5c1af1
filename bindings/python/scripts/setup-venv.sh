#!/usr/bin/env bash
# Create (idempotently) the Python test venv of the binding under ~/.cache/influxdb-client-c:
# pytest, pandas and numpy (the binding's optional extras), and the seed influxdb-client
# 1.50.0 (the benchmark's baseline and the source of the seed's own test files). pip's cache
# lives there too, so a second run installs from the cache without the network.
#
#   bindings/python/scripts/setup-venv.sh        # prints the venv's python on the last line
set -euo pipefail
cache="${HOME}/.cache/influxdb-client-c"
venv="${INFLUX_PY_VENV:-${cache}/venv-py}"
export PIP_CACHE_DIR="${cache}/pip"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# the packages and versions the tests and the benchmark run with
reqs=(pytest==9.2.0 numpy==2.3.5 pandas==2.3.3 influxdb-client==1.50.0 setuptools==80.9.0 wheel==0.45.1)
stamp="${venv}/.influx-py-reqs"
if [[ -x "${venv}/bin/python" && -f "${stamp}" && "$(cat "${stamp}")" == "${reqs[*]}" ]]; then
    echo "${venv}/bin/python"
    exit 0
fi
python3 -m venv "${venv}" >&2
"${venv}/bin/python" -m pip install -q "${reqs[@]}" >&2
echo "${reqs[*]}" > "${stamp}"
echo "${venv}/bin/python"
