#!/usr/bin/env python3
"""The soak test's plan (scripts/soak.sh): against a running keyscope-sandbox, list the keys,
fetch every planned key's fault-free usage, and write
  PLAN.tsv    phase(warmup|main) key_id days expect fingerprint   (one request a line)
  RULES.json  the fault rules, one per faulted request, keyed to its key id (path_contains), so
              every request's fault — and so its right outcome — is known in advance.
`expect` is "ok" (the fault-free answer, compared by fingerprint) or the typed error(s) the
fault must give ("/"-separated). Python stdlib only.

  plan.py BASE_URL TOKEN CONTROL_URL OUT_DIR [REQUESTS=10000] [WARMUP=256]"""
import http.client
import json
import sys
import threading
import urllib.parse

# One slot per request, cycling (i % len): half fault-free, half every sandbox fault mode.
# times=1 on a retried fault: the retry gets the real answer, so the call must succeed;
# times=3 with max_retries=2: every attempt faults, so the call must end in the typed error.
HOSTILE_ERROR_BODY = '{"error": {"code": {"param": "days"}, "request_id": "req_abc124"}}'  # issue 12
SLOTS = [
    ({"mode": "status", "status": 429, "retry_after": 1, "times": 1}, "ok"),
    ({"mode": "status", "status": 500, "times": 1}, "ok"),
    ({"mode": "status", "status": 503, "retry_after": 1, "times": 1}, "ok"),
    ({"mode": "drop", "times": 1}, "ok"),
    ({"mode": "html", "times": 1}, "ok"),
    ({"mode": "latency", "latency_ms": 200, "times": 1}, "ok"),
    ({"mode": "malformed", "times": 1}, "DecodeError"),
    ({"mode": "wrong_type", "times": 1}, "DecodeError"),
    ({"mode": "oversize", "bytes": 262144, "times": 1}, "DecodeError"),
    ({"mode": "body", "status": 400, "body": HOSTILE_ERROR_BODY, "times": 1}, "BadRequestError"),
    ({"mode": "status", "status": 503, "times": 3}, "ServerError"),
    ({"mode": "status", "status": 429, "retry_after": 1, "times": 3}, "RateLimitError"),
    ({"mode": "drop", "times": 3}, "ConnectionError"),
    ({"mode": "html", "times": 3}, "ServerError"),
    ({"mode": "body", "status": 200, "body": '{"data": {"key_id": "x"}}', "times": 1}, "DecodeError"),
    (None, "ok"), (None, "ok"), (None, "ok"), (None, "ok"), (None, "ok"),
]
# Every 1000th request instead: a chunked body past the clients' 32 MiB response limit.
HUGE = ({"mode": "oversize", "bytes": 33 * 1024 * 1024, "chunked": True, "times": 1}, "ConnectionError")


def fingerprint(u):
    """key|window|total|ok|4xx|5xx|p50|p95|p99|by_status sorted|daily date:req:err (as sent)."""
    def num(v):
        return "-" if v is None else "%.0f" % v
    return "|".join([
        u["key_id"], str(u["window_days"]), str(u["total_requests"]), str(u["successful"]),
        str(u["client_errors"]), str(u["server_errors"]), num(u.get("latency_p50_ms")),
        num(u.get("latency_p95_ms")), num(u.get("latency_p99_ms")),
        ",".join(f"{k}={v}" for k, v in sorted(u["by_status"].items())),
        ",".join(f'{d["date"]}:{d["requests"]}:{d["errors"]}' for d in u["daily"]),
    ])


def get(conn, path, token):
    conn.request("GET", path, headers={"Cookie": f"sb-access-token={token}"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"plan: GET {path} -> {response.status} {body[:200]!r}")
    return json.loads(body)


def main():
    base, token, control, out = sys.argv[1:5]
    requests = int(sys.argv[5]) if len(sys.argv) > 5 else 10000
    warmup = int(sys.argv[6]) if len(sys.argv) > 6 else 256
    url = urllib.parse.urlsplit(base)
    prefix = url.path.rstrip("/")
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    keys = get(conn, prefix + "/api/v1/keys", token)["data"]
    if len(keys) < requests + warmup:
        raise SystemExit(f"plan: {len(keys)} keys, need {requests + warmup} (start the sandbox with --keys)")
    steps = []
    for i, key in enumerate(keys[:warmup + requests]):
        phase = "warmup" if i < warmup else "main"
        n = i - warmup
        rule, expect = (None, "ok") if phase == "warmup" else (HUGE if n % 1000 == 999 else SLOTS[n % len(SLOTS)])
        steps.append({"phase": phase, "key_id": key["id"], "days": 1 + (i * 7) % 90, "rule": rule, "expect": expect})

    # Fault-free answers, 8 connections at once.
    lock = threading.Lock()
    cursor = [0]

    def worker():
        c = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        while True:
            with lock:
                if cursor[0] >= len(steps):
                    return
                step = steps[cursor[0]]
                cursor[0] += 1
            usage = get(c, f'{prefix}/api/v1/keys/{step["key_id"]}/usage?days={step["days"]}', token)["data"]
            step["fingerprint"] = fingerprint(usage)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if any("fingerprint" not in s for s in steps):
        raise SystemExit("plan: a fault-free fetch failed")

    with open(f"{out}/plan.tsv", "w") as f:
        for s in steps:
            f.write(f'{s["phase"]}\t{s["key_id"]}\t{s["days"]}\t{s["expect"]}\t{s["fingerprint"]}\n')
    rules = [dict(s["rule"], path_contains=s["key_id"]) for s in steps if s["rule"]]
    with open(f"{out}/rules.json", "w") as f:
        json.dump(rules, f)
    modes = {}
    for s in steps:
        if s["phase"] == "main":
            name = "none" if not s["rule"] else s["rule"]["mode"] + str(s["rule"].get("status", ""))
            modes[name] = modes.get(name, 0) + 1
    print(f"plan: {warmup} warm-up + {requests} requests, {len(rules)} fault rules: "
          + ", ".join(f"{k} {v}" for k, v in sorted(modes.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
