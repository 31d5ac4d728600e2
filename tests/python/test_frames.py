"""to_pandas() on the results: the same frames as the keyscope.pandas functions (one
implementation), a clear MissingDependencyError without pandas, no secret in any frame."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest

pd = pytest.importorskip("pandas")

import keyscope  # noqa: E402
import keyscope.pandas as kp  # noqa: E402

NOW = "2026-05-17T12:00:00Z"
FULL_KEY = re.compile(r"sk_(live|test)_[A-Za-z0-9]{5,}")


@pytest.fixture(scope="module")
def fleet(sandbox) -> Any:
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token) as c:
        return c.fetch_fleet(days=30)


def test_key_list_and_usage(client, fleet) -> None:
    keys = client.list_keys()
    pd.testing.assert_frame_equal(keys.to_pandas(), kp.keys_frame(keys))
    usage = max(fleet.usages, key=lambda u: u.total_requests)
    daily = usage.to_pandas()
    pd.testing.assert_frame_equal(daily, kp.daily_frame(usage))
    assert str(daily.index.dtype) == "datetime64[ns, UTC]" and len(daily) == 30
    assert daily["requests"].sum() == sum(b.requests for b in usage.daily)
    pd.testing.assert_frame_equal(usage.to_pandas(end_date="2026-05-10"),
                                  kp.daily_frame(usage, "2026-05-10"))
    pd.testing.assert_frame_equal(usage.to_pandas("status"), kp.status_frame(usage))


def test_fleet_tables(fleet) -> None:
    rows = keyscope.usage_by_key(fleet)
    assert isinstance(rows, keyscope.UsageRows) and rows.errors == ()
    usage = fleet.to_pandas()
    pd.testing.assert_frame_equal(usage, kp.usage_frame(rows))
    pd.testing.assert_frame_equal(usage, rows.to_pandas())
    assert usage["request_count"].is_monotonic_decreasing and len(usage) == len(fleet.usages)
    pd.testing.assert_frame_equal(fleet.to_pandas("keys"), kp.keys_frame(fleet.keys))
    daily = fleet.to_pandas("daily")
    assert set(daily.columns.get_level_values(0)) == {u.key_id for u in fleet.usages}
    assert daily.index[-1] == pd.Timestamp("2026-05-17", tz="UTC")
    assert int(daily.xs("requests", axis=1, level=1).to_numpy().sum()) == \
        sum(b.requests for u in fleet.usages for b in u.daily)
    errors = fleet.to_pandas("errors")
    assert list(errors.columns) == ["key_id", "error", "code", "status", "request_id", "message"]
    assert len(errors) == 0


def test_client_usage_by_key_rows(client) -> None:
    rows = client.usage_by_key(days=30)
    pd.testing.assert_frame_equal(rows.to_pandas(), kp.usage_frame(rows))


def test_analytics_results(fleet) -> None:
    findings = keyscope.detect_anomalies(fleet, now=NOW)
    assert isinstance(findings, keyscope.Findings) and isinstance(findings, list)
    frame = findings.to_pandas()
    pd.testing.assert_frame_equal(frame, kp.anomalies_frame(findings))
    assert frame["severity"].cat.ordered and {"spike", "error_burst"} <= set(frame["kind"])
    lines = keyscope.chargeback(keyscope.usage_by_key(fleet), "999.99", name_pattern=r"\[(\w+)\]")
    assert isinstance(lines, keyscope.ChargebackRows)
    pd.testing.assert_frame_equal(lines.to_pandas(), kp.chargeback_frame(lines))
    assert lines.to_pandas()["cost_cents"].sum() == 99999
    usage = fleet.usages[0]
    checks = keyscope.check_usage(usage)
    assert isinstance(checks, keyscope.IntegrityChecks)
    frame = checks.to_pandas()
    pd.testing.assert_frame_equal(frame, kp.checks_frame(checks))
    assert list(frame["check"]) == [c.check for c in checks] and frame["ok"].dtype == bool
    assert frame["ok"].all()


def test_result_lists_stay_lists() -> None:
    findings = keyscope.Findings([])
    assert findings == [] and pickle_roundtrip(findings) == []
    assert keyscope.usage_by_key([], []) == []


def pickle_roundtrip(value: Any) -> Any:
    import pickle

    return pickle.loads(pickle.dumps(value))


def test_unknown_table_is_a_validation_error(fleet) -> None:
    for call in (lambda: fleet.to_pandas("nope"), lambda: fleet.usages[0].to_pandas("keys"),
                 lambda: fleet.to_pandas(None)):
        with pytest.raises(keyscope.ValidationError, match=r"table must be one of \["):
            call()


def test_without_pandas_a_missing_dependency_error_says_what_to_install(tmp_path) -> None:
    script = """
import sys
sys.modules["pandas"] = None  # what Python does for a package that is not installed
import keyscope
keys = keyscope.decode_key_list('{"data": [], "meta": {"total": 0}}')
for attempt in (lambda: keys.to_pandas(), lambda: __import__("keyscope.pandas")):
    try:
        attempt()
    except keyscope.MissingDependencyError as error:
        assert isinstance(error, ImportError) and isinstance(error, keyscope.KeyscopeError)
        assert error.code == "missing_dependency"
        print(error.message)
    else:
        raise SystemExit("no error")
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("pip install 'keyscope[pandas]'") == 2


def _cells(frame: Any) -> str:
    return "\n".join([frame.to_csv(), json.dumps(list(map(str, frame.columns)))])


def test_no_secret_in_any_frame(sandbox_factory) -> None:
    """An error body carrying the session token and a full key (a hostile or careless server)
    reaches the collected errors; no frame shows either."""
    token = "frame-token-9c1d7e5a3b"
    full_key = "sk_live_Zq8RkT2mW9xY4vN6pL3s"
    sb = sandbox_factory("--rate-limit", "0", token=token)
    body = json.dumps({"error": {"code": "not_found",
                                 "message": f"no key {full_key} for session {token}"}})
    with keyscope.Client(base_url=sb.base_url, session_token=token, max_retries=0) as c:
        keys = c.list_keys()
        victim = next(k for k in keys if not k.revoked)
        sb.fault(path_contains=f"{victim.id}/usage", mode="body", status=404, body=body, times=0)
        fleet = c.fetch_fleet(days=30, errors="collect")
    assert fleet.failed_key_ids == (victim.id,)
    errors = fleet.to_pandas("errors")
    assert errors["status"].tolist() == [404] and errors["error"].tolist() == ["NotFoundError"]
    assert "no key" in errors["message"][0]  # the message is there, redacted
    frames = [fleet.to_pandas(t) for t in ("usage", "keys", "daily", "errors")]
    frames += [u.to_pandas(t) for u in fleet.usages for t in ("daily", "status")]
    frames.append(keyscope.detect_anomalies(fleet, now=NOW).to_pandas())
    frames.append(keyscope.chargeback(keyscope.usage_by_key(fleet), "10.00").to_pandas())
    frames.append(keyscope.check_usage(fleet.usages[0]).to_pandas())
    for frame in frames:
        text = _cells(frame)
        assert token not in text
        assert not FULL_KEY.search(text), FULL_KEY.search(text)
