"""Fixtures for the keyscope wheel tests: real HTTP against keyscope-sandbox processes.

The sandbox binary comes from $KEYSCOPE_SANDBOX (absolute path). keyscope must be the installed
wheel (scripts/test-python.sh installs it into build/python-venv); a test checks that it is not
imported from the source tree.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
# Loopback servers shared with the CLI tests: a private CA, an HTTPS front, a CONNECT proxy.
if str(REPO / "tests" / "support") not in sys.path:
    sys.path.insert(0, str(REPO / "tests" / "support"))
TOKEN = "T"  # the deterministic sandboxes below use this session token
NOW = "2026-05-17T12:00:00Z"
_LINE = re.compile(r"listening on (http://127\.0\.0\.1:(\d+)(/\S*)?) token=(\S+)")


def sandbox_binary() -> str:
    path = os.environ.get("KEYSCOPE_SANDBOX") or str(REPO / "build/native/sandbox/keyscope-sandbox")
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.fail(f"keyscope-sandbox not found at {path!r}: build it and set KEYSCOPE_SANDBOX")
    return path


@dataclass
class Sandbox:
    process: subprocess.Popen
    base_url: str  # with the base path, as a Client wants it
    port: int
    token: str
    stderr_lines: List[str] = field(default_factory=list)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _control(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.root + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
        return json.loads(text) if text.strip() else None

    def fault(self, **spec: Any) -> Any:
        return self._control("POST", "/__sandbox/faults", spec)

    def clear_faults(self) -> None:
        self._control("DELETE", "/__sandbox/faults")

    def stats(self) -> Dict[str, int]:
        """requests, connections, in_flight and max_in_flight (API requests being served at once)."""
        result: Dict[str, int] = self._control("GET", "/__sandbox/stats")
        return result

    def reset_peak(self) -> None:
        """Start max_in_flight again from what is in flight now."""
        self._control("DELETE", "/__sandbox/stats")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_sandbox(*extra: str, token: str = TOKEN) -> Sandbox:
    args = [sandbox_binary(), "--port", "0", "--seed", "42", "--now", NOW, "--token", token,
            "--quiet", *extra]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = _LINE.search(line)
    if not m:
        proc.kill()
        raise RuntimeError(f"unexpected sandbox start line: {line!r}")
    # keep draining stdout so the sandbox never blocks on a full pipe
    threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()  # type: ignore[union-attr]
    return Sandbox(proc, m.group(1), int(m.group(2)), m.group(4))


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    sb = start_sandbox()
    yield sb
    sb.stop()


@pytest.fixture(scope="session")
def sandbox_factory() -> Iterator[Any]:
    started: List[Sandbox] = []

    def make(*extra: str, token: str = TOKEN) -> Sandbox:
        sb = start_sandbox(*extra, token=token)
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()


@pytest.fixture(scope="session")
def emit_logs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """emit_logs(days=7, log_format="jsonl") -> Path of a directory holding the sandbox's egress
    log for NOW (egress.jsonl|.log|.csv, planted.json, nginx_log_format.txt); cached per options."""
    made: Dict[Any, Path] = {}

    def emit(days: int = 7, log_format: str = "jsonl") -> Path:
        if (days, log_format) not in made:
            out = tmp_path_factory.mktemp(f"emitted-{log_format}-{days}d")
            subprocess.run([sandbox_binary(), "--emit-logs", str(out), "--now", NOW, "--seed", "42",
                            "--log-format", log_format, "--log-days", str(days)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            made[(days, log_format)] = out
        return made[(days, log_format)]

    return emit


@dataclass
class HttpsSandbox:
    base_url: str  # https://127.0.0.1:PORT/..., served by `front`
    front: Any     # tls_front.TlsFront
    ca: Any        # private_ca.PrivateCa whose CA signed the front's certificate


@pytest.fixture(scope="session")
def https_sandbox(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpsSandbox]:
    """The sandbox behind an HTTPS front with a certificate of a private CA (a company's)."""
    from private_ca import make_private_ca
    from tls_front import TlsFront

    ca = make_private_ca(str(tmp_path_factory.mktemp("corp-ca")), "Corp Root CA")
    front = TlsFront(sandbox.port, ca.server_cert, ca.server_key)
    yield HttpsSandbox(front.url(sandbox.base_url), front, ca)
    front.close()


@pytest.fixture(autouse=True)
def _no_leftover_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").clear_faults()


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[Any]:
    import keyscope

    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token, timeout=10,
                         max_retries=2) as c:
        yield c


@pytest.fixture(scope="session")
def keys(sandbox: Sandbox) -> Any:
    import keyscope

    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token) as c:
        return c.list_keys()


@pytest.fixture(scope="session")
def python_exe() -> str:
    return sys.executable


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """Under scripts/test-python.sh every optional dependency is installed (the [test] extra), so a
    skipped test means a broken environment: report it as a failure instead of hiding it."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("KEYSCOPE_NO_SKIPS") == "1" and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped under KEYSCOPE_NO_SKIPS=1: {report.longrepr}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Module-level importorskip happens at collection: check the optional test dependencies
    up front so that a missing one fails the run instead of skipping whole files."""
    if os.environ.get("KEYSCOPE_NO_SKIPS") != "1":
        return
    import importlib

    for name in ("numpy", "ddsketch", "google.protobuf", "mypy", "nbformat", "nbclient", "matplotlib", "ipykernel",
                 "pandas", "requests", "dask", "distributed", "tqdm"):
        importlib.import_module(name)
