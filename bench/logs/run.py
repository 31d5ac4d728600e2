"""keyscope's log summary vs DuckDB, pandas and Dask: one JSON-lines log, one run, side by side.

    bench/logs/run.sh [--size 100MB] [--only NAMES] [--repeat N] ...     (builds, venv, data)
    build/bench-logs-venv/bin/python bench/logs/run.py --file egress.jsonl ...   (no build)

Every contender computes the same summary of the same file -- per key (the 12-character prefix
of the key in `authorization: Bearer sk_live_...`): requests, errors (status >= 400), requests by
status, requests and errors per UTC day, and latency p50/p95/p99 -- in a process of its own.
The parent measures each child's wall time (the child also reports the time of the work alone,
without interpreter start and imports) and its peak RSS (os.wait4's ru_maxrss of that child; for
Dask, whose workers are other processes, the peak of the whole process tree's summed RSS sampled
every 50 ms by psutil). Then it checks every contender against keyscope's CLI: requests, errors
and by_status per key and requests/errors per key and day exactly; p50/p95/p99 within 1 %
relative (keyscope's percentiles are exact up to 10,000 samples per key, a DDSketch with 1 %
relative accuracy beyond; the others are exact linear interpolation = DuckDB's quantile_cont).

Contenders (--only picks some; keyscope-cli always runs, it is the reference):
  keyscope-cli   `keyscope logs summarize FILE --json` (C++, single-threaded, 1 MiB chunks)
  keyscope-py    keyscope.logs.summarize(FILE) in Python (skipped, with the reason, when the
                 installed wheel has no keyscope.logs)
  duckdb-1t      read_ndjson_auto -> temp table (key, day, status, duration) -> 3 GROUP BYs
                 with quantile_cont, SET threads=1
  duckdb-1t-all  the same plus what else keyscope computes: top 5 endpoints (path without the
                 query string), per-minute and per-day peaks (checked against keyscope too)
  duckdb         the same as duckdb-1t with DuckDB's default thread count (= cores)
  pandas         read_json(lines=True) (the default ujson engine) + groupby; the whole file at
                 once when it fits in memory comfortably, else chunksize=N (the table says which)
  pandas-arrow   read_json(lines=True, engine="pyarrow") whole file (pyarrow's default threads)
  dask-N         keyscope.dask.summarize(FILE, client=LocalCluster(n_workers=N,
                 threads_per_worker=1)) for N in --workers (skipped, with the reason, when
                 keyscope.dask is not importable); cluster start-up not timed
Never run by the test command.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NOW = "2026-05-17T12:00:00Z"
BYTES_PER_DAY_13_KEYS = 12.3e6  # the sandbox's demo organisation: ~1.1 GB for 90 days
QUANTILES = (0.5, 0.95, 0.99)
PERCENTILE_TOLERANCE = 0.01

# ---------------------------------------------------------------------------------------------
# The normalised summary every child returns:
#   {key: {"requests": n, "errors": n, "by_status": {"200": n}, "daily": {"2026-05-17": [req, err]},
#          "p": [p50, p95, p99]}}
# ---------------------------------------------------------------------------------------------


def from_keyscope(summary: Dict[str, Any]) -> Dict[str, Any]:
    out = {}
    for u in summary["usages"]:
        out[u["key_id"]] = {
            "requests": u["total_requests"],
            "errors": u["client_errors"] + u["server_errors"],
            "by_status": {str(k): v for k, v in u["by_status"].items() if v},
            "daily": {d["date"]: [d["requests"], d["errors"]] for d in u["daily"] if d["requests"]},
            "p": [u["latency_p50_ms"], u["latency_p95_ms"], u["latency_p99_ms"]],
            # what the *-all contenders also compute
            "top": {e["path"]: e["count"] for e in u.get("top_endpoints", [])},
            "peak_minute": u.get("rate_limit_peak_per_minute"),
            "peak_day": u.get("rate_limit_peak_per_day"),
        }
    return out


def keyscope_meta(summary: Dict[str, Any]) -> Dict[str, Any]:
    bad = {b["kind"] if isinstance(b, dict) and "kind" in b else str(b): b.get("count")
           if isinstance(b, dict) else None for b in summary.get("bad_lines", [])}
    return {"lines": summary.get("lines"), "records": summary.get("records"), "bad_lines": bad}


# -- children: each computes the summary and prints one JSON object on stdout --------------------

def child_keyscope_py(args: argparse.Namespace) -> Dict[str, Any]:
    import keyscope.logs
    t0 = time.perf_counter()
    summary = keyscope.logs.summarize(args.file, days=args.days, now=NOW)
    seconds = time.perf_counter() - t0
    d = summary.to_dict()
    return {"seconds": seconds, "summary": from_keyscope(d), "meta": keyscope_meta(d)}


def child_dask(args: argparse.Namespace) -> Dict[str, Any]:
    import logging
    from distributed import Client, LocalCluster
    import keyscope.dask
    n = args.n_workers
    t_start = time.perf_counter()
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.wait_for_workers(n)
        client.run(lambda: __import__("keyscope.dask"))  # the wheel imported on every worker
        startup = time.perf_counter() - t_start
        t0 = time.perf_counter()
        summary = keyscope.dask.summarize(args.file, client=client, blocksize=args.blocksize,
                                          days=args.days, now=NOW)
        seconds = time.perf_counter() - t0
    d = summary.to_dict()
    return {"seconds": seconds, "summary": from_keyscope(d), "meta": keyscope_meta(d),
            "note": f"{n} worker processes x 1 thread, blocksize {args.blocksize}, "
                    f"cluster start-up {startup:.1f} s not timed"}


def child_duckdb(args: argparse.Namespace) -> Dict[str, Any]:
    import duckdb
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads={int(args.threads)}")
    con.execute("SET TimeZone='UTC'")
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    path = args.file.replace("'", "''")
    t0 = time.perf_counter()
    # One scan of the file into a small projected table, then the groupings over it.
    extra = (""", split_part(path, '?', 1) AS endpoint, date_trunc('minute', "timestamp") AS minute"""
             if args.all else "")
    con.execute(f"""
        CREATE TEMP TABLE t AS
        SELECT substr("authorization", 8, 12) AS key, CAST("timestamp" AS DATE) AS day,
               status, duration_ms{extra}
        FROM read_ndjson_auto('{path}')""")
    per_key = con.execute("""
        SELECT key, count(*), count(*) FILTER (WHERE status >= 400),
               quantile_cont(duration_ms, [0.5, 0.95, 0.99])
        FROM t GROUP BY key""").fetchall()
    per_day = con.execute("""
        SELECT key, strftime(day, '%Y-%m-%d'), count(*), count(*) FILTER (WHERE status >= 400)
        FROM t GROUP BY key, day""").fetchall()
    per_status = con.execute("SELECT key, status, count(*) FROM t GROUP BY key, status").fetchall()
    top: List[Any] = []
    peaks: List[Any] = []
    if args.all:  # the rest of what keyscope computes: top 5 endpoints, per-minute and per-day peaks
        top = con.execute("""
            SELECT key, endpoint, n FROM (
              SELECT key, endpoint, count(*) AS n,
                     row_number() OVER (PARTITION BY key ORDER BY count(*) DESC, endpoint) AS r
              FROM t GROUP BY key, endpoint) WHERE r <= 5""").fetchall()
        peaks = con.execute("""
            SELECT m.key, m.peak, d.peak FROM
              (SELECT key, max(n) AS peak FROM (SELECT key, count(*) AS n FROM t GROUP BY key, minute)
               GROUP BY key) m
              JOIN (SELECT key, max(n) AS peak FROM (SELECT key, count(*) AS n FROM t GROUP BY key, day)
                    GROUP BY key) d USING (key)""").fetchall()
    seconds = time.perf_counter() - t0
    out: Dict[str, Any] = {}
    for key, n, err, ps in per_key:
        out[key] = {"requests": n, "errors": err, "by_status": {}, "daily": {}, "p": list(ps)}
    for key, day, n, err in per_day:
        out[key]["daily"][day] = [n, err]
    for key, status, n in per_status:
        out[key]["by_status"][str(status)] = n
    for key, endpoint, n in top:
        out[key].setdefault("top", {})[endpoint] = n
    for key, minute_peak, day_peak in peaks:
        out[key]["peak_minute"], out[key]["peak_day"] = minute_peak, day_peak
    what = ", + top endpoints and per-minute/day peaks" if args.all else ""
    return {"seconds": seconds, "summary": out,
            "note": f"threads={threads}{what}, duckdb {duckdb.__version__}"}


def _pandas_frames(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    import pandas as pd
    dtype = {"status": "int64", "duration_ms": "float64"}
    if args.engine == "pyarrow":
        yield pd.read_json(args.file, lines=True, engine="pyarrow")
    elif args.pandas_mode == "full":
        yield pd.read_json(args.file, lines=True, dtype=dtype)
    else:
        with pd.read_json(args.file, lines=True, dtype=dtype, chunksize=args.chunksize) as reader:
            yield from reader


def child_pandas(args: argparse.Namespace) -> Dict[str, Any]:
    import pandas as pd
    if args.engine == "pyarrow":
        import pyarrow
    t0 = time.perf_counter()
    daily_parts, status_parts, latency_parts = [], [], []
    for frame in _pandas_frames(args):
        ts = frame["timestamp"]
        if not pd.api.types.is_datetime64_any_dtype(ts):
            ts = pd.to_datetime(ts, utc=True, format="ISO8601")
        small = pd.DataFrame({
            "key": frame["authorization"].str.slice(7, 19),
            "day": ts.dt.floor("D"),
            "status": frame["status"],
            "error": frame["status"] >= 400,
            "latency": frame["duration_ms"],
        })
        del frame, ts
        daily_parts.append(small.groupby(["key", "day"]).agg(requests=("error", "size"),
                                                             errors=("error", "sum")))
        status_parts.append(small.groupby(["key", "status"]).size())
        latency_parts.append(small[["key", "latency"]])
    daily = pd.concat(daily_parts).groupby(level=[0, 1]).sum()
    by_status = pd.concat(status_parts).groupby(level=[0, 1]).sum()
    latency = pd.concat(latency_parts, ignore_index=True)
    quantiles = latency.groupby("key")["latency"].quantile(list(QUANTILES))
    per_key = daily.groupby(level=0).sum()
    seconds = time.perf_counter() - t0
    out: Dict[str, Any] = {}
    for key, row in per_key.iterrows():
        out[key] = {"requests": int(row["requests"]), "errors": int(row["errors"]),
                    "by_status": {}, "daily": {},
                    "p": [float(quantiles[(key, q)]) for q in QUANTILES]}
    for (key, day), row in daily.iterrows():
        out[key]["daily"][day.strftime("%Y-%m-%d")] = [int(row["requests"]), int(row["errors"])]
    for (key, status), n in by_status.items():
        out[key]["by_status"][str(status)] = int(n)
    if args.engine == "pyarrow":
        note = f"engine=pyarrow (pyarrow {pyarrow.__version__}, {pyarrow.cpu_count()} threads), whole file"
    elif args.pandas_mode == "full":
        note = "engine=ujson, whole file at once"
    else:
        note = f"engine=ujson, chunked: chunksize={args.chunksize} lines"
    return {"seconds": seconds, "summary": out, "note": f"{note}, pandas {pd.__version__}"}


CHILDREN = {"keyscope-py": child_keyscope_py, "dask": child_dask, "duckdb": child_duckdb,
            "pandas": child_pandas}


def run_child(args: argparse.Namespace) -> None:
    result = CHILDREN[args.child](args)
    with open(args.out, "w") as f:
        json.dump(result, f)


# -- the parent ---------------------------------------------------------------------------------

def parse_size(text: str) -> float:
    units = {"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KIB": 1024.0, "MIB": 1024.0 ** 2,
             "GIB": 1024.0 ** 3, "B": 1.0}
    t = text.strip().upper()
    for u in sorted(units, key=len, reverse=True):
        if t.endswith(u):
            return float(t[: -len(u)]) * units[u]
    return float(t)


def available_bytes() -> int:
    import psutil
    return int(psutil.virtual_memory().available)


class Sampler(threading.Thread):
    """Peak of the summed RSS of a process and its descendants, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        import psutil
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.done.is_set():
            total = 0
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.Error:
                break
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.done.wait(0.05)


