#!/usr/bin/env bash
# The npm package's tests: installs what is missing, builds the wasm core, runs the Node tests
# (tests/js, against keyscope-sandbox) and the headless Chromium tests (tests/browser).
# Needs KEYSCOPE_SANDBOX (absolute path of keyscope-sandbox); exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

need_apt=()
command -v emcc >/dev/null 2>&1 || need_apt+=(emscripten)
[[ -x /usr/bin/chromium ]] || need_apt+=(chromium)
command -v ninja >/dev/null 2>&1 || need_apt+=(ninja-build)
dpkg -s nlohmann-json3-dev >/dev/null 2>&1 || need_apt+=(nlohmann-json3-dev)
if ((${#need_apt[@]})); then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}"
fi
if [[ ! -d node_modules/playwright-core || ! -d node_modules/uplot || ! -d node_modules/vite || ! -d node_modules/typescript || ! -d node_modules/esbuild ]]; then
  # The lock lists rollup's optional platform packages (npm ci failed on a lock without them);
  # npm install stays as the fallback for an npm that resolves them differently.
  npm ci --no-audit --no-fund || npm install --no-audit --no-fund
fi

if [[ -z "${KEYSCOPE_SANDBOX:-}" ]]; then
  KEYSCOPE_SANDBOX="$root/build/native/sandbox/keyscope-sandbox"
fi
if [[ ! -x "$KEYSCOPE_SANDBOX" ]]; then
  echo "test-wasm: keyscope-sandbox not found at $KEYSCOPE_SANDBOX (build it, set KEYSCOPE_SANDBOX)" >&2
  exit 1
fi
export KEYSCOPE_SANDBOX

npm run build:wasm >/dev/null   # the READMEs' build command (scripts/build-wasm.sh)

status=0
echo "== npm package: Node tests (tests/js)"
node --test tests/js/*.test.js || status=1
echo "== npm package: Chromium tests (tests/browser)"
node --test tests/browser/*.test.js || status=1
exit $status
