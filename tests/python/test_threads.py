"""The GIL is released during network waits (threads overlap) and Ctrl-C interrupts a call."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import keyscope


@pytest.fixture(scope="module")
def slow_sandbox(sandbox_factory):
    return sandbox_factory("--latency-ms", "200")


def test_threads_overlap(slow_sandbox) -> None:
    with keyscope.Client(base_url=slow_sandbox.base_url, session_token=slow_sandbox.token) as c:
        key_ids = [k.id for k in c.list_keys() if not k.revoked][:8]
        results: list = [None] * 8
        errors: list = []

        def work(i: int) -> None:
            try:
                results[i] = c.get_usage(key_ids[i], days=7)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        # the main thread keeps running Python while the calls wait
        spins = 0
        while any(t.is_alive() for t in threads):
            spins += 1
            time.sleep(0.001)
        elapsed = time.monotonic() - t0
        assert not errors, errors
        assert all(isinstance(r, keyscope.KeyUsage) for r in results)
        assert elapsed < 1.2, f"8 x 200 ms calls took {elapsed:.3f} s: they did not overlap"
        assert spins > 20


def test_usage_by_key_concurrency(slow_sandbox) -> None:
    with keyscope.Client(base_url=slow_sandbox.base_url, session_token=slow_sandbox.token) as c:
        t0 = time.monotonic()
        rows = c.usage_by_key(days=7, concurrency=12)
        elapsed = time.monotonic() - t0
    assert len(rows) == 12
    # 1 list + 12 usages at 200 ms each: sequential would be 2.6 s
    assert elapsed < 2.0, elapsed  # 13 calls of 0.2 s one after another: 2.6 s


def test_same_client_many_threads_consistent(client, keys) -> None:
    ids = [k.id for k in keys if not k.revoked]
    expected = {i: client.get_usage(i, days=14) for i in ids}
    failures = []

    def work(n: int) -> None:
        for j in range(5):
            i = ids[(n + j) % len(ids)]
            if client.get_usage(i, days=14) != expected[i]:
                failures.append(i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


INTERRUPT_SCRIPT = textwrap.dedent("""
    import sys, time, keyscope
    c = keyscope.Client(base_url=sys.argv[1], session_token=sys.argv[2], timeout=60, max_retries=0)
    print("ready", flush=True)
    t0 = time.monotonic()
    try:
        c.list_keys()
        print("returned", flush=True)
    except KeyboardInterrupt:
        print("interrupted %.2f" % (time.monotonic() - t0), flush=True)
    # the client still works after an interrupted call
    print("after", len(keyscope.Client(base_url=sys.argv[1], session_token=sys.argv[2]).list_keys(timeout=30)), flush=True)
""")


@pytest.mark.skipif(os.name != "posix", reason="SIGINT delivery")
def test_ctrl_c_interrupts_a_call(sandbox_factory, tmp_path) -> None:
    sb = sandbox_factory("--latency-ms", "3000")
    script = tmp_path / "interrupt.py"
    script.write_text(INTERRUPT_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), sb.base_url, sb.token],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(tmp_path))
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    lines = out.strip().splitlines()
    assert lines and lines[0].startswith("interrupted"), (out, err)
    assert float(lines[0].split()[1]) < 1.5  # not after the 3 s response
    assert lines[-1] == "after 13", (out, err)
    assert proc.returncode == 0, err
