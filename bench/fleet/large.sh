#!/usr/bin/env bash
# A large fleet (not a test): wall time and peak RSS of one fleet fetch of KEYS keys (default
# 10,000), each contender in its own process so that its peak RSS is its own (GNU time's %M):
#   keyscope fetch_fleet (8 in flight) | curl --parallel --parallel-max 8 | Python requests, 8 threads
# All fetch the same URLs (the key list + the usage of every active key) from one sandbox with
# rate limiting off. The SDK keeps every decoded usage in memory (a Fleet); curl writes the bodies
# to /dev/null; requests decodes each body with .json() and keeps nothing.
#
# usage: bench/fleet/large.sh [KEYS=10000] [DAYS=30]
# env:   KEYSCOPE_BENCH_BUILD_DIR (default build/bench-fleet), PYTHON (with `requests`; default the
#        venv of run.sh, build/bench-venv)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${KEYSCOPE_BENCH_BUILD_DIR:-$root/build/bench-fleet}"
keys="${1:-10000}"
days="${2:-30}"
workers=8
[ -x /usr/bin/time ] || { echo "== installing GNU time (Debian)" >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

source "$here/setup.sh"
bench=("$build/bench/fleet/keyscope-bench-fleet" --base-url "$base" --days "$days" --concurrency "$workers" --repeat 1)

echo "== sandbox $base ($keys keys), days=$days; the URL list (not measured)" >&2
"${bench[@]}" --only none --urls-out "$work/urls.txt" >/dev/null
{
  printf 'cookie = "sb-access-token=%s"\n' "$token"
  while read -r url; do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done <"$work/urls.txt"
} >"$work/curl.cfg"
chmod 600 "$work/curl.cfg"

rss() { sed -n 's/^peak_rss_kb=//p' "$1"; }
echo "== keyscope fetch_fleet" >&2
/usr/bin/time -f 'peak_rss_kb=%M' -o "$work/sdk.time" "${bench[@]}" --only sdk_fleet >"$work/sdk.json"
echo "== curl --parallel" >&2
start=$(date +%s.%N)
/usr/bin/time -f 'peak_rss_kb=%M' -o "$work/curl.time" \
  curl -s --no-progress-meter --fail --parallel --parallel-max "$workers" -K "$work/curl.cfg" -o /dev/null
curl_seconds=$(echo "$(date +%s.%N) - $start" | bc)
echo "== Python requests, $workers threads" >&2
/usr/bin/time -f 'peak_rss_kb=%M' -o "$work/requests.time" \
  "$python" "$here/requests_bench.py" "$base" "$days" 1 "$workers" requests_threads >"$work/requests.json"

"$python" - "$work" "$curl_seconds" "$(wc -l <"$work/urls.txt")" <<'PY'
import json, sys
work, curl_seconds, urls = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
rss = lambda name: int(open(f"{work}/{name}.time").read().split("peak_rss_kb=")[1]) / 1024
sdk = json.load(open(f"{work}/sdk.json"))
req = json.load(open(f"{work}/requests.json"))
rows = [("keyscope fetch_fleet (8 in flight)", sdk["seconds"], sdk["requests"], rss("sdk")),
        ("curl --parallel-max 8", curl_seconds, urls, rss("curl")),
        ("Python requests, 8 threads", req["seconds"], req["requests"], rss("requests"))]
print(f"\nFleet of {urls - 1} active keys ({urls} requests), one run each, own process\n")
print(f"{'contender':38} {'wall s':>8} {'req/s':>8} {'x SDK time':>10} {'peak RSS MB':>12} {'x SDK RSS':>10}")
for name, seconds, n, mb in rows:
    print(f"{name:38} {seconds:8.2f} {n / seconds:8.0f} {seconds / rows[0][1]:10.2f} {mb:12.1f} {mb / rows[0][3]:10.2f}")
print("curl's wall time includes its process start; the SDK's and requests' are timed inside the process.")
PY
