"""A transport written in Python (RequestsTransport over requests.Session, and hand-written
ones): endpoints, retries, errors and analytics all work through it."""

from __future__ import annotations

import builtins
import threading
import time
from typing import List

import pytest

import keyscope


@pytest.fixture
def rclient(sandbox):
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token,
                         transport=keyscope.RequestsTransport(), timeout=10) as c:
        yield c


def test_requests_transport_endpoints(rclient, client, keys) -> None:
    assert rclient.list_keys() == keys
    k = keys[0]
    assert rclient.get_key(k.id) == client.get_key(k.id)
    assert rclient.get_usage(k.id, 14) == client.get_usage(k.id, 14)
    assert rclient.usage_by_key(days=30) == client.usage_by_key(days=30)
    assert "requests" in rclient.user_agent
    assert rclient.rate_limit.limit == 1000
    assert rclient.last_response is not None and rclient.last_response.status == 200


def test_requests_transport_retries_and_errors(sandbox, rclient, keys) -> None:
    kid = next(k.id for k in keys if k.total_requests > 0 and not k.revoked)
    sandbox.fault(path_contains="/usage", mode="status", status=503, times=2)
    assert rclient.get_usage(kid).total_requests > 0
    sandbox.fault(path_contains="/usage", mode="status", status=503, times=10)
    with pytest.raises(keyscope.ServerError):
        rclient.get_usage(kid)
    sandbox.clear_faults()
    sandbox.fault(path_contains="/usage", mode="drop", times=10)
    with pytest.raises(keyscope.ConnectionError):
        rclient.get_usage(kid, max_retries=1)
    sandbox.clear_faults()
    sandbox.fault(path_contains="/usage", mode="latency", latency_ms=2000, times=5)
    with pytest.raises(keyscope.TimeoutError):
        rclient.get_usage(kid, timeout=0.3, max_retries=0)
    sandbox.clear_faults()
    sandbox.fault(path_contains="/usage", mode="wrong_type", times=1)
    with pytest.raises(keyscope.DecodeError):
        rclient.get_usage(kid)
    with pytest.raises(keyscope.NotFoundError):
        rclient.get_key("00000000-0000-4000-8000-00000000dead")


def test_requests_session_is_used(sandbox) -> None:
    import requests

    session = requests.Session()
    session.headers["X-Corp-Proxy"] = "yes"
    sent: List[requests.PreparedRequest] = []
    session.hooks["response"].append(lambda r, *a, **k: sent.append(r.request))
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token,
                         transport=keyscope.RequestsTransport(session)) as c:
        c.list_keys()
    assert sent and sent[0].headers["X-Corp-Proxy"] == "yes"


class Recording(keyscope.Transport):
    """A fake server in Python: answers from a script, records what it was sent."""

    name = "recording"

    def __init__(self, answers) -> None:
        self.answers = list(answers)
        self.requests: List[keyscope.HttpRequest] = []
        self.lock = threading.Lock()

    def send(self, request: keyscope.HttpRequest) -> keyscope.HttpResponse:
        with self.lock:
            self.requests.append(request)
            answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer


LIST_BODY = ('{"data":[{"id":"00000000-0000-4000-8000-000000000123","key_prefix":"sk_live_zIc8",'
             '"name":"Production SIEM","tier":"pro","scopes":["read:iocs"],"total_requests":5,'
             '"last_used_at":"2026-05-17T09:42:11Z","created_at":"2026-01-15T10:00:00Z",'
             '"expires_at":null,"revoked_at":null}],"meta":{"total":1}}')


def test_custom_transport_fake_server() -> None:
    t = Recording([keyscope.HttpResponse(200, {"Content-Type": "application/json",
                                               "X-RateLimit-Limit": "1000",
                                               "X-RateLimit-Remaining": "999"}, LIST_BODY)])
    with keyscope.Client(base_url="https://api.example.test", session_token="sess-123",
                         transport=t) as c:
        keys = c.list_keys()
        assert keys[0].name == "Production SIEM" and keys.total == 1
        assert c.rate_limit.remaining == 999
        assert "recording" in c.user_agent
    req = t.requests[0]
    assert req.url == "https://api.example.test/api/v1/keys"
    assert req.header("cookie") == "sb-access-token=sess-123"
    assert "sess-123" not in repr(req) and "[redacted]" in repr(req)
    assert req.timeout == 30.0


