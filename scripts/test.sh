#!/usr/bin/env bash
# Run every test of the project against a real InfluxDB 2.x on loopback.
# This is the README's test command and what CI runs (.ci/run calls exactly this).
#
#   scripts/test.sh
#
# Steps: build/cache influxd (scripts/influxdb.sh build), check the generated header and
# CONFIGURATION.md are current, rustfmt + clippy, start one server for the whole run, cargo tests (unit,
# faulty-server, real-server, TLS, proxy, and the fuzz harness for INFLUX_FUZZ_SECONDS per
# target), the Go binding (go vet, go test -race), C tests through the header with CMake/ctest, the
# Python binding's pytest suite (bindings/python/scripts/test.sh), the same C tests under valgrind
# memcheck (installed here if missing) and under AddressSanitizer + UBSan, then stop the server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "${root}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/influxdb-client-c/target}"
export PATH="${HOME}/.cargo/bin:${PATH}"
jobs=$(nproc 2>/dev/null || echo 2)
t0=$(date +%s)
step() { printf '\n==> %s (+%ss)\n' "$*" "$(( $(date +%s) - t0 ))"; }

step "tools: valgrind (memcheck), clang++ (C++ header check) — installed once if missing"
missing=()
command -v valgrind >/dev/null || missing+=(valgrind)
command -v clang++ >/dev/null || missing+=(clang)
if ((${#missing[@]})); then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "InfluxDB 2.x server binary"
scripts/influxdb.sh build

step "generated files are current"
scripts/gen-header.sh --verify
cargo run --quiet --bin gen-config-doc > "${CARGO_TARGET_DIR}/CONFIGURATION.md.new"
if ! diff -u CONFIGURATION.md "${CARGO_TARGET_DIR}/CONFIGURATION.md.new"; then
    echo "CONFIGURATION.md is stale: run 'cargo run --bin gen-config-doc > CONFIGURATION.md'" >&2
    exit 1
fi
echo "CONFIGURATION.md up to date"

step "lint: rustfmt, clippy (warnings are errors)"
cargo fmt --check
cargo clippy --release --all-targets --quiet -- -D warnings

step "start InfluxDB 2.x"
eval "$(scripts/influxdb.sh start)"
trap 'scripts/influxdb.sh stop "${INFLUXDB_TEST_INSTANCE}" >/dev/null 2>&1 || true' EXIT
echo "server ${INFLUXDB_TEST_VERSION} at ${INFLUXDB_V2_URL}"

step "cargo test (unit, faulty server, real server, TLS, proxy, fuzz harness)"
# tests/fuzz.rs runs each of its 4 targets for this many seconds after replaying its corpus
export INFLUX_FUZZ_SECONDS="${INFLUX_FUZZ_SECONDS:-5}"
cargo test --release --lib --bins --tests -- --test-threads="${jobs}"

step "Go binding: go vet, go test -race, cgocheck2 (bindings/go, against the real server)"
scripts/test-go.sh

step "C tests (ctest)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DINFLUXDB_CLIENT_CARGO_TARGET_DIR="${CARGO_TARGET_DIR}" >/dev/null
cmake --build build -j "${jobs}"
ctest --test-dir build --output-on-failure -j "${jobs}"

step "Python binding: pytest (the seed's unit tests + ours, real server, faulty server)"
bindings/python/scripts/test.sh

step "C tests under valgrind memcheck (Release build tree)"
tests/memcheck.sh build

step "install: find_package and pkg-config consumers"
scripts/check-install.sh build

step "C tests under AddressSanitizer + UBSan (ctest)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DINFLUXDB_CLIENT_SANITIZE=ON -DINFLUXDB_CLIENT_CARGO_TARGET_DIR="${CARGO_TARGET_DIR}" >/dev/null
cmake --build build-asan -j "${jobs}"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ctest --test-dir build-asan --output-on-failure -j "${jobs}"

step "all tests passed"
