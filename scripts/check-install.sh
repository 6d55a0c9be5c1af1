#!/usr/bin/env bash
# Install into a temporary prefix and build a downstream project with find_package() and
# with pkg-config, against the shared and the static library; run each program.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${root}/build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/influxdb-client-install.XXXXXX")
trap 'rm -rf "${tmp}"' EXIT
cmake --install "${build}" --prefix "${tmp}/prefix" >/dev/null
test -L "${tmp}/prefix/lib/libinfluxdb_client.so.0"
version=$(sed -n "s/^version = \"\(.*\)\"/\1/p" "${root}/Cargo.toml" | head -1)
readelf -d "${tmp}/prefix/lib/libinfluxdb_client.so.${version}" | grep -q 'SONAME.*libinfluxdb_client.so.0'
cmake -S "${root}/tests/cmake-consumer" -B "${tmp}/consumer" -DCMAKE_PREFIX_PATH="${tmp}/prefix" >/dev/null
cmake --build "${tmp}/consumer" >/dev/null
LD_LIBRARY_PATH="${tmp}/prefix/lib" "${tmp}/consumer/consumer"
"${tmp}/consumer/consumer_static"
PKG_CONFIG_PATH="${tmp}/prefix/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR= \
    sh -c 'cc -Wall -Wextra -Werror "$1" $(pkg-config --cflags --libs influxdb_client) -o "$2"' _ \
    "${root}/tests/cmake-consumer/main.c" "${tmp}/pc-consumer"
LD_LIBRARY_PATH="${tmp}/prefix/lib" "${tmp}/pc-consumer"
# C++: influxdb_client::cxx from the installed package, and through add_subdirectory
cmake -S "${root}/bindings/cpp/tests/consumer" -B "${tmp}/cxx-consumer" -DCMAKE_PREFIX_PATH="${tmp}/prefix" >/dev/null
cmake --build "${tmp}/cxx-consumer" >/dev/null
LD_LIBRARY_PATH="${tmp}/prefix/lib" "${tmp}/cxx-consumer/cxx_consumer"
cmake -S "${root}/bindings/cpp/tests/consumer" -B "${tmp}/cxx-subdir" -DINFLUXDB_CLIENT_SOURCE_DIR="${root}" \
    -DINFLUXDB_CLIENT_CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/influxdb-client-c/target}" >/dev/null
cmake --build "${tmp}/cxx-subdir" >/dev/null
"${tmp}/cxx-subdir/cxx_consumer"
# the Go binding's default build (#cgo pkg-config: influxdb_client) against the installed
# shared library: the influx package's tests (module cache as scripts/test-go.sh keeps it)
# Go's build cache keeps a cgo package's linker flags from pkg-config without keying them
# on the -L path pkg-config resolved: this check installs to a fixed place and uses a build
# cache of its own, so every cached build it finds was made against that same place.
go_check="${CARGO_TARGET_DIR:-${HOME}/.cache/influxdb-client-c/target}/install-check-go"
go_prefix="${go_check}/prefix"
rm -rf "${go_prefix}"
mkdir -p "${go_prefix}"
cp -a "${tmp}/prefix/." "${go_prefix}/"
(
    cd "${root}/bindings/go"
    unset CGO_LDFLAGS
    export GOCACHE="${go_check}/gocache"
    export GOMODCACHE="${INFLUX_GO_MODCACHE:-${HOME}/.cache/influxdb-client-c/go-mod}" GOFLAGS="${GOFLAGS:-} -mod=readonly"
    PKG_CONFIG_PATH="${go_prefix}/lib/pkgconfig" LD_LIBRARY_PATH="${go_prefix}/lib" \
        go test -count=1 -short ./influx
    PKG_CONFIG_PATH="${go_prefix}/lib/pkgconfig" go test -c -o "${tmp}/go-pc.test" ./influx
    readelf -d "${tmp}/go-pc.test" | grep -q 'NEEDED.*libinfluxdb_client.so.0'
)
echo "install check: find_package (shared, static), pkg-config (C and Go) and C++ (find_package, add_subdirectory) consumers work"
