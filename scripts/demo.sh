#!/usr/bin/env bash
# The main job, end to end on a fresh machine (README: "Run it"):
#   build the library and the C examples, build/start a local InfluxDB 2.x, stream 100,000
#   points from the gateway example (batching, default tags, delivery callbacks), read the
#   counts and last values back with Flux, print a summary, stop the server.
#
#   scripts/demo.sh [POINTS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "${root}"
points=${1:-100000}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/influxdb-client-c/target}"
export PATH="${HOME}/.cargo/bin:${PATH}"

echo "==> building the library and C examples (CMake + cargo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DINFLUXDB_CLIENT_CARGO_TARGET_DIR="${CARGO_TARGET_DIR}" >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target gateway basic_write

echo "==> InfluxDB 2.x (built once, cached under ~/.cache/influxdb-client-c)"
scripts/influxdb.sh build
eval "$(scripts/influxdb.sh start)"
trap 'scripts/influxdb.sh stop "${INFLUXDB_TEST_INSTANCE}" >/dev/null 2>&1 || true' EXIT
echo "server ${INFLUXDB_TEST_VERSION} at ${INFLUXDB_V2_URL}, bucket ${INFLUXDB_V2_BUCKET}"

echo "==> gateway example: ${points} points from 5 sensors through a batching write API"
GATEWAY_SITE=demo-site build/examples-c/gateway "${points}"

echo "==> reading back with Flux"
flux_base="from(bucket:\"${INFLUXDB_V2_BUCKET}\") |> range(start:0) |> filter(fn:(r)=>r._measurement==\"sensor\" and r._field==\"value\")"
summary=$(scripts/influxdb.sh query "${flux_base} |> group(columns:[\"sensor\",\"site\",\"gateway\"]) |> count()")
last=$(scripts/influxdb.sh query "${flux_base} |> group(columns:[\"sensor\"]) |> last()")
python3 - "$summary" "$last" "$points" <<'PY'
import csv, io, sys
def rows(text):
    return [r for r in csv.DictReader(io.StringIO(text.replace("\r\n", "\n"))) if r.get("_value")]
counts, last, points = rows(sys.argv[1]), rows(sys.argv[2]), int(sys.argv[3])
total = sum(int(r["_value"]) for r in counts)
print(f"{'sensor':<10} {'site':<10} {'gateway':<8} {'points':>8} {'last value':>10}  last time")
lastby = {r["sensor"]: r for r in last}
for r in sorted(counts, key=lambda r: r["sensor"]):
    l = lastby.get(r["sensor"], {})
    print(f"{r['sensor']:<10} {r['site']:<10} {r['gateway']:<8} {int(r['_value']):>8} {l.get('_value',''):>10}  {l.get('_time','')}")
print(f"demo: {total} of {points} points stored in InfluxDB 2.x")
sys.exit(0 if total == points else 1)
PY
