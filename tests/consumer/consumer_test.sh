#!/usr/bin/env bash
# Installs keyscope from a build tree into a scratch prefix, builds tests/consumer against it with
# find_package(keyscope), and runs it against a sandbox.
# Usage: consumer_test.sh BUILD_DIR SANDBOX_BINARY
set -euo pipefail
build=$1
sandbox=$2
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
pid=""
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$scratch"' EXIT

cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
cmake -S "$here" -B "$scratch/build" -G Ninja -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/build" >/dev/null

"$sandbox" --port 0 --token consumer-token --quiet >"$scratch/out" &
pid=$!
for _ in $(seq 1 100); do grep -q listening "$scratch/out" && break; sleep 0.05; done
url=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$scratch/out")
output=$("$scratch/build/consumer" "$url" consumer-token)
echo "$output"
grep -q "^13 keys" <<<"$output"
