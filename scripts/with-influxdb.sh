#!/usr/bin/env bash
# Run a command against a real InfluxDB 2.x: the server named by INFLUXDB_V2_URL/_BUCKET if
# they are set (scripts/test.sh sets them once per run), otherwise a fresh server started for
# this command and stopped after it (scripts/influxdb.sh start/stop).
#
#   scripts/with-influxdb.sh COMMAND [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [[ -z ${INFLUXDB_V2_URL:-} || -z ${INFLUXDB_V2_BUCKET:-} ]]; then
    eval "$("${here}/influxdb.sh" start)"
    trap '"${here}/influxdb.sh" stop "${INFLUXDB_TEST_INSTANCE}" >/dev/null 2>&1 || true' EXIT
fi
"$@"
