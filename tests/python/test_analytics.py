"""Analytics: the shared vectors (tests/vectors, same files as C++ and JS), the typed Python
helpers against the same vectors, and the helpers on the sandbox's planted anomalies."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any, List, Tuple

import pytest

import keyscope
from keyscope import analytics

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
NOW = "2026-05-17T12:00:00Z"


def _cases() -> List[Tuple[str, str, dict]]:
    out = []
    for path in sorted(VECTORS.glob("*.json")):
        doc = json.loads(path.read_text())
        for case in doc["cases"]:
            out.append((doc["helper"], case["name"], case))
    return out


CASES = _cases()


def mismatch(expected: Any, actual: Any, path: str = "$") -> str:
    """The vectors' matching rule (tests/vectors/README.md)."""
    if isinstance(expected, (int, float)) and not isinstance(expected, bool) and \
            isinstance(actual, (int, float)) and not isinstance(actual, bool):
        e, a = float(expected), float(actual)
        if e == a or abs(e - a) <= 1e-9 * max(1.0, abs(e)):
            return ""
        return f"{path}: expected {expected!r}, got {actual!r}"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {actual!r}"
        for k, v in expected.items():
            if k not in actual:
                return f"{path}.{k}: missing"
            m = mismatch(v, actual[k], f"{path}.{k}")
            if m:
                return m
        return ""
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: expected {expected!r}, got {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            m = mismatch(e, a, f"{path}[{i}]")
            if m:
                return m
        return ""
    return "" if expected == actual else f"{path}: expected {expected!r}, got {actual!r}"


def test_vectors_present() -> None:
    helpers = {h for h, _, _ in CASES}
    assert {"usage_by_key", "detect_anomalies", "chargeback", "check_usage", "percentiles",
            "ddsketch", "environment_of", "gap_fill"} <= helpers


@pytest.mark.parametrize("helper, name, case", CASES, ids=[f"{h}:{n}" for h, n, _ in CASES])
def test_shared_vector_json_entry_point(helper: str, name: str, case: dict) -> None:
    if "expected_error" in case:
        with pytest.raises(keyscope.KeyscopeError) as info:
            analytics.run_helper(helper, case["input"])
        assert type(info.value).__name__ == case["expected_error"]["type"], info.value
        assert case["expected_error"].get("message_contains", "") in info.value.message
        return
    actual = analytics.run_helper(helper, case["input"])
    assert mismatch(case["expected"], actual) == ""


def _typed(helper: str, inp: dict) -> Any:
    """The same case through the typed Python API, converted back to the JSON shape. An input
    the case leaves out is passed as None, so keyscope (not this helper) reports it."""
    if helper == "percentiles":
        return {"values": keyscope.quantile(inp.get("samples"), inp.get("qs"))}
    if helper == "ddsketch":
        sk = keyscope.DDSketch(inp.get("relative_accuracy", 0.01), inp.get("max_buckets", 2048))
        sk.add_many(inp.get("samples"))
        return {"values": sk.quantiles(inp.get("qs")), "count": sk.count, "min": sk.min,
                "max": sk.max, "sum": sk.sum, "bucket_count": sk.bucket_count}
    if helper == "environment_of":
        return keyscope.environment_of(inp.get("prefix"))
    if helper == "usage_by_key":
        return [r.to_dict() for r in keyscope.usage_by_key(inp.get("keys"), inp.get("usages"))]
    if helper == "detect_anomalies":
        return [f.to_dict() for f in keyscope.detect_anomalies(
            inp.get("keys"), inp.get("usages"), now=inp.get("now"), **inp.get("options", {}))]
    if helper == "check_usage":
        return [c.to_dict() for c in keyscope.check_usage(inp.get("usage"), inp.get("end_date"))]
    if helper == "gap_fill":
        return [b.to_dict() for b in keyscope.gap_fill(inp.get("daily"), inp.get("window_days"),
                                                        inp.get("end_date"))]
    if helper == "chargeback":
        kwargs: dict = {}
        mapping = inp.get("mapping") or {}
        if "by_key" in mapping:
            kwargs["by_key"] = mapping["by_key"]
        if "name_pattern" in mapping:
            kwargs["name_pattern"] = mapping["name_pattern"]
        if "bill" in inp:
            kwargs["bill"] = inp["bill"]
        if "bill_cents" in inp:
            kwargs["bill_cents"] = inp["bill_cents"]
        if "rows" in inp:
            rows = inp["rows"]
        else:
            rows, kwargs["usages"] = inp.get("keys"), inp.get("usages")
        return [r.to_dict() for r in keyscope.chargeback(rows, **kwargs)]
    if helper in ("summarize_logs", "reconcile_logs"):
        return _typed_logs(helper, inp)
    raise AssertionError(helper)


def _typed_logs(helper: str, inp: dict) -> Any:
    """keyscope.logs.summarize / keyscope.logs.reconcile on the vector's log as a file object."""
    import io

    import keyscope.logs

    if "log_lines" in inp:
        text = "".join((line + "\n") * count for count, line in inp["log_lines"])
    else:
        text = inp["log"]
    reader = dict(inp.get("reader") or {})
    options = dict(inp.get("options") or {})
    now = options.pop("now", inp["end_date"])
    keys = [keyscope.APIKeyInfo.from_dict(k) for k in inp.get("keys", [])]
    summary = keyscope.logs.summarize(io.StringIO(text), days=inp["window_days"], now=now,
                                      keys=keys, **reader)
    if helper == "summarize_logs":
        return summary.to_dict()
    usages = [keyscope.KeyUsage.from_dict(u) for u in inp["api_usages"]]
    result = keyscope.logs.reconcile(io.StringIO(text), keys, usages, days=inp["window_days"], now=now,
                                     **options, **reader)
    return {"summary": summary.to_dict(), "reconciliation": result.to_dict()}


@pytest.mark.parametrize("helper, name, case", CASES, ids=[f"{h}:{n}" for h, n, _ in CASES])
def test_shared_vector_typed_api(helper: str, name: str, case: dict) -> None:
    if "expected_error" in case:
        with pytest.raises(keyscope.KeyscopeError) as info:
            _typed(helper, case["input"])
        assert type(info.value).__name__ == case["expected_error"]["type"], info.value
        assert case["expected_error"].get("message_contains", "") in info.value.message
        return
    assert mismatch(case["expected"], _typed(helper, case["input"])) == ""


def test_sandbox_planted_anomalies(client) -> None:
    fleet = client.fetch_fleet(days=90)
    findings = keyscope.detect_anomalies(fleet, now=NOW)
    assert all(isinstance(f, keyscope.Finding) for f in findings)
    kinds = {(f.key_name, f.kind) for f in findings}
    for name, kind in [
        ("Threat hunting notebook [intel]", "spike"),
        ("Legacy ingest [platform]", "dormant_reactivated"),
        ("Partner feed [partners]", "error_burst"),
        ("CI load tests [platform]", "test_key_production_traffic"),
        ("Browser extension [intel]", "rate_limit_pressure"),
        ("Contractor access [intel]", "expired_not_revoked"),
        ("New automation [secops]", "never_used"),
        ("Quarterly audit [finance]", "expiring_soon"),
        ("Archive export [finance]", "stale"),
    ]:
        assert (name, kind) in kinds, (name, kind, sorted(kinds))
    assert not any(f.key_name.startswith("Old integration") for f in findings)  # revoked
    order = {"critical": 0, "warning": 1, "info": 2}
    sev = [order[f.severity] for f in findings]
    assert sev == sorted(sev)
    # the typed models path gives the same findings as the C++ structs path
    assert keyscope.detect_anomalies(list(fleet.keys), list(fleet.usages), now=NOW) == findings
    # and options are honoured
    strict = keyscope.detect_anomalies(fleet, now=NOW, spike_min_ratio=1000.0)
    assert not any(f.kind == "spike" for f in strict)


def test_chargeback_on_sandbox(client) -> None:
    rows = client.usage_by_key(days=30)
    lines = keyscope.chargeback(rows, "1234.56", name_pattern=r"\[(\w+)\]")
    assert sum(r.cost_cents for r in lines) == 123456
    assert sum(r.cost for r in lines) == Decimal("1234.56")
    centers = {r.cost_center for r in lines}
    assert {"secops", "intel", "platform", "partners", "finance"} <= centers
    by_cents = keyscope.chargeback(rows, bill_cents=100001, by_key={rows[0].key_id: "top"})
    assert sum(r.cost_cents for r in by_cents) == 100001 and by_cents[0].cost_center in {"top", "unallocated"}
    with pytest.raises(keyscope.ValidationError):
        keyscope.chargeback(rows, "12.345")
    with pytest.raises(keyscope.ValidationError):
        keyscope.chargeback(rows)


def test_check_usage_on_sandbox(client, keys) -> None:
    for k in keys:
        if k.revoked:
            continue
        checks = keyscope.check_usage(client.get_usage(k.id, 30), end_date="2026-05-17")
        assert checks and all(isinstance(c, keyscope.IntegrityCheck) for c in checks)
        bad = [c for c in checks if not c.ok]
        assert not bad, (k.name, bad)


def test_gap_fill_on_sandbox(client, keys) -> None:
    from datetime import date

    usage = client.get_usage(keys[0].id, 30)
    filled = keyscope.gap_fill(usage.daily, 30, date(2026, 5, 17))
    assert len(filled) == 30 and filled[-1].date == date(2026, 5, 17)
    assert sum(b.requests for b in filled) == sum(b.requests for b in usage.daily)


def test_percentiles_match_numpy() -> None:
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(7)
    samples = rng.lognormal(5, 1, 100_000)
    qs = [0, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1]
    ours = keyscope.quantile(samples, qs)  # a float64 buffer, no per-element conversion
    assert ours == pytest.approx(list(np.percentile(samples, [q * 100 for q in qs])), rel=1e-12)
    assert keyscope.percentile(samples.tolist(), 95) == pytest.approx(np.percentile(samples, 95))
    assert keyscope.percentile(iter([1, 2, 3, 4]), 50) == 2.5


def test_ddsketch_matches_python_package() -> None:
    np = pytest.importorskip("numpy")
    dds = pytest.importorskip("ddsketch")
    rng = np.random.default_rng(11)
    samples = rng.lognormal(4, 1.2, 50_000)
    ours = keyscope.DDSketch(0.01)
    ours.add_many(samples)
    ref = dds.LogCollapsingLowestDenseDDSketch(relative_accuracy=0.01, bin_limit=2048)
    for v in samples:
        ref.add(float(v))
    for q in (0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999):
        assert ours.quantile(q) == pytest.approx(ref.get_quantile_value(q), rel=1e-9), q
        exact = float(np.quantile(samples, q))
        assert abs(ours.quantile(q) - exact) <= 0.011 * exact + 1e-9 or q in (0.01,)
    assert ours.count == 50_000 and math.isclose(ours.sum, float(samples.sum()), rel_tol=1e-9)


def test_ddsketch_merge_serialise_pickle() -> None:
    import pickle

    a, b, whole = keyscope.DDSketch(), keyscope.DDSketch(), keyscope.DDSketch()
    for i in range(1, 2001):
        (a if i % 2 else b).add(float(i))
        whole.add(float(i))
    a.merge(b)
    assert a.has_same_buckets(whole)
    assert a.quantile(0.5) == whole.quantile(0.5)
    again = keyscope.DDSketch.from_json(a.to_json())
    assert again.has_same_buckets(a) and again.quantile(0.99) == a.quantile(0.99)
    assert pickle.loads(pickle.dumps(a)).has_same_buckets(a)
    assert a.copy().has_same_buckets(a)
    assert len(a) == 2000 and "DDSketch(" in repr(a)
    with pytest.raises(keyscope.ValidationError):
        a.merge(keyscope.DDSketch(0.05))
    with pytest.raises(keyscope.ValidationError):
        keyscope.DDSketch().quantile(0.5)
    with pytest.raises(keyscope.ValidationError):
        a.add(float("nan"))


def test_environment_of() -> None:
    assert keyscope.environment_of("sk_live_zIc8") == "live"
    assert keyscope.environment_of("sk_test_ab12") == "test"
    assert keyscope.environment_of("pk_live_x") == "unknown"
    assert keyscope.environment_of("") == "unknown"
