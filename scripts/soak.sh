#!/usr/bin/env bash
# Soak test (not in CI): REQUESTS requests (default 10,000) with injected faults, 256 in flight,
# through each front door — native C++ client (libcurl), Node (the npm package), Python (the
# wheel) — against one keyscope-sandbox (--rate-limit 0, --keys REQUESTS+269, pinned --now).
#
#   scripts/soak.sh [REQUESTS]                 KEYSCOPE_SOAK_DOORS="native node python" (a subset)
#
# Plan (tests/soak/plan.py): one request per key (so a fault rule keyed to the key id hits exactly
# that request), days 1..90; half fault-free, half every sandbox fault mode — status 429/500/503
# with retry_after, drop, malformed, html, latency, wrong_type, oversize (256 KiB, and every
# 1000th a chunked 33 MiB body past the 32 MiB response limit), body (the issue-12 hostile error
# envelope, a 200 missing fields). A fault served once on a retried kind must give the right
# answer (the retry does); served three times (max_retries 2) the typed error; non-retried kinds
# their typed error; the right value where the error was planned is not wrong but counted as
# "recovered" (more attempts reached the server than max_retries + 1). Every answer is held against the sandbox's fault-free answer (fingerprint:
# totals, status breakdown, latency percentiles, daily series). Wrong = a different value, an
# unexpected or untyped error, a crash. After each front door every planned fault must have
# been served (rules left 0).
#
# Resources: open fds (/proc/PID/fd) and RSS sampled by each driver at start (after a 256-call
# warm-up on extra keys, so pools and caches exist), middle (half the requests) and end.
# Flat = RSS end <= middle * 1.10 and fds end <= max(start, middle) + 8 (keep-alive pools come
# and go: up to 256 connections right after the warm-up; a leak grows past what was seen).
# Exit status 0 only with 0 wrong results, every fault served and flat resources.
#
# Builds (flock /tmp/keyscope-heavy.lock): build/soak (tests/soak: the native driver and
# keyscope-sandbox, Release). Node uses bindings/wasm/dist (scripts/test-wasm.sh builds it),
# Python build/python-venv (scripts/test-python.sh); run those first if missing. Each front door
# is bounded by KEYSCOPE_SOAK_TIMEOUT seconds (default 300). KEYSCOPE_SOAK_NO_BUILD=1 uses the
# binaries already in build/soak.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/soak"
requests=${1:-10000}
doors=(${KEYSCOPE_SOAK_DOORS:-native node python})
door_timeout=${KEYSCOPE_SOAK_TIMEOUT:-300}
lock=/tmp/keyscope-heavy.lock
in_flight=256
warmup=256

for door in "${doors[@]}"; do
  case "$door" in
    node) [ -f "$root/bindings/wasm/dist/index.js" ] || {
      echo "soak: bindings/wasm/dist missing: run flock $lock scripts/test-wasm.sh" >&2; exit 2; } ;;
    python) "$root/build/python-venv/bin/python" -c 'import keyscope' 2>/dev/null || {
      echo "soak: build/python-venv has no keyscope: run flock $lock scripts/test-python.sh" >&2; exit 2; } ;;
  esac
done

if [ "${KEYSCOPE_SOAK_NO_BUILD:-0}" != 1 ] || [ ! -x "$build/keyscope_soak_driver" ]; then
  echo "==> building the native driver and keyscope-sandbox in build/soak" >&2
  if [ ! -f "$build/CMakeCache.txt" ]; then
    flock "$lock" cmake -S "$root/tests/soak" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  flock "$lock" cmake --build "$build" -j"${KEYSCOPE_JOBS:-2}" --target keyscope_soak_driver keyscope-sandbox >/dev/null
fi
sandbox="$build/keyscope/sandbox/keyscope-sandbox"

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$sandbox" --port 0 --rate-limit 0 --keys $((requests + warmup + 13)) --now 2026-05-17T12:00:00Z \
  --quiet >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$work/sandbox.out" 2>/dev/null && break; sleep 0.1; done
