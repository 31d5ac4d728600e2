#!/usr/bin/env python3
"""Cross-checks keyscope's DDSketch against the `ddsketch` PyPI package.

Usage: python3 ddsketch_reference.py [--keyscope]   (needs: pip install ddsketch numpy)

Without --keyscope it checks ddsketch.json's expected values against the package and the
package's accuracy bound on 100k lognormal samples. With --keyscope it also feeds the same
samples to the keyscope Python binding (keyscope.analytics.ddsketch_json, when installed) and
requires identical quantiles. Exit status 0 when everything matches.
"""
import json
import pathlib
import sys

import numpy as np
from ddsketch import LogCollapsingLowestDenseDDSketch

HERE = pathlib.Path(__file__).parent
QS = [0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999]


def reference(samples, qs, accuracy=0.01, max_buckets=2048):
    sketch = LogCollapsingLowestDenseDDSketch(relative_accuracy=accuracy, bin_limit=max_buckets)
    for v in samples:
        sketch.add(v)
    return [sketch.get_quantile_value(q) for q in qs]


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def main():
    failures = 0
    for case in json.loads((HERE / "ddsketch.json").read_text())["cases"]:
        if "expected" not in case:
            continue
        inp = case["input"]
        got = reference(inp["samples"], inp["qs"], inp.get("relative_accuracy", 0.01), inp.get("max_buckets", 2048))
        if not all(close(a, b) for a, b in zip(got, case["expected"]["values"])):
            print(f"FAIL vector {case['name']}: package {got} vs vector {case['expected']['values']}")
            failures += 1

    samples = np.random.default_rng(1).lognormal(5.0, 1.0, 100_000)
    exact = np.percentile(samples, np.array(QS) * 100)
    ref = reference(samples.tolist(), QS)
    for q, e, r in zip(QS, exact, ref):
        if abs(r - e) / e > 0.0101:
            print(f"FAIL accuracy q={q}: sketch {r} exact {e}")
            failures += 1

    if "--keyscope" in sys.argv:
        from keyscope import analytics  # the wheel's module; skipped when not requested
        payload = json.dumps({"samples": samples.tolist(), "qs": QS})
        ours = json.loads(analytics.ddsketch_json(payload))["values"]
        for q, a, b in zip(QS, ours, ref):
            if not close(a, b):
                print(f"FAIL keyscope q={q}: keyscope {a} vs ddsketch {b}")
                failures += 1

    print(f"{len(QS) * (2 if '--keyscope' in sys.argv else 1)} quantiles checked, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
