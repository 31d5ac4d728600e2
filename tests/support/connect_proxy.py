"""An HTTP proxy on loopback that tunnels CONNECT host:port, as corporate proxies do for HTTPS.
Records every tunnel it opened; given credentials, answers 407 to a CONNECT without them."""

from __future__ import annotations

import base64
import socket
import threading
from typing import List, Optional, Tuple

from socket_relay import relay


class ConnectProxy:
    def __init__(self, credentials: Optional[Tuple[str, str]] = None) -> None:
        self.tunnels: List[str] = []   # "host:port" of each tunnel opened
        self.refused: List[int] = []   # the status of each CONNECT refused
        self._expected = None
        if credentials is not None:
            token = base64.b64encode(f"{credentials[0]}:{credentials[1]}".encode()).decode()
            self._expected = f"Basic {token}"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _refuse(self, client: socket.socket, status: int, reason: str, extra: str = "") -> None:
        self.refused.append(status)
        client.sendall(f"HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: 0\r\n"
                       "Connection: close\r\n\r\n".encode())
        client.close()

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(10)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(4096)
                if not chunk:
                    client.close()
                    return
                head += chunk
        except OSError:
            client.close()
            return
        lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, target = (lines[0].split(" ") + ["", ""])[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if method != "CONNECT":
            return self._refuse(client, 405, "Method Not Allowed")
        if self._expected is not None and headers.get("proxy-authorization") != self._expected:
            return self._refuse(client, 407, "Proxy Authentication Required",
                                'Proxy-Authenticate: Basic realm="keyscope-test"\r\n')
        host, _, port = target.rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        except (OSError, ValueError):
            return self._refuse(client, 502, "Bad Gateway")
        self.tunnels.append(target)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        client.settimeout(None)
        upstream.settimeout(None)
        relay(client, upstream)
