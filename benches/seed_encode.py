#!/usr/bin/env python3
"""Encoder throughput of the seed, the official Python client influxdb-client (run by
scripts/bench.sh in a venv with influxdb-client==1.50.0).

    seed_encode.py [--n N] [--rounds R] [--ours LINES.tsv]

Times Point("cpu").tag(...).tag(...).field(...) x4 .time(..., WritePrecision.NS)
.to_line_protocol() for N (default 100,000) standard points, best of R (default 3) rounds, and
prints ns/point. With --ours (the "i<TAB>line" file written by `bench_encode --dump`), asserts
that the seed's text of every point listed there equals ours. Prints `result seed_ns X` and
`result seed_compared K` for scripts/bench.sh.
"""

import argparse
import sys
import time

import influxdb_client
from influxdb_client import Point, WritePrecision

T0 = 1700000000000000000
HOSTS = [f"server-{h}" for h in range(100)]
REGIONS = [f"us-west-{r}" for r in range(4)]
NS = WritePrecision.NS


def seed_line(i):
    return (
        Point("cpu")
        .tag("host", HOSTS[i % 100])
        .tag("region", REGIONS[i % 4])
        .field("usage_user", i * 0.37)
        .field("usage_system", i * 0.11)
        .field("count", i)
        .field("ok", i % 2 == 0)
        .time(T0 + i * 1000, NS)
        .to_line_protocol()
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--ours", help="i<TAB>line file from bench_encode --dump")
    args = ap.parse_args()

    compared = 0
    if args.ours:
        with open(args.ours, encoding="utf-8") as f:
            for row in f:
                i_text, ours = row.rstrip("\n").split("\t", 1)
                seed = seed_line(int(i_text))
                if seed != ours:
                    print(f"seed_encode: point {i_text} differs:\n  seed {seed}\n  ours {ours}",
                          file=sys.stderr)
                    return 1
                compared += 1
        print(f"seed and ours give identical text for all {compared} points in {args.ours}")

    best = float("inf")
    for r in range(args.rounds):
        t = time.perf_counter_ns()
        total = 0
        for i in range(args.n):
            total += len(seed_line(i))
        ns = (time.perf_counter_ns() - t) / args.n
        print(f"round {r + 1}: {ns:.0f} ns/point")
        best = min(best, ns)
    print(f"seed (influxdb-client {influxdb_client.__version__}, Python "
          f"{sys.version.split()[0]}): Point...to_line_protocol() for {args.n} standard points, "
          f"best of {args.rounds}: {best:.0f} ns/point")
    print(f"result seed_ns {best:.1f}")
    print(f"result seed_compared {compared}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
