#!/usr/bin/env bash
# The API reference, generated from the sources into build/docs/{cpp,js,python}. Any warning
# fails the build, so a broken doc comment fails the test command.
#   cpp     Doxygen over the public headers sdk/include/keyscope/*.hpp, README.md as the main
#           page (docs/api/Doxyfile, WARN_AS_ERROR = FAIL_ON_WARNINGS). Installs Debian's doxygen
#           when it is missing.
#   js      TypeDoc (a pinned devDependency) over bindings/wasm/src/index.d.ts and models.d.ts
#           (docs/api/typedoc.json), --treatWarningsAsErrors. Runs `npm ci` when it is missing.
#   python  pdoc over the keyscope package installed in build/python-venv (scripts/test-python.sh
#           makes it); installs pdoc there when it is missing; any pdoc warning is an error
#           (scripts/pdoc_strict.py).
# Usage: scripts/build-docs.sh [cpp] [js] [python]   (no argument: all three)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/build/docs"
PDOC_VERSION=16.0.0
say() { echo "==> docs: $*" >&2; }

parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(cpp js python)
status=0

build_cpp() {
  if ! command -v doxygen >/dev/null; then
    say "installing Debian package doxygen"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends doxygen >/dev/null
  fi
  local version
  version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' package.json | head -n1)
  rm -rf "$out/cpp"; mkdir -p "$out/cpp"
  say "C++ reference (doxygen $(doxygen --version)) -> build/docs/cpp"
  KEYSCOPE_ROOT="$root" KEYSCOPE_VERSION="$version" KEYSCOPE_DOCS_OUT="$out/cpp" doxygen docs/api/Doxyfile
}

build_js() {
  if [ ! -x node_modules/.bin/typedoc ]; then
    say "npm ci (TypeDoc is a devDependency)"
    npm ci --no-audit --no-fund >/dev/null
  fi
  rm -rf "$out/js"
  say "JS reference ($(node_modules/.bin/typedoc --version | grep -m1 TypeDoc)) -> build/docs/js"
  node_modules/.bin/typedoc --options docs/api/typedoc.json --treatWarningsAsErrors \
    --logLevel Warn --out "$out/js"
}

build_python() {
  local python="$root/build/python-venv/bin/python"
  if ! [ -x "$python" ] || ! "$python" -c 'import keyscope' 2>/dev/null; then
    echo "docs: no keyscope installed in build/python-venv: run scripts/test-python.sh first" >&2
    return 1
  fi
  if [ "$("$python" -c 'import pdoc; print(pdoc.__version__)' 2>/dev/null)" != "$PDOC_VERSION" ]; then
    say "pip install pdoc==$PDOC_VERSION into build/python-venv"
    "$python" -m pip install -q --disable-pip-version-check "pdoc==$PDOC_VERSION"
  fi
  rm -rf "$out/python"
  say "Python reference (pdoc $PDOC_VERSION) -> build/docs/python"
  "$python" "$root/scripts/pdoc_strict.py" "$out/python"
}

for part in "${parts[@]}"; do
  case "$part" in
    cpp|js|python)
      if "build_$part"; then say "$part ok"; else say "$part FAILED"; status=1; fi ;;
    *) echo "usage: scripts/build-docs.sh [cpp] [js] [python]" >&2; exit 2 ;;
  esac
done
[ "$status" -eq 0 ] && say "API reference in build/docs/{cpp,js,python}/index.html"
exit "$status"
