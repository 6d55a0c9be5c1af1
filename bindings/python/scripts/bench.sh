#!/usr/bin/env bash
# The Python binding against the seed (influxdb-client 1.50.0), same user code, same run:
#   bindings/python/scripts/bench.sh [--n N] [--sink-only] [--modes points,points1k,lp,lpbytes,dataframe,query]
# Starts a throwaway InfluxDB 2.x (scripts/influxdb.sh) unless --sink-only; prints a line per
# case and the ratios (README "Python" and BENCHMARKS.md "Python binding" quote its output).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "${here}/../.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/influxdb-client-c/target}"
py=$("${here}/scripts/setup-venv.sh" | tail -1)
(cd "${root}" && cargo build --release --lib --quiet)
export INFLUXDB_CLIENT_LIB="${CARGO_TARGET_DIR}/release/libinfluxdb_client.so"
if [[ " $* " != *" --sink-only "* ]]; then
    eval "$("${root}/scripts/influxdb.sh" start)"
    trap '"${root}/scripts/influxdb.sh" stop "${INFLUXDB_TEST_INSTANCE}" >/dev/null 2>&1 || true' EXIT
fi
"${py}" "${here}/bench/bench.py" all "$@"
