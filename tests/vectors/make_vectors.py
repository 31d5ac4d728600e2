#!/usr/bin/env python3
"""Writes tests/vectors/*.json. Expected outputs are computed here, independently of the C++
core: percentiles with numpy (method="linear"), chargeback with exact fractions, gap_fill with
datetime, the rest by hand. Run: python3 make_vectors.py  (needs numpy and ddsketch)."""
import datetime as dt
import json
import pathlib
from fractions import Fraction

import numpy as np
from ddsketch import LogCollapsingLowestDenseDDSketch

HERE = pathlib.Path(__file__).parent


def write(helper, cases):
    path = HERE / f"{helper}.json"
    path.write_text(json.dumps({"helper": helper, "cases": cases}, indent=1) + "\n")
    print(f"{path.name}: {len(cases)} cases")


def key(i, name, prefix="sk_live_ab12", tier="pro", **extra):
    k = {"id": f"00000000-0000-4000-8000-{i:012d}", "key_prefix": prefix, "name": name,
         "tier": tier, "scopes": ["read:iocs"], "total_requests": 0,
         "last_used_at": "2026-05-17T09:00:00Z", "created_at": "2026-01-01T00:00:00Z",
         "expires_at": None, "revoked_at": None}
    k.update(extra)
    return k


def usage(i, total=0, client=0, server=0, daily=(), **extra):
    u = {"key_id": f"00000000-0000-4000-8000-{i:012d}", "window_days": 30, "total_requests": total,
         "successful": total - client - server, "client_errors": client, "server_errors": server,
         "top_endpoints": [], "by_status": {}, "daily": list(daily), "rate_limit_hits_by_hour": []}
    u.update(extra)
    return u


def kid(i):
    return f"00000000-0000-4000-8000-{i:012d}"


# --- environment_of ---------------------------------------------------------------------------
write("environment_of", [
    {"name": name, "input": {"prefix": p}, "expected": e} for name, p, e in [
        ("live", "sk_live_zIc8", "live"), ("test", "sk_test_ab12", "test"),
        ("bare live prefix", "sk_live_", "live"), ("empty", "", "unknown"),
        ("uppercase", "SK_LIVE_ab12", "unknown"), ("other", "pk_live_ab12", "unknown"),
        ("masked preview", "sk_live_••••••••", "live")]
] + [{"name": "missing prefix", "input": {}, "expected_error": {"type": "ValidationError"}}])

# --- percentiles (numpy linear) ---------------------------------------------------------------
rng = np.random.default_rng(42)
pct_inputs = [
    ("one sample", [42.0], [0, 0.5, 0.99, 1]),
    ("two samples", [1.0, 2.0], [0, 0.25, 0.5, 1]),
    ("even count", [4.0, 1.0, 3.0, 2.0], [0, 0.25, 0.5, 0.75, 1]),
    ("odd count", [5.0, 1.0, 3.0], [0.5, 0.1, 0.9]),
    ("ties", [7.0, 7.0, 7.0, 1.0, 7.0], [0, 0.2, 0.5, 1]),
    ("negatives", [-3.5, -1.0, 0.0, 2.25, 10.0], [0.1, 0.5, 0.95]),
    ("unsorted q order", [10, 20, 30, 40, 50], [1, 0, 0.5, 0.5, 0.33]),
    ("no quantiles", [1.0, 2.0], []),
    ("lognormal 1000", [float(x) for x in np.round(rng.lognormal(5, 1, 1000), 6)],
     [0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999]),
]
cases = []
for name, samples, qs in pct_inputs:
    values = [float(v) for v in np.percentile(np.array(samples, dtype=float), np.array(qs, dtype=float) * 100, method="linear")] if qs else []
    cases.append({"name": name, "input": {"samples": samples, "qs": qs}, "expected": {"values": values}})
cases += [
    {"name": "empty samples", "input": {"samples": [], "qs": [0.5]}, "expected_error": {"type": "ValidationError"}},
    {"name": "q above 1", "input": {"samples": [1], "qs": [1.5]}, "expected_error": {"type": "ValidationError"}},
    {"name": "q below 0", "input": {"samples": [1], "qs": [-0.01]}, "expected_error": {"type": "ValidationError"}},
    {"name": "samples not numbers", "input": {"samples": ["1"], "qs": [0.5]}, "expected_error": {"type": "ValidationError"}},
]
write("percentiles", cases)

# --- ddsketch (python ddsketch package) -------------------------------------------------------
cases = []
for name, samples, qs, acc in [
    ("lognormal 1000", [float(x) for x in np.round(rng.lognormal(5, 1, 1000), 6)], [0, 0.01, 0.5, 0.9, 0.99, 1], 0.01),
    ("with zeros and negatives", [-10.0, -1.0, 0.0, 0.0, 1.0, 10.0, 100.0], [0, 0.1, 0.3, 0.5, 0.8, 1], 0.01),
    ("one sample", [3.0], [0, 0.5, 1], 0.01),
    ("coarse accuracy", [float(x) for x in range(1, 101)], [0.25, 0.5, 0.75], 0.05),
]:
    s = LogCollapsingLowestDenseDDSketch(relative_accuracy=acc, bin_limit=2048)
    for v in samples:
        s.add(v)
    cases.append({"name": name, "input": {"samples": samples, "qs": qs, "relative_accuracy": acc},
                  "expected": {"values": [s.get_quantile_value(q) for q in qs], "count": s.count,
                               "min": min(samples), "max": max(samples)}})
