"""The wheel ships the native keyscope CLI: `pip install keyscope-*.whl` puts `keyscope` on PATH
(the environment's scripts directory) and `python -m keyscope` runs the same binary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any, Dict, List

import keyscope


def cli_on_path() -> str:
    path = Path(sysconfig.get_path("scripts")) / "keyscope"
    assert path.is_file() and os.access(path, os.X_OK), f"no keyscope CLI at {path}"
    return str(path)


def run(argv: List[str], env: Dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("KEYSCOPE_") and "proxy" not in k.lower()}
    return subprocess.run(argv, capture_output=True, text=True, env={**clean, **env}, timeout=60)


def test_keyscope_is_on_path_with_the_packages_version() -> None:
    done = run([cli_on_path(), "--version"], {})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"keyscope {keyscope.__version__}"


def test_the_cli_on_path_talks_to_the_sandbox(sandbox: Any) -> None:
    done = run([cli_on_path(), "keys", "list", "--json"],
               {"KEYSCOPE_BASE_URL": sandbox.base_url, "KEYSCOPE_SESSION": sandbox.token})
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 13


def test_python_dash_m_keyscope_runs_the_cli(sandbox: Any) -> None:
    done = run([sys.executable, "-m", "keyscope", "--help"], {})
    assert done.returncode == 0, done.stderr
    assert "Usage: keyscope COMMAND" in done.stdout and "--ca-bundle" in done.stdout
    # Arguments and the exit code pass through: a wrong session is exit 3.
    done = run([sys.executable, "-m", "keyscope", "keys", "list"],
               {"KEYSCOPE_BASE_URL": sandbox.base_url, "KEYSCOPE_SESSION": "wrong-session"})
    assert done.returncode == 3, done.stderr
    assert "AuthenticationError" in done.stderr


def test_python_dash_m_keyscope_finds_the_binary_itself() -> None:
    """Not the auditwheel shim, when there is one: no second interpreter in between."""
    from keyscope.__main__ import find_cli

    found = find_cli()
    assert found is not None
    with open(found, "rb") as binary:
        assert binary.read(4) == b"\x7fELF"


def test_the_wheels_cli_finds_another_distributions_ca_bundle(https_sandbox: Any) -> None:
    """The libcurl bundled into the wheel was built on Debian and only knows Debian's path; the
    CLI still finds Alpine's /etc/ssl/cert.pem (here: the private CA's)."""
    from ca_store_namespace import run_with_etc_ssl

    env = {k: v for k, v in os.environ.items()
           if not k.startswith("KEYSCOPE_") and "proxy" not in k.lower()
           and k not in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    env.update(KEYSCOPE_BASE_URL=https_sandbox.base_url, KEYSCOPE_SESSION="T")
    done = run_with_etc_ssl({"cert.pem": https_sandbox.ca.ca_cert},
                            [cli_on_path(), "keys", "list", "--json", "--verbose"], env=env)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 13
    assert "trusting the CAs in /etc/ssl/cert.pem (system)" in done.stderr
