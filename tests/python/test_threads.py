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
    # Overlap is counted by the server (requests it was serving at once), not timed, so the
    # test holds on a loaded machine too.
    with keyscope.Client(base_url=slow_sandbox.base_url, session_token=slow_sandbox.token) as c:
        key_ids = [k.id for k in c.list_keys() if not k.revoked][:8]
        results: list = [None] * 8
        errors: list = []

        def work(i: int) -> None:
            try:
                results[i] = c.get_usage(key_ids[i], days=7)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        slow_sandbox.reset_peak()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        # the main thread keeps running Python while the calls wait
        spins = 0
        while any(t.is_alive() for t in threads):
            spins += 1
            time.sleep(0.001)
        assert not errors, errors
        assert all(isinstance(r, keyscope.KeyUsage) for r in results)
        assert [r.key_id for r in results] == key_ids
        peak = slow_sandbox.stats()["max_in_flight"]
        assert peak >= 6, f"only {peak} of 8 calls were in flight together: the GIL was held"
        assert spins > 20


def test_usage_by_key_concurrency(slow_sandbox) -> None:
    with keyscope.Client(base_url=slow_sandbox.base_url, session_token=slow_sandbox.token) as c:
        slow_sandbox.reset_peak()
        rows = c.usage_by_key(days=7, concurrency=4)
    assert len(rows) == 12
    peak = slow_sandbox.stats()["max_in_flight"]
    assert peak == 4, f"{peak} usage calls were in flight together, asked for 4"


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
