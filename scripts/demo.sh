#!/usr/bin/env bash
# The demo: installs what is missing, builds, starts the sandbox on a free loopback port, runs
# `keyscope report` against it, and stops the sandbox.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" native
"$root/scripts/build-native.sh" keyscope-cli keyscope-sandbox

sandbox="$root/build/native/sandbox/keyscope-sandbox"
cli="$root/build/native/cli/keyscope"
workdir=$(mktemp -d)
trap 'kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; rm -rf "$workdir"' EXIT

echo "==> starting keyscope-sandbox on a free loopback port" >&2
"$sandbox" --port 0 --seed 42 >"$workdir/sandbox.out" 2>"$workdir/sandbox.err" &
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
