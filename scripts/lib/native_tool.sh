# Sourced by the test stages: the native tool a stage drives (the sandbox, the CLI), built when the
# environment does not name one, exported as an absolute path. Needs ROOT and a `log` function.
#
#   ensure_native_tool KEYSCOPE_SANDBOX keyscope-sandbox sandbox/keyscope-sandbox
ensure_native_tool() {
  local var=$1 target=$2 relative=$3 path
  path="${!var:-$ROOT/build/native/$relative}"
  if [ ! -x "$path" ]; then
    log "building $target"
    cmake -S "$ROOT" -B "$ROOT/build/native" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$ROOT/build/native" --target "$target"
    path="$ROOT/build/native/$relative"
  fi
  export "$var=$(cd "$(dirname "$path")" && pwd)/$(basename "$path")"
}
