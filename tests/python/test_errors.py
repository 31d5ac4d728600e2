"""Every error class: bad input (before sending), HTTP statuses and sandbox fault modes."""

from __future__ import annotations

import builtins
import pickle
from pathlib import Path
import time

import pytest

import keyscope

REPO = Path(__file__).resolve().parents[2]

MISSING = "00000000-0000-4000-8000-00000000dead"


def _busy_id(keys: keyscope.KeyList) -> str:
    return next(k.id for k in keys if not k.revoked and k.total_requests > 0)


def test_hierarchy() -> None:
    for name in ("ValidationError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
                 "RateLimitError", "BadRequestError", "ServerError", "TimeoutError",
                 "ConnectionError", "DecodeError", "CancelledError", "RedirectError"):
        cls = getattr(keyscope, name)
        assert issubclass(cls, keyscope.KeyscopeError) and issubclass(cls, Exception)
    assert issubclass(keyscope.TimeoutError, builtins.TimeoutError)
    assert issubclass(keyscope.ConnectionError, builtins.ConnectionError)
    assert issubclass(keyscope.ValidationError, ValueError)


@pytest.mark.parametrize("kwargs, code", [
    ({"base_url": "ftp://example.com"}, None),
    ({"base_url": "not a url"}, None),
    ({"session_token": "sk_live_abcdefghijklmnop"}, None),
    ({"session_token": "Bearer abc"}, None),
    ({"session_token": "has space"}, None),
    ({"timeout": 0}, None),
    ({"timeout": -1}, None),
    ({"timeout": float("nan")}, None),
    ({"max_retries": -1}, None),
    ({"max_retries": 11}, None),
    ({"timeout": "10"}, "invalid_argument"),
    ({"max_retries": 1.5}, "invalid_argument"),
    ({"transport": object()}, "invalid_argument"),
])
def test_bad_client_options(sandbox, kwargs, code) -> None:
    args = {"base_url": sandbox.base_url, "session_token": sandbox.token, **kwargs}
    with pytest.raises(keyscope.ValidationError) as info:
        keyscope.Client(**args)
    assert info.value.status == 0
    if code:
        assert info.value.code == code
    if "session_token" in kwargs:
        assert kwargs["session_token"] not in str(info.value)


@pytest.mark.parametrize("call", [
    lambda c, k: c.get_key("not-a-uuid"),
    lambda c, k: c.get_key(""),
    lambda c, k: c.get_key("../../etc/passwd"),
    lambda c, k: c.get_key(123),
    lambda c, k: c.get_usage(k, days=0),
    lambda c, k: c.get_usage(k, days=91),
    lambda c, k: c.get_usage(k, days=10**30),
    lambda c, k: c.get_usage(k, days="7"),
    lambda c, k: c.get_usage(k, days=True),
    lambda c, k: c.usage_by_key(days=0),
    lambda c, k: c.usage_by_key(concurrency=0),
    lambda c, k: c.list_keys(timeout=-5),
    lambda c, k: c.list_keys(max_retries=99),
])
def test_bad_arguments_never_reach_the_network(sandbox, client, keys, call) -> None:
    before = sandbox.stats()["requests"]
    with pytest.raises(keyscope.ValidationError) as info:
        call(client, _busy_id(keys))
    assert info.value.status == 0 and info.value.code
    assert sandbox.stats()["requests"] == before


def test_authentication_error(sandbox) -> None:
    with keyscope.Client(base_url=sandbox.base_url, session_token="wrong-token") as c:
        with pytest.raises(keyscope.AuthenticationError) as info:
            c.list_keys()
    e = info.value
    assert e.status == 401 and e.code and e.message and e.request_id
    assert isinstance(e.details, dict)
    assert "wrong-token" not in str(e) and "wrong-token" not in repr(e)


def test_not_found(client) -> None:
    with pytest.raises(keyscope.NotFoundError) as info:
        client.get_key(MISSING)
    assert info.value.status == 404 and info.value.code == "not_found"
    with pytest.raises(keyscope.NotFoundError):
        client.get_usage(MISSING, 30)


