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


def _python_threads() -> int:
    """Python threads alive, leaving out the placeholders CPython registers for foreign threads."""
    return sum(1 for t in threading.enumerate() if not isinstance(t, threading._DummyThread))


@pytest.mark.parametrize("transport", ["curl", "requests"])
def test_close_cancels_calls_in_flight(sandbox_factory, transport) -> None:
    # Calls in flight when the client is closed end at once as CancelledError (not after the
    # server's 3 s), close() returns promptly, and no worker thread is left behind.
    sb = sandbox_factory("--latency-ms", "3000", "--rate-limit", "0")
    python_threads = _python_threads()
    workers = keyscope._core.python_transport_workers()
    chosen = keyscope.RequestsTransport() if transport == "requests" else None
    client = keyscope.Client(base_url=sb.base_url, session_token=sb.token, timeout=30,
                             max_retries=0, transport=chosen)
    outcomes: list = []
    ended: list = []

    def call() -> None:
        try:
            client.list_keys()
            outcomes.append("returned")
        except BaseException as error:  # noqa: BLE001 - recorded and checked below
            outcomes.append(error)
        ended.append(time.monotonic())

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while sb.stats()["in_flight"] < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sb.stats()["in_flight"] == 4, "the calls never reached the server"
    started = time.monotonic()
    client.close()
    closed_in = time.monotonic() - started
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads)
    assert closed_in < 1.0, f"close() took {closed_in:.2f} s"
    assert all(isinstance(o, keyscope.CancelledError) for o in outcomes), outcomes
    assert max(ended) - started < 1.0, "the calls waited for the server instead of ending at close()"
    with pytest.raises(keyscope.ValidationError, match="closed"):
        client.list_keys()
    # The transport's workers exit once a send() they are in returns (the server's 3 s).
    deadline = time.monotonic() + 10
    while keyscope._core.python_transport_workers() > workers and time.monotonic() < deadline:
        time.sleep(0.05)
    # (at most: a worker of an earlier test's client may end meanwhile)
    assert keyscope._core.python_transport_workers() <= workers
    assert _python_threads() <= python_threads


def test_an_idle_client_leaves_no_worker_threads() -> None:
    class Answer(keyscope.Transport):
        max_concurrency = 5

        def send(self, request):
            return keyscope.HttpResponse(200, {}, b'{"data":[],"meta":{"total":0}}')

    before = keyscope._core.python_transport_workers()
    client = keyscope.Client(base_url="https://api.example.test", session_token="sess-123",
                             transport=Answer())
    assert keyscope._core.python_transport_workers() >= before + 5
    assert len(client.list_keys()) == 0
    started = keyscope._core.python_transport_workers()
    client.close()
    deadline = time.monotonic() + 5
    while keyscope._core.python_transport_workers() > started - 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert keyscope._core.python_transport_workers() <= started - 5


EXIT_SCRIPT = textwrap.dedent("""
    import sys, threading, time, keyscope
    base_url, token, which = sys.argv[1], sys.argv[2], sys.argv[3]
    transport = keyscope.RequestsTransport() if which == "requests" else None
    client = keyscope.Client(base_url=base_url, session_token=token, timeout=20, max_retries=0,
                             transport=transport)
    for _ in range(3):  # daemon threads: still inside list_keys() when the interpreter exits
        threading.Thread(target=client.list_keys, daemon=True).start()
    time.sleep(0.5)
    print("exiting", flush=True)
""")


@pytest.mark.parametrize("transport", ["curl", "requests"])
def test_interpreter_exit_with_calls_in_flight(sandbox_factory, tmp_path, transport) -> None:
    sb = sandbox_factory("--latency-ms", "3000", "--rate-limit", "0")
    script = tmp_path / "exit_in_flight.py"
    script.write_text(EXIT_SCRIPT)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(script), sb.base_url, sb.token, transport],
                          capture_output=True, text=True, cwd=str(tmp_path), timeout=30)
    took = time.monotonic() - started
    assert proc.stdout.strip() == "exiting", (proc.stdout, proc.stderr)
    assert proc.returncode == 0, proc.stderr
    assert "terminate" not in proc.stderr and "Fatal Python error" not in proc.stderr, proc.stderr
    # a Python send() still inside the server's 3 s is waited for (within its timeout), no more
    assert took < 15, f"the interpreter took {took:.1f} s to exit"
