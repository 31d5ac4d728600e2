#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts the sandbox on a free loopback port, runs
# `keyscope report` against it, then reconciles the API's usage with the egress log the demo
# organisation's own services wrote (emitted by the sandbox, with planted incidents), and stops
# the sandbox.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" native
"$root/scripts/build-native.sh" keyscope-cli keyscope-sandbox

sandbox="$root/build/native/sandbox/keyscope-sandbox"
cli="$root/build/native/cli/keyscope"
workdir=$(mktemp -d)
trap 'kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; rm -rf "$workdir"' EXIT

echo "==> starting keyscope-sandbox on a free loopback port" >&2
# One clock for the API and the emitted log: the sandbox's day and time are pinned to now.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$sandbox" --port 0 --seed 42 --now "$now" >"$workdir/sandbox.out" 2>"$workdir/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$workdir/sandbox.out" 2>/dev/null && break
  sleep 0.05
done
line=$(head -n 1 "$workdir/sandbox.out")
base_url=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' <<<"$line")
[ -n "$base_url" ] || { echo "sandbox did not start:" >&2; cat "$workdir/sandbox.err" >&2; exit 1; }
echo "==> sandbox at $base_url" >&2

export KEYSCOPE_BASE_URL="$base_url"
export KEYSCOPE_SESSION
KEYSCOPE_SESSION=$(sed -n 's/.*token=\([^ ]*\).*/\1/p' <<<"$line")
echo "==> keyscope report --days 90" >&2
"$cli" report --days 90

echo >&2
echo "==> keyscope-sandbox --emit-logs: the demo organisation's own egress log, 7 days (planted: a leaked" >&2
echo "    key, a revoked key still called, an unknown key prefix, a day of billing drift)" >&2
"$sandbox" --emit-logs "$workdir/logs" --seed 42 --now "$now" --log-days 7 2>&1 | sed -n '1,3p' >&2
echo "==> keyscope reconcile --logs egress.jsonl --days 7" >&2
set +e
"$cli" reconcile --logs "$workdir/logs/egress.jsonl" --days 7
rc=$?
"$cli" reconcile --logs "$workdir/logs/egress.jsonl" --days 7 --json >"$workdir/reconcile.json"
set -e
echo >&2
echo "==> keyscope reconcile exited $rc (1: discrepancies found, like diff)" >&2
python3 "$root/scripts/compare_planted.py" "$workdir/logs/planted.json" "$workdir/reconcile.json"
