"""A private certificate authority and a server certificate it signed for 127.0.0.1, made with
the openssl command: what a company's internal CA gives its servers, for TLS tests on loopback.
Standard library only (the CLI tests run on the system's Python)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class PrivateCa:
    ca_cert: str      # PEM: what a client must trust
    server_cert: str  # PEM: 127.0.0.1 / localhost, signed by the CA
    server_key: str


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def make_private_ca(directory: str, name: str = "keyscope test CA") -> PrivateCa:
    """A CA (its own key, self-signed, CA:TRUE) and a leaf it signed, written to `directory`."""
    os.makedirs(directory, exist_ok=True)
    path = lambda file: os.path.join(directory, file)  # noqa: E731
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-days", "2", "-subj", f"/CN={name}",
             "-keyout", path("ca.key"), "-out", path("ca.pem"),
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _openssl("req", "-new", *ec, "-subj", "/CN=127.0.0.1",
             "-keyout", path("server.key"), "-out", path("server.csr"))
    with open(path("server.ext"), "w") as ext:
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                  "basicConstraints=critical,CA:FALSE\n"
                  "keyUsage=critical,digitalSignature\n"
                  "extendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"),
             "-CAkey", path("ca.key"), "-CAcreateserial", "-days", "2",
             "-extfile", path("server.ext"), "-out", path("server.pem"))
    return PrivateCa(path("ca.pem"), path("server.pem"), path("server.key"))
