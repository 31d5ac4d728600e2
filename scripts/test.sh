#!/usr/bin/env bash
# Every test: installs what is missing, builds, and runs the C++ suites (unit, integration
# against the sandbox, CLI), the npm package in Node and in headless Chromium, the Python
# wheel, the API reference build (warnings fail it) and the contract checks. Ends with one
# "N passed, N failed" line summing every runner.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
logs="$root/build/test-logs"
mkdir -p "$logs"
started=$(date +%s)
missing_stages=()
failed_stages=()

"$root/scripts/install-deps.sh" || exit 1

status=0
run_stage() {  # name, command... (a script path runs through bash: a lost exec bit cannot skip it)
  local name=$1; shift
  echo; echo "==> [$name] $*" >&2
  rm -f "$logs/$name.log"
  if [[ $1 == */* && $1 == *.sh ]]; then
    if [[ ! -f $1 ]]; then
      echo "==> [$name] FAILED: stage script $1 is missing" >&2
      echo "stage script $1 is missing" > "$logs/$name.log"
      status=1; missing_stages+=("$name"); return
    fi
    set -- bash "$@"
  fi
  if "$@" 2>&1 | tee "$logs/$name.log"; then
    echo "==> [$name] ok" >&2
  else
    echo "==> [$name] FAILED" >&2
    status=1; failed_stages+=("$name")
  fi
}

run_stage native-build "$root/scripts/build-native.sh"
export KEYSCOPE_SANDBOX="$root/build/native/sandbox/keyscope-sandbox"
export KEYSCOPE_CLI="$root/build/native/cli/keyscope"
run_stage cpp ctest --test-dir "$root/build/native" --output-on-failure -j2 --timeout 300
run_stage sanitizers "$root/scripts/test-sanitizers.sh"
run_stage wasm "$root/scripts/test-wasm.sh"
run_stage python "$root/scripts/test-python.sh"
run_stage docs "$root/scripts/build-docs.sh"   # the API reference; needs the python stage's venv
run_stage contract "$root/scripts/test-contract.sh"

# One total over every runner's own summary line, which runner counted what printed above it.
# The stage logs each runner writes, by summary format (add a stage's name to its list):
CTEST_STAGES=(cpp sanitizers)   # "N% tests passed, F tests failed out of T"
NODE_STAGES=(wasm)              # node --test: "# pass N" / "# fail N" per run
PYTEST_STAGES=(python contract) # pytest: "N passed, F failed, E errors in S s"
passed=0; failed=0
count() {  # stage, passed, failed
  printf '==>   %-12s %6d passed, %d failed\n' "$1" "$2" "$3" >&2
  passed=$((passed + $2)); failed=$((failed + $3))
}
for stage in "${CTEST_STAGES[@]}"; do
  log="$logs/$stage.log"; [ -f "$log" ] || continue
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$log" | tail -1)
  if [ -n "$total" ]; then set -- $total; count "$stage" $(( $2 - $1 )) "$1"; fi
done
for stage in "${NODE_STAGES[@]}"; do
  log="$logs/$stage.log"; [ -f "$log" ] || continue
  p=$(grep -aE '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  f=$(grep -aE '^# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  count "$stage" "$p" "$f"
done
for stage in "${PYTEST_STAGES[@]}"; do
  log="$logs/$stage.log"; [ -f "$log" ] || continue
  line=$(grep -aE '^(=+ )?[0-9]+ (passed|failed|errors?)\b.* in [0-9.]+s' "$log" | tail -1)
  [ -n "$line" ] || continue
  p=$(grep -aoE '[0-9]+ passed' <<<"$line" | awk '{print $1}')
  f=$(grep -aoE '[0-9]+ (failed|errors?)\b' <<<"$line" | awk '{s+=$1} END {print s+0}')
  count "$stage" "${p:-0}" "${f:-0}"
done
echo
echo "==> all stages done in $(( $(date +%s) - started )) s" >&2
echo "==> the total counts the C++ suites twice: 'cpp' (Release) and 'sanitizers' (the same unit" >&2
echo "==> and integration tests under ASan + UBSan) are separate runs of mostly the same tests" >&2
for stage in "${missing_stages[@]}"; do echo "==> stage $stage did not run: its script is missing (1 failure)" >&2; done
failed=$((failed + ${#missing_stages[@]}))
for stage in "${failed_stages[@]}"; do  # stages with no runner of their own count as one failure
  case " ${CTEST_STAGES[*]} ${NODE_STAGES[*]} ${PYTEST_STAGES[*]} " in
    *" $stage "*) ;;
    *) echo "==> stage $stage FAILED (1 failure; its log: build/test-logs/$stage.log)" >&2; failed=$((failed + 1)) ;;
  esac
done
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1  # a stage failed before its runner counted
echo "$passed passed, $failed failed"
exit "$status"
