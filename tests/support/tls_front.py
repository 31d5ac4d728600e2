"""An HTTPS front on loopback: terminates TLS with a certificate of a private CA and relays the
bytes to a plain-HTTP server on 127.0.0.1 (the sandbox), as a company's TLS-terminating load
balancer does. Counts the connections it accepted and the TLS handshakes that succeeded."""

from __future__ import annotations

import socket
import ssl
import threading

from socket_relay import relay


class TlsFront:
    def __init__(self, upstream_port: int, cert: str, key: str) -> None:
        self.upstream_port = upstream_port
        self.connections = 0
        self.handshakes = 0
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert, key)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, upstream_url: str) -> str:
        """`upstream_url` (http://127.0.0.1:PORT/path) as served by this front."""
        rest = upstream_url.split("://", 1)[1].split("/", 1)
        return f"https://127.0.0.1:{self.port}" + ("/" + rest[1] if len(rest) > 1 else "")

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        try:
            raw.settimeout(10)
            tls = self._context.wrap_socket(raw, server_side=True)
            tls.settimeout(None)
        except (OSError, ssl.SSLError):  # the client did not trust us: expected in some tests
            raw.close()
            return
        self.handshakes += 1
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
            upstream.settimeout(None)
        except OSError:
            tls.close()
            return
        relay(tls, upstream)
