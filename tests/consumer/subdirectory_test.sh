#!/usr/bin/env bash
# keyscope as a subproject (tests/consumer/subdirectory): configures it with add_subdirectory,
# builds the core-only consumer, runs it on a fixture, and checks that installing the parent
# project installs nothing of keyscope (KEYSCOPE_INSTALL follows PROJECT_IS_TOP_LEVEL).
# Usage: subdirectory_test.sh KEYSCOPE_SOURCE_DIR
set -euo pipefail
source_dir=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cmake -S "$here/subdirectory" -B "$scratch/build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DKEYSCOPE_SOURCE_DIR="$source_dir" >"$scratch/configure.log" || { cat "$scratch/configure.log"; exit 1; }
cmake --build "$scratch/build" --target consumer_subdirectory -j"${KEYSCOPE_JOBS:-2}" >"$scratch/build.log" \
  || { tail -30 "$scratch/build.log"; exit 1; }
output=$("$scratch/build/consumer_subdirectory" <"$here/../fixtures/get_usage.json")
echo "$output"
grep -q "^142587 requests over" <<<"$output"
cmake --install "$scratch/build" --prefix "$scratch/prefix" >/dev/null
if [ -e "$scratch/prefix/include/keyscope" ] || [ -n "$(find "$scratch/prefix" -name '*keyscope*' 2>/dev/null)" ]; then
  echo "installing the parent project installed keyscope's files: KEYSCOPE_INSTALL should be OFF" >&2
  exit 1
fi
echo "add_subdirectory: library targets only, nothing installed"
