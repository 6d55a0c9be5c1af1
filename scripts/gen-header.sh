#!/usr/bin/env bash
# Generate include/influxdb_client.h with a pinned cbindgen (installed once into ~/.cache).
#   scripts/gen-header.sh           regenerate the header
#   scripts/gen-header.sh --verify  fail if the committed header is stale
set -euo pipefail
CBINDGEN_VERSION=0.29.4
root=$(cd "$(dirname "$0")/.." && pwd)
tools="${HOME}/.cache/influxdb-client-c/tools/cbindgen-${CBINDGEN_VERSION}"
cbindgen="${tools}/bin/cbindgen"
if ! "${cbindgen}" --version >/dev/null 2>&1; then
    echo "installing cbindgen ${CBINDGEN_VERSION} into ${tools} (once)" >&2
    mkdir -p "${tools}"
    flock "${tools}.lock" cargo install --quiet --locked --root "${tools}" cbindgen --version "${CBINDGEN_VERSION}"
fi
cd "${root}"
if [ "${1:-}" = "--verify" ]; then
    if ! "${cbindgen}" --quiet --config cbindgen.toml --crate influxdb-client-c --verify --output include/influxdb_client.h; then
        echo "include/influxdb_client.h is stale: run scripts/gen-header.sh and commit it" >&2
        exit 1
    fi
    echo "header up to date: include/influxdb_client.h"
else
    "${cbindgen}" --quiet --config cbindgen.toml --crate influxdb-client-c --output include/influxdb_client.h
    echo "generated include/influxdb_client.h"
fi
