#!/usr/bin/env bash
# Instructions per standard point of the C API paths, counted by valgrind's callgrind
# (deterministic, unlike times on this shared VM): benches/c/callgrind/{points,lines,rows}.c,
# each linked statically against the release libinfluxdb_client.a, run with 100,000 and
# 200,000 points; the difference / 100,000 is the per-point cost (start-up excluded).
#
#   scripts/callgrind.sh [points|lines|rows ...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/influxdb-client-c/target}
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }
(cd "$here" && cargo build --release --lib --quiet)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in "${@:-points lines rows}"; do
    for n in $name; do
        cc -O2 -Wall -Wextra -Werror -I"$here/include" "$here/benches/c/callgrind/$n.c" \
            "$CARGO_TARGET_DIR/release/libinfluxdb_client.a" -lpthread -ldl -lm -o "$work/$n"
        count() {
            valgrind --tool=callgrind --callgrind-out-file="$work/$n.$1.out" "$work/$n" "$1" 2>&1 |
                awk '/Collected/ { print $4 }'
        }
        a=$(count 100000)
        b=$(count 200000)
        echo "$n: $(((b - a) / 100000)) instructions/point"
    done
done
