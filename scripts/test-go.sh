#!/usr/bin/env bash
# The Go binding's tests (bindings/go): go vet (both builds of the benchmark), go test -race
# against the real InfluxDB 2.x, and the -short tests under GOEXPERIMENT=cgocheck2.
# scripts/test.sh runs it with its server; alone it starts one unless INFLUXDB_V2_URL is set.
#
#   scripts/test-go.sh
#
# The static library of `cargo build --release` (target/release of CARGO_TARGET_DIR) is
# linked with -tags influx_static; the default build finds an installed library with
# pkg-config. The module cache (upstream influxdb-client-go v2 and its dependencies, pinned
# by go.sum) lives under ~/.cache: downloaded once, a no-op when present.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "${root}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/influxdb-client-c/target}"
export PATH="${HOME}/.cargo/bin:${PATH}"
cargo build --release --lib --quiet
if [ -z "${INFLUXDB_V2_URL:-}" ]; then
    scripts/influxdb.sh build
    eval "$(scripts/influxdb.sh start)"
    trap 'scripts/influxdb.sh stop "${INFLUXDB_TEST_INSTANCE}" >/dev/null 2>&1 || true' EXIT
fi
cd bindings/go
export CGO_ENABLED=1 CGO_LDFLAGS="-L${CARGO_TARGET_DIR}/release" INFLUX_GO_REQUIRE_SERVER=1
export GOMODCACHE="${INFLUX_GO_MODCACHE:-${HOME}/.cache/influxdb-client-c/go-mod}"
# -mod=readonly: fail on a go.mod/go.sum that does not cover the build
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
go mod download
go vet -tags influx_static ./...
go vet -tags upstream ./internal/bench
go test -race -tags influx_static -count=1 -timeout 15m ./...
# pointer passing checked at every cgo call (the million-point tests skipped: -short)
GOEXPERIMENT=cgocheck2 go test -short -tags influx_static -count=1 -timeout 10m ./...