cases.append({"name": "empty", "input": {"samples": [], "qs": [0.5]}, "expected_error": {"type": "ValidationError"}})
cases.append({"name": "bad accuracy", "input": {"samples": [1], "qs": [0.5], "relative_accuracy": 1.5},
              "expected_error": {"type": "ValidationError"}})
write("ddsketch", cases)

# --- gap_fill ---------------------------------------------------------------------------------
def gap_fill(daily, window, end):
    end_d = dt.date.fromisoformat(end)
    out = []
    for i in range(window - 1, -1, -1):
        d = (end_d - dt.timedelta(days=i)).isoformat()
        out.append({"date": d, "requests": sum(b["requests"] for b in daily if b["date"] == d),
                    "errors": sum(b["errors"] for b in daily if b["date"] == d)})
    return out

cases = []
for name, daily, window, end in [
    ("empty series", [], 3, "2026-05-17"),
    ("one day", [{"date": "2026-05-17", "requests": 5, "errors": 1}], 1, "2026-05-17"),
    ("newest first with gaps", [{"date": "2026-05-17", "requests": 5, "errors": 1},
                                {"date": "2026-05-14", "requests": 2, "errors": 0}], 5, "2026-05-17"),
    ("outside the window dropped", [{"date": "2026-04-01", "requests": 9, "errors": 9},
                                    {"date": "2026-05-18", "requests": 9, "errors": 9}], 2, "2026-05-17"),
    ("duplicates summed", [{"date": "2026-05-16", "requests": 1, "errors": 0},
                           {"date": "2026-05-16", "requests": 2, "errors": 1}], 2, "2026-05-17"),
    ("month and leap boundary", [{"date": "2024-02-29", "requests": 3, "errors": 0}], 3, "2024-03-01"),
    ("zero window", [{"date": "2026-05-17", "requests": 5, "errors": 1}], 0, "2026-05-17"),
]:
    cases.append({"name": name, "input": {"daily": daily, "window_days": window, "end_date": end},
                  "expected": gap_fill(daily, window, end)})
cases.append({"name": "bad date", "input": {"daily": [{"date": "2026-13-01", "requests": 1, "errors": 0}],
              "window_days": 1, "end_date": "2026-05-17"}, "expected_error": {"type": "DecodeError"}})
write("gap_fill", cases)

# --- chargeback (exact Hamilton with fractions) -----------------------------------------------
def hamilton(rows, bill_cents, centers_of):
    centers = {}
    for r in rows:
        c = centers_of(r)
        e = centers.setdefault(c, {"cost_center": c, "key_ids": [], "requests": 0})
        e["key_ids"].append(r["key_id"]); e["requests"] += r["request_count"]
    if not centers:
        return [{"cost_center": "unallocated", "keys": 0, "key_ids": [], "requests": 0, "share": 1.0,
                 "cost_cents": bill_cents}]
    total = sum(e["requests"] for e in centers.values())
    weights = {c: (e["requests"] if total else 1) for c, e in centers.items()}
    wsum = sum(weights.values())
    exact = {c: Fraction(bill_cents * w, wsum) for c, w in weights.items()}
    cost = {c: int(x) for c, x in exact.items()}
    left = bill_cents - sum(cost.values())
    order = sorted(centers, key=lambda c: (-(exact[c] - cost[c]), -centers[c]["requests"], c))
    for c in order[:left]:
        cost[c] += 1
    out = []
    for c, e in centers.items():
        out.append({"cost_center": c, "keys": len(e["key_ids"]), "key_ids": sorted(e["key_ids"]),
                    "requests": e["requests"], "share": (e["requests"] / total) if total else 1 / len(centers),
                    "cost_cents": cost[c], "cost": f"{cost[c] // 100}.{cost[c] % 100:02d}"})
    return sorted(out, key=lambda r: (-r["requests"], r["cost_center"]))

import re
def pattern_centers(pattern, by_key=None, reference=None):
    """Cost centers as the dialect defines them, computed with Python's re (ASCII \\w \\d \\s
    \\b, like the dialect). `reference`: the same pattern in Python's syntax where the two differ
    (the dialect's . never matches \\r, Python's does)."""
    by_key = by_key or {}
    def f(r):
        for k in (r["key_id"], r["name"]):
            if by_key.get(k):
                return by_key[k]
        m = re.search(reference or pattern, r["name"], re.ASCII) if pattern else None
        return m.group(1) if m and m.group(1) else "unallocated"
    return f

def rows(*triples):
    return [{"key_id": i, "name": n, "request_count": c} for i, n, c in triples]

