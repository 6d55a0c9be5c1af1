#!/usr/bin/env bash
# Build, start, stop and query a throwaway InfluxDB 2.x server for integration tests.
#
#   scripts/influxdb.sh build                  build influxd once, cache it by version
#   scripts/influxdb.sh start [--watch-pid PID] start a fresh instance, print `export` lines
#   scripts/influxdb.sh stop [INSTANCE_DIR]     stop an instance (default $INFLUXDB_TEST_INSTANCE)
#   scripts/influxdb.sh query FLUX|-            run a Flux query, print annotated CSV
#   scripts/influxdb.sh path                    print the cached influxd path
#   scripts/influxdb.sh version                 print the pinned InfluxDB version
#
# Typical use:   eval "$(scripts/influxdb.sh start)"; ...; scripts/influxdb.sh stop
#
# No registry ships an influxd binary, so `build` compiles it from the InfluxDB Go module
# (Go module proxy), with libflux compiled by cargo (crates.io) through InfluxData's
# pkg-config wrapper. Everything is cached under ~/.cache/influxdb-client-c/
# (override with INFLUXDB_CLIENT_C_CACHE).
set -euo pipefail

# Pinned version. v2.7.12 (go 1.23, flux v0.196.1, pkg-config wrapper v0.2.14) builds with
# the local Go (GOTOOLCHAIN=local) and stable Rust once the two libflux traps below are
# worked around, so the newer v2.9.1 is not needed.
readonly INFLUXDB_VERSION="v2.7.12"
readonly INFLUXDB_MODULE="github.com/influxdata/influxdb/v2"
# Build tags used by InfluxDB's own GNUmakefile, minus `assets` (that one downloads the UI;
# without it the HTTP API is complete, there is just no UI).
readonly BUILD_TAGS="sqlite_foreign_keys,sqlite_json"

readonly TEST_USER="influx-test"
readonly TEST_PASSWORD="influx-test-password"
readonly TEST_ORG="test-org"
readonly TEST_BUCKET="test-bucket"
readonly TEST_TOKEN="test-token-influxdb-client-c-0123456789"

readonly HEALTH_TIMEOUT_S=60
readonly STOP_TIMEOUT_S=10
readonly START_ATTEMPTS=5

CACHE_DIR="${INFLUXDB_CLIENT_C_CACHE:-${HOME}/.cache/influxdb-client-c}"
BIN_DIR="${CACHE_DIR}/influxd-${INFLUXDB_VERSION}"
BIN="${BIN_DIR}/influxd"
BUILD_LOG="${CACHE_DIR}/build-${INFLUXDB_VERSION}.log"
SCRIPT_PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

