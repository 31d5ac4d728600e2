"""logging.getLogger("keyscope") receives every request (DEBUG) and retry wait (INFO) with their
fields, secrets redacted; KEYSCOPE_LOG=debug|info adds a stderr handler; a record the logger
would drop never reaches Python (the core checks the level without the GIL)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from typing import Any, List

import pytest

import keyscope
from scripted_front import ScriptedFront

TOKEN = "log-token-5b8e2f71c3a9"
FULL_KEY = "sk_live_Qm7XbR4tLk9WzP2c"
FIELDS = ("event", "method", "path", "status", "attempt", "elapsed_ms", "wait_ms", "request_id",
          "error_type")


@pytest.fixture
def records() -> Any:
    """The keyscope logger at DEBUG, collecting its records; restored afterwards."""
    logger = logging.getLogger("keyscope")
    collected: List[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            collected.append(record)

    handler = Collect(logging.DEBUG)
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield collected
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_every_request_and_retry_is_a_record_with_fields(sandbox_factory, records) -> None:
    sb = sandbox_factory(token=TOKEN)
    sb.fault(path_contains="/usage", mode="status", status=503, times=1)
    with keyscope.Client(base_url=sb.base_url, session_token=TOKEN, max_retries=2) as client:
        key = client.list_keys()[0]
        client.get_usage(key.id, 7)
    usage_path = f"/api/v1/keys/{key.id}/usage?days=7"
    seen = [(r.levelno, r.event, r.path, r.status, r.attempt) for r in records]
    assert seen == [
        (logging.DEBUG, "response", "/api/v1/keys", 200, 1),
        (logging.DEBUG, "response", usage_path, 503, 1),
        (logging.INFO, "retry", usage_path, 503, 1),
        (logging.DEBUG, "response", usage_path, 200, 2),
    ], seen
    first, failed, retry, last = records
    assert all(r.name == "keyscope" and r.method == "GET" for r in records)
    assert first.request_id and first.request_id != last.request_id  # the sandbox's X-Request-Id
    assert retry.error_type == "ServerError" and 0 <= retry.wait_ms <= 8000
    assert first.error_type is None and first.elapsed_ms >= 0
    assert first.getMessage().startswith(f"GET {sb.base_url}") and "-> 200" in first.getMessage()
    assert retry.getMessage().startswith("retrying GET")


def test_a_failed_attempt_is_a_record_too(sandbox_factory, records) -> None:
    sb = sandbox_factory(token=TOKEN)
    sb.fault(path_contains="/keys", mode="drop", times=1)
    with keyscope.Client(base_url=sb.base_url, session_token=TOKEN, max_retries=1) as client:
        client.list_keys()
    assert [(r.event, r.status, r.attempt) for r in records] == [
        ("failure", 0, 1), ("retry", 0, 1), ("response", 200, 2)]
    assert records[0].error_type == "ConnectionError"


def test_secrets_never_reach_a_record(sandbox_factory, records) -> None:
    """Secrets where a record would carry them: the base URL's path (a gateway routing by session
    and key), a hostile X-Request-Id echoing the token and a full key, and an error body."""
    sb = sandbox_factory(token=TOKEN)
    hostile = {"X-Request-Id": f"req-{TOKEN}-{FULL_KEY}", "Content-Type": "application/json"}
    body = json.dumps({"error": {"code": "internal_error", "message": f"{TOKEN} {FULL_KEY}"}}).encode()
    with ScriptedFront(sb.root) as front:
        front.script.append((503, hostile, body))
        base = f"{front.root}/s/{TOKEN}/{FULL_KEY}{sb.base_url[len(sb.root):]}"
        with keyscope.Client(base_url=base, session_token=TOKEN, max_retries=1) as client:
            with pytest.raises(keyscope.KeyscopeError):  # the sandbox has no such path
                client.list_keys()
    assert len(records) >= 3, [r.getMessage() for r in records]
    formatter = logging.Formatter(" ".join(f"%({name})s" for name in FIELDS) + " %(message)s")
    for record in records:
        shown = formatter.format(record) + json.dumps({n: str(getattr(record, n)) for n in FIELDS})
        assert TOKEN not in shown, shown
        assert FULL_KEY[12:] not in shown, shown  # the 12-character prefix may stay
    assert records[0].request_id == "req-[redacted]-sk_live_Qm7X[redacted]"


def test_a_disabled_logger_costs_no_trip_into_python(sandbox, records) -> None:
    logger = logging.getLogger("keyscope")
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token) as client:
        logger.setLevel(logging.WARNING)
        before = keyscope._core.python_log_calls()
        client.list_keys()
        client.get_usage(client.list_keys()[0].id, 7)
        assert keyscope._core.python_log_calls() == before
        assert records == []
        logger.setLevel(logging.DEBUG)
        client.list_keys()
        assert keyscope._core.python_log_calls() == before + 1
        assert len(records) == 1


def _run_with_env(sandbox: Any, value: str, code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KEYSCOPE_LOG": value, "KEYSCOPE_BASE_URL": sandbox.base_url,
           "KEYSCOPE_SESSION": sandbox.token}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)


def test_keyscope_log_debug_prints_to_stderr_once(sandbox) -> None:
    code = ("import importlib, keyscope, keyscope._logging as l\n"
            "l._configure_from_environment()\n"  # a second time: still one handler
            "keyscope.Client().list_keys()\n")
    proc = _run_with_env(sandbox, "debug", code)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "GET " in line]
    assert len(lines) == 1 and "DEBUG keyscope]" in lines[0] and "/api/v1/keys -> 200" in lines[0]


def test_keyscope_log_info_shows_waits_not_requests(sandbox) -> None:
    proc = _run_with_env(sandbox, "INFO", "import keyscope; keyscope.Client().list_keys()")
    assert proc.returncode == 0 and "GET " not in proc.stderr, proc.stderr
    proc = _run_with_env(sandbox, "loud", "import keyscope")
    assert proc.returncode == 0 and "KEYSCOPE_LOG='loud'" in proc.stderr, proc.stderr
