#!/usr/bin/env bash
# Configures and builds the native tree (core, CLI, sandbox, tests) in build/native.
# Extra arguments are build targets (default: everything).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/native"
jobs=${KEYSCOPE_JOBS:-2}
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "==> configuring the native build in build/native" >&2
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKEYSCOPE_BUILD_TESTS=ON >/dev/null
fi
echo "==> building ${*:-everything} (native, -j$jobs)" >&2
if [ $# -gt 0 ]; then
  cmake --build "$build" -j"$jobs" --target "$@"
else
  cmake --build "$build" -j"$jobs"
fi
