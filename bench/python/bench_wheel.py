"""keyscope wheel vs what a Python user would otherwise write, side by side in one run.

    KEYSCOPE_SANDBOX=build/native/sandbox/keyscope-sandbox \
        build/python-venv/bin/python bench/python/bench_wheel.py [--keys 2000] [--seconds 2]

Measures, against one keyscope-sandbox (rate limiting off):
  1. HTTP + decode + typed models: keyscope.Client vs requests.Session + json + dataclasses
     (and httpx.Client when installed), for the key list and a 90-day usage payload.
  2. Decode + model construction only (no HTTP) of the same bodies: keyscope's C++ codec
     building frozen dataclasses vs json.loads + dataclasses; plus keyscope's alternative
     design (C++ encodes JSON text -> json.loads -> from_dict) to justify the one chosen.
  3. Per-call overhead of a binding call: keyscope.environment_of vs the same in pure Python.
Never run by the test command.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
import timeit
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple

import keyscope
from keyscope import _core

UTC = timezone.utc


# -- what a user writes by hand: dataclasses + json + requests --------------------------------
def _ts(text: Optional[str]) -> Optional[datetime]:
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@dataclass(frozen=True)
class HKey:
    id: str
    key_prefix: str
    name: str
    tier: str
    scopes: Tuple[str, ...]
    rate_limit_per_minute: Optional[int]
    rate_limit_per_day: Optional[int]
    total_requests: int
    last_used_at: Optional[datetime]
    created_at: Optional[datetime]
    expires_at: Optional[datetime]
    revoked_at: Optional[datetime]


@dataclass(frozen=True)
class HDaily:
    date: date
    requests: int
    errors: int


@dataclass(frozen=True)
class HEndpoint:
    path: str
    count: int


@dataclass(frozen=True)
class HHour:
    hour: datetime
    count: int


@dataclass(frozen=True)
class HUsage:
    key_id: str
    window_days: int
    total_requests: int
    successful: int
    client_errors: int
    server_errors: int
    success_rate: Optional[float]
    latency_p95_ms: Optional[float]
    top_endpoints: Tuple[HEndpoint, ...]
    by_status: Dict[str, int]
    daily: Tuple[HDaily, ...]
    rate_limit_hits_by_hour: Tuple[HHour, ...]


def hand_keys(doc: Dict[str, Any]) -> List[HKey]:
    return [HKey(k["id"], k.get("key_prefix") or k.get("key_preview", ""), k["name"], k["tier"],
                 tuple(k.get("scopes", ())), k.get("rate_limit_per_minute"),
                 k.get("rate_limit_per_day"), k.get("total_requests", 0),
                 _ts(k.get("last_used_at")), _ts(k.get("created_at")), _ts(k.get("expires_at")),
                 _ts(k.get("revoked_at"))) for k in doc["data"]]


def hand_usage(doc: Dict[str, Any]) -> HUsage:
    u = doc["data"]
    return HUsage(u["key_id"], u["window_days"], u["total_requests"], u["successful"],
                  u["client_errors"], u["server_errors"], u.get("success_rate"),
                  u.get("latency_p95_ms"),
                  tuple(HEndpoint(e["path"], e["count"]) for e in u.get("top_endpoints", ())),
                  dict(u.get("by_status", {})),
                  tuple(HDaily(date.fromisoformat(d["date"]), d["requests"], d["errors"])
                        for d in u.get("daily", ())),
                  tuple(HHour(_ts(h["hour"]), h["count"]) for h in u.get("rate_limit_hits_by_hour", ())))


def environment_of_py(prefix: str) -> str:
    if prefix.startswith("sk_live_"):
        return "live"
    if prefix.startswith("sk_test_"):
        return "test"
    return "unknown"


# -- harness ------------------------------------------------------------------------------------
def per_call(fn: Callable[[], Any], seconds: float) -> Tuple[float, int]:
    fn()  # warm up (connections, caches)
    n, t0 = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return elapsed / n, n


def micro(fn: Callable[[], Any], number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:9.3f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:9.2f} us"
    return f"{seconds * 1e9:9.1f} ns"


def row(label: str, seconds: float, baseline: Optional[float] = None, extra: str = "") -> None:
    ratio = f"  x{baseline / seconds:5.2f} vs baseline" if baseline else ""
    print(f"  {label:<52} {fmt(seconds)}{ratio} {extra}")


def start_sandbox(binary: str, keys: int) -> Tuple[subprocess.Popen, str, str]:
    proc = subprocess.Popen([binary, "--port", "0", "--seed", "42", "--now", "2026-05-17T12:00:00Z",
                             "--token", "bench-token", "--rate-limit", "0", "--keys", str(keys),
                             "--quiet"], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # type: ignore[union-attr]
    m = re.search(r"listening on (\S+) token=(\S+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"unexpected sandbox line {line!r}")
    threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()  # type: ignore[union-attr]
    return proc, m.group(1), m.group(2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=2000, help="keys in the list payload")
    ap.add_argument("--seconds", type=float, default=2.0, help="time per HTTP measurement")
    args = ap.parse_args()
    binary = os.environ.get("KEYSCOPE_SANDBOX", "build/native/sandbox/keyscope-sandbox")
    proc, base, token = start_sandbox(binary, args.keys)
    try:
        run(base, token, args)
    finally:
        proc.terminate()
        proc.wait()


def run(base: str, token: str, args: argparse.Namespace) -> None:
    import requests

    print(f"keyscope {keyscope.__version__} (python {sys.version.split()[0]}), sandbox {base}, "
          f"{args.keys} keys, {os.cpu_count()} cpus")
    client = keyscope.Client(base_url=base, session_token=token, max_retries=0)
    keys = client.list_keys()
    list_body = client.last_response.body  # type: ignore[union-attr]
    busiest = max((k for k in keys if not k.revoked), key=lambda k: k.total_requests)
    client.get_usage(busiest.id, 90)
    usage_body = client.last_response.body  # type: ignore[union-attr]
    print(f"payloads: key list {len(list_body) / 1024:.0f} KiB ({len(keys)} keys), "
          f"usage {len(usage_body) / 1024:.1f} KiB (90 days)\n")

    session = requests.Session()
    session.cookies.set("sb-access-token", token)
    list_url = f"{base}/api/v1/keys"
    usage_url = f"{base}/api/v1/keys/{busiest.id}/usage?days=90"

    def req_list() -> Any:
        r = session.get(list_url, timeout=30)
        r.raise_for_status()
        return hand_keys(r.json())

    def req_usage() -> Any:
        r = session.get(usage_url, timeout=30)
        r.raise_for_status()
        return hand_usage(r.json())

    httpx_client = None
    try:
        import httpx

        httpx_client = httpx.Client(cookies={"sb-access-token": token}, timeout=30)
    except ImportError:
        pass

    # sanity: the hand-written path decodes the same thing
    assert len(req_list()) == len(keys)
    assert req_usage().total_requests == client.get_usage(busiest.id, 90).total_requests

    print("1. HTTP + decode + typed models (one call at a time, keep-alive), per call")
    for label, ks_fn, hand_fn, hx_fn in [
        ("key list", lambda: client.list_keys(), req_list,
         (lambda: hand_keys(httpx_client.get(list_url).json())) if httpx_client else None),
        ("usage 90 days", lambda: client.get_usage(busiest.id, 90), req_usage,
         (lambda: hand_usage(httpx_client.get(usage_url).json())) if httpx_client else None),
    ]:
        base_t, _ = per_call(hand_fn, args.seconds)
        row(f"{label}: requests + json + dataclasses (baseline)", base_t)
        if hx_fn:
            row(f"{label}: httpx + json + dataclasses", per_call(hx_fn, args.seconds)[0], base_t)
        row(f"{label}: keyscope.Client", per_call(ks_fn, args.seconds)[0], base_t)

    print("\n2. Decode + model construction only (no HTTP), per payload")
    n_list = max(3, int(200_000 / max(1, len(list_body))))
    for label, body, hand, ks, alt in [
        ("key list", list_body, lambda b: hand_keys(json.loads(b)), keyscope.decode_key_list,
         lambda b: keyscope.KeyList.from_dict(json.loads(b))),
        ("usage 90 days", usage_body, lambda b: hand_usage(json.loads(b)), keyscope.decode_key_usage,
         lambda b: keyscope.KeyUsage.from_dict(json.loads(b))),
    ]:
        number = n_list if label == "key list" else 300
        base_t = micro(lambda: hand(body), number)
        row(f"{label}: json.loads + dataclasses (baseline)", base_t)
        row(f"{label}: keyscope C++ codec -> dataclasses (chosen)", micro(lambda: ks(body), number), base_t)
        row(f"{label}: json.loads -> keyscope from_dict (alt.)", micro(lambda: alt(body), number), base_t)
        row(f"{label}: json.loads only (lower bound)", micro(lambda: json.loads(body), number), base_t)

    print("\n3. Per-call overhead of a binding call")
    base_t = micro(lambda: environment_of_py("sk_live_zIc8"), 200_000)
    row("environment_of in pure Python (baseline)", base_t)
    row("keyscope._core.environment_of (pybind11 call)", micro(lambda: _core.environment_of("sk_live_zIc8"), 200_000), base_t)
    row("keyscope.environment_of (public wrapper)", micro(lambda: keyscope.environment_of("sk_live_zIc8"), 200_000), base_t)
    row("keyscope.percentile([1.0, 2.0, 3.0], 0.5)", micro(lambda: keyscope.percentile([1.0, 2.0, 3.0], 0.5), 100_000), base_t)
    row("client.rate_limit (property, no I/O)", micro(lambda: client.rate_limit, 100_000), base_t)
    client.close()


if __name__ == "__main__":
    main()
