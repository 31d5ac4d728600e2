"""The session token never appears in any string the package produces."""

from __future__ import annotations

import http.server
import logging
import pickle
import threading
import urllib.error
import urllib.request

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


@pytest.fixture
def cookie_setting_proxy(secret_sandbox):
    """A reverse proxy in front of the sandbox that refreshes the session on every API answer:
    it adds the Set-Cookie header of the sandbox's own login route (sb-access-token=SECRET) and a
    second one, as a real server's session middleware does. The sandbox's API routes send none."""
    login = urllib.request.Request(
        f"{secret_sandbox.root}/__sandbox/login?token={SECRET}&next=/")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[override]
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(login, timeout=5)
        raise AssertionError("the login route should answer 302")
    except urllib.error.HTTPError as redirect:
        login_cookie = redirect.headers["Set-Cookie"]
    assert login_cookie and SECRET in login_cookie

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            upstream = urllib.request.Request(secret_sandbox.root + self.path,
                                              headers={"Cookie": self.headers.get("Cookie", "")})
            try:
                answer = urllib.request.urlopen(upstream, timeout=10)
            except urllib.error.HTTPError as error:
                answer = error
            body = answer.read()
            self.send_response(answer.status)
            for name in ("Content-Type", "X-Request-Id", "X-RateLimit-Limit",
                         "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                if answer.headers.get(name):
                    self.send_header(name, answer.headers[name])
            self.send_header("Set-Cookie", login_cookie)
            self.send_header("Set-Cookie", f"sb-refresh-token=r-{SECRET}; Path=/; HttpOnly")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{secret_sandbox.base_url[len(secret_sandbox.root):]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("transport", ["curl", "requests"])
def test_response_headers_redacted(cookie_setting_proxy, transport) -> None:
    chosen = keyscope.RequestsTransport() if transport == "requests" else None
    with keyscope.Client(base_url=cookie_setting_proxy, session_token=SECRET, transport=chosen) as c:
        assert len(c.list_keys()) == 13
        headers = list(c.last_response.headers)
        shown = repr(c.last_response) + str(c.last_response.headers)
    cookies = [value for name, value in headers if name.lower() == "set-cookie"]
    # Both arrived (requests folds repeated headers into one), so the redaction had work to do.
    assert len(cookies) == (2 if transport == "curl" else 1), headers
    assert all(value == "[redacted]" for value in cookies), headers
    assert not [h for h in headers if SECRET in f"{h[0]}: {h[1]}"], headers
    assert SECRET not in shown
