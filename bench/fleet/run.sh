#!/usr/bin/env bash
# Fleet benchmark (not a test): the `keyscope report` fleet fetch through the SDK, side by side
# in one run with what a user would otherwise write — Python `requests` (sequential Session and
# an 8-thread pool) and `curl --parallel --parallel-max 8` — over the same URLs of one sandbox
# with 1,000 keys and rate limiting off; plus the SDK's per-request overhead next to a bare
# libcurl easy-handle loop (sequential, same requests).
#
# usage: bench/fleet/run.sh [REPEAT=3] [DAYS=30]
# env:   KEYSCOPE_BENCH_BUILD_DIR (default build/bench-fleet), PYTHON (with `requests`; default: a
#        venv at build/bench-venv, created on first use)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${KEYSCOPE_BENCH_BUILD_DIR:-$root/build/bench-fleet}"
repeat="${1:-3}"
days="${2:-30}"
workers=8

keys=1000
source "$here/setup.sh"
stats="$(echo "$base" | sed -E 's#^(http://[^/]+).*#\1#')/__sandbox/stats"

echo "== sandbox $base (1000 keys, rate limit off), days=$days, repeat=$repeat (median)" >&2
results="$work/results.jsonl"
"$build/bench/fleet/keyscope-bench-fleet" --base-url "$base" --days "$days" --concurrency "$workers" \
  --repeat "$repeat" --urls-out "$work/urls.txt" >>"$results"
"$python" "$here/requests_bench.py" "$base" "$days" "$repeat" "$workers" >>"$results"

# curl --parallel: the cookie and URLs go in a config file (-K), never on the command line.
{
  printf 'cookie = "sb-access-token=%s"\n' "$token"
  while read -r url; do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done <"$work/urls.txt"
} >"$work/curl.cfg"
chmod 600 "$work/curl.cfg"
"$python" - "$work/curl.cfg" "$stats" "$repeat" "$workers" >>"$results" <<'PY'
import json, statistics, subprocess, sys, time, urllib.request
cfg, stats, repeat, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
conn = lambda: json.load(urllib.request.urlopen(stats, timeout=10))["connections"]
runs, delta, n, connects = [], 0, 0, 0
for _ in range(repeat):
    before = conn()
    t0 = time.perf_counter()
    p = subprocess.run(["curl", "-s", "--fail", "--parallel", "--parallel-max", workers, "-K", cfg,
                        "-w", "%{http_code} %{num_connects}\n"], capture_output=True, text=True)
    runs.append(time.perf_counter() - t0)
    delta += conn() - before - 1
    lines = p.stdout.split()
    codes, nc = lines[0::2], lines[1::2]
    if p.returncode != 0 or any(c != "200" for c in codes):
        sys.exit(f"curl failed: rc={p.returncode}")
    n, connects = len(codes), sum(int(c) for c in nc)
print(json.dumps({"contender": "curl_parallel", "seconds": statistics.median(runs), "runs": runs,
                  "requests": n, "client_connections": connects, "server_connections": delta // repeat}))
PY

"$python" - "$results" "$(curl --version | head -1 | cut -d' ' -f1-2)" "$("$python" -c 'import requests; print(requests.__version__)')" <<'PY'
import json, sys
rows = {r["contender"]: r for r in map(json.loads, open(sys.argv[1]))}
curl_version, requests_version = sys.argv[2], sys.argv[3]
sdk = rows["sdk_fleet"]["seconds"]
labels = {
    "sdk_fleet": "keyscope SDK fetch_fleet (8 in flight)",
    "sdk_sequential": "keyscope SDK, sequential calls",
    "curl_easy": "bare libcurl easy handle, sequential",
    "curl_easy_parse": "bare libcurl + JSON parse, sequential",
    "requests_sequential": f"Python requests {requests_version}, Session",
    "requests_threads": "Python requests, 8 threads",
    "curl_parallel": f"{curl_version} --parallel-max 8",
}
print(f"\nFleet fetch: {rows['sdk_fleet']['requests']} requests per run "
      "(1 key list + usage of every active key), median of runs\n")
print(f"{'contender':42} {'wall s':>8} {'req/s':>8} {'x SDK time':>10} {'conns client':>12} {'conns server':>12}")
for name in ["sdk_fleet", "curl_parallel", "requests_threads", "sdk_sequential", "curl_easy",
             "curl_easy_parse", "requests_sequential"]:
    r = rows[name]
    cc = "-" if r["client_connections"] < 0 else str(r["client_connections"])
    print(f"{labels[name]:42} {r['seconds']:8.3f} {r['requests'] / r['seconds']:8.0f} "
          f"{r['seconds'] / sdk:10.2f} {cc:>12} {r['server_connections']:>12}")
seq, bare, parse = (rows[k] for k in ("sdk_sequential", "curl_easy", "curl_easy_parse"))
per = lambda r: r["seconds"] / r["requests"] * 1e6
print(f"\nPer request, sequential: SDK {per(seq):.0f} us, bare libcurl {per(bare):.0f} us, "
      f"bare libcurl + JSON parse {per(parse):.0f} us")
print(f"SDK overhead vs bare libcurl: {per(seq) - per(bare):+.0f} us/request "
      f"({per(seq) - per(parse):+.0f} us vs bare libcurl + parse; the SDK also decodes into typed "
      "models, validates, tracks rate limits and runs its retry machinery)")
print("x SDK time: contender wall time / SDK fetch_fleet wall time (above 1 = slower than the SDK)")
PY
