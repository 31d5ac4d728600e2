"""keyscope.AsyncClient against the sandbox over real HTTP: every call awaitable, many in flight
on one loop without a thread per call, asyncio cancellation cancelling the core's call,
timeouts, error mapping, progress, raw responses and a custom transport."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, List

import pytest

import keyscope

MISSING = "00000000-0000-4000-8000-000000000999"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_every_call_matches_the_blocking_client(sandbox) -> None:
    async def main() -> Any:
        async with keyscope.AsyncClient(base_url=sandbox.base_url,
                                        session_token=sandbox.token) as client:
            keys = await client.list_keys()
            key = next(k for k in keys if not k.revoked)
            details = await client.get_key(key.id)
            usage = await client.get_usage(key.id, 7)
            fleet = await client.fetch_fleet(days=7)
            rows = await client.usage_by_key(days=7)
            assert client.rate_limit.limit is not None
            assert "keyscope.AsyncClient" in repr(client)
        assert client.closed
        return keys, key, details, usage, fleet, rows

    keys, key, details, usage, fleet, rows = run(main())
    with keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token) as sync:
        assert keys == sync.list_keys()
        assert details == sync.get_key(key.id)
        assert usage == sync.get_usage(key.id, 7)
        assert fleet == sync.fetch_fleet(days=7)
        assert rows == sync.usage_by_key(days=7)


def _os_threads() -> int:
    """Threads of this process, C++ ones included (threading.active_count() sees Python's only)."""
    return len(os.listdir("/proc/self/task"))


def test_100_calls_in_flight_on_one_loop_without_a_thread_each(sandbox_factory) -> None:
    sb = sandbox_factory("--rate-limit", "0")
    sb.fault(path_contains="/usage", mode="latency", latency_ms=200, times=0)
    peak_threads: List[int] = []

    async def main() -> Any:
        async with keyscope.AsyncClient(base_url=sb.base_url, session_token=sb.token) as client:
            keys = [k for k in await client.list_keys() if not k.revoked]
            threads_before = _os_threads()
            calls = [client.get_usage(keys[i % len(keys)].id, 7) for i in range(100)]
            gathered = asyncio.gather(*calls)

            async def watch() -> None:
                while not gathered.done():
                    peak_threads.append(_os_threads() - threads_before)
                    await asyncio.sleep(0.02)

            started = time.monotonic()
            usages, _ = await asyncio.gather(gathered, watch())
            return keys, usages, time.monotonic() - started

    keys, usages, elapsed = run(main())
    assert [u.key_id for u in usages] == [keys[i % len(keys)].id for i in range(100)]
    assert sb.stats()["max_in_flight"] >= 8  # many requests at once...
    assert max(peak_threads) <= 2, peak_threads  # ...but no thread per call
    assert elapsed < 100 * 0.2 / 4, elapsed  # far from one at a time (20 s)


def test_cancelling_the_task_cancels_the_core_call(sandbox_factory) -> None:
    sb = sandbox_factory()
    sb.fault(path_contains="/usage", mode="latency", latency_ms=5000, times=1)
    logger = logging.getLogger("keyscope")
    records: List[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    async def main() -> float:
        async with keyscope.AsyncClient(base_url=sb.base_url, session_token=sb.token,
                                        max_retries=0) as client:
            key = (await client.list_keys())[0]
            task = asyncio.ensure_future(client.get_usage(key.id, 7))
            await asyncio.sleep(0.3)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # the core's call ends at once, as cancelled, long before the server's 5 s answer
            while not any(r.event == "failure" for r in records):
                assert time.monotonic() - started < 2, [r.getMessage() for r in records]
                await asyncio.sleep(0.01)
            return time.monotonic() - started

    try:
        ended_after = run(main())
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    failure = next(r for r in records if r.event == "failure")
    assert failure.error_type == "CancelledError" and "/usage" in failure.path
    assert ended_after < 1.0


def test_timeouts(sandbox_factory) -> None:
    sb = sandbox_factory()
    sb.fault(path_contains="/usage", mode="latency", latency_ms=3000, times=0)

    async def main() -> None:
        async with keyscope.AsyncClient(base_url=sb.base_url, session_token=sb.token,
                                        max_retries=0) as client:
            key = (await client.list_keys())[0]
            started = time.monotonic()
            with pytest.raises(keyscope.TimeoutError):
                await client.get_usage(key.id, 7, timeout=0.3)
            with pytest.raises(asyncio.TimeoutError) as info:
                await asyncio.wait_for(client.get_usage(key.id, 7), 0.3)
            assert not isinstance(info.value, keyscope.KeyscopeError)  # asyncio's, by cancelling
            assert time.monotonic() - started < 2.5

    run(main())


def test_errors_map_to_the_taxonomy(sandbox) -> None:
    async def main() -> None:
        async with keyscope.AsyncClient(base_url=sandbox.base_url,
                                        session_token=sandbox.token) as client:
            with pytest.raises(keyscope.NotFoundError) as info:
                await client.get_key(MISSING)
            assert info.value.status == 404 and info.value.request_id
            with pytest.raises(keyscope.ValidationError):
                await client.get_usage(MISSING, 0)
            with pytest.raises(keyscope.ValidationError):
                await client.get_key(None)  # type: ignore[arg-type]
        async with keyscope.AsyncClient(base_url=sandbox.base_url,
                                        session_token="wrong-token") as client:
            with pytest.raises(keyscope.AuthenticationError):
                await client.list_keys()

    run(main())


def test_aclose_ends_the_calls_in_flight(sandbox_factory) -> None:
    sb = sandbox_factory()
    sb.fault(path_contains="/usage", mode="latency", latency_ms=5000, times=1)

    async def main() -> None:
        client = keyscope.AsyncClient(base_url=sb.base_url, session_token=sb.token, max_retries=0)
        key = (await client.list_keys())[0]
        task = asyncio.ensure_future(client.get_usage(key.id, 7))
        await asyncio.sleep(0.2)
        await client.aclose()
        with pytest.raises(keyscope.CancelledError):
            await asyncio.wait_for(task, 2)
        with pytest.raises(keyscope.ValidationError, match="closed"):
            await client.list_keys()

    run(main())


def test_progress_and_a_failing_callback(sandbox_factory) -> None:
    sb = sandbox_factory("--rate-limit", "0")
    sb.fault(path_contains="/usage", mode="latency", latency_ms=100, times=0)
    seen: List[keyscope.FleetProgress] = []

    class Stop(Exception):
        pass

    def stop_at_two(p: keyscope.FleetProgress) -> None:
        if p.done >= 2:
            raise Stop()

    async def main() -> None:
        async with keyscope.AsyncClient(base_url=sb.base_url, session_token=sb.token) as client:
            fleet = await client.fetch_fleet(days=7, progress=seen.append)
            assert seen[0].done == 0 and seen[-1] == keyscope.FleetProgress(12, 12, 0)
            assert len(fleet.usages) == 12
            before = sb.stats()["requests"]
            with pytest.raises(Stop):
                await client.fetch_fleet(days=7, concurrency=1, progress=stop_at_two)
            await asyncio.sleep(0.3)
            assert sb.stats()["requests"] - before <= 4

    run(main())


def test_raw_responses(sandbox, keys) -> None:
    async def main() -> None:
        async with keyscope.AsyncClient(base_url=sandbox.base_url,
                                        session_token=sandbox.token) as client:
            listed = await client.with_raw_response.list_keys()
            assert listed.parsed() == keys and listed.status_code == 200 and listed.request_id
            raw = await client.with_raw_response.get_usage(keys[0].id, 7)
            assert raw.parsed().key_id == keys[0].id and raw.elapsed.total_seconds() > 0
            details = await client.with_raw_response.get_key(keys[0].id)
            assert details.parsed().id == keys[0].id

    run(main())


def test_a_custom_transport_is_supported_and_never_blocks_the_loop(sandbox) -> None:
    class SlowTransport(keyscope.RequestsTransport):
        def send(self, request: keyscope.HttpRequest) -> keyscope.HttpResponse:
            time.sleep(0.3)  # blocking, as custom transports may be: on a worker thread
            return super().send(request)

    async def main() -> int:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        async with keyscope.AsyncClient(base_url=sandbox.base_url, session_token=sandbox.token,
                                        transport=SlowTransport()) as client:
            tick = asyncio.ensure_future(ticker())
            keys = await client.list_keys()
            tick.cancel()
            assert len(keys) == 13
        return ticks

    assert run(main()) >= 10  # the loop kept running during the 0.3 s send()