cases = []
for name, rs, bill, mapping in [
    ("0.01 over three centers", rows(("1", "a [x]", 10), ("2", "b [y]", 30), ("3", "c [z]", 20)), "0.01",
     {"name_pattern": r"\[(\w+)\]"}),
    ("ties broken by name", rows(("1", "k1", 5), ("2", "k2", 5), ("3", "k3", 5)), "1.00",
     {"by_key": {"1": "a", "2": "b", "3": "c"}}),
    ("unmapped keys go to unallocated", rows(("1", "a [x]", 10), ("2", "no team", 5)), "100",
     {"name_pattern": r"\[(\w+)\]"}),
    ("no mapping at all", rows(("1", "a", 1), ("2", "b", 2)), "9.99", None),
    ("zero traffic splits equally", rows(("1", "x", 0), ("2", "y", 0), ("3", "z", 0)), "1",
     {"by_key": {"1": "b", "2": "a"}}),
    ("no keys", [], "42.00", None),
    ("zero bill", rows(("1", "a [x]", 10)), "0", {"name_pattern": r"\[(\w+)\]"}),
    ("id beats name beats pattern", rows(("id-1", "Shared [ops]", 10), ("id-2", "Billing [ops]", 20),
                                         ("id-3", "Other [ops]", 30)), "1234.56",
     {"by_key": {"Shared [ops]": "platform", "id-2": "finance"}, "name_pattern": r"\[(\w+)\]"}),
    ("remainder ties broken by requests", rows(("1", "a [p]", 1), ("2", "b [q]", 1), ("3", "c [q]", 1)), "0.02",
     {"name_pattern": r"\[(\w+)\]"}),
]:
    bill_cents = int(round(Fraction(bill) * 100))
    mp = mapping or {}
    expected = hamilton(rs, bill_cents, pattern_centers(mp.get("name_pattern"), mp.get("by_key")))
    inp = {"rows": rs, "bill": bill}
    if mapping:
        inp["mapping"] = mapping
    cases.append({"name": name, "input": inp, "expected": expected})
# From keys + usages (revoked excluded, key without usage included at 0).
ks = [key(1, "Alpha [sec]"), key(2, "Beta [ops]"), key(3, "Gone [sec]", revoked_at="2026-05-01T00:00:00Z")]
us = [usage(1, 300), usage(3, 999)]
cases.append({"name": "from keys and usages", "input": {"keys": ks, "usages": us, "bill_cents": 1001,
              "mapping": {"name_pattern": r"\[(\w+)\]"}},
              "expected": hamilton(rows((kid(1), "Alpha [sec]", 300), (kid(2), "Beta [ops]", 0)), 1001,
                                   pattern_centers(r"\[(\w+)\]"))})
for name, bill in [("bill with 3 decimals", "1.234"), ("negative bill", "-5.00"), ("bill with comma", "1,00"),
                   ("bill as number", 12.5), ("empty bill", "")]:
    cases.append({"name": name, "input": {"rows": rows(("1", "a", 1)), "bill": bill},
                  "expected_error": {"type": "ValidationError"}})
cases.append({"name": "pattern without a group", "input": {"rows": rows(("1", "a", 1)), "bill": "1",
              "mapping": {"name_pattern": r"\[\w+\]"}}, "expected_error": {"type": "ValidationError"}})
write("chargeback", cases)

# --- the name pattern dialect (chargeback's name_pattern; README "Chargeback name patterns") ---
# Every front door must accept and refuse the same patterns and give every name the same center:
# the native build matches with std::regex over UTF-8 bytes, the npm build with the JS RegExp.
def named_rows(*names):
    return rows(*((str(i + 1), n, i + 1) for i, n in enumerate(names)))

cases = []
for name, pattern, names, reference in [
    ("word in brackets", r"\[(\w+)\]", ["SIEM [soc]", "no team", "[a] [b]", "x [caf\u00e9]"], None),
    ("dot is one character, not one byte", r"\[(.)\]", ["[\u00e9]", "[ab]", "[\U0001F600]", "[\u4e2d]"], None),
    ("dot does not match line breaks", r"(.+)", ["a\nb", "c\rd", "\u2028e"], r"([^\n\r]+)"),
    ("negated class takes whole characters", r"\[([^\]]{3})\]", ["[d\u00e9v]", "[\U0001F600\U0001F600!]", "[ab]"], None),
    ("W S D match non-ASCII characters", r"^(\W\S\D)", ["\u00e9\u00e8\u00e0x", "\u00a0x\u0661", "abc"], None),
    ("s is ASCII whitespace only", r"(\S+)$", ["a\u00a0b", "a b", "x\u2003y"], None),
    ("quantifier after a non-ASCII letter repeats the letter", "(caf\u00e9+)", ["un caf\u00e9\u00e9", "cafe"], None),
    ("w d b are ASCII", r"\b(\w+)\b", ["\u00e9t\u00e9 ok", "\u0661\u0662 n1"], None),
    ("lazy quantifiers", r"(\w+?)\d", ["abc123", "x9"], None),
    ("alternation and counted repeats", r"(?:ops|sec)-(\d{2,3})", ["sec-1234", "ops-7", "ops-42x"], None),
    ("anchors", r"^(\w+) \w+$", ["team alpha", "a b c"], None),
    ("escaped class members and ranges", r"([\-\]a-c]+)", ["x-]ab", "zzz"], None),
    ("empty group is no center", r"\[(\w*)\]", ["empty []", "full [x]"], None),
    ("non-word boundary", r"(\.)\B", ["a..", "a.b"], None),
]:
    rs = named_rows(*names)
    cases.append({"name": name, "input": {"rows": rs, "bill": "1.00", "mapping": {"name_pattern": pattern}},
                  "expected": hamilton(rs, 100, pattern_centers(pattern, reference=reference))})