def spawn(cmd: List[str], stdout_path: str, env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """Runs cmd; wall seconds, ru_maxrss of that child (bytes), sampled tree peak (bytes)."""
    with open(stdout_path, "wb") as out, open(stdout_path + ".err", "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        sampler = Sampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        sampler.join()
    stderr = open(stdout_path + ".err", errors="replace").read()
    return {"rc": proc.returncode, "process_seconds": wall, "maxrss": usage.ru_maxrss * 1024,
            "tree_peak": sampler.peak, "stderr": stderr}


def importable(python: str, module: str) -> Tuple[bool, str]:
    p = subprocess.run([python, "-c", f"import {module}"], capture_output=True, text=True)
    if p.returncode == 0:
        return True, ""
    last = (p.stderr.strip().splitlines() or ["?"])[-1]
    return False, last


def compare(ref: Dict[str, Any], other: Dict[str, Any]) -> Dict[str, Any]:
    """Counts exactly, percentiles within 1 % relative, against keyscope's CLI."""
    problems: List[str] = []
    if set(ref) != set(other):
        problems.append(f"keys differ: only keyscope {sorted(set(ref) - set(other))[:5]}, "
                        f"only contender {sorted(set(other) - set(ref))[:5]}")
    cells = {"keys": 0, "key_days": 0, "key_statuses": 0}
    worst = (0.0, "")
    extras: set = set()
    for key in sorted(set(ref) & set(other)):
        a, b = ref[key], other[key]
        cells["keys"] += 1
        for field in ("requests", "errors"):
            if a[field] != b[field]:
                problems.append(f"{key} {field}: keyscope {a[field]}, contender {b[field]}")
        if a["by_status"] != b["by_status"]:
            problems.append(f"{key} by_status differs: {a['by_status']} vs {b['by_status']}")
        cells["key_statuses"] += len(a["by_status"])
        if a["daily"] != b["daily"]:
            diff = [d for d in sorted(set(a["daily"]) | set(b["daily"]))
                    if a["daily"].get(d) != b["daily"].get(d)]
            problems.append(f"{key} daily differs on {len(diff)} days, first {diff[0]}: "
                            f"{a['daily'].get(diff[0])} vs {b['daily'].get(diff[0])}")
        cells["key_days"] += len(a["daily"])
        for field in ("top", "peak_minute", "peak_day"):
            if field in b:
                extras.add(field)
                if a.get(field) != b[field]:
                    problems.append(f"{key} {field}: keyscope {a.get(field)}, contender {b[field]}")
        for q, x, y in zip(("p50", "p95", "p99"), a["p"], b["p"]):
            if x is None or y is None:
                if x != y:
                    problems.append(f"{key} {q}: {x} vs {y}")
                continue
            rel = abs(x - y) / max(abs(y), 1e-12)
            if rel > worst[0]:
                worst = (rel, f"{key} {q}: keyscope {x:.3f} vs {y:.3f}")
            if rel > PERCENTILE_TOLERANCE:
                problems.append(f"{key} {q}: keyscope {x} vs {y} ({rel:.2%} > 1%)")
    return {"ok": not problems, "problems": problems, "cells": cells, "worst": worst,
            "extras": sorted(extras)}


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--all", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="ujson", help=argparse.SUPPRESS)
    ap.add_argument("--n-workers", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--file", help="the JSON-lines log (default: generate one, see --size)")
    ap.add_argument("--size", default="", help="quick mode: a log of about this size (e.g. 100MB); "
                    "default the full 90 days (~1.1 GB)")
    ap.add_argument("--days", type=int, default=0, help="days of log (default from --size, else 90)")
    ap.add_argument("--keys", type=int, default=13, help="sandbox keys (default 13, the demo org)")
    ap.add_argument("--data-dir", default=os.path.join(ROOT, "build", "bench-logs"))
    ap.add_argument("--keyscope", default=os.path.join(ROOT, "build", "native", "cli", "keyscope"))
    ap.add_argument("--sandbox", default=os.path.join(ROOT, "build", "native", "sandbox", "keyscope-sandbox"))
    ap.add_argument("--only", default="", help="comma-separated contenders (keyscope-cli always runs): "
                    "keyscope-py,duckdb-1t,duckdb-1t-all,duckdb,pandas,pandas-arrow,dask")
    ap.add_argument("--workers", default="1,2,4", help="Dask worker counts (default 1,2,4)")
    ap.add_argument("--blocksize", default="auto", help="keyscope.dask partition size (default auto: "
                    "64MiB, smaller for small logs so there are 2 partitions per worker of the largest count)")
    ap.add_argument("--pandas-mode", choices=["auto", "full", "chunked"], default="auto",
                    help="auto: whole file when ~14x its size is under 40%% of available memory")
    ap.add_argument("--chunksize", type=int, default=500_000, help="pandas lines per chunk")
    ap.add_argument("--repeat", type=int, default=1, help="rounds (each contender once a round, round "
                    "robin); each contender's fastest run is kept")
    ap.add_argument("--json-out", default="", help="also write every figure as JSON here")
    args = ap.parse_args()

    if args.child:
        run_child(args)
        return 0

    # 1. The log: generated once per (days, keys), reused.
    if not args.file:
        days = args.days or (min(90, max(1, math.ceil(parse_size(args.size) * 13 / args.keys
                                                      / BYTES_PER_DAY_13_KEYS)))
                             if args.size else 90)
        out_dir = os.path.join(args.data_dir, f"days{days}-keys{args.keys}")
        args.file = os.path.join(out_dir, "egress.jsonl")
        if not (os.path.exists(args.file) and os.path.exists(os.path.join(out_dir, "planted.json"))):
            print(f"== generating {days} days of log for {args.keys} keys into {out_dir}", file=sys.stderr)
            os.makedirs(out_dir, exist_ok=True)
            subprocess.run([args.sandbox, "--emit-logs", out_dir, "--now", NOW, "--log-days", str(days),
                            "--keys", str(args.keys)], check=True, stdout=sys.stderr)
        else:
            print(f"== reusing {args.file}", file=sys.stderr)
        args.days = days
    elif not args.days:
        args.days = 90
    size = os.path.getsize(args.file)
    if args.size and size < 0.9 * parse_size(args.size):
        print(f"bench: note: the log is {mb(size)} MB, less than --size {args.size} "
              "(at most 90 days; add --keys for more)", file=sys.stderr)
    # Warm the page cache so no contender pays for the first read from disk.
    with open(args.file, "rb") as f:
        while f.read(1 << 24):
            pass

    python = sys.executable
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    want = lambda name: not only or name in only  # noqa: E731
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    pandas_mode = args.pandas_mode
    if args.blocksize == "auto":
        per = size / (2 * max(workers or [1]))
        args.blocksize = f"{min(64, max(1, math.ceil(per / 2**20)))}MiB"
    if pandas_mode == "auto":
        pandas_mode = "full" if 14 * size < 0.4 * available_bytes() else "chunked"

    plan: List[Tuple[str, str, Optional[List[str]], str]] = []  # name, label, cmd|None, skip reason
    base = [python, os.path.abspath(__file__), "--file", args.file, "--days", str(args.days)]
    plan.append(("keyscope-cli", "keyscope CLI logs summarize (C++, 1 thread)",
                 [args.keyscope, "logs", "summarize", args.file, "--days", str(args.days), "--now", NOW,
                  "--json"], ""))
    if want("keyscope-py"):
        ok, why = importable(python, "keyscope.logs")
        plan.append(("keyscope-py", "keyscope.logs.summarize (Python, 1 thread)",
                     base + ["--child", "keyscope-py"] if ok else None,
                     "" if ok else f"skipped: keyscope.logs not installed ({why})"))
    if want("duckdb-1t"):
        plan.append(("duckdb-1t", "DuckDB read_ndjson_auto + GROUP BY, threads=1",
                     base + ["--child", "duckdb", "--threads", "1"], ""))
    if want("duckdb-1t-all"):
        plan.append(("duckdb-1t-all", "DuckDB threads=1, + top endpoints, peaks",
                     base + ["--child", "duckdb", "--threads", "1", "--all"], ""))
    if want("duckdb"):
        plan.append(("duckdb", f"DuckDB, default threads ({os.cpu_count()} cores)",
                     base + ["--child", "duckdb"], ""))
    if want("pandas"):
        plan.append(("pandas", f"pandas read_json(lines=True) + groupby, {pandas_mode}",
                     base + ["--child", "pandas", "--pandas-mode", pandas_mode,
                             "--chunksize", str(args.chunksize)], ""))
    if want("pandas-arrow"):
        fits = 7 * size < 0.4 * available_bytes()
        plan.append(("pandas-arrow", "pandas read_json(engine=pyarrow) + groupby",
                     base + ["--child", "pandas", "--engine", "pyarrow"] if fits else None,
                     "" if fits else "skipped: the whole file would not fit in 40% of available memory"))
    if want("dask"):
        ok, why = importable(python, "keyscope.dask")
        for n in workers:
            note = f"{n} worker{'s' if n > 1 else ''}" + (" (oversubscribed)" if n > (os.cpu_count() or 1) else "")
            plan.append((f"dask-{n}", f"keyscope.dask, LocalCluster {note}",
                         base + ["--child", "dask", "--n-workers", str(n), "--blocksize", args.blocksize]
                         if ok else None,
                         "" if ok else f"skipped: keyscope.dask not installed ({why})"))

    load = os.getloadavg()
    print(f"\nLog: {args.file}\n     {mb(size)} MB (1 MB = 10^6 bytes), {args.days} days, {args.keys} keys; "
          f"machine: {os.cpu_count()} cores, {available_bytes() / 2**30:.1f} GiB available, "
          f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start; python {platform.python_version()}",
          flush=True)

    tmp = os.path.join(args.data_dir, "runs")
    os.makedirs(tmp, exist_ok=True)
    results: Dict[str, Dict[str, Any]] = {}
    for name, label, cmd, skip in plan:
        if cmd is None:
            results[name] = {"label": label, "skipped": skip}
            print(f"-- {name}: {skip}", file=sys.stderr, flush=True)
    # Round robin (every contender once per round) so background load hits all of them alike;
    # each contender's fastest run is kept, all its times are in the notes.
    times: Dict[str, List[float]] = {}
    for i in range(args.repeat):
        for name, label, cmd, skip in plan:
            if cmd is None or "skipped" in results.get(name, {}):
                continue
            print(f"-- {name} (round {i + 1}/{args.repeat}) ...", file=sys.stderr, flush=True)
            out = os.path.join(tmp, f"{name}.json")
            child_out = out + ".child"
            full = cmd if name == "keyscope-cli" else cmd + ["--out", child_out]
            r = spawn(full, out)
            if r["rc"] != 0:
                results[name] = {"label": label, "skipped": f"failed (exit {r['rc']}): "
                                 + r["stderr"].strip()[-400:]}
                continue
            if name == "keyscope-cli":
                d = json.load(open(out))
                r.update(seconds=r["process_seconds"], summary=from_keyscope(d), meta=keyscope_meta(d))
            else:
                r.update(json.load(open(child_out)))
            r["peak"] = r["tree_peak"] if name.startswith("dask") else r["maxrss"]
            print(f"   {r['seconds']:.2f} s, peak RSS {mb(r['peak'])} MB", file=sys.stderr, flush=True)
            times.setdefault(name, []).append(r["seconds"])
            best = results.get(name)
            if best is None or r["seconds"] < best["seconds"]:
                r["label"] = label
                results[name] = r
            results[name]["runs"] = times[name]

    load_end = os.getloadavg()
    ref = results["keyscope-cli"]
    if "skipped" in ref:
        print(f"bench: keyscope CLI failed: {ref['skipped']}", file=sys.stderr)
        return 1
    ks = ref["seconds"]
    print(f"\n{'contender':52} {'wall s':>7} {'MB/s':>7} {'peak RSS MB':>11} {'x keyscope time':>15} "
          f"{'x keyscope RSS':>14}")
    for name, _, _, _ in plan:
        r = results[name]
        if "skipped" in r:
            print(f"{r['label']:52} {r['skipped']}")
            continue
        print(f"{r['label']:52} {r['seconds']:7.2f} {size / 1e6 / r['seconds']:7.1f} {mb(r['peak']):>11} "
              f"{r['seconds'] / ks:15.2f} {r['peak'] / ref['peak']:14.2f}")
    dask_rows = [(n, results[f"dask-{n}"]) for n in workers
                 if f"dask-{n}" in results and "skipped" not in results[f"dask-{n}"]]
    if dask_rows:
        one = dict(dask_rows).get(1)
        print("\nDask speed-up (keyscope.dask, time of 1 worker / time of N workers; peak RSS = whole "
              "process tree, scheduler + client + workers):")
        for n, r in dask_rows:
            up = f"{one['seconds'] / r['seconds']:.2f}x" if one else "-"
            print(f"  {n} worker(s): {r['seconds']:.2f} s, speed-up {up}, vs keyscope CLI 1 thread "
                  f"{ks / r['seconds']:.2f}x  ({r.get('note', '')})")
    print("\nNotes:")
    for name, _, _, _ in plan:
        r = results[name]
        if "note" in r:
            print(f"  {name}: {r['note']}")
    if args.repeat > 1:
        print(f"  {args.repeat} rounds, fastest kept; every run's wall s:")
        for name, ts in times.items():
            print(f"    {name:14} " + " ".join(f"{t:.2f}" for t in ts))
    print("  wall s: the work alone for Python children (summary computed, imports and interpreter "
          "start excluded; process wall in --json-out); the whole process for the CLI.\n"
          "  x keyscope time: contender wall / keyscope CLI wall (above 1 = slower than keyscope).\n"
          "  peak RSS: ru_maxrss of the child process (wait4); Dask: summed RSS of the process tree, "
          "sampled every 50 ms.")
    print(f"  load average at the end: {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f} "
          f"(at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores)")
    meta = ref.get("meta", {})
    print(f"  keyscope read {meta.get('lines')} lines, {meta.get('records')} counted, bad lines: "
          f"{meta.get('bad_lines') or 'none'}")

    print("\nAgreement with keyscope CLI (requests, errors, by_status per key and requests/errors per "
          "key and day exactly; p50/p95/p99 within 1% relative):")
    all_ok = True
    for name, _, _, _ in plan:
        r = results[name]
        if name == "keyscope-cli" or "skipped" in r:
            continue
        c = compare(ref["summary"], r["summary"])
        r["check"] = c
        all_ok &= c["ok"]
        cells = c["cells"]
        worst = f"max percentile diff {c['worst'][0]:.3%} ({c['worst'][1]})" if c["worst"][1] else \
            "percentiles identical"
        extras = f" (+ {', '.join(c['extras'])} per key)" if c["extras"] else ""
        print(f"  {name:14} {'OK  ' if c['ok'] else 'FAIL'} {cells['keys']} keys, {cells['key_days']} "
              f"key-days, {cells['key_statuses']} key-statuses equal{extras}; {worst}")
        for p in c["problems"][:8]:
            print(f"      {p}")
    if args.json_out:
        slim = {k: {kk: vv for kk, vv in v.items() if kk not in ("summary",)} for k, v in results.items()}
        with open(args.json_out, "w") as f:
            json.dump({"file": args.file, "bytes": size, "days": args.days, "keys": args.keys,
                       "results": slim}, f, indent=1, default=str)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
