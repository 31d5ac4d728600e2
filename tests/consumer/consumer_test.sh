#!/usr/bin/env bash
# Installs keyscope from a build tree into a scratch prefix with README.md's command, runs the
# installed CLI, builds tests/consumer against the prefix with find_package(keyscope), runs the
# all-in-one consumer against a sandbox and the core-only one on a fixture, and checks that the
# core-only one has no libcurl or client code in it.
# Usage: consumer_test.sh BUILD_DIR SANDBOX_BINARY
set -euo pipefail
build=$1
sandbox=$2
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
pid=""
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$scratch"' EXIT

# README.md's install command, with this build tree for build/native and a scratch prefix for
# /opt/keyscope: the test fails when the README says something else, so the two move together.
readme_install='cmake --install build/native --prefix /opt/keyscope'
if ! grep -qF "$readme_install" "$here/../../README.md"; then
  echo "README.md no longer says '$readme_install': update tests/consumer/consumer_test.sh" >&2
  exit 1
fi
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
# The CLI the README points at, <prefix>/bin/keyscope, runs from the prefix.
cli_version=$("$scratch/prefix/bin/keyscope" --version)
echo "$cli_version"
grep -q "^keyscope [0-9]" <<<"$cli_version"
cmake -S "$here" -B "$scratch/build" -G Ninja -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/build" >/dev/null

"$sandbox" --port 0 --token consumer-token --quiet >"$scratch/out" &
pid=$!
for _ in $(seq 1 100); do grep -q listening "$scratch/out" && break; sleep 0.05; done
url=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$scratch/out")
output=$("$scratch/build/consumer" "$url" consumer-token)
echo "$output"
grep -q "^13 keys" <<<"$output"

# keyscope::core alone: decodes and analyses a payload with no transport, and pulls in no libcurl.
fixture="$here/../fixtures/get_usage.json"
core_output=$("$scratch/build/consumer_core" <"$fixture")
echo "$core_output"
grep -q "^142587 requests over [0-9]* days, median day [0-9]" <<<"$core_output"
if ldd "$scratch/build/consumer_core" | grep -q curl; then
  echo "consumer_core links libcurl: keyscope::core must not" >&2
  exit 1
fi
if nm -C "$scratch/build/consumer_core" | grep -q "curl_easy\|keyscope::Client::"; then
  echo "consumer_core contains client or curl code: keyscope::core must not" >&2
  exit 1
fi
