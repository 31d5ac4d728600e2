"""Fixtures for the contract tests: keyscope-sandbox processes on loopback.

The sandbox binary comes from $KEYSCOPE_SANDBOX (default build/native/sandbox/keyscope-sandbox);
scripts/test-contract.sh sets it. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, List

import pytest

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-05-17T12:00:00Z"  # the pinned clock of every sandbox here: deterministic data
_LINE = re.compile(r"listening on (http://127\.0\.0\.1:(\d+)(/\S*)?) token=(\S+)")


def sandbox_binary() -> str:
    path = os.environ.get("KEYSCOPE_SANDBOX") or str(REPO / "build/native/sandbox/keyscope-sandbox")
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        pytest.fail(f"keyscope-sandbox not found at {path!r}: build it and set KEYSCOPE_SANDBOX")
    return path


@dataclass
class Sandbox:
    process: subprocess.Popen
    base_url: str  # with the base path
    token: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_sandbox(*extra: str, token: str = "") -> Sandbox:
    token = token or secrets.token_hex(16)
    args = [sandbox_binary(), "--port", "0", "--seed", "42", "--now", NOW, "--token", token,
            "--quiet", *extra]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # the one start line, flushed
    m = _LINE.search(line)
    if not m:
        proc.kill()
        raise RuntimeError(f"unexpected sandbox start line: {line!r}")
    # keep draining stdout so the sandbox never blocks on a full pipe
    threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()  # type: ignore[union-attr]
    assert m.group(4) == token
    return Sandbox(proc, m.group(1), token)


@pytest.fixture(scope="session")
def sandbox_factory() -> Iterator[object]:
    started: List[Sandbox] = []

    def make(*extra: str, token: str = "") -> Sandbox:
        sb = start_sandbox(*extra, token=token)
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line on what Schemathesis sent (requests per operation, statuses seen), one on what
    the mock served the front doors (test_mock_front_doors.py)."""
    mock = getattr(sys.modules.get("test_mock_front_doors"), "MOCK_STATS", None)
    if mock and mock["cases"]:
        per_op = ", ".join(f"{op}: {n}" for op, n in sorted(mock["cases"].items()))
        doors = ", ".join(sorted(mock["front_doors"])) or "none"
        terminalreporter.write_line(
            f"mock: seed {mock['seed']} (KEYSCOPE_MOCK_SEED); bodies per operation ({per_op}) read by: {doors}")
    module = sys.modules.get("test_contract")
    stats = getattr(module, "STATS", None)
    if not stats or not stats["requests"]:
        return
    per_op = ", ".join(f"{label}: {n}" for label, n in sorted(stats["requests"].items()))
    statuses = " ".join(f"{code}x{n}" for code, n in sorted(stats["statuses"].items()))
    terminalreporter.write_line(
        f"contract: {sum(stats['requests'].values())} Schemathesis test cases ({per_op}); statuses seen: {statuses}")
