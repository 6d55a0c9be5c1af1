#!/usr/bin/env bash
# The C++ binding benchmark (BENCHMARKS.md, "C++ binding"): 1,000,000 standard points through
# influx::Point and influx::Shape/Lines, the C API doing the same, and a baseline C++ client
# with influxdb-cxx's architecture (std::deque of std::variant points, synchronous libcurl
# POSTs of 5000 lines), to a null sink (a separate process, bindings/cpp/bench/null_sink.cpp)
# and to a real InfluxDB 2.x started here. One binary, built with g++ -O2 and linked statically
# against libinfluxdb_client.a, runs every client, so all share the same compiler and flags.
#
#   bindings/cpp/bench/run.sh            SINK_ROUNDS=5 REAL_ROUNDS=1 N=1000000 by default
#   BENCH_NO_SERVER=1 bindings/cpp/bench/run.sh
#
# Needs libcurl4-openssl-dev (installed here with apt-get if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "${root}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/influxdb-client-c/target}"
export PATH="${HOME}/.cargo/bin:${PATH}"
N=${N:-1000000}
SINK_ROUNDS=${SINK_ROUNDS:-5}
REAL_ROUNDS=${REAL_ROUNDS:-1}
MODES=(baseline c-points cpp-points c-rows cpp-rows)
work=$(mktemp -d "${TMPDIR:-/tmp}/influxdb-cpp-bench.XXXXXX")
server_instance=""
sink_pid=""
cleanup() {
    [[ -n ${sink_pid} ]] && kill "${sink_pid}" 2>/dev/null || true
    [[ -n ${server_instance} ]] && scripts/influxdb.sh stop "${server_instance}" >/dev/null 2>&1 || true
    rm -rf "${work}"
}
trap cleanup EXIT

if [[ ! -f /usr/include/x86_64-linux-gnu/curl/curl.h && ! -f /usr/include/curl/curl.h ]]; then
    apt-get update -qq && apt-get install -y -qq libcurl4-openssl-dev >/dev/null
fi
echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "$(g++ --version | head -n1); $(rustc --version)"

timeout 900 cargo build --release --lib --quiet
flags=(-std=c++17 -O2 -DNDEBUG -Wall -Wextra -Wpedantic -Werror -Ibindings/cpp/include -Iinclude)
g++ "${flags[@]}" bindings/cpp/bench/bench_cpp.cpp -o "${work}/bench_cpp" \
    -L"${CARGO_TARGET_DIR}/release" -Wl,-Bstatic -linfluxdb_client -Wl,-Bdynamic -lcurl -lpthread -ldl -lm
g++ "${flags[@]}" bindings/cpp/bench/null_sink.cpp -o "${work}/null_sink" -lpthread

declare -A best=() cpu=()
record() {  # record KEY PPS CPU
    local k=$1 v=$2 c=$3
    if [[ -z ${best[${k}]:-} ]] || awk -v a="${v}" -v b="${best[${k}]}" 'BEGIN { exit !(a > b) }'; then
        best[${k}]=${v}
        cpu[${k}]=${c}
    fi
}

# ---- null sink ----
coproc SINK { exec "${work}/null_sink"; }
sink_pid=${SINK_PID}
read -r _ port <&"${SINK[0]}"
sink="http://127.0.0.1:${port}"
echo "null sink at ${sink}"
for ((r = 1; r <= SINK_ROUNDS; r++)); do
    line="round ${r}:"
    for m in "${MODES[@]}"; do
        curl -s -X POST "${sink}/reset" >/dev/null
        out=$(timeout 300 "${work}/bench_cpp" "${m}" "${sink}" token org bucket "${N}" cpu)
        got=$(curl -s "${sink}/count")
        [[ ${got} == "${N}" ]] || { echo "sink counted ${got} lines for ${m}, want ${N}" >&2; exit 1; }
        read -r _ _ pps c _ <<<"${out}"
        record "sink_${m}" "${pps}" "${c}"
        line+=" ${m} $((pps / 1000))k (cpu ${c}s)"
    done
    echo "${line}"
done

# ---- real server ----
if [[ ${BENCH_NO_SERVER:-0} != 1 ]]; then
    eval "$(scripts/influxdb.sh start --watch-pid $$)"
    server_instance=${INFLUXDB_TEST_INSTANCE}
    echo "InfluxDB ${INFLUXDB_TEST_VERSION} at ${INFLUXDB_V2_URL}"
    for ((r = 1; r <= REAL_ROUNDS; r++)); do
        line="real round ${r}:"
        for m in "${MODES[@]}"; do
            meas="cpu_${m//-/_}_${r}"
            out=$(timeout 600 "${work}/bench_cpp" "${m}" "${INFLUXDB_V2_URL}" "${INFLUXDB_V2_TOKEN}" "${INFLUXDB_V2_ORG}" \
                "${INFLUXDB_V2_BUCKET}" "${N}" "${meas}")
            got=$(scripts/influxdb.sh query "from(bucket:\"${INFLUXDB_V2_BUCKET}\") |> range(start:2023-11-14T00:00:00Z, stop:2023-11-16T00:00:00Z) |> filter(fn:(r)=>r._measurement==\"${meas}\" and r._field==\"count\") |> group() |> count()" \
                | awk -F, '/^,_result/ || /^,,0/ { v=$NF } END { gsub(/\r/, "", v); print v }')
            [[ ${got} == "${N}" ]] || { echo "server counted ${got} points for ${m}, want ${N}" >&2; exit 1; }
            read -r _ _ pps c _ <<<"${out}"
            record "real_${m}" "${pps}" "${c}"
            line+=" ${m} $((pps / 1000))k (cpu ${c}s)"
        done
        echo "${line}"
    done
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
echo
echo "| mode | null sink: points/s (best of ${SINK_ROUNDS}), client CPU s | vs C API | vs baseline | real InfluxDB: points/s | vs baseline |"
echo "|---|---|---|---|---|---|"
for m in "${MODES[@]}"; do
    case ${m} in
        cpp-points) vs_c="time $(ratio "${best[sink_c-points]}" "${best[sink_cpp-points]}")×, CPU $(ratio "${cpu[sink_cpp-points]}" "${cpu[sink_c-points]}")×" ;;
        cpp-rows) vs_c="time $(ratio "${best[sink_c-rows]}" "${best[sink_cpp-rows]}")×, CPU $(ratio "${cpu[sink_cpp-rows]}" "${cpu[sink_c-rows]}")×" ;;
        *) vs_c="—" ;;
    esac
    real="${best[real_${m}]:-n/a}"
    echo "| ${m} | $((best[sink_${m}] / 1000))k, ${cpu[sink_${m}]} s | ${vs_c} | $(ratio "${best[sink_${m}]}" "${best[sink_baseline]}")× | ${real} | $(ratio "${best[real_${m}]:-0}" "${best[real_baseline]:-0}")× |"
done
