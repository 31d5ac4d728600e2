"""Tolerant by default, strict on request (Client(strict=True)), and fleet fetches that collect
per-key errors (fetch_fleet / usage_by_key errors="collect") -- as the CLI's --strict and report."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

import keyscope


def _odd_usage_body(sandbox: Any, key_id: str) -> str:
    """A real usage payload of the sandbox with client_errors = -3 (type-valid, implausible)."""
    req = urllib.request.Request(f"{sandbox.base_url}/api/v1/keys/{key_id}/usage?days=7",
                                 headers={"Cookie": "sb-access-token=" + sandbox.token})
    with urllib.request.urlopen(req, timeout=10) as r:
        doc = json.loads(r.read())
    doc["data"]["client_errors"] = -3
    return json.dumps(doc)


def _active(keys: Any) -> list:
    return [k for k in keys.data if not k.revoked]


def _victim(keys: Any) -> str:
    return next(k.id for k in _active(keys) if k.name.startswith("Partner feed"))


def test_tolerant_by_default_negative_count_is_a_check_usage_finding(sandbox, keys) -> None:
    key_id = _active(keys)[0].id
    sandbox.fault(path_contains="/usage", mode="body", status=200,
                  body=_odd_usage_body(sandbox, key_id), times=1)
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token,
                         max_retries=0) as c:
        assert c.strict is False
        usage = c.get_usage(key_id, 7)
    assert usage.client_errors == -3
    failing = [chk.check for chk in keyscope.check_usage(usage) if not chk.ok]
    assert "non_negative" in failing


def test_strict_makes_the_implausible_usage_a_decode_error(sandbox, keys) -> None:
    key_id = _active(keys)[0].id
    sandbox.fault(path_contains="/usage", mode="body", status=200,
                  body=_odd_usage_body(sandbox, key_id), times=1)
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token,
                         max_retries=0, strict=True) as c:
        assert c.strict is True
        with pytest.raises(keyscope.DecodeError) as info:
            c.get_usage(key_id, 7)
    assert info.value.json_path == "data.client_errors"


def test_strict_must_be_a_bool(sandbox) -> None:
    with pytest.raises(keyscope.ValidationError):
        keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token,
                        strict="yes")  # type: ignore[arg-type]


def test_fetch_fleet_collect_keeps_the_other_keys(sandbox, client, keys) -> None:
    victim = _victim(keys)
    active = _active(keys)
    sandbox.fault(path_contains=victim + "/usage", mode="status", status=404, times=0)
    fleet = client.fetch_fleet(days=7, concurrency=4, errors="collect")
    assert len(fleet.usages) == len(active) - 1 == 11
    assert victim not in [u.key_id for u in fleet.usages]
    assert len(fleet.errors) == 1
    failure = fleet.errors[0]
    assert isinstance(failure, keyscope.KeyFetchError)
    assert failure.key_id == victim
    assert isinstance(failure.error, keyscope.NotFoundError)
    assert failure.error.status == 404
    assert fleet.failed_key_ids == (victim,)
    assert len(fleet.keys) == len(keys.data)  # the key list itself is whole
    # The analytics helpers given this Fleet leave the failed key out (fast and slow paths).
    rows = keyscope.usage_by_key(fleet)
    assert len(rows) == 11 and victim not in [r.key_id for r in rows]
    rebuilt = keyscope.Fleet(fleet.keys, fleet.usages, fleet.window_days, errors=fleet.errors)
    assert [r.key_id for r in keyscope.usage_by_key(rebuilt)] == [r.key_id for r in rows]
    assert fleet.to_dict()["errors"][0]["key_id"] == victim


def test_usage_by_key_collect_leaves_the_failed_key_out(sandbox, client, keys) -> None:
    victim = _victim(keys)
    sandbox.fault(path_contains=victim + "/usage", mode="status", status=404, times=0)
    rows = client.usage_by_key(days=7, errors="collect")
    assert isinstance(rows, list) and isinstance(rows, keyscope.UsageRows)
    assert len(rows) == 11 and victim not in [r.key_id for r in rows]
    assert [e.key_id for e in rows.errors] == [victim]
    assert isinstance(rows.errors[0].error, keyscope.NotFoundError)


def test_default_raises_the_first_error(sandbox, client, keys) -> None:
    victim = _victim(keys)
    sandbox.fault(path_contains=victim + "/usage", mode="status", status=404, times=0)
    with pytest.raises(keyscope.NotFoundError):
        client.fetch_fleet(days=7)
    with pytest.raises(keyscope.NotFoundError):
        client.fetch_fleet(days=7, errors="raise")
    with pytest.raises(keyscope.NotFoundError):
        client.usage_by_key(days=7)


def test_no_failure_means_no_errors(client) -> None:
    fleet = client.fetch_fleet(days=7, errors="collect")
    assert fleet.errors == () and len(fleet.usages) == 12
    assert client.usage_by_key(days=7).errors == ()


def test_errors_mode_is_checked(client) -> None:
    with pytest.raises(keyscope.ValidationError):
        client.fetch_fleet(days=7, errors="ignore")
    with pytest.raises(keyscope.ValidationError):
        client.usage_by_key(days=7, errors=None)  # type: ignore[arg-type]
