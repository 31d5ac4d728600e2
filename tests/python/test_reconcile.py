"""Client.reconcile: the sandbox's usage held against the egress log it emits (same --now)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Set, Tuple

import pytest

import keyscope

NOW = "2026-05-17T12:00:00Z"
PER_DAY = {"api_exceeds_logs", "logs_exceed_api"}


def _planted(out: Path) -> Set[Tuple[str, str, str]]:
    """(kind, key_prefix, day) the reconciliation must find: per-day kinds on each planted day,
    the others once, on the first day of the window they were seen."""
    planted = json.loads((out / "planted.json").read_text())
    expected = set()
    for incident in planted["incidents"]:
        days = incident["days"] if incident["kind"] in PER_DAY else [min(incident["days"])]
        expected |= {(incident["kind"], incident["key_prefix"], day) for day in days}
    return expected


def _found(result: keyscope.Reconciliation) -> Set[Tuple[str, str, str]]:
    return {(f.kind, f.key_prefix, f.day.isoformat() if f.day else "") for f in result.findings}


def test_reconcile_finds_exactly_the_planted_incidents(client: keyscope.Client, emit_logs: Any) -> None:
    out = emit_logs(7)
    result = client.reconcile(logs=out / "egress.jsonl", days=7)  # window end: the API's Date header
    assert isinstance(result, keyscope.Reconciliation)
    assert len(result.findings) == len(_found(result))
    assert _found(result) == _planted(out)
    assert {f.kind for f in result.findings} == {"api_exceeds_logs", "revoked_key_in_use", "logs_exceed_api",
                                                  "unknown_key"}
    assert result.window_days == 7 and result.tolerance == 0.02 and result.min_diff == 5
    assert result.findings[0].severity == "critical"
    leaked = [f for f in result.findings if f.kind == "api_exceeds_logs"]
    assert all(f.key_prefix == "sk_live_eOHt" and f.api_requests > 2 * f.log_requests for f in leaked)
    assert result.api_requests > result.log_requests > 300_000
    # now= pinned to the same instant: the same result.
    assert client.reconcile(logs=str(out / "egress.jsonl"), days=7, now=NOW) == result


def test_reconcile_nginx_and_csv_agree(client: keyscope.Client, emit_logs: Any) -> None:
    jsonl = client.reconcile(logs=emit_logs(7, "jsonl") / "egress.jsonl", days=7)
    nginx_dir = emit_logs(7, "nginx")
    nginx_format = (nginx_dir / "nginx_log_format.txt").read_text().strip()
    nginx = client.reconcile(logs=nginx_dir / "egress.log", days=7, nginx_format=nginx_format)
    csv = client.reconcile(logs=emit_logs(7, "csv") / "egress.csv", days=7, format="csv",
                           fields={"time": "ts", "key": "api_key", "path": "endpoint",
                                   "status": "status_code", "latency": "latency_ms"})
    assert nginx.to_dict() == jsonl.to_dict() == csv.to_dict()


def test_a_looser_tolerance_hides_the_drift(client: keyscope.Client, emit_logs: Any) -> None:
    out = emit_logs(7)
    loose = client.reconcile(logs=out / "egress.jsonl", days=7, tolerance=0.2)
    kinds = {f.kind for f in loose.findings}
    assert "logs_exceed_api" not in kinds and "api_exceeds_logs" in kinds
    strict = client.reconcile(logs=out / "egress.jsonl", days=7, min_diff=0, tolerance=0.0)
    assert len(strict.findings) >= len(loose.findings)


def test_reconciliation_to_pandas(client: keyscope.Client, emit_logs: Any) -> None:
    pd = pytest.importorskip("pandas")
    out = emit_logs(7)
    result = client.reconcile(logs=out / "egress.jsonl", days=7)
    findings = result.to_pandas()
    assert isinstance(findings, pd.DataFrame) and len(findings) == len(result.findings)
    assert list(findings["kind"]) == [f.kind for f in result.findings]
    assert findings["severity"].cat.ordered and str(findings["day"].dtype) == "datetime64[ns, UTC]"
    assert (findings["difference"] == findings["log_requests"] - findings["api_requests"]).all()
    keys = result.to_pandas("keys")
    assert list(keys["key_prefix"]) == [k.key_prefix for k in result.keys]
    assert str(keys["drift"].dtype) == "Float64"
    # The log carries the full keys: none of their secret parts reach any output.
    first = json.loads((out / "egress.jsonl").open().readline())
    tail = first["authorization"].split()[-1][12:]
    for text in (repr(result), json.dumps(result.to_dict()), findings.to_csv(), keys.to_csv(),
                 findings.to_string(), repr(result.findings)):
        assert tail not in text


def test_options_are_checked_before_any_request(client: keyscope.Client, sandbox: Any,
                                                emit_logs: Any, tmp_path: Path) -> None:
    log = emit_logs(2) / "egress.jsonl"
    before = sandbox.stats()["requests"]
    for kwargs in ({"fields": {"colour": "x"}}, {"format": "xml"}, {"nginx_format": "$status"},
                   {"latency_unit": "h"}, {"now": "soon"}, {"logs": tmp_path / "none-*.jsonl"}, {"logs": []}):
        args = {"logs": log, "days": 2, **kwargs}
        with pytest.raises(keyscope.ValidationError):
            client.reconcile(**args)
    assert sandbox.stats()["requests"] == before
    with pytest.raises(keyscope.ValidationError):
        client.reconcile(logs=log, days=0)
    with pytest.raises(keyscope.ValidationError):
        client.reconcile(logs=log, days=2, tolerance=-1)
    with pytest.raises(keyscope.ValidationError):
        client.reconcile(logs=log, days=2, tolerance="2%")  # type: ignore[arg-type]
    with pytest.raises(keyscope.ValidationError) as info:
        client.reconcile(logs=tmp_path / "missing.jsonl", days=2)
    assert info.value.code == "log_unreadable"


def test_reconcile_without_a_session_is_an_authentication_error(sandbox: Any, emit_logs: Any) -> None:
    with keyscope.Client(base_url=sandbox.base_url, session_token="wrong", max_retries=0) as c:
        with pytest.raises(keyscope.AuthenticationError):
            c.reconcile(logs=emit_logs(2) / "egress.jsonl", days=2)
