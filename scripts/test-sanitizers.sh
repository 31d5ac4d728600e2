#!/usr/bin/env bash
# The core's unit and integration tests under AddressSanitizer + UndefinedBehaviorSanitizer
# (clang), then each libFuzzer target for a bounded time from its committed seed corpus
# (tests/fuzz/corpus/<target>/): codec 30 s, analytics_json, log_reader and ddsketch_proto 10 s each
# (KEYSCOPE_FUZZ_SECONDS, KEYSCOPE_FUZZ_SHORT_SECONDS). Long runs: scripts/fuzz.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/asan"
fuzz_seconds=${KEYSCOPE_FUZZ_SECONDS:-30}
fuzz_short_seconds=${KEYSCOPE_FUZZ_SHORT_SECONDS:-10}
if ! command -v clang++ >/dev/null || ! dpkg-query -W libclang-rt-14-dev >/dev/null 2>&1; then
  echo "==> installing clang and its sanitizer runtimes" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "==> configuring the ASan/UBSan build in build/asan" >&2
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DKEYSCOPE_SANITIZE=ON -DKEYSCOPE_BUILD_FUZZERS=ON -DKEYSCOPE_BUILD_CLI=OFF >/dev/null
fi
cmake --build "$build" -j"${KEYSCOPE_JOBS:-2}" --target keyscope_unit_tests keyscope_integration_tests \
  keyscope_codec_fuzzer keyscope_analytics_json_fuzzer keyscope_log_reader_fuzzer keyscope_ddsketch_proto_fuzzer
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j2 --timeout 300 -E '^(cmake_consumer|sandbox_smoke|cli)'
fuzz() {  # TARGET SECONDS MAX_LEN: new inputs go to a temporary corpus, never into the repo
  local work
  work=$(mktemp -d)
  echo "==> fuzzing $1 for $2 s" >&2
  local rc=0
  "$build/tests/fuzz/keyscope_$1_fuzzer" "$work" "$root/tests/fuzz/corpus/$1" -max_total_time="$2" \
    -max_len="$3" -timeout=10 -artifact_prefix="$build/$1-" 2>&1 | tail -n 3 || rc=$?
  rm -rf "$work"
  return "$rc"
}
fuzz codec "$fuzz_seconds" 65536
fuzz analytics_json "$fuzz_short_seconds" 32768
fuzz log_reader "$fuzz_short_seconds" 16384
fuzz ddsketch_proto "$fuzz_short_seconds" 16384
