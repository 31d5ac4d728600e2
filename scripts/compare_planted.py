#!/usr/bin/env python3
"""Compares `keyscope reconcile --json` with the incidents keyscope-sandbox --emit-logs planted.

usage: compare_planted.py planted.json reconcile.json   (exit 0 when they are exactly the same)
"""
import json
import sys

PER_DAY = ("api_exceeds_logs", "logs_exceed_api")


def planted(doc):
    out = set()
    for incident in doc["incidents"]:
        days = incident["days"] if incident["kind"] in PER_DAY else [None]
        out |= {(incident["kind"], incident["key_prefix"], day) for day in days}
    return out


def found(doc):
    return {(f["kind"], f["key_prefix"], f["day"] if f["kind"] in PER_DAY else None)
            for f in doc["reconciliation"]["findings"]}


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    expected = planted(json.load(open(argv[1])))
    got = found(json.load(open(argv[2])))
    for kind, prefix, day in sorted(expected, key=str):
        print(f"  planted {kind:<20} {prefix}  {day or '':<10}  {'found' if (kind, prefix, day) in got else 'MISSED'}")
    for extra in sorted(got - expected, key=str):
        print(f"  unexpected {extra}")
    same = got == expected
    print(f"==> the reconciliation found {'exactly the planted incidents' if same else 'something else than what was planted'}"
          f" ({len(got & expected)} of {len(expected)}, {len(got - expected)} unexpected)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