for name, pattern, says in [
    ("lookbehind", r"x(?<=a)(\w)", "a lookbehind (?<= at offset 1"),
    ("negative lookbehind", r"x(?<!a)(\w)", "a negative lookbehind (?<! at offset 1"),
    ("lookahead", r"(?=a)(\w)", "a lookahead (?= at offset 0"),
    ("negative lookahead", r"(?!a)(\w)", "a negative lookahead (?! at offset 0"),
    ("named group", r"(?<team>\w+)", "a named group at offset 0"),
    ("backreference", r"(\w)\1", "a backreference or octal escape \\1 at offset 4"),
    ("named backreference", r"(?:\k<a>)(b)", "a named backreference \\k at offset 3"),
    ("Unicode property", r"(\p{L}+)", "a Unicode property escape \\p at offset 1"),
    ("inline flags", r"(?i)(a)", "inline flags or a group modifier (? at offset 0"),
    ("hex escape", r"(\x41)", "the escape \\x (write the character itself) at offset 1"),
    ("unicode escape", r"(\u0041)", "the escape \\u (write the character itself) at offset 1"),
    ("unescaped brace", r"(a{)", "a literal '{' (write \\{) at offset 2"),
    ("unescaped closing bracket", r"(a])", "a literal ']' (write \\]) at offset 2"),
    ("POSIX class", r"([[:alpha:]]+)", "an unescaped [ inside a class (write \\[) at offset 2"),
    ("non-ASCII in a class", "([\u00e9]+)", "a non-ASCII character inside a class at offset 2"),
    ("backspace class escape", r"([\b])", "\\b inside a class at offset 2"),
    ("empty class", r"([]a)", "an empty class [] or [^] at offset 1"),
    ("repeated capture group", r"(a)+", "repeating the capture group"),
    ("possessive quantifier", r"(a*+)", "a quantifier after a quantifier (possessive or nested) at offset 3"),
    ("repeat count too large", r"(a{2000})", "a repeat count above 1000 at offset 2"),
    ("unbalanced", r"(a", "a missing ) at offset 0"),
    ("two groups", r"(a)(b)", "exactly one capture group, it has 2"),
]:
    cases.append({"name": "refused: " + name, "input": {"rows": named_rows("a"), "bill": "1",
                  "mapping": {"name_pattern": pattern}},
                  "expected_error": {"type": "ValidationError", "message_contains": says}})
path = HERE / "name_pattern.json"
path.write_text(json.dumps({"helper": "chargeback", "cases": cases}, indent=1) + "\n")
print(f"{path.name}: {len(cases)} cases")

# --- usage_by_key -----------------------------------------------------------------------------
u1 = usage(1, 200, 6, 4, top_endpoints=[{"path": "/api/v1/iocs", "count": 50}, {"path": "/api/v1/articles", "count": 100}],
           latency_p95_ms=612)
cases = [
    {"name": "revoked excluded, zero-traffic included, sorted", "input": {
        "keys": [key(1, "Alpha"), key(2, "Beta", prefix="sk_test_x"), key(3, "Gone", revoked_at="2026-05-01T00:00:00Z"),
                 key(4, "Aardvark", last_used_at=None)],
        "usages": [u1, usage(3, 5000)]},
     "expected": [
        {"key_id": kid(1), "name": "Alpha", "environment": "live", "request_count": 200, "error_count": 10,
         "error_rate": 0.05, "latency_p95_ms": 612, "last_activity": "2026-05-17T09:00:00Z",
         "endpoint_distribution": [{"path": "/api/v1/articles", "count": 100, "share": 0.5},
                                   {"path": "/api/v1/iocs", "count": 50, "share": 0.25}]},
        {"key_id": kid(4), "name": "Aardvark", "request_count": 0, "error_rate": 0, "latency_p95_ms": None,
         "last_activity": None, "endpoint_distribution": []},
        {"key_id": kid(2), "name": "Beta", "environment": "test", "request_count": 0, "error_count": 0}]},
    {"name": "ties on requests by name then id", "input": {
        "keys": [key(3, "b"), key(2, "a"), key(1, "a")], "usages": [usage(1, 5), usage(2, 5), usage(3, 5)]},
     "expected": [{"key_id": kid(1)}, {"key_id": kid(2)}, {"key_id": kid(3)}]},
    {"name": "no keys", "input": {"keys": [], "usages": []}, "expected": []},
    {"name": "key_preview accepted", "input": {"keys": [{k: v for k, v in key(1, "P").items() if k != "key_prefix"} |
                                                       {"key_preview": "sk_test_••••"}], "usages": []},
     "expected": [{"prefix": "sk_test_••••", "environment": "test"}]},
    {"name": "keys not an array", "input": {"keys": {}, "usages": []}, "expected_error": {"type": "DecodeError"}},
]
write("usage_by_key", cases)

