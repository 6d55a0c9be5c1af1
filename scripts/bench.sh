#!/usr/bin/env bash
# Run every benchmark of the project and print one results table (see BENCHMARKS.md).
#
#   scripts/bench.sh
#
# 1. C API encoder: benches/c/bench_encode.c, linked statically against libinfluxdb_client.a
#    (cargo build --release --lib), 1,000,000 standard points, vs a hand-written libc encoder.
# 2. The seed: benches/seed_encode.py with influxdb-client==1.50.0 in a venv
#    (~/.cache/influxdb-client-c/venv-seed, created once), 100,000 points, its text compared
#    with ours for 100,004 points.
# 3. Pure-Rust encoder vs a hand-written baseline: cargo bench --bench encode.
# 4. End to end: cargo bench --bench e2e, against an in-process null HTTP sink and against a
#    real InfluxDB 2.x started here (scripts/influxdb.sh start; stopped on exit).
#
# The machine has 2 cores shared with whatever else runs: absolute numbers are noisy, so every
# result is a ratio against a baseline measured in the same run. Each step has a time limit;
# the whole run takes about 70 s when nothing needs compiling (the first run also builds influxd,
# about 10 minutes, as scripts/test.sh does). Set BENCH_NO_SERVER=1 to skip the real server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "${root}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/influxdb-client-c/target}"
export PATH="${HOME}/.cargo/bin:${PATH}"
cache="${INFLUXDB_CLIENT_C_CACHE:-${HOME}/.cache/influxdb-client-c}"
venv="${cache}/venv-seed"
seed_version="1.50.0"
work=$(mktemp -d "${TMPDIR:-/tmp}/influxdb-client-c-bench.XXXXXX")
server_instance=""
cleanup() {
    if [[ -n ${server_instance} ]]; then
        scripts/influxdb.sh stop "${server_instance}" >/dev/null 2>&1 || true
    fi
    rm -rf "${work}"
}
trap cleanup EXIT

t0=$(date +%s)
step() { printf '\n==> %s (+%ss)\n' "$*" "$(($(date +%s) - t0))"; }
# limited SECONDS CMD...: run CMD, fail if it takes longer than SECONDS.
limited() {
    local s=$1
    shift
    timeout -k 10 "${s}" "$@" || {
        local rc=$?
        ((rc == 124)) && echo "bench.sh: '$*' took longer than ${s}s" >&2
        return "${rc}"
    }
}

