#!/usr/bin/env bash
# The Go binding's benchmark against upstream influxdb-client-go v2, in one command (see
# BENCHMARKS.md "Go binding"): the same source built twice (-tags upstream / the binding),
# each benchmark in its own process (so peak RSS is per mode), writes to the null sink in
# its own process (nullsink/) and to the real InfluxDB 2.x (started here unless
# INFLUXDB_V2_URL is set), then the query read-back. ROUNDS (default 2) interleaved rounds
# on the sink. INFLUX_BENCH_POINTS / INFLUX_BENCH_QUERY_ROWS scale it down.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
export PATH="${HOME}/.cargo/bin:${PATH}"
(cd "$root" && cargo build --release --lib --quiet)
export CGO_LDFLAGS="-L$CARGO_TARGET_DIR/release"
out=$(mktemp -d "${TMPDIR:-/tmp}/influx-go-bench.XXXXXX")
cd "$here"
go build -o "$out/nullsink" ./nullsink
go test -tags upstream -c -o "$out/upstream.test" .
go test -tags influx_static -c -o "$out/ours.test" .

sinkpid=""; started=""
cleanup() {
    [ -n "$sinkpid" ] && kill "$sinkpid" 2>/dev/null || true
    [ -n "$started" ] && "$root/scripts/influxdb.sh" stop "$INFLUXDB_TEST_INSTANCE" >/dev/null 2>&1 || true
    rm -rf "$out"
}
trap cleanup EXIT
"$out/nullsink" > "$out/sink.url" & sinkpid=$!
for _ in $(seq 50); do [ -s "$out/sink.url" ] && break; sleep 0.1; done
export INFLUX_BENCH_SINK=$(cat "$out/sink.url")
if [ -z "${INFLUXDB_V2_URL:-}" ]; then
    eval "$("$root/scripts/influxdb.sh" start)"
    started=1
fi

run() { # client benchmark
    "$out/$1.test" -test.run XX -test.bench "^$2\$" -test.benchtime 1x -test.timeout 30m |
        grep -E '^Benchmark' | sed "s/^/$1 /"
}
echo "# null sink (own process, $INFLUX_BENCH_SINK)"
for round in $(seq "${ROUNDS:-2}"); do
    echo "## round $round"
    for b in BenchmarkSinkAsync BenchmarkSinkBlockingBatched; do
        run upstream $b
        run ours $b
    done
    run ours BenchmarkSinkRows
done
echo "# null sink process peak RSS: $(grep VmHWM /proc/$sinkpid/status | awk '{print $2, $3}')"
echo "# real InfluxDB ($INFLUXDB_V2_URL)"
run upstream BenchmarkServerAsync
run ours BenchmarkServerAsync
run ours BenchmarkServerRows
echo "# query read-back (real InfluxDB)"
run ours BenchmarkServerQuery      # the first run seeds the rows if needed
run upstream BenchmarkServerQuery
run ours BenchmarkServerQueryNative
run ours BenchmarkServerQuery
