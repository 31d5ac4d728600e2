"""Copies bytes both ways between two connected sockets until either side closes. One thread
per connection; select() rather than two threads, because an SSLSocket must not be read and
written from two threads at once."""

from __future__ import annotations

import select
import socket
import ssl


def relay(a: socket.socket, b: socket.socket, idle_seconds: float = 60.0) -> None:
    try:
        while True:
            readable, _, _ = select.select([a, b], [], [], idle_seconds)
            if not readable:
                return
            for source in readable:
                target = b if source is a else a
                data = source.recv(65536)
                if not data:
                    return
                target.sendall(data)
                # Decrypted bytes an SSLSocket already holds are invisible to select().
                while isinstance(source, ssl.SSLSocket) and source.pending():
                    target.sendall(source.recv(65536))
    except OSError:
        return
    finally:
        for s in (a, b):
            try:
                s.close()
            except OSError:
                pass
