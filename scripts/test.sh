#!/usr/bin/env bash
# Every test: installs what is missing, builds, and runs the C++ suites (unit, integration
# against the sandbox, CLI), the npm package in Node and in headless Chromium, and the Python
# wheel. Ends with one "N passed, N failed" line summing every runner.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
logs="$root/build/test-logs"
mkdir -p "$logs"
started=$(date +%s)

"$root/scripts/install-deps.sh" || exit 1

status=0
run_stage() {  # name, command...
  local name=$1; shift
  echo; echo "==> [$name] $*" >&2
  if "$@" 2>&1 | tee "$logs/$name.log"; then
    echo "==> [$name] ok" >&2
  else
    echo "==> [$name] FAILED" >&2
    status=1
  fi
}

run_stage native-build "$root/scripts/build-native.sh"
export KEYSCOPE_SANDBOX="$root/build/native/sandbox/keyscope-sandbox"
export KEYSCOPE_CLI="$root/build/native/examples/cli/keyscope"
run_stage cpp ctest --test-dir "$root/build/native" --output-on-failure -j2 --timeout 300
run_stage sanitizers "$root/scripts/test-sanitizers.sh"
[ -x "$root/scripts/test-wasm.sh" ] && run_stage wasm "$root/scripts/test-wasm.sh"
[ -x "$root/scripts/test-python.sh" ] && run_stage python "$root/scripts/test-python.sh"

# One total over every runner's own summary line.
passed=0; failed=0
add() { passed=$((passed + ${1:-0})); failed=$((failed + ${2:-0})); }
for log in "$logs/cpp.log" "$logs/sanitizers.log"; do
  [ -f "$log" ] || continue
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$log" | tail -1)
  if [ -n "$total" ]; then set -- $total; add $(( $2 - $1 )) "$1"; fi
done
for log in "$logs"/wasm.log; do
  [ -f "$log" ] || continue
  p=$(grep -E '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  f=$(grep -E '^# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  add "$p" "$f"
done
if [ -f "$logs/python.log" ]; then
  line=$(grep -E '^(=+ )?[0-9]+ (passed|failed).* in [0-9.]+s' "$logs/python.log" | tail -1)
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | awk '{print $1}')
  f=$(grep -oE '[0-9]+ (failed|error)' <<<"$line" | awk '{s+=$1} END {print s+0}')
  add "${p:-0}" "${f:-0}"
fi
echo
echo "==> all stages done in $(( $(date +%s) - started )) s" >&2
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1  # a stage failed before its runner counted
echo "$passed passed, $failed failed"
exit "$status"
