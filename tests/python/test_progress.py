"""fetch_fleet / usage_by_key(progress=callback): a keyscope.FleetProgress (done, total, failed)
fed by the core's FleetProgress, on the calling thread; an exception in the callback cancels the
fleet and is raised as it is."""

from __future__ import annotations

import threading
from typing import Any, List

import pytest

import keyscope


class Stop(Exception):
    pass


def test_progress_counts_up_to_the_total_on_the_calling_thread(sandbox_factory) -> None:
    sb = sandbox_factory("--rate-limit", "0")
    seen: List[keyscope.FleetProgress] = []
    threads = set()

    def progress(p: keyscope.FleetProgress) -> None:
        seen.append(p)
        threads.add(threading.get_ident())

    with keyscope.Client(base_url=sb.base_url, session_token=sb.token) as client:
        fleet = client.fetch_fleet(days=30, concurrency=4, progress=progress)
    total = len(fleet.usages)
    assert total == 12 and seen, seen
    assert seen[0] == keyscope.FleetProgress(0, total, 0)  # the key list is in
    assert seen[-1] == keyscope.FleetProgress(total, total, 0) and seen[-1].fraction == 1.0
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert all(p.total == total for p in seen)
    assert threads == {threading.get_ident()}


def test_failures_are_counted(sandbox_factory) -> None:
    sb = sandbox_factory("--rate-limit", "0")
    seen: List[keyscope.FleetProgress] = []
    with keyscope.Client(base_url=sb.base_url, session_token=sb.token, max_retries=0) as client:
        victim = next(k for k in client.list_keys() if not k.revoked)
        sb.fault(path_contains=f"{victim.id}/usage", mode="status", status=404, times=0)
        rows = client.usage_by_key(days=7, errors="collect", progress=seen.append)
    assert [e.key_id for e in rows.errors] == [victim.id]
    assert seen[-1].done == seen[-1].total == 12 and seen[-1].failed == 1


def test_an_exception_in_the_callback_cancels_the_fleet(sandbox_factory) -> None:
    sb = sandbox_factory("--rate-limit", "0")
    sb.fault(path_contains="/usage", mode="latency", latency_ms=150, times=0)
    calls: List[keyscope.FleetProgress] = []
    stop = Stop("enough")

    def progress(p: keyscope.FleetProgress) -> None:
        calls.append(p)
        if p.done >= 2:
            raise stop

    with keyscope.Client(base_url=sb.base_url, session_token=sb.token) as client:
        before = sb.stats()["requests"]
        with pytest.raises(Stop) as info:
            client.fetch_fleet(days=7, concurrency=1, progress=progress)
        assert info.value is stop
        sent = sb.stats()["requests"] - before
        assert sent <= 1 + 3, sent  # the list, two keys, at most the one in flight: not all 12
        assert calls[-1].done == 2
        assert len(client.list_keys()) == 13  # the client is still usable


def test_progress_must_be_callable(sandbox) -> None:
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token) as client:
        for bad in ("x", 3, object()):
            with pytest.raises(keyscope.ValidationError, match="progress must be a callable"):
                client.fetch_fleet(days=7, progress=bad)  # type: ignore[arg-type]


def test_tqdm_bar_reaches_the_total(sandbox) -> None:
    tqdm = pytest.importorskip("tqdm")
    import io

    out = io.StringIO()
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token) as client, \
            tqdm.tqdm(unit="key", file=out) as bar:
        def show(p: keyscope.FleetProgress) -> Any:
            bar.total = p.total
            bar.update(p.done - bar.n)

        client.fetch_fleet(days=30, progress=show)
        assert bar.n == bar.total == 12
