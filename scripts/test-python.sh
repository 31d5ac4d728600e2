#!/usr/bin/env bash
# The Python wheel's tests: build the wheel, repair it (auditwheel: libcurl and its deps bundled;
# scripts/build-wheel.sh), install it into a fresh venv (build/python-venv) and run tests/python
# against keyscope-sandbox.
# Installs what is missing (Debian packages, PyPI packages into build/ venvs). Exits non-zero on
# failure. Env: KEYSCOPE_SANDBOX (sandbox binary; built into build/native if absent),
# PYTHON (default python3, 3.9+), KEYSCOPE_SKIP_REPAIR=1 to test the unrepaired wheel.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
PY="${PYTHON:-python3}"
DIST="$ROOT/build/python-dist"
VENV="$ROOT/build/python-venv"
log() { printf '== test-python: %s\n' "$*"; }

# 1. Debian packages (compiler, CMake, Ninja, libcurl, nlohmann-json, zlib for the CLI, venv
#    support, openssl for the TLS tests' private CA).
APT_PACKAGES=(g++ cmake ninja-build pkg-config libcurl4-openssl-dev nlohmann-json3-dev zlib1g-dev libtomlplusplus-dev
              python3-venv openssl)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# 2. The sandbox the tests run against.
source "$ROOT/scripts/lib/native_tool.sh"
ensure_native_tool KEYSCOPE_SANDBOX keyscope-sandbox sandbox/keyscope-sandbox

# 3. The wheel, built and repaired as README.md's install command does (scripts/build-wheel.sh).
bash "$ROOT/scripts/build-wheel.sh"
WHEEL="$(ls "$DIST"/keyscope-*.whl | head -n1)"
if [ "${KEYSCOPE_SKIP_REPAIR:-0}" != "1" ]; then WHEEL="$(ls "$DIST"/repaired/keyscope-*.whl | head -n1)"; fi
log "testing $(basename "$WHEEL")"

# 4. A fresh venv with the wheel and the test dependencies.
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "${WHEEL}[test]"

# 5. pytest from a directory where the source tree is not importable: keyscope comes from the venv.
RUN_DIR="$ROOT/build/python-run"
mkdir -p "$RUN_DIR"
cd "$RUN_DIR"
"$VENV/bin/python" -c 'import keyscope, sys; print("keyscope", keyscope.__version__, "from", keyscope.__file__)'
KEYSCOPE_NO_SKIPS=1 exec "$VENV/bin/python" -m pytest "$ROOT/tests/python" -p no:cacheprovider --import-mode=importlib \
  --rootdir "$ROOT/tests/python" -q "$@"