declare -A R=()
# collect FILE: read `result KEY VALUE` lines of FILE into R.
collect() {
    local key value
    while read -r _ key value; do
        R[${key}]=${value}
    done < <(grep '^result ' "$1" || true)
}
get() { printf '%s' "${R[$1]:-n/a}"; }
# ratio A B [DIGITS]: A / B, or n/a.
ratio() {
    awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN {
        if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.*f", d, a / b; else printf "n/a" }'
}
kpps() { awk -v v="$1" 'BEGIN { if (v ~ /^[0-9.]+$/) printf "%.0fk", v / 1000; else printf "n/a" }'; }

step "machine"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
machine="nproc $(nproc), CPU ${cpu}, $(date -u '+%Y-%m-%d %H:%M UTC'), load average at the start $(cut -d' ' -f1-3 /proc/loadavg)"
echo "${machine}"
echo "rustc: $(rustc --version), cc: $(cc --version | head -n1), python3: $(python3 --version 2>&1)"

step "build: cargo build --release --lib; cc bench_encode (static libinfluxdb_client.a)"
limited 600 cargo build --release --lib
cc -O2 -Wall -Wextra -Werror -Iinclude benches/c/bench_encode.c -o "${work}/bench_encode" \
    -L"${CARGO_TARGET_DIR}/release" -Wl,-Bstatic -linfluxdb_client -Wl,-Bdynamic -lpthread -ldl -lm
echo "built ${work}/bench_encode"

step "C API encoder: 1,000,000 standard points (benches/c/bench_encode.c)"
limited 300 "${work}/bench_encode" --rounds 9 --dump "${work}/ours.tsv" | tee "${work}/c.out"
collect "${work}/c.out"

step "seed: influxdb-client ${seed_version} (benches/seed_encode.py)"
if ! "${venv}/bin/python" -c "import influxdb_client, sys; sys.exit(influxdb_client.__version__ != '${seed_version}')" 2>/dev/null; then
    echo "creating ${venv} with influxdb-client==${seed_version}"
    rm -rf "${venv}"
    python3 -m venv "${venv}"
    limited 300 "${venv}/bin/pip" install --quiet --disable-pip-version-check "influxdb-client==${seed_version}"
fi
limited 240 "${venv}/bin/python" benches/seed_encode.py --ours "${work}/ours.tsv" | tee "${work}/seed.out"
collect "${work}/seed.out"

step "pure-Rust encoder: cargo bench --bench encode"
ENCODE_ROUNDS=9 limited 600 cargo bench --bench encode 2>&1 | tee "${work}/encode.out"
R[rust_base_ns]=$(awk '/baseline \(direct push\)/ { print $(NF-1); exit }' "${work}/encode.out")
R[rust_new_ns]=$(awk '/Point::new \+ encode_point/ { print $(NF-3); exit }' "${work}/encode.out")
R[rust_clear_ns]=$(awk '/Point::clear \+ encode/ { print $(NF-3); exit }' "${work}/encode.out")
R[rust_enc_base_ns]=$(awk '/encode_point alone/ { sub(",", "", $(NF-5)); print $(NF-5); exit }' "${work}/encode.out")
R[rust_enc_only_ns]=$(awk '/encode_point alone/ { print $(NF-3); exit }' "${work}/encode.out")
R[rust_median]=$(awk '/median of the per-round ratios/ { sub(",", "", $(NF-2)); print $(NF-2); exit }' "${work}/encode.out")

if [[ ${BENCH_NO_SERVER:-0} != 1 ]]; then
    step "start InfluxDB 2.x"
    limited 1500 scripts/influxdb.sh build
    server_env=$(scripts/influxdb.sh start --watch-pid $$)
    eval "${server_env}"
    server_instance=${INFLUXDB_TEST_INSTANCE}
    echo "server ${INFLUXDB_TEST_VERSION} at ${INFLUXDB_V2_URL}"
else
    unset INFLUXDB_V2_URL INFLUXDB_V2_TOKEN INFLUXDB_V2_ORG INFLUXDB_V2_BUCKET
fi

step "end to end: cargo bench --bench e2e"
limited 900 cargo bench --bench e2e 2>&1 | tee "${work}/e2e.out"
collect "${work}/e2e.out"

step "summary"
{
    echo "Machine: ${machine}; at the end $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| benchmark | ours | baseline (same run) | ratio | target |"
    echo "|---|---|---|---|---|"
    echo "| C API encode, new point per line (a) | $(get c_new_ns) ns/point | seed, Python influxdb-client ${seed_version}: $(get seed_ns) ns/point | seed is **$(ratio "$(get seed_ns)" "$(get c_new_ns)" 0)x** slower | ≥ 40x |"
    echo "| C API encode, new point per line (a) | $(get c_new_ns) ns/point | hand-written libc encoder (snprintf): $(get c_libc_ns) ns/point | $(ratio "$(get c_new_ns)" "$(get c_libc_ns)") | — |"
    echo "| C API encode, new point per line (a) | $(get c_new_ns) ns/point | hand-written Rust push (cargo bench encode): $(get rust_base_ns) ns/point | $(ratio "$(get c_new_ns)" "$(get rust_base_ns)") | ≤ 170 ns/point |"
    echo "| C API encode, point reused (b) | $(get c_reuse_ns) ns/point | C API (a): $(get c_new_ns) ns/point | $(ratio "$(get c_reuse_ns)" "$(get c_new_ns)") | < 1 |"
    echo "| C API overhead: (a) vs Rust Point::new + encode_point | $(get c_new_ns) ns/point | $(get rust_new_ns) ns/point | $(ratio "$(get c_new_ns)" "$(get rust_new_ns)") | — |"
    echo "| Rust Point::new + encode_point | $(get rust_new_ns) ns/point | hand-written Rust push: $(get rust_base_ns) ns/point | $(ratio "$(get rust_new_ns)" "$(get rust_base_ns)") (median of rounds $(get rust_median)) | ≤ 1.5 |"
    echo "| Rust Point::clear (reused point) + encode_point | $(get rust_clear_ns) ns/point | hand-written Rust push: $(get rust_base_ns) ns/point | $(ratio "$(get rust_clear_ns)" "$(get rust_base_ns)") | — |"
    echo "| Rust encode_point alone (points built beforehand) | $(get rust_enc_only_ns) ns/point | hand-written Rust push of the same points: $(get rust_enc_base_ns) ns/point | $(ratio "$(get rust_enc_only_ns)" "$(get rust_enc_base_ns)") | — |"
    for how in points lines rows; do
        case ${how} in
            points) what="points (influx_point_* + influx_write)" ;;
            lines) what="line buffer (influx_lines_* calls)" ;;
            rows) what="rows (influx_lines_add_row)" ;;
        esac
        echo "| e2e, null sink, 1 thread, ${what} | $(kpps "$(get "e2e_sink_${how}_pps")") points/s | raw ureq upload of pre-encoded bodies: $(kpps "$(get e2e_sink_raw_pps)") points/s | **$(get "e2e_sink_${how}_ratio")** | ≥ 0.7 |"
    done
    for how in points rows; do
        echo "| e2e, real InfluxDB 2.x, ${how} | $(kpps "$(get "e2e_real_${how}_pps")") points/s | raw ureq upload: $(kpps "$(get e2e_real_raw_pps)") points/s | **$(get "e2e_real_${how}_ratio")** | ≥ 0.7 |"
    done
    for how in points rows; do
        n1=$(grep -o "e2e_rss_growth_kb_${how}_[0-9]*" "${work}/e2e.out" | sed -n 1p | sed 's/.*_//')
        n2=$(grep -o "e2e_rss_growth_kb_${how}_[0-9]*" "${work}/e2e.out" | sed -n 2p | sed 's/.*_//')
        if [[ -n ${n1} && -n ${n2} ]]; then
            echo "| peak RSS growth of the batching run (${how}), ${n2} points | $(get "e2e_rss_growth_kb_${how}_${n2}") kB | ${n1} points: $(get "e2e_rss_growth_kb_${how}_${n1}") kB | $(ratio "$(get "e2e_rss_growth_kb_${how}_${n2}")" "$(get "e2e_rss_growth_kb_${how}_${n1}")") | ≲ 1 (set by the buffer limits, not N) |"
        fi
    done
} | tee "${work}/summary.md"
cp "${work}/summary.md" "${CARGO_TARGET_DIR}/bench-summary.md"
echo
echo "summary also in ${CARGO_TARGET_DIR}/bench-summary.md; total $(($(date +%s) - t0))s"
