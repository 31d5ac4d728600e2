#!/usr/bin/env python3
"""End-to-end tests of `keyscope logs summarize` and `keyscope reconcile` against a real
keyscope-sandbox and the egress logs it emits (stdlib only).

usage: reconcile_test.py PATH/TO/keyscope PATH/TO/keyscope-sandbox
Prints one line per check and ends with "N passed, N failed".
"""
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

NOW = "2026-05-17T12:00:00Z"
TOKEN = "sess_reconcile_test_9b8c7d6e5f4a"
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f"\n     {str(detail)[:800]}"), flush=True)


def planted_set(planted):
    """(kind, prefix, day) for per-day incidents, (kind, prefix, None) for per-key ones."""
    out = set()
    for incident in planted["incidents"]:
        if incident["kind"] in ("api_exceeds_logs", "logs_exceed_api"):
            out |= {(incident["kind"], incident["key_prefix"], day) for day in incident["days"]}
        else:
            out.add((incident["kind"], incident["key_prefix"], None))
    return out


def found_set(reconciliation):
    return {(f["kind"], f["key_prefix"], f["day"] if f["kind"] in ("api_exceeds_logs", "logs_exceed_api") else None)
            for f in reconciliation["findings"]}


class Sandbox:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "--port", "0", "--token", TOKEN, "--now", NOW],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (\S+)", line)
        if not match:
            raise RuntimeError(f"sandbox did not start: {line!r}")
        self.url = match.group(1)

    def get(self, path):
        request = urllib.request.Request(self.url + path, headers={"Cookie": "sb-access-token=" + TOKEN})
        return json.loads(urllib.request.urlopen(request, timeout=10).read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    cli, sandbox_bin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="keyscope-reconcile-")
    sb = Sandbox(sandbox_bin)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSCOPE_")}
    env["XDG_CONFIG_HOME"] = os.devnull  # no config file of the machine's user applies
    env.update({"KEYSCOPE_BASE_URL": sb.url, "KEYSCOPE_SESSION": TOKEN})

    def run(*args, stdin=None):
        p = subprocess.run([cli, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120)
        return p.returncode, p.stdout, p.stderr

    try:
        logs = {}
        for fmt in ("jsonl", "nginx", "csv"):
            out_dir = os.path.join(work, fmt)
            p = subprocess.run([sandbox_bin, "--emit-logs", out_dir, "--now", NOW, "--log-format", fmt],
                               capture_output=True, text=True, timeout=120)
            check(f"sandbox emits a {fmt} log", p.returncode == 0, p.stderr)
            logs[fmt] = out_dir
        planted = json.load(open(os.path.join(logs["jsonl"], "planted.json")))
        expected = planted_set(planted)
        jsonl = os.path.join(logs["jsonl"], "egress.jsonl")
        secrets = set()
        with open(jsonl) as f:
            for line in f:
                secrets.add(json.loads(line)["authorization"].split()[-1])
        check("the emitted log carries full secret keys", all(len(s) > 30 for s in secrets) and len(secrets) >= 10, len(secrets))

        def leaks(text):
            return [s[:16] for s in secrets if s[12:] in text]

        # --- reconcile finds exactly the planted incidents, in every format
        rc, out, err = run("reconcile", "--logs", jsonl, "--days", "7", "--json")
        doc = json.loads(out) if out.strip() else {}
        rec = doc.get("reconciliation", {})
        check("reconcile jsonl: exit 1 (discrepancies, like diff)", rc == 1, err)
        check("reconcile jsonl: exactly the planted incidents", found_set(rec) == expected,
              f"found {sorted(map(str, found_set(rec)))} expected {sorted(map(str, expected))}")
        check("reconcile: the leak is critical with both figures",
              all(f["severity"] == "critical" and f["api_requests"] > f["log_requests"] > 0
                  for f in rec.get("findings", []) if f["kind"] == "api_exceeds_logs"), rec.get("findings"))
        check("reconcile --json: log statistics (every line counted, full keys reduced)",
              doc.get("logs", {}).get("records") == doc.get("logs", {}).get("lines") > 300000
              and doc["logs"]["full_keys_seen"] == doc["logs"]["lines"], doc.get("logs"))
        nginx_format = open(os.path.join(logs["nginx"], "nginx_log_format.txt")).read().strip()
        rc, out, err = run("reconcile", "--logs", os.path.join(logs["nginx"], "egress.log"), "--days", "7",
                           "--nginx-format", nginx_format, "--json")
        check("reconcile nginx log_format: the same incidents", rc == 1 and out.strip() and
              found_set(json.loads(out)["reconciliation"]) == expected, err[-500:])
        rc, out, err = run("reconcile", os.path.join(logs["csv"], "egress.csv"), "--format", "csv", "--days", "7", "--json")
        check("reconcile csv (file as positional): the same incidents", rc == 1 and out.strip() and
              found_set(json.loads(out)["reconciliation"]) == expected, err[-500:])

        # --- .gz and stdin read the same bytes
        gz = jsonl + ".gz"
        with open(jsonl, "rb") as src, gzip.open(gz, "wb", compresslevel=1) as dst:
            dst.write(src.read())
        rc, out, err = run("reconcile", "--logs", gz, "--days", "7", "--json")
        check("reconcile FILE.gz: the same incidents", rc == 1 and found_set(json.loads(out)["reconciliation"]) == expected, err)
        with open(jsonl) as f:
            rc, out, err = run("reconcile", "--logs", "-", "--days", "7", "--json", stdin=f.read())
        check("reconcile - (stdin): the same incidents", rc == 1 and found_set(json.loads(out)["reconciliation"]) == expected, err)

        # --- the table names each incident, and no output carries a secret
        rc, out, err = run("reconcile", "--logs", jsonl, "--days", "7", "--verbose")
        check("reconcile table: exit 1 and a line per incident kind",
              rc == 1 and all(k in out for k in ("api_exceeds_logs", "logs_exceed_api", "unknown_key", "revoked_key_in_use")),
              out[-800:])
        check("reconcile --verbose: no full key and no session token in stdout or stderr",
              not leaks(out + err) and TOKEN not in out + err, leaks(out + err))
        rc, out, err = run("reconcile", "--logs", jsonl, "--days", "7", "--csv")
        check("reconcile --csv: findings rows, no secret", rc == 1 and out.count("\n") == len(rec["findings"]) + 1
              and not leaks(out), out[:500])
        rc, out, err = run("logs", "summarize", jsonl, "--days", "7", "--now", NOW, "--json")
        summary = json.loads(out) if rc == 0 else {}
        check("logs summarize --json: every key prefix, no secret", rc == 0 and not leaks(out)
              and {u["key_id"] for u in summary["usages"]} >= {"sk_live_eOHt", "sk_live_Zz9q"}, err)

        # --- summarize agrees with the API on a key without incidents, day by day
        keys = {k["key_prefix"]: k for k in sb.get("/api/v1/keys")["data"]}
        api = sb.get(f"/api/v1/keys/{keys['sk_live_qW4u']['id']}/usage?days=7")["data"]
        mine = next(u for u in summary["usages"] if u["key_id"] == "sk_live_qW4u")
        check("logs summarize: a clean key's daily series equals the API's",
              [(d["date"], d["requests"], d["errors"]) for d in mine["daily"]] ==
              sorted((d["date"], d["requests"], d["errors"]) for d in api["daily"]), (mine["daily"], api["daily"]))
        check("logs summarize: by_status equals the API's", mine["by_status"] == api["by_status"],
              (mine["by_status"], api["by_status"]))

        # --- a clean log: one line per request the API counted today, errors as 500s
        clean = os.path.join(work, "clean.jsonl")
        with open(clean, "w") as f:
            for prefix, key in keys.items():
                if key.get("revoked_at"):
                    continue
                daily = sb.get(f"/api/v1/keys/{key['id']}/usage?days=1")["data"]["daily"]
                day = daily[0] if daily else {"date": NOW[:10], "requests": 0, "errors": 0}
                for i in range(day["requests"]):
                    status = 500 if i < day["errors"] else 200
                    f.write(json.dumps({"ts": f"{day['date']}T00:00:{i % 60:02d}Z", "api_key": prefix,
                                        "endpoint": "/api/v1/iocs", "status": status}) + "\n")
        rc, out, err = run("reconcile", "--logs", clean, "--days", "1")
        check("reconcile a log that matches the API: exit 0, no discrepancy", rc == 0 and "No discrepancy" in out, out + err)

        # --- bad input: a clear error and exit 2, never a crash
        with open(os.path.join(work, "bad.jsonl"), "w") as f:
            f.write('{"ts":"2026-05-17T01:00:00Z","api_key":"sk_live_qW4u","status":200}\nnot json\n'
                    '{"ts":"2026-05-17T01:00:00Z","api_key":"sk_live_qW4u","status":"x"}\n')
        rc, out, err = run("logs", "summarize", os.path.join(work, "bad.jsonl"), "--now", NOW)
        check("bad lines: counted by kind with line numbers, exit 0",
              rc == 0 and "1 unparseable (lines 2)" in out and "1 bad_status (lines 3)" in out, out + err)
        for name, args in [
            ("missing file", ["logs", "summarize", os.path.join(work, "nope.jsonl")]),
            ("nginx format without time", ["logs", "summarize", jsonl, "--nginx-format", '"$request" $status']),
            ("unknown --field name", ["logs", "summarize", jsonl, "--field", "when=ts"]),
            ("--field without =", ["logs", "summarize", jsonl, "--field", "time"]),
            ("bad --format", ["logs", "summarize", jsonl, "--format", "xml"]),
            ("--tolerance 200%", ["reconcile", "--logs", jsonl, "--tolerance", "200%"]),
            ("reconcile without logs", ["reconcile", "--days", "7"]),
            ("logs without subcommand", ["logs"]),
        ]:
            rc, out, err = run(*args)
            check(f"{name}: exit 2 with a message", rc == 2 and err.strip().startswith("keyscope:") and not out, (rc, err))
    finally:
        sb.stop()
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