# --- check_usage ------------------------------------------------------------------------------
good = usage(1, 100, 8, 2, success_rate=0.9,
             by_status={"200": 90, "404": 5, "429": 3, "500": 2},
             daily=[{"date": "2026-05-16", "requests": 60, "errors": 6}, {"date": "2026-05-15", "requests": 40, "errors": 4}])
all_ok = [{"check": c, "ok": True} for c in ["non_negative", "totals", "by_status_sum", "status_2xx", "status_4xx",
          "status_5xx", "status_codes", "success_rate", "daily_order", "daily_duplicates", "daily_window", "daily_length",
          "daily_errors_le_requests", "daily_requests_sum", "daily_errors_sum"]]
bad = json.loads(json.dumps(good))
bad["total_requests"] = 101
bad["daily"].append({"date": "2026-05-16", "requests": 1, "errors": 0})
bad_expected = [dict(c) for c in all_ok]
for c in bad_expected:
    if c["check"] in ("totals", "by_status_sum", "success_rate", "daily_order", "daily_duplicates"):
        c["ok"] = False
bad_expected[1].update({"expected": "101", "actual": "100"})
empty = usage(1)
cases = [
    {"name": "consistent payload", "input": {"usage": good}, "expected": all_ok},
    {"name": "inconsistent totals, duplicates, order", "input": {"usage": bad}, "expected": bad_expected},
    {"name": "all zeros, no optional parts", "input": {"usage": empty}, "expected": [
        {"check": c, "ok": True} for c in ["non_negative", "totals", "daily_order", "daily_duplicates",
        "daily_window", "daily_length", "daily_errors_le_requests", "daily_requests_sum", "daily_errors_sum"]]},
    {"name": "end_date anchors the window", "input": {"usage": good, "end_date": "2026-07-01"},
     "expected": [c if c["check"] != "daily_window" else {"check": "daily_window", "ok": False, "actual": "2"}
                  for c in all_ok]},
    {"name": "success_rate rounded by the API", "input": {"usage": usage(1, 10000, 237, 0, success_rate=0.97634)},
     "expected": [{"check": "non_negative", "ok": True}, {"check": "totals", "ok": True},
                  {"check": "success_rate", "ok": True}] + [{"check": c} for c in ["daily_order", "daily_duplicates",
                  "daily_window", "daily_length", "daily_errors_le_requests"]] +
                 [{"check": "daily_requests_sum", "ok": False}, {"check": "daily_errors_sum", "ok": False}]},
    {"name": "no requests: success_rate 1 or 0 is honest", "input": {"usage": dict(empty, success_rate=1.0)},
     "expected": [{"check": "non_negative", "ok": True}, {"check": "totals", "ok": True},
                  {"check": "success_rate", "ok": True, "actual": "1"}] + [{"check": c, "ok": True} for c in ["daily_order", "daily_duplicates", "daily_window", "daily_length",
                  "daily_errors_le_requests", "daily_requests_sum", "daily_errors_sum"]]},
    {"name": "no requests: success_rate 0.5 is not", "input": {"usage": dict(empty, success_rate=0.5)},
     "expected": [{"check": "non_negative", "ok": True}, {"check": "totals", "ok": True},
                  {"check": "success_rate", "ok": False}] + [{"check": c, "ok": True} for c in ["daily_order", "daily_duplicates", "daily_window", "daily_length",
                  "daily_errors_le_requests", "daily_requests_sum", "daily_errors_sum"]]},
    {"name": "usage missing", "input": {}, "expected_error": {"type": "ValidationError"}},
]
write("check_usage", cases)

# --- detect_anomalies (findings matched on key, kind and severity) ----------------------------
NOW = "2026-05-17T12:00:00Z"
today = dt.date(2026, 5, 17)
def series(values_oldest_first, errors=None):
    n = len(values_oldest_first)
    out = []
    for i, v in enumerate(values_oldest_first):
        if v:
            out.append({"date": (today - dt.timedelta(days=n - 1 - i)).isoformat(), "requests": v,
                        "errors": (errors[i] if errors else 0)})
    return out[::-1]

def usage_series(i, values, errors=None, **extra):
    d = series(values, errors)
    total = sum(b["requests"] for b in d); err = sum(b["errors"] for b in d)
    return usage(i, total, err, 0, daily=d, window_days=len(values), **extra)

