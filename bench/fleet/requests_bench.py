#!/usr/bin/env python3
"""What a user writes without keyscope: `requests` over the same endpoints (see run.sh).

usage: KEYSCOPE_SESSION=... requests_bench.py BASE_URL DAYS REPEAT WORKERS [CONTENDER]
Prints one JSON object per contender: requests_sequential (one Session, one request at a time)
and requests_threads (ThreadPoolExecutor with WORKERS threads, one Session per thread).
"""
import json
import os
import statistics
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import requests

base, days, repeat, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
only = sys.argv[5] if len(sys.argv) > 5 else None  # one contender (its own process: its own peak RSS)
cookies = {"sb-access-token": os.environ["KEYSCOPE_SESSION"]}
root = "/".join(base.split("/")[:3])


def sandbox_connections():
    with urllib.request.urlopen(root + "/__sandbox/stats", timeout=10) as r:
        return json.load(r)["connections"]


def active_ids(session):
    r = session.get(base + "/api/v1/keys", cookies=cookies, timeout=30)
    r.raise_for_status()
    return [k["id"] for k in r.json()["data"] if not k.get("revoked_at")]


def usage(session, key_id):
    r = session.get(f"{base}/api/v1/keys/{key_id}/usage", params={"days": days}, cookies=cookies, timeout=30)
    r.raise_for_status()
    return r.json()["data"]


def sequential():
    with requests.Session() as s:
        ids = active_ids(s)
        for key_id in ids:
            usage(s, key_id)
    return 1 + len(ids)


def threaded():
    local = threading.local()
    sessions = []

    def session():
        if not hasattr(local, "s"):
            local.s = requests.Session()
            sessions.append(local.s)
        return local.s

    with requests.Session() as s:
        ids = active_ids(s)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda key_id: usage(session(), key_id), ids))
    for s in sessions:
        s.close()
    return 1 + len(ids)


for name, fn in (("requests_sequential", sequential), ("requests_threads", threaded)):
    if only and name != only:
        continue
    runs, delta, n = [], 0, 0
    for _ in range(repeat):
        before = sandbox_connections()
        t0 = time.perf_counter()
        n = fn()
        runs.append(time.perf_counter() - t0)
        delta += sandbox_connections() - before - 1  # the stats query's own connection
    print(json.dumps({"contender": name, "seconds": statistics.median(runs), "runs": runs,
                      "requests": n, "client_connections": -1, "server_connections": delta // repeat}),
          flush=True)