@pytest.mark.parametrize("status, cls", [
    (400, keyscope.BadRequestError),
    (403, keyscope.PermissionDeniedError),
    (409, keyscope.BadRequestError),
    (501, keyscope.ServerError),
])
def test_status_faults_not_retried(sandbox, client, keys, status, cls) -> None:
    sandbox.fault(path_contains="/usage", mode="status", status=status, times=5)
    before = sandbox.stats()["requests"]
    with pytest.raises(cls) as info:
        client.get_usage(_busy_id(keys))
    assert info.value.status == status
    assert sandbox.stats()["requests"] - before == 1  # 4xx and 501 are never retried


def test_error_code_object_is_bad_request_not_crash(sandbox, client, keys) -> None:
    """Was a SIGSEGV in the native client: tests/fuzz/corpus/error_code_object.json."""
    body = (REPO / "tests" / "fuzz" / "corpus" / "error_code_object.json").read_text()
    sandbox.fault(path_contains="/usage", mode="body", status=400, body=body, times=1)
    with pytest.raises(keyscope.BadRequestError) as info:
        client.get_usage(_busy_id(keys))
    assert info.value.status == 400
    assert info.value.request_id == "req_abc124"
    assert info.value.code == "http_400"


def test_server_error_retried_then_raised(sandbox, client, keys) -> None:
    sandbox.fault(path_contains="/usage", mode="status", status=503, times=10)
    before = sandbox.stats()["requests"]
    with pytest.raises(keyscope.ServerError) as info:
        client.get_usage(_busy_id(keys), max_retries=2)
    assert info.value.status == 503
    assert sandbox.stats()["requests"] - before == 3  # 1 + max_retries


def test_transient_server_error_recovers(sandbox, client, keys) -> None:
    sandbox.fault(path_contains="/usage", mode="status", status=502, times=2)
    usage = client.get_usage(_busy_id(keys))
    assert usage.total_requests > 0


def test_rate_limit_error_with_retry_after(sandbox, client, keys) -> None:
    sandbox.fault(path_contains="/usage", mode="status", status=429, retry_after=120, times=5)
    t0 = time.monotonic()
    with pytest.raises(keyscope.RateLimitError) as info:
        client.get_usage(_busy_id(keys))
    assert time.monotonic() - t0 < 5  # a 120 s wait is not slept (max_server_wait is 60 s)
    assert info.value.status == 429 and info.value.retry_after == 120


def test_rate_limit_retry_after_honoured(sandbox, client, keys) -> None:
    sandbox.fault(path_contains="/usage", mode="status", status=429, retry_after=1, times=1)
    t0 = time.monotonic()
    client.get_usage(_busy_id(keys))
    assert time.monotonic() - t0 >= 0.9


def test_real_rate_limiting_free_tier(sandbox_factory) -> None:
    sb = sandbox_factory("--tier", "free")
    with keyscope.Client(base_url=sb.base_url, session_token=sb.token, max_retries=0) as c:
        with pytest.raises(keyscope.RateLimitError) as info:
            for _ in range(30):
                c.list_keys()
        assert info.value.status == 429
        assert c.rate_limit.limit == 10 and c.rate_limit.remaining == 0


@pytest.mark.parametrize("transport", ["curl", "requests"])
def test_a_redirect_to_another_origin_is_refused_not_followed(sandbox, sandbox_factory,
                                                              transport) -> None:
    # The session cookie must never reach another origin: a 3xx is a RedirectError naming the
    # target (query redacted), and the target sees no request.
    elsewhere = sandbox_factory()
    target = elsewhere.root + "/api/v1/keys"
    sandbox.fault(path_contains="/api/v1/keys", mode="redirect", status=302, times=0,
                  location=target + "?sb-access-token=" + sandbox.token + "&q=hidden-query")
    chosen = keyscope.RequestsTransport() if transport == "requests" else None
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token, timeout=10,
                         transport=chosen) as c:
        with pytest.raises(keyscope.RedirectError) as info:
            c.list_keys()
    error = info.value
    assert error.status == 302 and error.code == "redirect_refused"
    assert f"302 with a redirect to {target}?[redacted]" in str(error)
    assert "does not follow redirects" in str(error) and "hidden-query" not in str(error)
    assert elsewhere.stats()["requests"] == 0


def test_connection_dropped(sandbox, client, keys) -> None:
    sandbox.fault(path_contains="/usage", mode="drop", times=10)
    with pytest.raises(keyscope.ConnectionError) as info:
        client.get_usage(_busy_id(keys), max_retries=1)
    assert isinstance(info.value, builtins.ConnectionError)
    assert info.value.status == 0


