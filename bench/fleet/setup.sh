# Sourced by run.sh and large.sh: builds the benchmark and the sandbox (Release), finds a Python
# with `requests`, starts a sandbox of KEYS keys with rate limiting off and a random token.
# Needs `root`, `build`, `keys` set; sets `python`, `work` (a temp dir removed on exit), `base`
# and KEYSCOPE_SESSION.
echo "== building (Release) in $build" >&2
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKEYSCOPE_BUILD_BENCH=ON \
  -DKEYSCOPE_BUILD_TESTS=OFF -DKEYSCOPE_BUILD_CLI=OFF -DKEYSCOPE_BUILD_SANDBOX=ON >/dev/null
cmake --build "$build" -j2 --target keyscope-bench-fleet keyscope-sandbox >/dev/null

python="${PYTHON:-}"
if [ -z "$python" ]; then
  venv="$root/build/bench-venv"
  if [ ! -x "$venv/bin/python" ]; then
    echo "== creating $venv (pip install requests)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q requests
  fi
  python="$venv/bin/python"
fi
"$python" -c 'import requests' || { echo "bench: $python has no 'requests'" >&2; exit 1; }

work="$(mktemp -d)"
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

token="bench_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$build/sandbox/keyscope-sandbox" --port 0 --keys "$keys" --rate-limit 0 --seed 42 \
  --now 2026-05-17T12:00:00Z --token "$token" --quiet >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 600); do [ -s "$work/sandbox.out" ] && break; sleep 0.05; done
base="$(sed -n 's/^keyscope-sandbox listening on \(http:[^ ]*\) token=.*/\1/p' "$work/sandbox.out")"
[ -n "$base" ] || { echo "bench: sandbox did not start" >&2; cat "$work/sandbox.err" >&2; exit 1; }
export KEYSCOPE_SESSION="$token"
