"""Every endpoint over real HTTP, the models, and the client's lifecycle."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import pickle
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

import keyscope

REPO = Path(__file__).resolve().parents[2]
VERSION = json.loads((REPO / "package.json").read_text())["version"]  # the project's one version


def test_imported_from_installed_wheel_not_source_tree() -> None:
    location = Path(keyscope.__file__).resolve()
    assert REPO / "bindings" not in location.parents, location
    assert "site-packages" in location.parts, location
    assert keyscope.__version__ == VERSION
    assert importlib.metadata.version("keyscope") == VERSION  # the wheel's metadata, from package.json too


def test_list_keys(client: keyscope.Client) -> None:
    keys = client.list_keys()
    assert isinstance(keys, keyscope.KeyList)
    assert len(keys) == 13 and keys.total == 13
    k = keys[0]
    assert isinstance(k, keyscope.APIKeyInfo)
    assert isinstance(k.scopes, tuple)
    assert k.key_prefix.startswith(("sk_live_", "sk_test_"))
    assert k.environment in ("live", "test")
    names = {key.name for key in keys}
    assert "Production SIEM [secops]" in names
    revoked = [key for key in keys if key.revoked]
    assert len(revoked) == 1 and isinstance(revoked[0].revoked_at, datetime)
    for key in keys:
        for ts in (key.created_at, key.last_used_at, key.expires_at, key.revoked_at):
            if ts is not None:
                assert ts.tzinfo is not None and ts.utcoffset().total_seconds() == 0
    never_used = [key for key in keys if key.name.startswith("New automation")]
    assert never_used[0].last_used_at is None


def test_get_key(client: keyscope.Client, keys: keyscope.KeyList) -> None:
    first = keys[0]
    details = client.get_key(first.id)
    assert isinstance(details, keyscope.APIKeyDetails)
    assert isinstance(details, keyscope.APIKeyInfo)
    assert details.id == first.id and details.name == first.name
    assert details.allowed_ips is None or isinstance(details.allowed_ips, tuple)
    for b in details.usage_daily:
        assert isinstance(b.date, date) and not isinstance(b.date, datetime)
    # The sandbox's tiers (sandbox/README.md): free 10/min and 1000/day, pro 1000/min and 1000000/day.
    limits = {"free": (10, 1000), "pro": (1000, 1000000)}[details.tier]
    assert (details.rate_limit_per_minute, details.rate_limit_per_day) == limits


def test_get_usage(client: keyscope.Client, keys: keyscope.KeyList) -> None:
    busiest = max((k for k in keys if not k.revoked), key=lambda k: k.total_requests)
    usage = client.get_usage(busiest.id, days=30)
    assert isinstance(usage, keyscope.KeyUsage)
    assert usage.key_id == busiest.id and usage.window_days == 30
    assert usage.total_requests == usage.successful + usage.client_errors + usage.server_errors
    assert sum(usage.by_status.values()) == usage.total_requests
    assert all(isinstance(e, keyscope.EndpointCount) for e in usage.top_endpoints)
    assert all(isinstance(b, keyscope.DailyBucket) for b in usage.daily)
    assert len(usage.daily) <= 30
    for h in usage.rate_limit_hits_by_hour:
        assert h.hour.tzinfo is not None
    week = client.get_usage(busiest.id, days=7)
    assert week.window_days == 7 and len(week.daily) <= 7
    assert client.get_usage(busiest.id, 90).window_days == 90


def test_models_equality_to_dict_from_dict(client: keyscope.Client, keys: keyscope.KeyList) -> None:
    again = client.list_keys()
    assert again == keys and hash(again[0]) == hash(keys[0])
    assert keyscope.KeyList.from_dict(keys.to_dict()) == keys
    details = client.get_key(keys[1].id)
    assert keyscope.APIKeyDetails.from_dict(details.to_dict()) == details
    usage = client.get_usage(keys[1].id)
    assert keyscope.KeyUsage.from_dict(usage.to_dict()) == usage
    assert usage.to_dict()["daily"][0]["date"].count("-") == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        keys[0].name = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(usage)) == usage
    assert "KeyUsage(" in repr(usage) and "APIKeyInfo(" in repr(keys[0])


def test_key_preview_is_accepted_for_key_prefix() -> None:
    k = keyscope.APIKeyInfo.from_dict({"id": "00000000-0000-4000-8000-000000000123",
                                       "key_preview": "sk_live_••••", "name": "n", "tier": "pro",
                                       "created_at": "2026-01-15T10:00:00Z"})
    assert k.key_prefix == "sk_live_••••"
    assert k.created_at == datetime(2026, 1, 15, 10, tzinfo=timezone.utc)


def test_an_empty_key_prefix_is_present_and_the_alias_is_type_checked() -> None:
    """Found by the schema-driven mock (tests/contract/test_mock_front_doors.py)."""
    key = {"id": "00000000-0000-4000-8000-000000000123", "name": "n"}
    assert keyscope.APIKeyInfo.from_dict({**key, "key_prefix": ""}).key_prefix == ""
    assert keyscope.APIKeyInfo.from_dict({**key, "key_prefix": "", "key_preview": "sk_live_••••"}).key_prefix \
        == "sk_live_••••"
    assert keyscope.decode_key_list(json.dumps({"data": [{**key, "key_prefix": ""}]})).data[0].key_prefix == ""
    with pytest.raises(keyscope.DecodeError) as caught:
        keyscope.decode_key_list(json.dumps({"data": [{**key, "key_prefix": "p", "key_preview": 7}]}))
    assert caught.value.json_path == "data[0].key_preview"


def test_instants_beyond_datetime_are_clamped_not_a_value_error() -> None:
    """RFC 3339 reaches the years 0000 and (with an offset or a leap second) 10000, datetime
    does not: such a type-valid response decodes, clamped to datetime.min / datetime.max.
    Found by the schema-driven mock (tests/contract/test_mock_front_doors.py)."""
    lowest, highest = datetime.min.replace(tzinfo=timezone.utc), datetime.max.replace(tzinfo=timezone.utc)
    key = {"id": "00000000-0000-4000-8000-000000000123", "key_prefix": "p", "name": "n"}
    keys = keyscope.decode_key_list(json.dumps({"data": [
        {**key, "created_at": "0000-01-01T00:00:00Z", "last_used_at": "9999-12-31T23:59:59-23:59",
         "expires_at": "9999-12-31T23:59:60Z", "revoked_at": "0001-01-01T00:00:00+00:01"},
        {**key, "created_at": "0001-01-01T00:00:00Z", "last_used_at": "9999-12-31T23:59:59Z"}]}))
    assert (keys[0].created_at, keys[0].last_used_at) == (lowest, highest)
    assert (keys[0].expires_at, keys[0].revoked_at) == (highest, lowest)
    assert keys[1].created_at == lowest.replace(microsecond=0)
    assert keys[1].last_used_at == datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    usage = keyscope.decode_key_usage(json.dumps({"data": {
        "key_id": key["id"], "total_requests": 2,
        "daily": [{"date": "0000-02-29", "requests": 1}, {"date": "9999-12-31", "requests": 1}]}}))
    assert [d.date for d in usage.daily] == [date.min, date.max]


def test_fetch_fleet_and_usage_by_key(client: keyscope.Client, keys: keyscope.KeyList) -> None:
    fleet = client.fetch_fleet(days=30, concurrency=4)
    assert len(fleet.keys) == 13
    assert len(fleet.usages) == sum(1 for k in keys if not k.revoked)
    rows = client.usage_by_key(days=30, concurrency=8)
    assert len(rows) == len(fleet.usages)
    counts = [r.request_count for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert all(isinstance(r, keyscope.UsageRow) for r in rows)
    assert any(r.request_count == 0 for r in rows)  # zero-traffic keys are included
    # the same rows from Python models (serialised back to JSON) as from the C++ structs
    assert keyscope.usage_by_key(list(fleet.keys), list(fleet.usages)) == rows
    assert keyscope.usage_by_key(fleet) == rows


def test_rate_limit_and_last_response(client: keyscope.Client) -> None:
    assert client.last_response is None
    client.list_keys()
    rl = client.rate_limit
    assert isinstance(rl, keyscope.RateLimit)
    assert rl.limit == 1000 and rl.remaining is not None and 0 <= rl.remaining < 1000
    assert rl.reset_at is not None and rl.reset_at.tzinfo is not None
    resp = client.last_response
    assert isinstance(resp, keyscope.Response) and resp.status == 200
    assert resp.header("content-type", ).startswith("application/json")
    assert '"data"' in resp.body


def test_base_path_prefix(sandbox_factory) -> None:
    sb = sandbox_factory("--base-path", "/proxy/soc")
    assert sb.base_url.endswith("/proxy/soc")
    with keyscope.Client(base_url=sb.base_url, session_token=sb.token) as c:
        assert len(c.list_keys()) == 13


def test_more_keys(sandbox_factory) -> None:
    sb = sandbox_factory("--keys", "200")
    with keyscope.Client(base_url=sb.base_url, session_token=sb.token) as c:
        keys = c.list_keys()
        assert len(keys) == 200
        rows = c.usage_by_key(days=7, concurrency=16)
        assert len(rows) == sum(1 for k in keys if not k.revoked)


def test_context_manager_and_close(sandbox) -> None:
    c = keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token)
    with c as same:
        assert same is c and not c.closed
    assert c.closed
    c.close()  # idempotent
    assert "closed" in repr(c)
    with pytest.raises(keyscope.ValidationError) as info:
        c.list_keys()
    assert info.value.code == "client_closed"


def test_client_properties(client: keyscope.Client, sandbox) -> None:
    assert client.base_url == sandbox.base_url
    assert client.timeout == 10.0 and client.max_retries == 2
    assert client.user_agent.startswith(f"keyscope/{VERSION}") and f"keyscope-python/{VERSION}" in client.user_agent
    assert repr(client).startswith("<keyscope.Client base_url=")


def test_per_call_timeout_and_retries_accepted(client: keyscope.Client) -> None:
    assert len(client.list_keys(timeout=5, max_retries=0)) == 13


def test_env_defaults(sandbox, monkeypatch) -> None:
    monkeypatch.setenv("KEYSCOPE_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("KEYSCOPE_SESSION", sandbox.token)
    with keyscope.Client() as c:
        assert len(c.list_keys()) == 13


def test_user_agent_and_cookie_sent(sandbox) -> None:
    seen = []

    class Spy(keyscope.RequestsTransport):
        def send(self, request):  # type: ignore[override]
            seen.append(request)
            return super().send(request)

    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token, transport=Spy()) as c:
        c.list_keys()
    req = seen[0]
    assert req.method == "GET" and req.url == sandbox.base_url + "/api/v1/keys"
    assert req.header("Cookie") == f"sb-access-token={sandbox.token}"
    assert req.header("Authorization") is None
    assert f"keyscope-python/{VERSION}" in (req.header("User-Agent") or "")


def test_offline_decode_matches_http(client, keys) -> None:
    client.list_keys()
    body = client.last_response.body
    assert keyscope.decode_key_list(body) == keys
    assert keyscope.decode_key_list(body.encode()) == keys
    fixtures = REPO / "tests" / "fixtures"
    usage = keyscope.decode_key_usage((fixtures / "get_usage.json").read_text())
    assert usage.total_requests == 142587 and usage.daily[0].date == date(2026, 5, 16)
    details = keyscope.decode_key_details((fixtures / "get_key.json").read_text())
    assert details.allowed_ips is None and details.rate_limit_per_minute == 1000
    with pytest.raises(keyscope.DecodeError) as info:
        keyscope.decode_key_list('{"data":[{"id":1}]}')
    assert info.value.json_path.startswith("data[0]")
