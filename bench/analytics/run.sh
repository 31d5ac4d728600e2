#!/usr/bin/env bash
# Builds the analytics benchmark (Release) and compares it with numpy.percentile on the same
# samples in one run. Usage: bench/analytics/run.sh [N=10000000]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${KEYSCOPE_BENCH_BUILD_DIR:-$root/build-bench-analytics}"
n="${1:-10000000}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKEYSCOPE_BUILD_BENCH=ON \
  -DKEYSCOPE_BUILD_TESTS=OFF -DKEYSCOPE_BUILD_SANDBOX=OFF -DKEYSCOPE_BUILD_CLI=OFF >/dev/null
cmake --build "$build" -j2 --target keyscope_bench_analytics >/dev/null

python="${PYTHON:-python3}"
if ! "$python" -c 'import numpy' 2>/dev/null; then
  [ -x "$build/venv/bin/python" ] || { python3 -m venv "$build/venv" && "$build/venv/bin/pip" -q install numpy; }
  python="$build/venv/bin/python"
fi

samples="$build/analytics_samples.f64"
out="$("$build/bench/analytics/keyscope_bench_analytics" "$n" "$samples")"
echo "$out" | grep -v '^EXACT_'
exact_s="$(echo "$out" | awk '/^EXACT_SECONDS/ {print $2}')"
exact_values="$(echo "$out" | sed -n 's/^EXACT_VALUES //p')"

"$python" - "$samples" "$exact_s" "$exact_values" <<'PY'
import sys, time
import numpy as np
path, exact_s, exact_values = sys.argv[1], float(sys.argv[2]), [float(v) for v in sys.argv[3].split()]
a = np.fromfile(path, dtype=np.float64)
qs = np.array([0.5, 0.9, 0.95, 0.99, 0.999]) * 100
best = 1e300
for _ in range(3):
    t = time.perf_counter(); values = np.percentile(a, qs); best = min(best, time.perf_counter() - t)
same = all(abs(x - y) <= 1e-12 * abs(y) for x, y in zip(values, exact_values))
print(f"numpy.percentile        {best:.3f} s  {a.size / best / 1e6:.1f} M samples/s  (numpy {np.__version__})")
print(f"keyscope exact throughput / numpy throughput: {best / exact_s:.2f}x (above 1: keyscope faster); identical values: {same}")
PY
rm -f "$samples"
