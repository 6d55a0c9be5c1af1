#!/usr/bin/env bash
# Run every test that ctest knows in a build tree under valgrind memcheck: each test's own
# command (its working directory and environment as ctest would set them), with valgrind put
# in front of the test program itself (the first executable of the build tree in the command,
# so `scripts/with-influxdb.sh PROGRAM` runs `with-influxdb.sh valgrind ... PROGRAM`). Any
# memcheck error or definite/possible leak fails the test (--error-exitcode=1).
#
#   tests/memcheck.sh BUILD_DIR        (scripts/test.sh: tests/memcheck.sh build)
#
# No test is skipped silently: a test whose command holds no program of the build tree is an
# error unless it is listed in EXCLUDE below with the reason.
# MEMCHECK_TIMEOUT (seconds per test, default 900) bounds each run.
set -euo pipefail
build=$(cd "${1:?usage: tests/memcheck.sh BUILD_DIR}" && pwd)
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }

# name -> why it cannot run under valgrind. Empty: every test runs.
declare -A EXCLUDE=(
    [adv_fork]="its fork()ed children inherit a write API whose memory is held by threads that do not exist in them: the library leaves it (freeing could meet a lock held for ever), and memcheck reports it lost and fails the child's exit status, which the test reads; it runs under ASan"
    [cpp_header_clangxx_cxx17]="compiles the C++ header with clang++: runs a compiler, no program"
    [cpp_header_clangxx_cxx20]="compiles the C++ header with clang++: runs a compiler, no program"
)

exclude_args=()
for name in "${!EXCLUDE[@]}"; do
    echo "memcheck: EXCLUDED ${name}: ${EXCLUDE[${name}]}"
    exclude_args+=("${name}")
done

ctest --test-dir "${build}" --show-only=json-v1 > "${build}/memcheck-tests.json"

supp="$(cd "$(dirname "$0")" && pwd)/valgrind.supp"
exec python3 - "${build}" "${MEMCHECK_TIMEOUT:-900}" "${supp}" "${exclude_args[@]}" <<'PY'
import json, os, subprocess, sys, time

build, timeout, supp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
excluded = set(sys.argv[4:])
valgrind = [
    "valgrind", "--tool=memcheck", "--error-exitcode=1", "--leak-check=full",
    "--errors-for-leak-kinds=definite,possible", "--show-leak-kinds=definite,possible",
    "--track-origins=yes", "--num-callers=30", "--quiet", f"--suppressions={supp}",
]

def is_program(arg):
    p = os.path.realpath(arg)
    return (p.startswith(build + os.sep) and os.path.isfile(p) and os.access(p, os.X_OK)
            and open(p, "rb").read(4) == b"\x7fELF")

tests = json.load(open(os.path.join(build, "memcheck-tests.json")))["tests"]
passed, failed = 0, []
for t in tests:
    name = t["name"]
    if name in excluded:
        continue
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    if props.get("DISABLED"):
        print(f"memcheck: {name} is DISABLED in ctest, not run", flush=True)
        continue
    cmd = list(t["command"])
    at = next((i for i, a in enumerate(cmd) if is_program(a)), None)
    if at is None:
        print(f"memcheck: {name}: no program of {build} in {cmd}; list it in EXCLUDE", flush=True)
        failed.append(name)
        continue
    cmd[at:at] = valgrind
    env = dict(os.environ)
    for kv in props.get("ENVIRONMENT", []):
        k, _, v = kv.partition("=")
        env[k] = v
    cwd = props.get("WORKING_DIRECTORY") or build
    t0 = time.time()
    try:
        rc = subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        rc = "timeout"
    dt = time.time() - t0
    ok = rc == 0 or (props.get("WILL_FAIL") and rc != 0)
    print(f"memcheck: {name}: {'ok' if ok else 'FAILED (' + str(rc) + ')'} in {dt:.0f}s", flush=True)
    if ok:
        passed += 1
    else:
        failed.append(name)
print(f"memcheck: {passed} passed, {len(failed)} failed" + (f": {' '.join(failed)}" if failed else ""))
sys.exit(1 if failed else 0)
PY
