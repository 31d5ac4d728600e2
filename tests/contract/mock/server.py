"""A loopback HTTP server that answers the contract's routes with prepared bodies.

Each case has its own base path, `/c/<case>`, under which the API's routes are served:
`GET /c/<case>/api/v1/keys`, `.../keys/{keyId}` and `.../keys/{keyId}/usage` answer 200 with
the case's body when the route is the case's operation. Authentication is the contract's: the
session cookie `sb-access-token` (no cookie: 401 missing_api_key, a wrong one: 401
invalid_session, only an Authorization header: 401 invalid_auth_method, as keyscope-sandbox
answers). Every answer carries the contract's headers (X-Request-Id, X-RateLimit-Limit,
-Remaining, -Reset) with random values of their documented types.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Optional

ROUTES = {  # operationId -> the route's pattern below /c/<case>
    "listKeys": re.compile(r"/api/v1/keys"),
    "getKey": re.compile(r"/api/v1/keys/[^/]+"),
    "getKeyUsage": re.compile(r"/api/v1/keys/[^/]+/usage"),
}
_CASE = re.compile(r"/c/(\d+)(/[^?]*)(\?.*)?$")


@dataclass
class Served:
    operation_id: str
    body: bytes
    headers: Dict[str, str]


class MockServer:
    def __init__(self, token: str) -> None:
        self.token = token
        self.cases: Dict[int, Served] = {}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def base_url(self, case: int) -> str:
        return f"{self.origin}/c/{case}"

    def add(self, case: int, served: Served) -> None:
        self.cases[case] = served

    def __enter__(self) -> "MockServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _handler(server: MockServer) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the clients reuse connections
        # Headers and body go out in two writes: without TCP_NODELAY the second waits for the
        # client's delayed ACK (~40 ms a request).
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def answer(self, status: int, body: bytes, headers: Optional[Dict[str, str]] = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def error(self, status: int, code: str, message: str) -> None:
            envelope = {"error": {"code": code, "message": message, "request_id": "req_mock"}}
            self.answer(status, json.dumps(envelope).encode(), {"X-Request-Id": "req_mock"})

        def session(self) -> Optional[str]:
            try:
                cookie = SimpleCookie(self.headers.get("Cookie", ""))
            except CookieError:
                return None
            morsel = cookie.get("sb-access-token")
            return morsel.value if morsel else None

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            match = _CASE.match(self.path)
            if not match:
                return self.error(404, "not_found", "The requested resource was not found")
            case = int(match.group(1))
            served = server.cases.get(case)
            if served is None or not ROUTES[served.operation_id].fullmatch(match.group(2)):
                return self.error(404, "not_found", "The requested resource was not found")
            token = self.session()
            if token is None:
                if self.headers.get("Authorization"):
                    return self.error(401, "invalid_auth_method", "Key-management endpoints take the session cookie")
                return self.error(401, "missing_api_key", "API key is required")
            if token != server.token:
                return self.error(401, "invalid_session", "The session cookie is invalid or expired")
            self.answer(200, served.body, served.headers)

        def do_POST(self) -> None:  # noqa: N802
            self.error(405, "method_not_allowed", "Method not allowed")

    return Handler
