#!/usr/bin/env bash
# The core's unit and integration tests under AddressSanitizer + UndefinedBehaviorSanitizer
# (clang), then the libFuzzer codec target for a bounded time from the contract's examples.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/asan"
fuzz_seconds=${KEYSCOPE_FUZZ_SECONDS:-30}
if ! command -v clang++ >/dev/null || ! dpkg-query -W libclang-rt-14-dev >/dev/null 2>&1; then
  echo "==> installing clang and its sanitizer runtimes" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "==> configuring the ASan/UBSan build in build/asan" >&2
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DKEYSCOPE_SANITIZE=ON -DKEYSCOPE_BUILD_FUZZERS=ON -DKEYSCOPE_BUILD_CLI=OFF >/dev/null
fi
cmake --build "$build" -j"${KEYSCOPE_JOBS:-2}" --target keyscope_unit_tests keyscope_integration_tests keyscope_codec_fuzzer
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j2 --timeout 300 -E '^(cmake_consumer|sandbox_smoke|cli)'
echo "==> fuzzing the codec for ${fuzz_seconds} s" >&2
corpus=$(mktemp -d)
cp "$root"/tests/fixtures/*.json "$root"/tests/fuzz/corpus/* "$corpus"/
printf '%s' 0.1 > "$corpus/decimal"; printf '%s' -12.5e-3 > "$corpus/exponent"  # seeds for number reading
"$build/tests/fuzz/keyscope_codec_fuzzer" -max_total_time="$fuzz_seconds" -max_len=65536 -timeout=10 \
  -artifact_prefix="$build/" "$corpus" 2>&1 | tail -n 3
rm -rf "$corpus"