line=$(head -n1 "$work/sandbox.out")
base=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' <<<"$line")
token=$(sed -n 's/.*token=\([^ ]*\).*/\1/p' <<<"$line")
[ -n "$base" ] || { echo "soak: the sandbox did not start: $(cat "$work/sandbox.err")" >&2; exit 2; }
control=$(sed -E 's#^(http://[^/]+).*#\1#' <<<"$base")
echo "==> sandbox $base (pid $sandbox_pid); planning $requests requests" >&2
python3 "$root/tests/soak/plan.py" "$base" "$token" "$control" "$work" "$requests" "$warmup"

status=0
results=()
for door in "${doors[@]}"; do
  loaded=$(python3 "$root/tests/soak/faults.py" "$control" load "$work/rules.json")
  echo "==> $door: $requests requests, $in_flight in flight, $loaded fault rules armed" >&2
  case "$door" in
    native) cmd=("$build/keyscope_soak_driver" "$base" "$work/plan.tsv" "$in_flight") ;;
    node) cmd=(node "$root/tests/soak/soak_node.mjs" "$root/bindings/wasm/dist/index.js" "$base" "$work/plan.tsv" "$in_flight") ;;
    python) cmd=("$root/build/python-venv/bin/python" "$root/tests/soak/soak_python.py" "$base" "$work/plan.tsv" "$in_flight") ;;
    *) echo "soak: unknown front door $door" >&2; exit 2 ;;
  esac
  set +e
  KEYSCOPE_SESSION="$token" timeout "$door_timeout" "${cmd[@]}" >"$work/$door.json" 2>"$work/$door.err"
  rc=$?
  set -e
  left=$(python3 "$root/tests/soak/faults.py" "$control" left 2> >(head -n 5 >&2))
  json=$(tail -n1 "$work/$door.json")
  if [ -z "$json" ]; then
    json="{\"front_door\":\"$door\",\"crashed\":$rc}"
    tail -n 20 "$work/$door.err" >&2
  fi
  results+=("$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["exit"]=int(sys.argv[2]); d["rules_left"]=int(sys.argv[3]); print(json.dumps(d))' "$json" "$rc" "$left")")
  echo "${results[-1]}" >&2
done

python3 - "${results[@]}" <<'PY' || status=1
import json, sys
rows = [json.loads(a) for a in sys.argv[1:]]
print()
print(f'{"front door":10} {"requests":>8} {"ok":>6} {"recovered":>9} {"typed err":>9} {"wrong":>5} {"left":>4} {"fds start/mid/end":>18} {"RSS MB start/mid/end":>21} {"flat":>4} {"secs":>6}')
bad = False
for r in rows:
    if "crashed" in r:
        print(f'{r["front_door"]:10} crashed or timed out (exit {r["crashed"]})'); bad = True; continue
    fds, rss = r["fds"], r["rss_kb"]
    flat = rss[2] <= rss[1] * 1.10 and fds[2] <= max(fds[0], fds[1]) + 8
    bad |= r["wrong"] != 0 or r["rules_left"] != 0 or not flat or r["exit"] != 0
    print(f'{r["front_door"]:10} {r["requests"]:>8} {r["ok"]:>6} {r["recovered"]:>9} {r["expected_errors"]:>9} {r["wrong"]:>5} '
          f'{r["rules_left"]:>4} {"/".join(map(str, fds)):>18} '
          f'{"/".join("%.1f" % (k / 1024) for k in rss):>21} {"yes" if flat else "NO":>4} {r["seconds"]:>6.1f}')
for r in rows:
    if r.get("heap_kb"):
        print(f'{r["front_door"]}: malloc heap in use KB start/mid/end ' + "/".join(map(str, r["heap_kb"])))
for r in rows:
    if r.get("errors_by_type"):
        print(f'{r["front_door"]}: typed errors ' + ", ".join(f"{k} {v}" for k, v in sorted(r["errors_by_type"].items())))
    for w in r.get("wrong_examples", []):
        print(f'{r["front_door"]}: WRONG {w}')
print("ok: the fault-free answer (fingerprint equal); recovered: of those, calls planned to end in")
print("the typed error (fault served 3 times, max_retries 2) that still got the right value, i.e.")
print("more attempts reached the server than max_retries + 1; typed err: the planned typed error;")
print("wrong: anything else; left: fault rules not served; flat: RSS end <= middle * 1.10 and")
print("fds end <= max(start, middle) + 8 (no growth past the connection pool already seen)")
sys.exit(1 if bad else 0)
PY
exit $status