spiky = [100 + (i % 7) for i in range(29)] + [1300]
cases = [
    {"name": "spike", "input": {"now": NOW, "keys": [key(1, "k")], "usages": [usage_series(1, spiky)]},
     "expected": [{"key_name": "k", "kind": "spike", "severity": "critical",
                   "metrics": {"latest_requests": 1300, "baseline_median": 103}}]},
    # A spike on any recent day, each day against the days before it, and the shapes that must
    # not raise one (weekly seasonality, holiday gaps, sparse series, a partial current day).
    {"name": "a spike three days ago that went quiet is still reported", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [100 + (i % 7) for i in range(26)] + [1500, 100, 100, 100])]},
     "expected": [{"kind": "spike", "severity": "critical", "metrics": {"latest_requests": 1500, "days_ago": 3}}]},
    {"name": "the strongest of several recent spike days", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [100] * 24 + [600, 100, 1200, 100, 700, 100])]},
     "expected": [{"kind": "spike", "metrics": {"latest_requests": 1200, "days_ago": 3}}]},
    {"name": "a spike older than the recent window is not reported", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [100] * 19 + [1500] + [100] * 10)]}, "expected": []},
    {"name": "spike_recent_days widens the window", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [100] * 19 + [1500] + [100] * 10)], "options": {"spike_recent_days": 14}},
     "expected": [{"kind": "spike", "metrics": {"days_ago": 10}}]},
    {"name": "a weekday-only service after its weekend is not a spike", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [0 if (i % 7) in (5, 6) else 800 for i in range(35)])]}, "expected": []},
    {"name": "a weekly batch day busier than the rest is not a spike", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [2000 if i % 7 == 3 else 150 for i in range(42)])]}, "expected": []},
    {"name": "traffic back after a holiday gap is not a spike", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [300] * 20 + [0] * 10 + [300] * 5)]}, "expected": []},
    {"name": "a sparse series that omits zero days is not a spike", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [150 if i % 3 == 0 else 0 for i in range(30)])]}, "expected": []},
    {"name": "a partial current day is not a spike", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [400] * 29 + [120])]}, "expected": []},
    {"name": "tiny volumes are not spikes", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [1] * 29 + [4])]}, "expected": []},
    {"name": "empty series", "input": {"now": NOW, "keys": [key(1, "k")], "usages": [usage(1)]}, "expected": []},
    {"name": "one day", "input": {"now": NOW, "keys": [key(1, "k")], "usages": [usage_series(1, [5000])]}, "expected": []},
    {"name": "all zeros", "input": {"now": NOW, "keys": [key(1, "k")], "usages": [usage_series(1, [0] * 30)]}, "expected": []},
    {"name": "revoked keys produce nothing", "input": {"now": NOW, "keys": [key(1, "k", revoked_at="2026-05-01T00:00:00Z",
     expires_at="2026-05-02T00:00:00Z", last_used_at="2026-01-01T00:00:00Z")], "usages": []}, "expected": []},
    {"name": "key without usage is never_used", "input": {"now": NOW, "keys": [key(1, "k", last_used_at=None,
     created_at="2026-05-02T12:00:00Z")], "usages": []},
     "expected": [{"kind": "never_used", "severity": "info", "metrics": {"days_since_created": 15}}]},
    {"name": "dormant reactivated", "input": {"now": NOW, "keys": [key(1, "k", created_at="2025-01-01T00:00:00Z")],
     "usages": [usage_series(1, [500] * 10 + [0] * 40 + [500] * 3)]},
     "expected": [{"kind": "dormant_reactivated", "severity": "warning",
                   "metrics": {"zero_days": 40, "days_since_reactivation": 2, "requests_since_reactivation": 1500}}]},
    {"name": "error burst", "input": {"now": NOW, "keys": [key(1, "k")],
     "usages": [usage_series(1, [1000] * 30, [10] * 28 + [400, 300])]},
     "expected": [{"kind": "error_burst", "severity": "warning", "metrics": {"recent_error_rate": 0.35}}]},
    {"name": "rate limit 429s and peak", "input": {"now": NOW, "keys": [key(1, "k", tier="free")],
     "usages": [usage_series(1, [100] * 30, by_status={"200": 2990, "429": 10}, rate_limit_peak_per_minute=10)]},
     "expected": [{"kind": "rate_limit_pressure", "severity": "critical",
                   "metrics": {"peak_per_minute": 10, "limit_per_minute": 10, "rate_limited_requests": 10}}]},
    {"name": "test key with production traffic", "input": {"now": NOW, "keys": [key(1, "k", prefix="sk_test_ab12")],
     "usages": [usage_series(1, [20000] * 30)]},
     "expected": [{"kind": "test_key_production_traffic", "severity": "warning"}]},
    {"name": "expiry, staleness and ordering", "input": {"now": NOW, "keys": [
        key(1, "b", expires_at="2026-05-20T12:00:00Z"), key(2, "a", expires_at="2026-05-07T12:00:00Z"),
        key(3, "c", last_used_at="2026-03-01T00:00:00Z"), key(4, "d", expires_at="2026-05-30T12:00:00Z")],
        "usages": []},
     "expected": [{"key_name": "a", "kind": "expired_not_revoked", "severity": "warning", "metrics": {"days_since_expiry": 10}},
                  {"key_name": "b", "kind": "expiring_soon", "severity": "warning", "metrics": {"days_until_expiry": 3}},
                  {"key_name": "c", "kind": "stale", "severity": "info", "metrics": {"days_since_last_use": 77}},
                  {"key_name": "d", "kind": "expiring_soon", "severity": "info"}]},
    {"name": "options override thresholds", "input": {"now": NOW, "keys": [key(3, "c", last_used_at="2026-03-01T00:00:00Z")],
     "usages": [], "options": {"stale_after_days": 90}}, "expected": []},
    {"name": "unknown option", "input": {"now": NOW, "keys": [], "usages": [], "options": {"stale_days": 1}},
     "expected_error": {"type": "ValidationError"}},
    {"name": "bad now", "input": {"now": "yesterday", "keys": [], "usages": []}, "expected_error": {"type": "ValidationError"}},
]
write("detect_anomalies", cases)


