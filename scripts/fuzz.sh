#!/usr/bin/env bash
# Every libFuzzer target under ASan + UBSan, optimised, for SECONDS each (default 60).
#
#   scripts/fuzz.sh [SECONDS]          e.g. nice -n 19 scripts/fuzz.sh 600
#
# Targets (tests/fuzz/<name>_fuzzer.cpp): codec (response decoders, tape vs nlohmann, error
# envelope), analytics_json (run_helper_json for every helper), log_reader (LogReader in each
# format, aggregates, summarize/reconcile_logs_json), ddsketch_proto (DDSketch::from_proto on
# arbitrary bytes, re-encode -> decode). Build: build/fuzz, clang, -O1
# -fno-omit-frame-pointer -gline-tables-only, assertions on, the core instrumented for coverage
# (-fsanitize=fuzzer-no-link). Each target starts from its committed seeds
# (tests/fuzz/corpus/<name>/) and its working corpus build/fuzz/corpus/<name>/ (kept between
# runs; new inputs go there, never into the repo). Findings go to build/fuzz/artifacts/.
#
# Prints per target: executions, exec/s, coverage (cov = edges, ft = features, from libFuzzer's
# final stats), corpus size and findings (0, or the crashing input's path), then a table.
# Exit status: 0 with no finding, 1 when a target found something, 2 on a build error.
#
# Env: KEYSCOPE_FUZZ_TARGETS="codec log_reader" (a subset), KEYSCOPE_JOBS (build jobs, 2),
# KEYSCOPE_FUZZ_ARGS (extra libFuzzer flags), KEYSCOPE_FUZZ_PARALLEL=1 (all targets at once),
# KEYSCOPE_FUZZ_NO_BUILD=1 (use the binaries already in build/fuzz). Builds run under flock
# /tmp/keyscope-heavy.lock.
# Reproduce a finding: build/fuzz/tests/fuzz/keyscope_<name>_fuzzer build/fuzz/artifacts/<file>
# Minimise it: ... -minimize_crash=1 -runs=100000 build/fuzz/artifacts/<file>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/fuzz"
seconds=${1:-60}
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2; }
targets=(${KEYSCOPE_FUZZ_TARGETS:-codec analytics_json log_reader ddsketch_proto})
lock=/tmp/keyscope-heavy.lock

if ! command -v clang++ >/dev/null || ! dpkg-query -W libclang-rt-14-dev >/dev/null 2>&1; then
  echo "==> installing clang and its sanitizer runtimes" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "==> configuring the optimised ASan/UBSan fuzz build in build/fuzz" >&2
  CC=clang CXX=clang++ flock "$lock" cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -fno-omit-frame-pointer -gline-tables-only" \
    -DKEYSCOPE_SANITIZE=ON -DKEYSCOPE_BUILD_FUZZERS=ON -DKEYSCOPE_BUILD_CLI=OFF \
    -DKEYSCOPE_BUILD_SANDBOX=OFF >/dev/null || exit 2
fi
if [ "${KEYSCOPE_FUZZ_NO_BUILD:-0}" != 1 ]; then
  echo "==> building ${targets[*]}" >&2
  flock "$lock" cmake --build "$build" -j"${KEYSCOPE_JOBS:-2}" \
    --target $(printf 'keyscope_%s_fuzzer ' "${targets[@]}") >/dev/null || exit 2
fi

max_len() {
  case "$1" in codec) echo 65536 ;; analytics_json) echo 32768 ;; *) echo 16384 ;; esac
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build/artifacts" "$build/logs"
run_target() {  # TARGET: fuzz it, write its table row to $build/logs/TARGET.row, return 1 on a finding
  local target=$1 seeds work log start rc wall execs rate last cov ft corp finding
  seeds="$root/tests/fuzz/corpus/$target"
  work="$build/corpus/$target"
  mkdir -p "$work"
  log="$build/logs/$target.log"
  echo "==> fuzzing $target for ${seconds} s (max_len $(max_len "$target"), log $log)" >&2
  start=$(date +%s)
  set +e
  # shellcheck disable=SC2086
  "$build/tests/fuzz/keyscope_${target}_fuzzer" "$work" "$seeds" \
    -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" ${KEYSCOPE_FUZZ_ARGS:-} \
    >"$log" 2>&1
  rc=$?
  set -e
  wall=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$last")
  finding=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -n1)
  if [ "$rc" -ne 0 ] || [ -n "$finding" ]; then
    finding=${finding:-"exit $rc, see $log"}
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|    #[0-9]+ )' "$log" | head -n 25 >&2 || true
  else
    finding=0
  fi
  printf '%s: executions %s, exec/s %s, cov %s, ft %s, corpus %s, wall %s s, findings %s\n' \
    "$target" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$wall" "$finding"
  printf '%-15s %12s %8s %6s %7s %7s  %s\n' "$target" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
    "$wall" "$finding" >"$build/logs/$target.row"
  [ "$finding" = 0 ]
}

status=0
start_all=$(date +%s)
if [ "${KEYSCOPE_FUZZ_PARALLEL:-0}" = 1 ]; then  # all targets at once (a campaign on idle cores)
  pids=()
  for target in "${targets[@]}"; do run_target "$target" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
else
  for target in "${targets[@]}"; do run_target "$target" || status=1; done
fi
echo
printf '%-15s %12s %8s %6s %7s %7s  %s\n' target executions exec/s cov ft wall_s findings
for target in "${targets[@]}"; do cat "$build/logs/$target.row"; done
echo "total wall $(( $(date +%s) - start_all )) s; command:${KEYSCOPE_FUZZ_PARALLEL:+ KEYSCOPE_FUZZ_PARALLEL=1}${KEYSCOPE_FUZZ_TARGETS:+ KEYSCOPE_FUZZ_TARGETS=\"${targets[*]}\"} scripts/fuzz.sh $seconds"
exit "$status"