def test_custom_transport_retry_then_success_with_retry_after() -> None:
    class Timed(Recording):
        def send(self, request: keyscope.HttpRequest) -> keyscope.HttpResponse:
            sent_at.append(time.monotonic())
            return super().send(request)

    sent_at: List[float] = []
    t = Timed([
        keyscope.HttpResponse(503, {}, b""),
        keyscope.HttpResponse(429, [("Retry-After", "2")], '{"error":{"code":"rate_limit_exceeded","message":"slow down","request_id":"r1"}}'),
        keyscope.HttpResponse(200, {}, LIST_BODY),
    ])
    with keyscope.Client(base_url="https://api.example.test", session_token="sess-token-1", transport=t,
                         max_retries=3) as c:
        assert len(c.list_keys()) == 1
    assert len(t.requests) == 3
    # The wait after the 429 is the server's 2 s (a backoff at this attempt is at most 0.5 s).
    # A lower bound only: a slow machine can wait longer, never shorter.
    assert sent_at[2] - sent_at[1] >= 2.0 - 0.01, sent_at


@pytest.mark.parametrize("exc, cls", [
    (builtins.TimeoutError("read timed out"), keyscope.TimeoutError),
    (keyscope.TimeoutError("mine"), keyscope.TimeoutError),
    (OSError("network unreachable"), keyscope.ConnectionError),
    (ValueError("some bug in the transport"), keyscope.ConnectionError),
])
def test_custom_transport_exceptions(exc, cls) -> None:
    t = Recording([exc])
    with keyscope.Client(base_url="https://api.example.test", session_token="sess-token-1", transport=t,
                         max_retries=1) as c:
        with pytest.raises(cls):
            c.list_keys()
    assert len(t.requests) == 2  # retried once


def test_custom_transport_bad_return_value() -> None:
    t = Recording([object()])
    with keyscope.Client(base_url="https://api.example.test", session_token="sess-token-1", transport=t,
                         max_retries=0) as c:
        with pytest.raises(keyscope.ConnectionError) as info:
            c.list_keys()
    assert "custom transport" in str(info.value)


def test_custom_transport_error_message_redacts_token() -> None:
    t = Recording([OSError("proxy said: cookie sb-access-token=secret-xyz rejected")])
    with keyscope.Client(base_url="https://api.example.test", session_token="secret-xyz",
                         transport=t, max_retries=0) as c:
        with pytest.raises(keyscope.ConnectionError) as info:
            c.list_keys()
    assert "secret-xyz" not in str(info.value) and "secret-xyz" not in repr(info.value)


def test_custom_transport_concurrency(sandbox) -> None:
    lock = threading.Lock()
    in_flight = 0
    peak = 0

    class Slow(keyscope.RequestsTransport):
        max_concurrency = 8

        def send(self, request):  # type: ignore[override]
            nonlocal in_flight, peak
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            try:
                time.sleep(0.2)  # releases the GIL, like real I/O
                return super().send(request)
            finally:
                with lock:
                    in_flight -= 1

    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token,
                         transport=Slow()) as c:
        rows = c.usage_by_key(days=7, concurrency=8)
    assert len(rows) == 12
    # usage_by_key runs the 12 usage calls 8 at a time through the Python transport
    assert 6 <= peak <= 8, peak


def test_transport_closed_with_client() -> None:
    closed = []

    class T(keyscope.Transport):
        def send(self, request):
            return keyscope.HttpResponse(200, {}, LIST_BODY)

        def close(self):
            closed.append(True)

    with keyscope.Client(base_url="https://api.example.test", session_token="sess-token-1", transport=T()) as c:
        c.list_keys()
    assert closed == [True]


def test_default_base_url_is_socdefenders(monkeypatch) -> None:
    monkeypatch.delenv("KEYSCOPE_BASE_URL", raising=False)
    t = Recording([keyscope.HttpResponse(200, {}, LIST_BODY)])
    with keyscope.Client(session_token="sess-123", transport=t) as c:
        c.list_keys()
    assert [r.url for r in t.requests] == ["https://socdefenders.ai/api/v1/keys"]
