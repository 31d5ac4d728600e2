"""client.with_raw_response.<call>(...): each call's own status, headers (cookies redacted),
request id and elapsed time beside parsed(); last_response is per thread."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any, Dict, List

import pytest

import keyscope
from scripted_front import ScriptedFront

MISSING = "00000000-0000-4000-8000-000000000999"


def test_raw_usage(client, keys) -> None:
    key = next(k for k in keys if not k.revoked)
    raw = client.with_raw_response.get_usage(key.id, 7)
    assert isinstance(raw, keyscope.RawResponse)
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.headers["Content-Type"] == raw.headers["CONTENT-TYPE"]
    assert raw.request_id and raw.request_id == raw.headers["x-request-id"]
    assert isinstance(raw.elapsed, timedelta) and timedelta(0) < raw.elapsed < timedelta(seconds=10)
    assert raw.parsed() == client.get_usage(key.id, 7)
    assert json.loads(raw.text)["data"]["key_id"] == key.id
    assert "RawResponse status_code=200" in repr(raw)


def test_raw_list_and_key(client, keys) -> None:
    listed = client.with_raw_response.list_keys()
    assert listed.parsed() == keys and listed.status_code == 200
    details = client.with_raw_response.get_key(keys[0].id)
    assert details.parsed().id == keys[0].id and details.request_id != listed.request_id


def test_an_error_raises_as_the_call_does(client) -> None:
    with pytest.raises(keyscope.NotFoundError) as info:
        client.with_raw_response.get_key(MISSING)
    assert info.value.status == 404 and info.value.request_id
    with pytest.raises(keyscope.ValidationError):
        client.with_raw_response.get_usage(MISSING, 0)


def test_set_cookie_is_redacted(sandbox) -> None:
    secret = "raw-cookie-secret-8d2f"
    with ScriptedFront(sandbox.root, {"Set-Cookie": f"sb-access-token={secret}; Path=/"}) as front:
        base = front.root + sandbox.base_url[len(sandbox.root):]
        with keyscope.Client(base_url=base, session_token=sandbox.token) as client:
            raw = client.with_raw_response.list_keys()
    assert raw.headers["set-cookie"] == "[redacted]"
    assert secret not in repr(raw.headers) + str(dict(raw.headers)) + raw.text


def test_each_thread_gets_its_own_response(sandbox_factory) -> None:
    """16 threads call at once (each request held 150 ms by the sandbox, so they overlap): each
    raw response and each thread's last_response belong to that thread's own call."""
    sb = sandbox_factory("--rate-limit", "0")
    sb.fault(path_contains="/usage", mode="latency", latency_ms=150, times=0)
    with keyscope.Client(base_url=sb.base_url, session_token=sb.token) as client:
        active = [k for k in client.list_keys() if not k.revoked]
        jobs = [active[i % len(active)] for i in range(16)]
        barrier = threading.Barrier(len(jobs))
        results: Dict[int, Any] = {}
        failures: List[BaseException] = []

        def work(i: int) -> None:
            try:
                barrier.wait()
                raw = client.with_raw_response.get_usage(jobs[i].id, 7)
                last = client.last_response
                results[i] = (raw, last)
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not failures, failures
        assert sb.stats()["max_in_flight"] >= 4  # the calls did overlap
    assert len(results) == len(jobs)
    for i, (raw, last) in results.items():
        assert raw.parsed().key_id == jobs[i].id
        assert json.loads(raw.text)["data"]["key_id"] == jobs[i].id
        assert json.loads(last.body)["data"]["key_id"] == jobs[i].id
        assert last.header("X-Request-Id") == raw.request_id
    assert len({raw.request_id for raw, _ in results.values()}) == len(jobs)


def test_last_response_is_per_thread(client, keys) -> None:
    client.get_key(keys[0].id)
    seen: List[Any] = []
    other = threading.Thread(target=lambda: seen.append(client.last_response))
    other.start()
    other.join()
    assert seen == [None]  # that thread made no call
    assert json.loads(client.last_response.body)["data"]["id"] == keys[0].id
