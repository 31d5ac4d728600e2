"""The session token never appears in any string the package produces."""

from __future__ import annotations

import logging
import pickle

import pytest

import keyscope

SECRET = "tok-SECRET-5f2a9c"


@pytest.fixture(scope="module")
def secret_sandbox(sandbox_factory):
    return sandbox_factory(token=SECRET)


def _strings(obj) -> list:
    out = [str(obj), repr(obj)]
    if isinstance(obj, BaseException):
        out += [str(a) for a in obj.args] + [repr(obj.__dict__)]
        out.append(repr(pickle.loads(pickle.dumps(obj)).__dict__))
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        out.append(repr(to_dict()))
    return out


def test_token_in_no_string(secret_sandbox) -> None:
    sb = secret_sandbox
    produced: list = []
    seen_requests: list = []

    class Spy(keyscope.RequestsTransport):
        def send(self, request):  # type: ignore[override]
            seen_requests.append(request)
            return super().send(request)

    for transport in (None, Spy()):
        with keyscope.Client(base_url=sb.base_url, session_token=SECRET, transport=transport,
                             timeout=5, max_retries=1) as c:
            produced += [c, c.user_agent, c.base_url]
            keys = c.list_keys()
            produced += [keys, c.rate_limit, c.last_response, c.last_response.body]
            produced += [c.last_response.headers]
            k = next(k for k in keys if not k.revoked and k.total_requests)
            produced += [c.get_key(k.id), c.get_usage(k.id), c.usage_by_key()]
            produced += [c.fetch_fleet(days=7)]
            for fault in ({"mode": "status", "status": 503, "times": 0},
                          {"mode": "status", "status": 429, "retry_after": 120, "times": 5},
                          {"mode": "status", "status": 403, "times": 1},
                          {"mode": "drop", "times": 0},
                          {"mode": "malformed", "status": 200, "times": 1},
                          {"mode": "wrong_type", "times": 1},
                          {"mode": "latency", "latency_ms": 1500, "times": 0}):
                sb.fault(path_contains="/usage", **fault)
                with pytest.raises(keyscope.KeyscopeError) as info:
                    c.get_usage(k.id, timeout=0.5)
                sb.clear_faults()
                produced.append(info.value)
                produced.append(c.last_response)
            with pytest.raises(keyscope.NotFoundError) as nf:
                c.get_key("00000000-0000-4000-8000-00000000dead")
            produced.append(nf.value)
        produced.append(c)  # closed repr
    produced += seen_requests
    # bad token shapes are refused without echoing them
    for bad in (SECRET + " x", "sk_live_" + SECRET, "Bearer " + SECRET):
        with pytest.raises(keyscope.ValidationError) as info:
            keyscope.Client(base_url=sb.base_url, session_token=bad)
        produced.append(info.value)
    with keyscope.Client(base_url=sb.base_url, session_token="wrong-" + SECRET) as c:
        with pytest.raises(keyscope.AuthenticationError) as auth:
            c.list_keys()
        produced += [auth.value, c.last_response]

    texts = [s for obj in produced for s in _strings(obj)]
    assert len(texts) > 50
    leaks = [t for t in texts if SECRET in t]
    assert not leaks, leaks[:3]


def test_request_repr_hides_cookie() -> None:
    req = keyscope.HttpRequest("GET", "https://x/api/v1/keys",
                               (("Cookie", f"sb-access-token={SECRET}"),
                                ("Authorization", f"Bearer {SECRET}")), b"", 30.0)
    assert SECRET not in repr(req) and SECRET not in str(req)


def test_response_headers_redacted(secret_sandbox) -> None:
    with keyscope.Client(base_url=secret_sandbox.base_url, session_token=SECRET) as c:
        c.list_keys()
        for name, value in c.last_response.headers:
            if name.lower() in ("set-cookie", "cookie", "authorization"):
                assert value == "[redacted]"
