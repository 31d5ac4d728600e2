#!/usr/bin/env bash
# Log summary benchmark (not a test): keyscope (CLI and Python, single-threaded) vs DuckDB vs
# pandas on one generated JSON-lines log of >= 1 GB, plus keyscope.dask on 1, 2, 4 workers.
#
# usage: bench/logs/run.sh [run.py options]       e.g. --size 100MB (quick), --repeat 3, --only duckdb
#   1. builds keyscope-cli and keyscope-sandbox (scripts/build-native.sh, under
#      flock /tmp/keyscope-heavy.lock),
#   2. creates build/bench-logs-venv (pinned duckdb, pandas, pyarrow, psutil, dask, distributed)
#      and installs the keyscope wheel from build/python-dist when there is one
#      (KEYSCOPE_BENCH_WHEEL=path.whl to choose; none: the keyscope Python lines say "skipped"),
#   3. generates the log once into build/bench-logs/ (keyscope-sandbox --emit-logs; reused),
#   4. runs bench/logs/run.py: every contender in a process of its own, the table, the check.
# env: KEYSCOPE_BENCH_NO_BUILD=1 skips step 1 (binaries already built); KEYSCOPE_BENCH_NO_LOCK=1
#      measures without holding /tmp/keyscope-heavy.lock.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/build/bench-logs-venv"
log() { printf '== bench/logs: %s\n' "$*" >&2; }

if [ "${KEYSCOPE_BENCH_NO_BUILD:-0}" != "1" ]; then
  log "building keyscope-cli keyscope-sandbox (waiting for /tmp/keyscope-heavy.lock)"
  flock /tmp/keyscope-heavy.lock "$root/scripts/build-native.sh" keyscope-cli keyscope-sandbox >&2
fi

pins=(duckdb==2.0.1 pandas==3.1.1 pyarrow==26.0.1 numpy==2.4.6 psutil==7.2.2
      dask==2026.8.0 distributed==2026.8.0)
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
if [ -n "$wheel" ] && [ -f "$wheel" ]; then
  stamp="$(sha256sum "$wheel" | cut -d' ' -f1)"
  if [ "$(cat "$venv/.wheel" 2>/dev/null)" != "$stamp" ]; then
    log "installing $(basename "$wheel") from $(dirname "$wheel")"
    if "$venv/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$wheel"; then
      echo "$stamp" >"$venv/.wheel"
    else
      log "could not install $wheel: the keyscope Python lines will be skipped"
    fi
  fi
else
  log "no keyscope wheel in build/python-dist (scripts/test-python.sh builds it): keyscope Python lines skipped"
fi

# The measurement itself holds the heavy lock too, so builds that respect it do not run meanwhile
# (KEYSCOPE_BENCH_NO_LOCK=1: do not wait for it).
if [ "${KEYSCOPE_BENCH_NO_LOCK:-0}" = "1" ]; then
  exec "$venv/bin/python" "$here/run.py" "$@"
fi
log "measuring under /tmp/keyscope-heavy.lock (waiting for it)"
exec flock /tmp/keyscope-heavy.lock "$venv/bin/python" "$here/run.py" "$@"
