"""keyscope wheel vs what a Python user would otherwise write, side by side in one run.

    bench/python/run.sh [--keys 2000] [--seconds 2] [--only decode]   (venv, wheel, lock)

Measures, against one keyscope-sandbox (rate limiting off):
  1. HTTP + decode + typed models: keyscope.Client vs requests.Session + json + dataclasses
     (and httpx.Client when installed), for the key list and a 90-day usage payload.
  2. Decode + model construction only (no HTTP), bytes in, typed objects with datetimes out, of
     the same bodies: keyscope.decode_key_list / decode_key_usage vs json.loads + dataclasses
     (the baseline), orjson.loads + dataclasses and msgspec.json.Decoder into Structs
     (contenders.py); plus keyscope's alternative design (json.loads -> from_dict) and
     json.loads alone. Twice: the garbage collector on (2a, as in a user's program) and off
     (2b, as timeit leaves it).
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
from typing import Any, Callable, Optional, Tuple

import keyscope
from keyscope import _core

from contenders import decoders, hand_keys, hand_usage


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


def micro(fn: Callable[[], Any], number: int, repeat: int = 5, gc_on: bool = True) -> float:
    """Best per-call time of `repeat` rounds; the garbage collector on as in a user's program,
    or off (gc_on=False) as timeit leaves it."""
    return min(timeit.repeat(fn, setup="gc.enable()" if gc_on else "pass", number=number, repeat=repeat)) / number


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
    ap.add_argument("--only", choices=("all", "http", "decode", "calls"), default="all",
                    help="run one section: 1 http, 2 decode, 3 calls")
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
    busiest = max((k for k in keys if not k.revoked), key=lambda k: k.total_requests)

    session = requests.Session()
    session.cookies.set("sb-access-token", token)
    list_url = f"{base}/api/v1/keys"
    usage_url = f"{base}/api/v1/keys/{busiest.id}/usage?days=90"
    list_body, usage_body = session.get(list_url).content, session.get(usage_url).content
    print(f"payloads: key list {len(list_body) / 1024:.0f} KiB ({len(keys)} keys), "
          f"usage {len(usage_body) / 1024:.1f} KiB (90 days)\n")

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
    assert len(req_list().data) == len(keys)
    assert req_usage().total_requests == client.get_usage(busiest.id, 90).total_requests

    if args.only in ("all", "http"):
        http_section(client, req_list, req_usage, httpx_client, list_url, usage_url, busiest.id, args.seconds)
    if args.only in ("all", "decode"):
        decode_section(list_body, usage_body)
    if args.only in ("all", "calls"):
        call_section(client)
    client.close()


def http_section(client: Any, req_list: Callable[[], Any], req_usage: Callable[[], Any], httpx_client: Any,
                 list_url: str, usage_url: str, key_id: str, seconds: float) -> None:
    print("1. HTTP + decode + typed models (one call at a time, keep-alive), per call")
    for label, ks_fn, hand_fn, hx_fn in [
        ("key list", lambda: client.list_keys(), req_list,
         (lambda: hand_keys(httpx_client.get(list_url).json())) if httpx_client else None),
        ("usage 90 days", lambda: client.get_usage(key_id, 90), req_usage,
         (lambda: hand_usage(httpx_client.get(usage_url).json())) if httpx_client else None),
    ]:
        base_t, _ = per_call(hand_fn, seconds)
        row(f"{label}: requests + json + dataclasses (baseline)", base_t)
        if hx_fn:
            row(f"{label}: httpx + json + dataclasses", per_call(hx_fn, seconds)[0], base_t)
        row(f"{label}: keyscope.Client", per_call(ks_fn, seconds)[0], base_t)


def decode_section(list_body: bytes, usage_body: bytes) -> None:
    """Bytes in, typed objects with datetimes out; ratios against the json baseline and msgspec,
    with the garbage collector on (a program's default) and off (timeit's default)."""
    found, missing = decoders()
    for gc_on in (True, False):
        print(f"\n2{'a' if gc_on else 'b'}. Decode + model construction only (no HTTP, bytes in, "
              f"GC {'on' if gc_on else 'off'}), per payload")
        for reason in missing:
            print(f"  (contender missing: {reason})")
        for index, (label, body, ks, alt) in enumerate([
            ("key list", list_body, keyscope.decode_key_list,
             lambda b: keyscope.KeyList.from_dict(json.loads(b))),
            ("usage 90 days", usage_body, keyscope.decode_key_usage,
             lambda b: keyscope.KeyUsage.from_dict(json.loads(b)["data"])),
        ]):
            number = max(3, int(400_000 / max(1, len(body))))
            times = {name: micro(lambda: decode[index](body), number, 7, gc_on) for name, *decode in found}
            base_t = times["json.loads + dataclasses"]
            ks_t = micro(lambda: ks(body), number, 7, gc_on)
            for name, t in times.items():
                row(f"{label}: {name}{' (baseline)' if name.startswith('json.') else ''}", t, base_t)
            row(f"{label}: keyscope.decode_* -> dataclasses", ks_t, base_t)
            row(f"{label}: json.loads -> keyscope from_dict", micro(lambda: alt(body), number, 5, gc_on), base_t)
            row(f"{label}: json.loads only (lower bound)", micro(lambda: json.loads(body), number, 5, gc_on), base_t)
            targets = f"{label}: keyscope x{base_t / ks_t:.2f} vs json + dataclasses (target >= 1.50)"
            if "msgspec.json.Decoder -> Structs" in times:
                targets += f", time / msgspec's {ks_t / times['msgspec.json.Decoder -> Structs']:.2f} (target <= 1.20)"
            print("  => " + targets)


def call_section(client: Any) -> None:
    print("\n3. Per-call overhead of a binding call")
    base_t = micro(lambda: environment_of_py("sk_live_zIc8"), 200_000)
    row("environment_of in pure Python (baseline)", base_t)
    row("keyscope._core.environment_of (pybind11 call)", micro(lambda: _core.environment_of("sk_live_zIc8"), 200_000), base_t)
    row("keyscope.environment_of (public wrapper)", micro(lambda: keyscope.environment_of("sk_live_zIc8"), 200_000), base_t)
    row("keyscope.percentile([1.0, 2.0, 3.0], 50)", micro(lambda: keyscope.percentile([1.0, 2.0, 3.0], 50), 100_000), base_t)
    row("client.rate_limit (property, no I/O)", micro(lambda: client.rate_limit, 100_000), base_t)


if __name__ == "__main__":
    main()
