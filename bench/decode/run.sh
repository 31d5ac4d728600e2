#!/usr/bin/env bash
# Native decode throughput (not a test): keyscope's codec next to simdjson On-Demand and nlohmann,
# bytes -> the same model structs, in one run, printing MB/s and ratios.
# Usage: bench/decode/run.sh [SECONDS_PER_CONTENDER=1]  (10 round-robin rounds, the best kept)
# Env: KEYSCOPE_BENCH_BUILD_DIR (default build/bench-decode). Installs libsimdjson-dev if missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${KEYSCOPE_BENCH_BUILD_DIR:-$root/build/bench-decode}"
if ! dpkg-query -W libsimdjson-dev >/dev/null 2>&1; then
  echo "== installing libsimdjson-dev (Debian)" >&2
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsimdjson-dev >/dev/null
fi
echo "== building (Release) in $build" >&2
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKEYSCOPE_BUILD_BENCH=ON \
  -DKEYSCOPE_BUILD_TESTS=OFF -DKEYSCOPE_BUILD_CLI=OFF -DKEYSCOPE_BUILD_SANDBOX=OFF >/dev/null
cmake --build "$build" -j"${KEYSCOPE_JOBS:-2}" --target keyscope_bench_decode >/dev/null
"$build/bench/decode/keyscope_bench_decode" "${1:-1}"
