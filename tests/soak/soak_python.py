"""The soak test's Python front door (scripts/soak.sh): every request of the plan through the
wheel's keyscope.Client from IN_FLIGHT threads (the GIL is released while a call waits), each
held against the plan (fault-free fingerprint or the typed error). Samples open fds and RSS at
start (after the warm-up), middle and end; prints one JSON line.
  KEYSCOPE_SESSION=TOKEN build/python-venv/bin/python soak_python.py BASE_URL PLAN.tsv [IN_FLIGHT=256]"""
import concurrent.futures
import json
import os
import sys
import threading
import time

import keyscope


def sample():
    rss = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return len(os.listdir("/proc/self/fd")) - 1, rss


def num(v):
    return "-" if v is None else "%.0f" % v


def fingerprint(u):
    return "|".join([
        u.key_id, str(u.window_days), str(u.total_requests), str(u.successful), str(u.client_errors),
        str(u.server_errors), num(u.latency_p50_ms), num(u.latency_p95_ms), num(u.latency_p99_ms),
        ",".join(f"{k}={v}" for k, v in sorted(u.by_status.items())),
        ",".join(f"{str(d.date)[:10]}:{d.requests}:{d.errors}" for d in u.daily),
    ])


def main():
    base, plan_path = sys.argv[1:3]
    in_flight = int(sys.argv[3]) if len(sys.argv) > 3 else 256
    steps = []
    with open(plan_path) as f:
        for line in f:
            phase, key_id, days, expect, fp = line.rstrip("\n").split("\t")
            steps.append((phase, key_id, int(days), expect, fp))
    result = {"front_door": "python", "requests": 0, "ok": 0, "expected_errors": 0, "recovered": 0, "wrong": 0,
              "errors_by_type": {}}
    wrong_examples = []
    lock = threading.Lock()
    state = {"done_main": 0, "middle": None}
    total_main = sum(1 for s in steps if s[0] == "main")

    client = keyscope.Client(base, os.environ["KEYSCOPE_SESSION"])

    def run_one(step):
        phase, key_id, days, expect, fp = step
        problem, error_name = "", ""
        try:
            usage = client.get_usage(key_id, days)
            if fingerprint(usage) != fp:
                problem = f"wrong value: {fingerprint(usage)}"
        except keyscope.KeyscopeError as e:
            error_name = type(e).__name__
            if error_name not in expect.split("/"):
                problem = f"expected {expect}, got {error_name}: {e}"
        except Exception as e:  # anything else is wrong by definition
            problem = f"untyped {type(e).__name__}: {e}"
        with lock:
            if problem:
                result["wrong"] += 1
                if len(wrong_examples) < 5:
                    wrong_examples.append(f"{'warm-up ' if phase != 'main' else ''}{key_id}: {problem}")
            elif phase == "main" and error_name:
                result["expected_errors"] += 1
                result["errors_by_type"][error_name] = result["errors_by_type"].get(error_name, 0) + 1
            elif phase == "main":
                result["ok"] += 1
                if expect != "ok":  # the right value where the error was planned
                    result["recovered"] += 1
            if phase == "main":
                state["done_main"] += 1
                if state["done_main"] == total_main // 2:
                    state["middle"] = sample()

    begin = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=in_flight) as pool:
        list(pool.map(run_one, [s for s in steps if s[0] == "warmup"]))
        start = sample()
        list(pool.map(run_one, [s for s in steps if s[0] == "main"]))
        end = sample()
    client.close()
    middle = state["middle"]
    result["requests"] = total_main
    result["fds"] = [start[0], middle[0], end[0]]
    result["rss_kb"] = [start[1], middle[1], end[1]]
    result["seconds"] = time.monotonic() - begin
    result["wrong_examples"] = wrong_examples
    print(json.dumps(result))
    sys.exit(0 if result["wrong"] == 0 else 1)


if __name__ == "__main__":
    main()
