#!/usr/bin/env bash
# Builds the npm package's WebAssembly core into bindings/wasm/dist (build dir: build/wasm).
# Works with Debian's Emscripten 3.1.6 and with emsdk 4.x (emcmake on PATH).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${KEYSCOPE_WASM_BUILD_DIR:-$root/build/wasm}"
# Debian's emcc runs its JS optimizer under the machine's node, which cannot find Debian's acorn.
if [[ -d /usr/share/nodejs ]]; then export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"; fi
generator=()
if command -v ninja >/dev/null 2>&1 && [[ ! -f "$build/CMakeCache.txt" ]]; then generator=(-G Ninja); fi
emcmake cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" --target keyscope_wasm -j"${KEYSCOPE_JOBS:-2}"
ls -l "$root/bindings/wasm/dist"