info() { printf 'influxdb.sh: %s\n' "$*" >&2; }
die() {
    printf 'influxdb.sh: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,9p' "${SCRIPT_PATH}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# ---------------------------------------------------------------------------------------------
# Tools

# ensure_tools CMD:DEBIAN_PACKAGE... installs (apt) the packages whose command is missing.
ensure_tools() {
    local pair missing=()
    for pair in "$@"; do
        if [[ ${pair%%:*} == /* ]]; then
            [[ -e ${pair%%:*} ]] || missing+=("${pair#*:}")
        else
            command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
        fi
    done
    ((${#missing[@]} == 0)) && return 0
    command -v apt-get >/dev/null 2>&1 ||
        die "missing packages (${missing[*]}) and no apt-get to install them"
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || die "missing packages (${missing[*]}); need root or sudo"
        sudo=(sudo)
    fi
    info "installing missing packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2
}

ensure_runtime_tools() {
    ensure_tools curl:curl python3:python3 setsid:util-linux
}

binary_ok() {
    [[ -x ${BIN} ]] && "${BIN}" version >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------------------
# build

cmd_build() {
    if binary_ok; then
        echo "influxd ${INFLUXDB_VERSION} is cached: ${BIN}"
        return 0
    fi
    mkdir -p "${CACHE_DIR}"
    # Run in a subshell so the lock fd is never inherited by anything started later.
    (
        exec 9>"${CACHE_DIR}/build.lock"
        if ! flock -n 9; then
            info "another build of influxd is running; waiting for it (log: ${BUILD_LOG})"
            flock 9
        fi
        if binary_ok; then
            echo "influxd ${INFLUXDB_VERSION} is cached: ${BIN} (built by a concurrent run)"
            exit 0
        fi
        build_locked
    )
}

build_locked() {
    ensure_tools gcc:gcc /usr/include/stdio.h:libc6-dev pkg-config:pkg-config \
        /etc/ssl/certs/ca-certificates.crt:ca-certificates
    command -v go >/dev/null 2>&1 || die "go not found on PATH (need Go >= 1.23)"
    if ! command -v cargo >/dev/null 2>&1 && [[ -x ${HOME}/.cargo/bin/cargo ]]; then
        PATH="${HOME}/.cargo/bin:${PATH}"
    fi
    command -v cargo >/dev/null 2>&1 || die "cargo not found on PATH (need Rust >= 1.72 via rustup)"

    export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=1 GO111MODULE=on
    export GOFLAGS=-buildvcs=false
    export GOMODCACHE="${CACHE_DIR}/gomod"
    # Private build cache: the pkg-config wrapper also keeps its writable copy of the flux
    # sources, and with it cargo's target dir for libflux, under $GOCACHE/pkgconfig/.
    export GOCACHE="${CACHE_DIR}/go-build"
    # libflux: flux pins Rust 1.72 in rust-toolchain.toml; use the installed stable instead.
    export RUSTUP_TOOLCHAIN="${INFLUXDB_RUST_TOOLCHAIN:-stable}"
    # The wrapper expects cargo's output in libflux/target: do not let the caller move it.
    unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR CARGO_BUILD_TARGET
    mkdir -p "${GOMODCACHE}" "${GOCACHE}" "${CACHE_DIR}/tools" "${CACHE_DIR}/src"

    local start_s=${SECONDS}
    : >"${BUILD_LOG}"
    info "building influxd ${INFLUXDB_VERSION} (from cold caches: ~10-20 min on 2 cores); log: ${BUILD_LOG}"
    # (a subshell of its own, outside any `if`/`||`, so that `set -e` holds in build_steps)
    local rc=0
    set +e
    (
        set -e
        build_steps
    ) >>"${BUILD_LOG}" 2>&1
    rc=$?
    set -e
    if ((rc != 0)); then
        echo "---- last 60 lines of ${BUILD_LOG} ----" >&2
        tail -n 60 "${BUILD_LOG}" >&2
        die "building influxd ${INFLUXDB_VERSION} failed (full log: ${BUILD_LOG})"
    fi
    local took=$((SECONDS - start_s))
    echo "influxd ${INFLUXDB_VERSION} built in ${took}s ($((took / 60))m$((took % 60))s): ${BIN}"
}

# moddir MODULE@VERSION prints the module's (read-only) directory in GOMODCACHE.
moddir() {
    go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

build_steps() {
    set -x
    local mod_dir src tmp
    mod_dir=$(cd "${CACHE_DIR}" && moddir "${INFLUXDB_MODULE}@${INFLUXDB_VERSION}")
    [[ -f ${mod_dir}/go.mod ]] || return 1

    # `go install ...@version` refuses modules with `replace` directives, so build from a
    # writable copy of the module itself (its go.mod, replace lines and go.sum unchanged).
    src="${CACHE_DIR}/src/influxdb-${INFLUXDB_VERSION}"
    tmp="${src}.tmp.$$"
    rm -rf "${src}" "${tmp}"
    cp -R "${mod_dir}" "${tmp}"
    chmod -R u+w "${tmp}"
    mv "${tmp}" "${src}"
    cd "${src}"

    # The pkg-config wrapper and flux versions this InfluxDB version asks for.
    local pc_ver flux_ver flux_dir flux_copy
    pc_ver=$(awk '$1 == "github.com/influxdata/pkg-config" { print $2; exit }' go.mod)
    flux_ver=$(awk '$1 == "github.com/influxdata/flux" { print $2; exit }' go.mod)
    [[ -n ${pc_ver} && -n ${flux_ver} ]] || return 1

    local pc_dir="${CACHE_DIR}/tools/pkg-config-${pc_ver}"
    if [[ ! -x ${pc_dir}/pkg-config ]]; then
        GOBIN="${pc_dir}.tmp.$$" go install "github.com/influxdata/pkg-config@${pc_ver}"
        rm -rf "${pc_dir}"
        mv "${pc_dir}.tmp.$$" "${pc_dir}"
    fi
    export PKG_CONFIG="${pc_dir}/pkg-config"
    export PKG_CONFIG_LOG="${CACHE_DIR}/pkg-config.log"

    # The wrapper copies the read-only flux module to $GOCACHE/pkgconfig/<module>@<version>
    # and reuses that copy if it exists, even half-written. Put a complete copy there first.
    flux_dir=$(moddir "github.com/influxdata/flux@${flux_ver}")
    flux_copy="${GOCACHE}/pkgconfig/github.com/influxdata/flux@${flux_ver}"
    if [[ ! -f ${flux_copy}/libflux/Cargo.toml ]]; then
        mkdir -p "$(dirname "${flux_copy}")"
        rm -rf "${flux_copy}" "${flux_copy}.tmp.$$"
        cp -R "${flux_dir}" "${flux_copy}.tmp.$$"
        chmod -R u+w "${flux_copy}.tmp.$$"
        mv "${flux_copy}.tmp.$$" "${flux_copy}"
    fi

    # flux-core's `deny(warnings)` trips on lints added to rustc since; RUSTFLAGS do not reach
    # build-dependencies, so cap lints through a rustc wrapper (cargo already passes
    # `--cap-lints allow` for crates.io dependencies; leave those alone).
    local wrapper="${CACHE_DIR}/tools/rustc-cap-lints"
    cat >"${wrapper}.tmp.$$" <<'EOF'
#!/bin/sh
# RUSTC_WRAPPER: cargo runs `$RUSTC_WRAPPER rustc ARGS...`.
for arg in "$@"; do
    case "$arg" in --cap-lints | --cap-lints=*) exec "$@" ;; esac
done
exec "$@" --cap-lints warn
EOF
    chmod +x "${wrapper}.tmp.$$"
    mv "${wrapper}.tmp.$$" "${wrapper}"
    export RUSTC_WRAPPER="${wrapper}"

    mkdir -p "${BIN_DIR}"
    local out="${BIN_DIR}/influxd.tmp.$$"
    local ldflags="-s -w -X main.version=${INFLUXDB_VERSION} -X main.commit=gomod"
    ldflags+=" -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    go version
    cargo --version
    go build -tags "${BUILD_TAGS}" -ldflags "${ldflags}" -o "${out}" ./cmd/influxd
    "${out}" version
    mv -f "${out}" "${BIN}"
    { set +x; } 2>/dev/null
}

# ---------------------------------------------------------------------------------------------
# Process helpers

# pid_alive PID: running and not a zombie.
pid_alive() {
    local pid=$1 stat
    kill -0 "${pid}" 2>/dev/null || return 1
    if stat=$(cat "/proc/${pid}/stat" 2>/dev/null); then
        stat=${stat##*) }
        [[ ${stat:0:1} != Z ]] || return 1
    fi
    return 0
}

# pid_starttime PID: the kernel's start time of PID (empty where /proc is missing).
pid_starttime() {
    local stat fields
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    read -ra fields <<<"${stat##*) }"
    printf '%s' "${fields[19]}"
}

# pid_mentions PID TEXT: the command line of PID contains TEXT (true where /proc is missing).
pid_mentions() {
    local cmdline
    [[ -r /proc/$1/cmdline ]] || return 0
    cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 0
    [[ ${cmdline} == *"$2"* ]]
}

# detach LOG PIDFILE CMD...: run CMD in a new session with stdin from /dev/null, stdout and
# stderr appended to LOG and every other inherited fd closed (so no caller's pipe is held
# open); its pid is written to PIDFILE.
detach() {
    local log=$1 pidfile=$2
    shift 2
    # shellcheck disable=SC2016 # expanded by the inner shell
    setsid bash -c '
        pidfile=$1; shift
        for fd in /proc/$$/fd/*; do
            n=${fd##*/}
            if [[ $n =~ ^[0-9]+$ ]] && ((n > 2)); then eval "exec ${n}>&-"; fi
        done
        echo $$ >"$pidfile"
        exec "$@"' detach "${pidfile}" "$@" </dev/null >>"${log}" 2>&1 &
    local i
    for ((i = 0; i < 100; i++)); do
        [[ -s ${pidfile} ]] && return 0
        sleep 0.05
    done
    return 1
}

# stop_pidfile FILE INSTANCE: SIGTERM the process in FILE (if it is one of INSTANCE's),
# SIGKILL it after STOP_TIMEOUT_S.
stop_pidfile() {
    local file=$1 instance=$2 pid i
    [[ -f ${file} ]] || return 0
    pid=$(<"${file}")
    [[ ${pid} =~ ^[0-9]+$ ]] || return 0
    ((pid != $$)) || return 0
    pid_alive "${pid}" || return 0
    pid_mentions "${pid}" "$(basename "${instance}")" || return 0
    kill -TERM "${pid}" 2>/dev/null || return 0
    for ((i = 0; i < STOP_TIMEOUT_S * 10; i++)); do
        pid_alive "${pid}" || return 0
        sleep 0.1
    done
    info "pid ${pid} did not stop within ${STOP_TIMEOUT_S}s; sending SIGKILL"
    kill -KILL "${pid}" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        pid_alive "${pid}" || return 0
        sleep 0.1
    done
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# owns_port PID PORT: PID holds the TCP socket listening on PORT (true without /proc/net).
owns_port() {
    python3 - "$1" "$2" <<'EOF'
import os, sys
pid, port = sys.argv[1], int(sys.argv[2])
inodes, seen = set(), False
for name in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        with open(name) as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        continue
    seen = True
    for line in lines:
        f = line.split()
        if f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(f[9])
if not seen:
    sys.exit(0)
for fd in os.listdir("/proc/%s/fd" % pid):
    try:
        target = os.readlink("/proc/%s/fd/%s" % (pid, fd))
    except OSError:
        continue
    if target.startswith("socket:[") and target[8:-1] in inodes:
        sys.exit(0)
sys.exit(1)
EOF
}

# json_get FILE KEY...: print FILE's JSON value at the key path.
json_get() {
    python3 - "$@" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    v = json.load(f)
for k in sys.argv[2:]:
    v = v[k]
print(v)
EOF
}

# ---------------------------------------------------------------------------------------------
# start

START_INSTANCE=""

start_cleanup() {
    local rc=$?
    [[ -n ${START_INSTANCE} ]] || exit "${rc}"
    if [[ -f ${START_INSTANCE}/influxd.log ]]; then
        echo "---- last 40 lines of influxd.log ----" >&2
        tail -n 40 "${START_INSTANCE}/influxd.log" >&2 || true
    fi
    (cmd_stop "${START_INSTANCE}") >/dev/null 2>&1 || true
    exit $((rc == 0 ? 1 : rc))
}

cmd_start() {
    local watch_pid=""
    while (($#)); do
        case "$1" in
        --watch-pid)
            (($# >= 2)) || usage
            watch_pid=$2
            shift 2
            ;;
        --watch-pid=*)
            watch_pid=${1#*=}
            shift
            ;;
        *) usage ;;
        esac
    done
    local watch_start=""
    if [[ -n ${watch_pid} ]]; then
        [[ ${watch_pid} =~ ^[0-9]+$ ]] || die "--watch-pid needs a process id, got '${watch_pid}'"
        pid_alive "${watch_pid}" || die "--watch-pid ${watch_pid}: no such process"
        watch_start=$(pid_starttime "${watch_pid}")
    fi

    ensure_runtime_tools
    if ! binary_ok; then
        cmd_build >&2
    fi

    local instance
    instance=$(mktemp -d "${TMPDIR:-/tmp}/influxdb-client-c.XXXXXX")
    START_INSTANCE=${instance}
    trap start_cleanup EXIT

    local log="${instance}/influxd.log" data="${instance}/data"
    local attempt port pid="" offset url healthy
    : >"${log}"
    for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
        port=$(free_port)
        url="http://127.0.0.1:${port}"
        rm -rf "${data}" "${instance}/influxd.pid"
        mkdir -p "${data}"
        offset=$(($(wc -c <"${log}") + 1))
        # No INFLUXD_* variable of the caller may reach it, and it runs in the instance dir
        # so that no config.{json,toml,yaml,yml} of the caller's current dir is read.
        (
            cd "${instance}"
            for v in "${!INFLUXD_@}"; do unset "${v}"; done
            detach "${log}" "${instance}/influxd.pid" "${BIN}" \
                --bolt-path "${data}/influxd.bolt" \
                --engine-path "${data}/engine" \
                --sqlite-path "${data}/influxd.sqlite" \
                --http-bind-address "127.0.0.1:${port}" \
                --reporting-disabled \
                --pprof-disabled \
                --ui-disabled \
                --log-level=warn
        ) || die "influxd did not start"
        pid=$(<"${instance}/influxd.pid")

        healthy=""
        local deadline=$((SECONDS + HEALTH_TIMEOUT_S))
        while ((SECONDS < deadline)); do
            if ! pid_alive "${pid}"; then
                break
            fi
            if curl -fsS --max-time 2 -o "${instance}/health.json" "${url}/health" 2>/dev/null &&
                grep -Eq '"status": *"pass"' "${instance}/health.json" &&
                owns_port "${pid}" "${port}"; then
                healthy=1
                break
            fi
            sleep 0.2
        done
        [[ -z ${healthy} ]] || break
        if ! pid_alive "${pid}" &&
            tail -c "+${offset}" "${log}" | grep -qi 'address already in use'; then
            info "port ${port} was taken; retrying with another one"
            continue
        fi
        if pid_alive "${pid}"; then
            die "influxd (pid ${pid}) did not report healthy within ${HEALTH_TIMEOUT_S}s on ${url}"
        fi
        die "influxd exited during startup"
    done
    [[ -n ${healthy} ]] || die "could not find a free port in ${START_ATTEMPTS} attempts"

    local version
    version=$(json_get "${instance}/health.json" version)

    # Onboarding.
    local setup="${instance}/setup.json" code
    code=$(curl -sS --max-time 30 -o "${setup}" -w '%{http_code}' -X POST "${url}/api/v2/setup" \
        -H 'Content-Type: application/json' \
        --data-binary @- <<EOF
{"username": "${TEST_USER}", "password": "${TEST_PASSWORD}", "org": "${TEST_ORG}",
 "bucket": "${TEST_BUCKET}", "token": "${TEST_TOKEN}", "retentionPeriodSeconds": 0}
EOF
    ) || die "POST /api/v2/setup failed"
    if [[ ${code} != 2?? ]]; then
        cat "${setup}" >&2 || true
        echo >&2
        die "POST /api/v2/setup answered HTTP ${code}"
    fi
    local org_id bucket_id
    org_id=$(json_get "${setup}" org id)
    bucket_id=$(json_get "${setup}" bucket id)
    rm -f "${setup}" "${instance}/health.json"

    if [[ -n ${watch_pid} ]]; then
        (
            cd /
            detach "${log}" "${instance}/watcher.pid" bash "${SCRIPT_PATH}" __watch \
                "${watch_pid}" "${watch_start}" "${instance}"
        ) || die "could not start the watcher"
    fi

    {
        printf 'export INFLUXDB_V2_URL=%q\n' "${url}"
        printf 'export INFLUXDB_V2_TOKEN=%q\n' "${TEST_TOKEN}"
        printf 'export INFLUXDB_V2_ORG=%q\n' "${TEST_ORG}"
        printf 'export INFLUXDB_V2_BUCKET=%q\n' "${TEST_BUCKET}"
        printf 'export INFLUXDB_V2_ORG_ID=%q\n' "${org_id}"
        printf 'export INFLUXDB_V2_BUCKET_ID=%q\n' "${bucket_id}"
        printf 'export INFLUXDB_TEST_INSTANCE=%q\n' "${instance}"
        printf 'export INFLUXDB_TEST_VERSION=%q\n' "${version}"
    } >"${instance}/env"

    START_INSTANCE=""
    trap - EXIT
    info "influxd ${version} pid ${pid} on ${url}, instance ${instance}"
    info "org ${TEST_ORG} id ${org_id}, bucket ${TEST_BUCKET} id ${bucket_id}${watch_pid:+, stops when pid ${watch_pid} exits}"
    cat "${instance}/env"
}

# __watch PID STARTTIME INSTANCE (internal): stop INSTANCE once PID has exited.
cmd_watch() {
    local pid=$1 start=$2 instance=$3
    while [[ -f ${instance}/influxd.pid ]] && pid_alive "${pid}" &&
        [[ $(pid_starttime "${pid}") == "${start}" ]]; do
        sleep 1
    done
    [[ -d ${instance} ]] || exit 0
    echo "influxdb.sh: watched pid ${pid} is gone; stopping ${instance}"
    exec bash "${SCRIPT_PATH}" stop "${instance}"
}

# ---------------------------------------------------------------------------------------------
# stop

cmd_stop() {
    (($# <= 1)) || usage
    local instance=${1:-${INFLUXDB_TEST_INSTANCE:-}}
    [[ -n ${instance} ]] || die "stop: no INSTANCE_DIR given and INFLUXDB_TEST_INSTANCE is not set"
    if [[ ! -d ${instance} ]]; then
        info "instance ${instance} is already gone"
        return 0
    fi
    instance=$(cd "${instance}" && pwd -P)
    case "$(basename "${instance}")" in
    influxdb-client-c.*) ;;
    *) die "stop: ${instance} is not an instance dir made by 'influxdb.sh start'" ;;
    esac
    # The watcher first, so that it does not run a second stop concurrently.
    stop_pidfile "${instance}/watcher.pid" "${instance}"
    stop_pidfile "${instance}/influxd.pid" "${instance}"
    rm -rf "${instance}"
    info "stopped and removed ${instance}"
}

# ---------------------------------------------------------------------------------------------
# query

urlencode() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case "${c}" in
        [a-zA-Z0-9.~_-]) out+=${c} ;;
        *) printf -v c '%%%02X' "'${c}" && out+=${c} ;;
        esac
    done
    printf '%s' "${out}"
}

cmd_query() {
    (($# == 1)) || usage
    local flux=$1
    if [[ ${flux} == - ]]; then flux=$(cat); fi
    : "${INFLUXDB_V2_URL:?set INFLUXDB_V2_URL (eval \"\$(scripts/influxdb.sh start)\")}"
    : "${INFLUXDB_V2_TOKEN:?set INFLUXDB_V2_TOKEN}"
    : "${INFLUXDB_V2_ORG:?set INFLUXDB_V2_ORG}"
    command -v curl >/dev/null 2>&1 || ensure_tools curl:curl
    local body code
    body=$(mktemp "${TMPDIR:-/tmp}/influxdb-query.XXXXXX")
    # shellcheck disable=SC2064 # expand now
    trap "rm -f '${body}'" EXIT
    code=$(printf '%s' "${flux}" | curl -sS -o "${body}" -w '%{http_code}' -X POST \
        "${INFLUXDB_V2_URL%/}/api/v2/query?org=$(urlencode "${INFLUXDB_V2_ORG}")" \
        -H "Authorization: Token ${INFLUXDB_V2_TOKEN}" \
        -H 'Accept: application/csv' \
        -H 'Content-type: application/vnd.flux' \
        --data-binary @-) || die "query: request to ${INFLUXDB_V2_URL} failed"
    if [[ ${code} == 2?? ]]; then
        cat "${body}"
        return 0
    fi
    cat "${body}" >&2
    echo >&2
    die "query: HTTP ${code}"
}

# ---------------------------------------------------------------------------------------------

main() {
    (($# >= 1)) || usage
    local cmd=$1
    shift
    case "${cmd}" in
    build)
        (($# == 0)) || usage
        cmd_build
        ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    query) cmd_query "$@" ;;
    path)
        (($# == 0)) || usage
        echo "${BIN}"
        ;;
    version)
        (($# == 0)) || usage
        echo "${INFLUXDB_VERSION}"
        ;;
    __watch)
        (($# == 3)) || usage
        cmd_watch "$@"
        ;;
    -h | --help | help) usage ;;
    *) usage ;;
    esac
}

main "$@"
