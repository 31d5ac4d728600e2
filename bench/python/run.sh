#!/usr/bin/env bash
# Python wheel benchmark (not a test): keyscope vs json/orjson + dataclasses, msgspec, requests
# and httpx, side by side in one run (bench/python/bench_wheel.py prints the ratios).
#
# usage: bench/python/run.sh [bench_wheel.py options]     e.g. --only decode, --keys 2000
#   1. builds keyscope-sandbox (scripts/build-native.sh, under flock /tmp/keyscope-heavy.lock),
#   2. creates build/bench-python-venv (pinned msgspec, orjson, requests, httpx) and installs the
#      keyscope wheel from build/python-dist (scripts/test-python.sh builds it;
#      KEYSCOPE_BENCH_WHEEL=path.whl to choose),
#   3. runs bench_wheel.py under /tmp/keyscope-heavy.lock, so no build that respects the lock
#      runs meanwhile.
# env: KEYSCOPE_BENCH_NO_BUILD=1 skips step 1; KEYSCOPE_BENCH_NO_LOCK=1 measures without the lock.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/build/bench-python-venv"
log() { printf '== bench/python: %s\n' "$*" >&2; }

if [ "${KEYSCOPE_BENCH_NO_BUILD:-0}" != "1" ]; then
  log "building keyscope-sandbox (waiting for /tmp/keyscope-heavy.lock)"
  flock /tmp/keyscope-heavy.lock "$root/scripts/build-native.sh" keyscope-sandbox >&2
fi
export KEYSCOPE_SANDBOX="${KEYSCOPE_SANDBOX:-$root/build/native/sandbox/keyscope-sandbox}"

pins=(msgspec==0.22.0 orjson==3.13.0 requests==2.34.2 httpx==0.28.1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.pins" 2>/dev/null)" != "${pins[*]}" ]; then
  log "creating $venv (pip install ${pins[*]})"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${pins[@]}"
  echo "${pins[*]}" >"$venv/.pins"
fi

wheel="${KEYSCOPE_BENCH_WHEEL:-}"
if [ -z "$wheel" ]; then
  wheel="$(ls -t "$root"/build/python-dist/repaired/keyscope-*.whl "$root"/build/python-dist/keyscope-*.whl \
           2>/dev/null | head -n1 || true)"
fi
if [ -z "$wheel" ] || [ ! -f "$wheel" ]; then
  log "no keyscope wheel in build/python-dist: run scripts/test-python.sh first (or set KEYSCOPE_BENCH_WHEEL)"
  exit 1
fi
stamp="$(sha256sum "$wheel" | cut -d' ' -f1)"
if [ "$(cat "$venv/.wheel" 2>/dev/null)" != "$stamp" ]; then
  log "installing $(basename "$wheel") from $(dirname "$wheel")"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$wheel"
  echo "$stamp" >"$venv/.wheel"
fi

# From a directory where the source tree is not importable: keyscope comes from the venv.
cd "$root/build"
if [ "${KEYSCOPE_BENCH_NO_LOCK:-0}" = "1" ]; then
  exec "$venv/bin/python" "$here/bench_wheel.py" "$@"
fi
log "measuring under /tmp/keyscope-heavy.lock (waiting for it)"
exec flock /tmp/keyscope-heavy.lock "$venv/bin/python" "$here/bench_wheel.py" "$@"