# --- reconcile_logs ---------------------------------------------------------------------------
# A user's own JSON-lines egress log with field names of its own, read and reconciled against
# the API over 3 days (2026-05-15..17). Expected figures are the scenario's design, by hand:
# Payments agrees on 15th and 16th and the API counts 200 requests the log lacks on the 17th
# (a leak); Search has 10 more requests in the log than the API on the 16th (drift); the
# revoked key is still called (401s) on the 16th; sk_live_ZZZZ is not in the key list; three
# bad lines (unparseable, bad status, outside the window).
SECRET = {"A": "sk_live_AAAA" + "x" * 28, "B": "sk_live_BBBB" + "y" * 28, "C": "sk_live_CCCC" + "z" * 28,
          "Z": "sk_live_ZZZZ" + "q" * 28}


def log_line(day, hhmm, who, url, code, took_s):
    return json.dumps({"at": f"2026-05-{day}T{hhmm}:00Z", "credentials": {"api_key": f"Bearer {SECRET[who]}"},
                       "req": {"method": "GET", "url": url}, "resp": {"code": code}, "took_s": took_s},
                      separators=(",", ":"))


def api_usage(i, per_day):
    daily = [{"date": f"2026-05-{d}", "requests": r, "errors": e} for d, r, e in per_day]
    total = sum(r for _, r, _ in per_day)
    errors = sum(e for _, _, e in per_day)
    return usage(i, total, 0, errors, daily, window_days=3)


RECONCILE_READER = {"format": "jsonl", "fields": {"time": "at", "key": "credentials.api_key", "path": "req.url",
                                                  "status": "resp.code", "latency": "took_s"}}
RECONCILE_LOG = [
    [99, log_line(15, "08:00", "A", "https://api.socdefenders.ai/api/v1/iocs?q=evil.com", 200, 0.040)],
    [1, log_line(15, "08:01", "A", "/api/v1/iocs", 503, 0.500)],
    [99, log_line(16, "09:00", "A", "/api/v1/iocs", 200, 0.040)],
    [1, log_line(16, "09:01", "A", "/api/v1/feeds", 500, 0.500)],
    [100, log_line(17, "10:00", "A", "/api/v1/iocs", 200, 0.040)],
    [50, log_line(15, "11:00", "C", "/api/v1/search", 200, 0.010)],
    [60, log_line(16, "11:00", "C", "/api/v1/search", 200, 0.010)],
    [3, log_line(16, "12:00", "B", "/api/v1/iocs", 401, 0.002)],
    [7, log_line(17, "13:00", "Z", "/api/v1/iocs", 200, 0.020)],
    [1, "{not json"],
    [1, log_line(16, "14:00", "C", "/api/v1/search", "OK", 0.010)],
    [1, log_line(10, "14:00", "C", "/api/v1/search", 200, 0.010)],
]
RECONCILE_KEYS = [key(1, "Payments [fin]", prefix="sk_live_AAAA"),
                  key(2, "Old integration [partners]", prefix="sk_live_BBBB", revoked_at="2026-05-14T10:00:00Z"),
                  key(3, "Search [intel]", prefix="sk_live_CCCC")]
RECONCILE_API = [api_usage(1, [(15, 100, 1), (16, 100, 1), (17, 300, 0)]),
                 api_usage(3, [(15, 50, 0), (16, 50, 0), (17, 0, 0)])]
reconcile_input = {"log_lines": RECONCILE_LOG, "reader": RECONCILE_READER, "keys": RECONCILE_KEYS,
                   "api_usages": RECONCILE_API, "window_days": 3, "end_date": "2026-05-17",
                   "options": {"tolerance": 0.02, "min_diff": 5, "now": "2026-05-17T18:00:00Z"}}