@pytest.mark.parametrize("chunked", [False, True])
def test_oversized_response(sandbox, client, keys, chunked) -> None:
    # 40 MiB against the transport's 32 MiB cap: a typed error, and the body is not fetched again
    sandbox.fault(path_contains="/usage", mode="oversize", bytes=40 << 20, chunked=chunked, times=3)
    before = sandbox.stats()["requests"]
    with pytest.raises(keyscope.ConnectionError) as info:
        client.get_usage(_busy_id(keys))
    assert info.value.code == "response_too_large", info.value
    assert sandbox.stats()["requests"] - before == 1


def test_connection_refused() -> None:
    with keyscope.Client(base_url="http://127.0.0.1:9", session_token="T", max_retries=0) as c:
        with pytest.raises(keyscope.ConnectionError):
            c.list_keys()


@pytest.mark.parametrize("mode", ["malformed", "html", "wrong_type"])
def test_decode_errors(sandbox, client, keys, mode) -> None:
    sandbox.fault(path_contains="/usage", mode=mode, times=1, status=200)
    with pytest.raises(keyscope.DecodeError) as info:
        client.get_usage(_busy_id(keys))
    if mode == "wrong_type":
        assert info.value.json_path, info.value
        assert info.value.json_path in str(info.value)


def test_html_gateway_error_page(sandbox, client, keys) -> None:
    sandbox.fault(path_contains="/usage", mode="html", times=10)  # nginx 502 page, no envelope
    with pytest.raises(keyscope.ServerError) as info:
        client.get_usage(_busy_id(keys), max_retries=1)
    assert info.value.status == 502 and "<html>" not in str(info.value)


def test_timeout(sandbox, client, keys) -> None:
    sandbox.fault(path_contains="/usage", mode="latency", latency_ms=3000, times=5)
    t0 = time.monotonic()
    with pytest.raises(keyscope.TimeoutError) as info:
        client.get_usage(_busy_id(keys), timeout=0.3, max_retries=0)
    assert time.monotonic() - t0 < 2.5
    assert isinstance(info.value, builtins.TimeoutError)


def test_timeout_retried_then_succeeds(sandbox, client, keys) -> None:
    key_id = _busy_id(keys)
    sandbox.fault(path_contains="/usage", mode="latency", latency_ms=2000, times=1)
    before = sandbox.stats()["requests"]
    usage = client.get_usage(key_id, timeout=0.5, max_retries=2)
    assert usage.total_requests > 0
    assert sandbox.stats()["requests"] - before == 2  # the timed-out try, then one retry


def test_errors_pickle_and_str(client) -> None:
    with pytest.raises(keyscope.NotFoundError) as info:
        client.get_key(MISSING)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is keyscope.NotFoundError
    assert again.status == 404 and again.request_id == info.value.request_id
    assert "status 404" in str(info.value) and "NotFoundError(" in repr(info.value)


def test_analytics_bad_input_is_typed() -> None:
    with pytest.raises(keyscope.ValidationError):
        keyscope.percentile([], 50)
    with pytest.raises(keyscope.ValidationError):
        keyscope.percentile([1.0, 2.0], 150)
    with pytest.raises(keyscope.ValidationError):
        keyscope.quantile([1.0, 2.0], 1.5)
    with pytest.raises(keyscope.ValidationError):
        keyscope.DDSketch(relative_accuracy=2.0)
    with pytest.raises(keyscope.DecodeError) as info:
        keyscope.usage_by_key([{"id": "00000000-0000-4000-8000-000000000123", "key_prefix": "sk_live_ab12",
                                "name": "n", "tier": "pro", "total_requests": "x"}], [])
    assert "total_requests" in info.value.json_path
    with pytest.raises(keyscope.ValidationError):
        keyscope.detect_anomalies([], [], now="2026-05-17T12:00:00Z", no_such_option=1)
    with pytest.raises(keyscope.KeyscopeError):
        keyscope.analytics.run_helper("no_such_helper", "{}")
    with pytest.raises(keyscope.KeyscopeError):
        keyscope.analytics.run_helper("percentiles", "not json")
    with pytest.raises(keyscope.KeyscopeError) as info2:
        keyscope.DDSketch.from_json("{}")
    assert type(info2.value) is keyscope.DecodeError, type(info2.value)
    assert info2.value.json_path == "max_buckets"
