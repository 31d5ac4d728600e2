"""A loopback HTTP server in front of a sandbox: it relays every request to the sandbox, except
those answered from a script (status, headers, body), and adds headers of the test's choosing to
every answer. Tests use it for what the sandbox never sends: hostile request ids, Set-Cookie."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.request
from typing import Dict, List, Optional, Tuple

Scripted = Tuple[int, Dict[str, str], bytes]


class ScriptedFront:
    def __init__(self, upstream_root: str, extra_headers: Optional[Dict[str, str]] = None) -> None:
        self.script: List[Scripted] = []
        self.extra_headers: Dict[str, str] = dict(extra_headers or {})
        self.paths: List[str] = []
        front = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                front.paths.append(self.path)
                if front.script:
                    status, headers, body = front.script.pop(0)
                else:
                    status, headers, body = front._relay(upstream_root + self.path,
                                                         self.headers.get("Cookie", ""))
                self.send_response(status)
                for name, value in {**headers, **front.extra_headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.root = f"http://127.0.0.1:{self._server.server_address[1]}"

    @staticmethod
    def _relay(url: str, cookie: str) -> Scripted:
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        try:
            answer = urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as error:
            answer = error
        headers = {name: answer.headers[name] for name in ("Content-Type", "X-Request-Id", "Date")
                   if answer.headers.get(name)}
        return answer.status, headers, answer.read()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> "ScriptedFront":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