cases = [
    {"name": "a JSON-lines log with its own field names", "input": reconcile_input,
     "expected": {
         "summary": {
             "lines": 423, "records": 420, "full_keys_seen": 422,  # the two bad lines after the first held keys too
             "bad_lines": [{"kind": "bad_status", "count": 1, "first_lines": [422]},
                           {"kind": "out_of_window", "count": 1, "first_lines": [423]},
                           {"kind": "unparseable", "count": 1, "first_lines": [421]}],
             "usages": [
                 {"key_id": kid(1), "total_requests": 300, "successful": 298, "server_errors": 2,
                  "client_errors": 0, "by_status": {"200": 298, "500": 1, "503": 1},
                  "top_endpoints": [{"path": "/api/v1/iocs", "count": 299}, {"path": "/api/v1/feeds", "count": 1}],
                  "latency_p50_ms": 40, "rate_limit_peak_per_minute": 100, "rate_limit_peak_per_day": 100,
                  "daily": [{"date": "2026-05-15", "requests": 100, "errors": 1},
                            {"date": "2026-05-16", "requests": 100, "errors": 1},
                            {"date": "2026-05-17", "requests": 100, "errors": 0}]},
                 {"key_id": kid(2), "total_requests": 3, "client_errors": 3},
                 {"key_id": kid(3), "total_requests": 110, "latency_p99_ms": 10},
                 {"key_id": "sk_live_ZZZZ", "total_requests": 7}]},
         "reconciliation": {
             "api_requests": 600, "log_requests": 420,
             "findings": [
                 {"kind": "api_exceeds_logs", "severity": "critical", "key_id": kid(1), "key_prefix": "sk_live_AAAA",
                  "day": "2026-05-17", "api_requests": 300, "log_requests": 100},
                 {"kind": "revoked_key_in_use", "severity": "warning", "key_id": kid(2), "day": "2026-05-16",
                  "log_requests": 3, "log_errors": 3},
                 {"kind": "logs_exceed_api", "severity": "warning", "key_id": kid(3), "day": "2026-05-16",
                  "api_requests": 50, "log_requests": 60},
                 {"kind": "unknown_key", "severity": "warning", "key_id": "", "key_prefix": "sk_live_ZZZZ",
                  "day": "2026-05-17", "log_requests": 7}],
             "keys": [{"key_id": kid(1), "api_requests": 500, "log_requests": 300, "days_compared": 3,
                       "days_agreeing": 2},
                      {"key_id": kid(3), "api_requests": 100, "log_requests": 110, "days_compared": 2,
                       "days_agreeing": 1, "drift": 0.1}]}}},
    {"name": "the same log agrees within a 25% tolerance except the leak",
     "input": {**reconcile_input, "options": {"tolerance": 0.25, "min_diff": 5, "now": "2026-05-17T18:00:00Z"}},
     "expected": {"reconciliation": {"findings": [{"kind": "api_exceeds_logs"}, {"kind": "revoked_key_in_use"},
                                                  {"kind": "unknown_key"}]}}},
    {"name": "nginx log_format", "input": {
        "log": ('10.0.0.1 - - [17/May/2026:10:00:00 +0000] "GET /api/v1/iocs?q=1 HTTP/1.1" 200 12 "-" "curl" 0.040 '
                f'"Bearer {SECRET["A"]}"\n') * 3 +
               '10.0.0.1 - - [17/May/2026:10:00:00 +0000] "GET /api/v1/iocs HTTP/1.1" 200 12 "-" "curl" 0.040 "-"\n',
        "reader": {"format": "nginx", "nginx_format": '$remote_addr - $remote_user [$time_local] "$request" $status '
                   '$body_bytes_sent "$http_referer" "$http_user_agent" $request_time "$http_authorization"'},
        "keys": RECONCILE_KEYS, "window_days": 3, "end_date": "2026-05-17",
        "api_usages": [api_usage(1, [(17, 3, 0)])], "options": {"now": "2026-05-17T18:00:00Z"}},
     "expected": {"summary": {"records": 3, "bad_lines": [{"kind": "missing_field", "count": 1, "first_lines": [4]}],
                              "usages": [{"key_id": kid(1), "total_requests": 3, "latency_p50_ms": 40,
                                          "top_endpoints": [{"path": "/api/v1/iocs", "count": 3}]}]},
                  "reconciliation": {"findings": []}}},
    {"name": "CSV with its own column names", "input": {
        "log": "when,who,what,code,ms\r\n" + "".join(
            f"2026-05-16T0{i}:00:00Z,{SECRET['C']},\"/api/v1/search?q=a,b\",{200 if i else 404},{i}\r\n" for i in range(5)),
        "reader": {"format": "csv", "fields": {"time": "when", "key": "who", "path": "what", "status": "code",
                                               "latency": "ms"}},
        "keys": RECONCILE_KEYS, "window_days": 3, "end_date": "2026-05-17",
        "api_usages": [api_usage(3, [(16, 5, 1)])], "options": {"now": "2026-05-17T18:00:00Z"}},
     "expected": {"summary": {"records": 5, "usages": [{"key_id": kid(3), "client_errors": 1, "latency_p50_ms": 2,
                                                         "top_endpoints": [{"path": "/api/v1/search", "count": 5}]}]},
                  "reconciliation": {"findings": []}}},
    {"name": "an nginx format without a time variable", "input": {
        "log": "", "reader": {"format": "nginx", "nginx_format": '"$request" $status "$http_authorization"'},
        "window_days": 3, "end_date": "2026-05-17", "api_usages": []},
     "expected_error": {"type": "ValidationError"}},
    {"name": "a tolerance given as a percentage", "input": {**reconcile_input, "options": {"tolerance": 2}},
     "expected_error": {"type": "ValidationError"}},
]
write("reconcile_logs", cases)
