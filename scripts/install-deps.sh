#!/usr/bin/env bash
# Installs what keyscope's builds and tests need on Debian 12, idempotently.
# Usage: scripts/install-deps.sh [native] [wasm] [browser] [python]   (no argument: all)
set -euo pipefail

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(native wasm browser python)
want() { local g; for g in "${groups[@]}"; do [ "$g" = "$1" ] && return 0; done; return 1; }

say() { echo "==> $*" >&2; }
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

packages=()
want native && packages+=(build-essential cmake ninja-build pkg-config libcurl4-openssl-dev
  nlohmann-json3-dev libgtest-dev libgmock-dev libcpp-httplib-dev zlib1g-dev curl ca-certificates openssl python3
  locales libtomlplusplus-dev zsh fish)
want wasm && packages+=(emscripten)
want browser && packages+=(chromium fonts-liberation)
want python && packages+=(python3-venv python3-dev build-essential cmake ninja-build libcurl4-openssl-dev
  nlohmann-json3-dev zlib1g-dev libtomlplusplus-dev openssl)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may bring its own Node.js, Python or CMake outside Debian's packages: use those.
if command -v python3 >/dev/null && python3 -m venv --help >/dev/null 2>&1; then
  missing=("${missing[@]/python3-venv/}"); missing=("${missing[@]/python3-dev/}")
fi
if (want wasm || want browser) && ! command -v node >/dev/null; then missing+=(nodejs npm); fi
command -v cmake >/dev/null && missing=("${missing[@]/cmake/}")
read -r -a missing <<<"${missing[*]:-}"

if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages already installed (${groups[*]})"
fi
