#!/usr/bin/env python3
"""End-to-end tests of the `keyscope` CLI against a real keyscope-sandbox (stdlib only).

usage: cli_test.py PATH/TO/keyscope PATH/TO/keyscope-sandbox
Prints one line per check and `N passed, N failed` last; exits non-zero on any failure.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

NOW = "2026-05-17T12:00:00Z"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = "sess_cli_test_6f1d2c9a7b3e4f5a"  # long enough that "not in the output" means something

PLANTED = {  # key name (before " [center]") -> the finding kind it must produce
    "Threat hunting notebook": "spike",
    "Legacy ingest": "dormant_reactivated",
    "Partner feed": "error_burst",
    "CI load tests": "test_key_production_traffic",
    "Browser extension": "rate_limit_pressure",
    "Contractor access": "expired_not_revoked",
    "New automation": "never_used",
    "Quarterly audit": "expiring_soon",
    "Archive export": "stale",
}
CLEAN = ["Production SIEM", "SOAR playbooks", "Staging dashboard"]
COMMAND_HELP = [[], ["help"], ["keys"], ["keys", "list"], ["keys", "show"], ["usage"], ["report"],
                ["anomalies"], ["chargeback"]]

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}" + (f"\n      {detail}" if detail else ""))


class Sandbox:
    def __init__(self, binary, *extra):
        self.proc = subprocess.Popen(
            [binary, "--port", "0", "--seed", "42", "--now", NOW, "--token", TOKEN, "--quiet", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (http://\S+) token=", line)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"sandbox did not start: {line!r}")
        self.url = match.group(1)
        root = re.match(r"(http://[^/]+)", self.url).group(1)
        self.control = root + "/__sandbox"

    def fault(self, **spec):
        req = urllib.request.Request(self.control + "/faults", data=json.dumps(spec).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=5).read()

    def stats(self):
        with urllib.request.urlopen(self.control + "/stats", timeout=5) as r:
            return json.loads(r.read())

    def clear(self):
        urllib.request.urlopen(urllib.request.Request(self.control + "/faults", method="DELETE"),
                               timeout=5).read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    cli, sandbox_bin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    sb = Sandbox(sandbox_bin)
    free = None
    tmp = tempfile.TemporaryDirectory()
    try:
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSCOPE_")}
        base_env["XDG_CONFIG_HOME"] = tmp.name  # no config file of the machine's user applies

        def run(*args, session=TOKEN, url=None, env=None, timeout=60):
            e = dict(base_env)
            e["KEYSCOPE_BASE_URL"] = url or sb.url
            if session is not None:
                e["KEYSCOPE_SESSION"] = session
            e.update(env or {})
            p = subprocess.run([cli, *args], capture_output=True, text=True, env=e, timeout=timeout)
            return p.returncode, p.stdout, p.stderr

        def one_line(err):
            return err.count("\n") == 1 and err.startswith("keyscope: ")

        # ---- keys list ----------------------------------------------------------------------
        rc, out, err = run("keys", "list")
        check("keys list: exit 0", rc == 0, err)
        check("keys list: table has header + 13 rows", len([l for l in out.splitlines() if re.match(r"^[0-9a-f]{8}-", l)]) == 13, out)
        check("keys list: no secret beyond prefixes", not re.search(r"sk_(live|test)_\w{5,}", out))
        rc, out, err = run("keys", "list", "--json")
        keys = json.loads(out) if rc == 0 else []
        check("keys list --json: 13 keys, snake_case fields", len(keys) == 13 and all("key_prefix" in k and "total_requests" in k for k in keys), out[:300])
        rc, out, err = run("--csv", "keys", "list")  # global option before the command
        rows = list(csv.reader(io.StringIO(out)))
        check("keys list --csv: header + 13 rows", rc == 0 and len(rows) == 14 and rows[0][0] == "id", out[:300])
        raw = subprocess.run([cli, "keys", "list", "--csv"], capture_output=True,
                             env={**base_env, "KEYSCOPE_BASE_URL": sb.url, "KEYSCOPE_SESSION": TOKEN}).stdout
        check("keys list --csv: CRLF line ends (RFC 4180)", raw.count(b"\r\n") == 14, raw[:100])
        by_name = {k["name"].split(" [")[0]: k for k in keys}
        key_id = by_name["Threat hunting notebook"]["id"]

        # ---- keys show / usage --------------------------------------------------------------
        rc, out, err = run("keys", "show", key_id)
        check("keys show: exit 0, shows name and scopes", rc == 0 and "Threat hunting notebook" in out and "read:iocs" in out, err)
        rc, out, err = run("keys", "show", key_id, "--json")
        check("keys show --json: id matches", rc == 0 and json.loads(out)["id"] == key_id, out[:200])
        rc, out, err = run("usage", key_id, "--days", "7")
        check("usage --days 7: exit 0, 7 daily rows, integrity ok",
              rc == 0 and len(re.findall(r"^2026-05-\d\d ", out, re.M)) == 7 and "all" in out and "checks passed" in out, out + err)
        rc, out, err = run("usage", key_id, "--days=7", "--json")
        usage7 = json.loads(out) if rc == 0 else {}
        check("usage --json: window_days 7, totals consistent",
              usage7.get("window_days") == 7 and usage7["total_requests"] == usage7["successful"] + usage7["client_errors"] + usage7["server_errors"], out[:300])
        rc, out, err = run("usage", key_id, "--days", "7", "--csv")
        rows = list(csv.reader(io.StringIO(out)))
        check("usage --csv: daily series, header + 7 rows", rc == 0 and rows[0] == ["date", "requests", "errors", "error_rate"] and len(rows) == 8, out)

        # ---- report -------------------------------------------------------------------------
        rc, out, err = run("report", "--now", NOW)
        check("report: exit 0", rc == 0, err)
        body = out.split("\nAnomalies")[0]
        table_rows = [l for l in body.splitlines() if re.search(r"sk_(live|test)_", l)]
        check("report: 12 active rows (revoked key left out)", len(table_rows) == 12 and "Old integration" not in body, out)
        check("report: anomalies section present", "\nAnomalies (" in out and "spike" in out.split("\nAnomalies")[1], out[-800:])
        rc, out, err = run("report", "--json", "--days", "30", "--concurrency", "4", "--now", NOW)
        report = json.loads(out) if rc == 0 else {"rows": [], "anomalies": []}
        counts = [r["request_count"] for r in report["rows"]]
        check("report --json: 12 rows sorted by request_count desc", len(counts) == 12 and counts == sorted(counts, reverse=True), counts)
        check("report --json: fields", report["rows"] and set(report["rows"][0]) >= {"key_id", "name", "prefix", "environment", "tier", "request_count", "error_count", "error_rate", "latency_p95_ms", "last_activity"}, report["rows"][:1])
        row = next((r for r in report["rows"] if r["key_id"] == key_id), None)
        rc2, out2, _ = run("usage", key_id, "--json")
        check("report: p95 is the key's own p95 (not averaged)", row is not None and rc2 == 0 and row["latency_p95_ms"] == json.loads(out2)["latency_p95_ms"])
        rc, out, err = run("report", "--csv", "--now", NOW)
        rows = list(csv.reader(io.StringIO(out)))
        check("report --csv: header + 12 rows", rc == 0 and len(rows) == 13 and rows[0][0] == "key_id", out[:300])
        p95 = rows[0].index("latency_p95_ms") if rows and "latency_p95_ms" in rows[0] else -1
        check("report --csv: numbers as plain decimals that read back exactly (290, not 2.9e+02)",
              p95 >= 0 and all("e" not in r[p95] for r in rows[1:])
              and float({r[0]: r[p95] for r in rows[1:]}.get(key_id, "nan")) == row["latency_p95_ms"]
              if row and row["latency_p95_ms"] is not None else False, [r[p95] for r in rows[1:]] if p95 >= 0 else rows[:1])

        # ---- anomalies ----------------------------------------------------------------------
        rc, out, err = run("anomalies", "--json", "--now", NOW)
        findings = json.loads(out) if rc == 0 else []
        found = {}
        for f in findings:
            found.setdefault(f["key_name"].split(" [")[0], set()).add(f["kind"])
        for name, kind in PLANTED.items():
            check(f"anomalies: {kind} on {name}", kind in found.get(name, set()), sorted(found.get(name, [])))
        for name in CLEAN:
            check(f"anomalies: nothing on {name}", name not in found, sorted(found.get(name, [])))
        check("anomalies: every finding has a reason and a severity", findings and all(f["reason"] and f["severity"] in ("info", "warning", "critical") for f in findings))
        rc, out, err = run("anomalies", "--now", NOW)
        check("anomalies table: exit 0, names the spike", rc == 0 and "spike" in out and "Threat hunting notebook" in out, err)

        # ---- chargeback ---------------------------------------------------------------------
        rc, out, err = run("chargeback", "--bill", "1000.00", "--json")
        cb = json.loads(out) if rc == 0 else {"rows": []}
        check("chargeback --bill 1000.00: sums to exactly 1000.00",
              sum(r["cost_cents"] for r in cb["rows"]) == 100000 and cb.get("bill") == "1000.00", out[:400])
        check("chargeback: centers from the default pattern", {r["cost_center"] for r in cb["rows"]} >= {"secops", "platform", "intel"}, [r["cost_center"] for r in cb["rows"]])
        rc, out, err = run("chargeback", "--bill", "1000.00")
        check("chargeback table: TOTAL 1000.00", rc == 0 and re.search(r"^TOTAL .* 1000\.00$", out, re.M), out)
        map_json = os.path.join(tmp.name, "map.json")
        with open(map_json, "w") as f:
            json.dump({by_name["Production SIEM"]["id"]: "SOC, tier 1", "Partner feed [partners]": "partners \"ext\""}, f)
        rc, out, err = run("chargeback", "--bill", "0.01", "--map", map_json, "--csv")
        rows = list(csv.reader(io.StringIO(out)))
        centers = {r[0]: r for r in rows[1:]}
        check("chargeback --map JSON + --csv: RFC 4180 quoting round-trips",
              rc == 0 and "SOC, tier 1" in centers and 'partners "ext"' in centers and "unallocated" in centers, out)
        check("chargeback --bill 0.01: one cent in total", rc == 0 and sum(round(float(r[4]) * 100) for r in rows[1:]) == 1, out)
        map_csv = os.path.join(tmp.name, "map.csv")
        with open(map_csv, "w") as f:
            f.write("key,center\n\"Production SIEM [secops]\",soc\n# comment\nCI load tests [platform],qa\n")
        rc, out, err = run("chargeback", "--bill", "10", "--map", map_csv, "--json")
        cb = json.loads(out) if rc == 0 else {"rows": []}
        check("chargeback --map CSV: centers soc, qa, unallocated", {r["cost_center"] for r in cb["rows"]} == {"soc", "qa", "unallocated"} and sum(r["cost_cents"] for r in cb["rows"]) == 1000, out[:400] + err)

        # ---- CSV formula injection (OWASP) -------------------------------------------------
        # A server (or a map file) supplies names that a spreadsheet would run as formulas; the
        # sandbox serves its own list with those names once (fault mode body), real ids kept so
        # the usage calls of report/anomalies still succeed.
        evil = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "+1+2", "-2+3", "\tcmd", "\rcmd"]
        req = urllib.request.Request(sb.url + "/api/v1/keys", headers={"Cookie": "sb-access-token=" + TOKEN})
        listed = json.loads(urllib.request.urlopen(req, timeout=5).read())
        for k, name in zip(listed["data"], evil):
            k["name"] = name
        evil_by_id = {k["id"]: k["name"] for k in listed["data"][:len(evil)]}

        def with_evil_list(*args):  # bytes, not text mode: a CR inside a quoted cell must stay a CR
            sb.fault(mode="body", status=200, path_contains="/api/v1/keys", body=json.dumps(listed), times=1)
            p = subprocess.run([cli, *args], capture_output=True, timeout=60,
                               env={**base_env, "KEYSCOPE_BASE_URL": sb.url, "KEYSCOPE_SESSION": TOKEN})
            sb.clear()
            out = p.stdout.decode()
            return p.returncode, list(csv.reader(io.StringIO(out, newline=""))), out + p.stderr.decode()

        rc, rows, detail = with_evil_list("keys", "list", "--csv")
        got = {r[0]: r[1] for r in rows[1:]}
        check("keys list --csv: formula-like names get a leading quote",
              rc == 0 and all(got.get(i) == "'" + n for i, n in evil_by_id.items()), detail[:600])
        check("keys list --csv: other names and the request counts are untouched",
              rc == 0 and got.get(by_name["SOAR playbooks"]["id"]) == "SOAR playbooks [secops]"
              and all(re.fullmatch(r"\d+", r[5]) for r in rows[1:]), detail[:600])
        rc, rows, detail = with_evil_list("report", "--csv", "--now", NOW)
        got = {r[0]: r[1] for r in rows[1:]}
        check("report --csv: formula-like names get a leading quote",
              rc == 0 and all(got.get(i) == "'" + n for i, n in evil_by_id.items() if i in got) and len(got) == 12, detail[:600])
        rc, rows, detail = with_evil_list("anomalies", "--csv", "--now", NOW)
        got = {r[2]: r[3] for r in rows[1:]}
        check("anomalies --csv: formula-like key names get a leading quote",
              rc == 0 and any(i in got for i in evil_by_id) and all(got[i] == "'" + n for i, n in evil_by_id.items() if i in got), detail[:600])
        with open(map_json, "w") as f:
            json.dump({by_name["Production SIEM"]["id"]: "=1+1", "Partner feed [partners]": "@team"}, f)
        rc, out, err = run("chargeback", "--bill", "10", "--map", map_json, "--csv")
        centers = [r[0] for r in csv.reader(io.StringIO(out))][1:]
        check("chargeback --csv: formula-like cost centers get a leading quote",
              rc == 0 and sorted(centers) == ["'=1+1", "'@team", "unallocated"], out + err)

        # ---- exit codes ---------------------------------------------------------------------
        def expect(name, code, *args, **kw):
            rc, out, err = run(*args, **kw)
            check(f"{name} -> exit {code}, one stderr line", rc == code and one_line(err), f"rc={rc} err={err!r}")
            return err

        expect("bad UUID", 2, "keys", "show", "not-a-uuid")
        expect("usage --days 0", 2, "usage", key_id, "--days", "0")
        expect("usage --days 91", 2, "usage", key_id, "--days", "91")
        expect("--days abc", 2, "report", "--days", "abc")
        expect("unknown option", 2, "keys", "list", "--frobnicate")
        expect("option of another command", 2, "keys", "list", "--bill", "3")
        expect("unknown command", 2, "frobnicate")
        expect("bad --bill", 2, "chargeback", "--bill", "12.345")
        expect("--map and --pattern", 2, "chargeback", "--bill", "1", "--map", map_csv, "--pattern", "(x)")
        expect("bad regex", 2, "chargeback", "--bill", "1", "--pattern", "([")
        expect("bad --timeout", 2, "keys", "list", "--timeout", "soon")
        expect("bad --max-retries", 2, "keys", "list", "--max-retries", "99")
        expect("bad base URL", 2, "keys", "list", "--base-url", "ftp://example.com")
        expect("no session", 2, "keys", "list", session=None)
        err = expect("API key as session", 2, "keys", "list", session="sk_live_abcdefghijklmnop1234")
        check("API key as session: key not echoed", "abcdefghijklmnop1234" not in err, err)
        err = expect("--token flag refused", 2, "keys", "list", "--token", "s3cr3t-value")
        check("--token refusal explains why and does not echo", "KEYSCOPE_SESSION" in err and "s3cr3t-value" not in err, err)
        expect("--session=... refused", 2, "report", "--session=s3cr3t-value")
        err = expect("wrong token", 3, "keys", "list", session="wrong_session_value_123")
        check("wrong token: AuthenticationError with request_id", "AuthenticationError" in err and "request_id req_" in err, err)
        err = expect("unknown key", 4, "keys", "show", "00000000-0000-4000-8000-000000000999")
        check("unknown key: NotFoundError with status 404", "NotFoundError" in err and "status 404" in err, err)
        expect("unknown key usage", 4, "usage", "00000000-0000-4000-8000-000000000999")
        expect("connection refused", 6, "keys", "list", "--max-retries", "0", url="http://127.0.0.1:9")

        sb.fault(path_contains="/usage", mode="status", status=500, times=1)
        err = expect("500 with --max-retries 0", 6, "usage", key_id, "--max-retries", "0")
        check("500: ServerError", "ServerError" in err, err)
        sb.clear()
        sb.fault(path_contains="/keys", mode="malformed", times=1)
        err = expect("malformed body", 6, "keys", "list", "--max-retries", "0")
        check("malformed: DecodeError", "DecodeError" in err, err)
        sb.clear()
        sb.fault(path_contains="/keys", mode="html", status=502, times=1)
        expect("HTML 502 page", 6, "keys", "list", "--max-retries", "0")
        sb.clear()
        sb.fault(path_contains="/keys", mode="wrong_type", times=1)
        err = expect("wrong type", 6, "keys", "list", "--max-retries", "0")
        check("wrong type: DecodeError names the path", "DecodeError" in err and " at " in err, err)
        sb.clear()
        # A server's error message reaches stderr: its escape sequences (colour, window title,
        # a BEL) and a bidirectional override must arrive as visible text, not as control bytes.
        hostile = {"error": {"code": "bad_request", "message": "bad \u001b[31mred\u001b]0;pwned\u0007 \u202eevil\r\nline"}}
        sb.fault(path_contains="/keys", mode="body", status=400, body=json.dumps(hostile), times=1)
        err = expect("hostile error message", 2, "keys", "list", "--max-retries", "0")
        check("error line: no control byte or bidi override of the server's text reaches the terminal",
              not any(c in err for c in "\x1b\x07\u202e\r") and "\\x1B[31mred" in err and err.count("\n") == 1, repr(err))
        sb.clear()
        # Tolerant by default, strict on request: a type-valid but implausible usage payload.
        req = urllib.request.Request(sb.url + f"/api/v1/keys/{key_id}/usage?days=7",
                                     headers={"Cookie": "sb-access-token=" + TOKEN})
        odd = json.loads(urllib.request.urlopen(req, timeout=5).read())
        odd["data"]["client_errors"] = -3
        odd_body = json.dumps(odd)
        sb.fault(path_contains="/usage", mode="body", status=200, body=odd_body, times=1)
        rc, out, err = run("usage", key_id, "--days", "7", "--json")
        check("implausible usage (negative client_errors): decoded, exit 0",
              rc == 0 and json.loads(out)["client_errors"] == -3 and any(c["check"] == "non_negative" and not c["ok"] for c in json.loads(out)["integrity"]), err)
        sb.fault(path_contains="/usage", mode="body", status=200, body=odd_body, times=1)
        err = expect("implausible usage with --strict", 6, "usage", key_id, "--days", "7", "--strict", "--max-retries", "0")
        check("--strict: DecodeError naming data.client_errors", "DecodeError" in err and "data.client_errors" in err, err)
        sb.fault(path_contains="/usage", mode="body", status=200, body=odd_body, times=1)
        rc, out, err = run("--verbose", "report", "--now", NOW)
        check("report --verbose warns about the implausible usage on stderr",
              rc == 0 and "warning: usage of key" in err and "negative counts" in err, err[-600:])
        sb.clear()

        # Was SIGSEGV (exit 139) in the Release CLI: tests/fuzz/corpus/error_code_object.json.
        with open(os.path.join(REPO, "tests", "fuzz", "corpus", "error_code_object.json")) as f:
            sb.fault(path_contains="/keys", mode="body", status=400, body=f.read(), times=1)
        err = expect("400 whose error code is an object", 2, "keys", "list", "--max-retries", "0")
        check("object error code: BadRequestError with the request id", "BadRequestError" in err and "req_abc124" in err, err)
        sb.clear()
        # A redirect to another origin: never followed (the session cookie must not go there),
        # a RedirectError naming the target without its query, exit 6.
        elsewhere = Sandbox(sandbox_bin)
        try:
            target = re.match(r"(http://[^/]+)", elsewhere.url).group(1) + "/api/v1/keys"
            sb.fault(path_contains="/keys", mode="redirect", status=302, times=0,
                     location=target + "?sb-access-token=" + TOKEN + "&q=hidden-query")
            err = expect("302 to another origin", 6, "keys", "list")
            check("302: RedirectError naming the target, query redacted, no token",
                  "RedirectError" in err and "redirect_refused" in err and target + "?[redacted]" in err
                  and "hidden-query" not in err and TOKEN not in err, err)
            check("302: the other origin got no request", elsewhere.stats()["requests"] == 0, elsewhere.stats())
        finally:
            elsewhere.stop()
        sb.clear()
        sb.fault(path_contains="/keys", mode="drop", times=1)
        expect("dropped connection", 6, "keys", "list", "--max-retries", "0")
        sb.clear()
        sb.fault(path_contains="/keys", mode="latency", latency_ms=3000, times=1)
        err = expect("timeout 0.5 s", 6, "keys", "list", "--timeout", "0.5", "--max-retries", "0")
        check("timeout: TimeoutError", "TimeoutError" in err, err)
        sb.clear()
        sb.fault(path_contains="/usage", mode="status", status=503, times=1)
        err = expect("report: usage 500 mid-fleet", 6, "report", "--max-retries", "0", "--now", NOW)
        check("report: the failed key is named with its error", "usage of key" in err and "ServerError" in err, err)
        sb.clear()
        # One bad key does not blank the report: the other 11 rows are printed, exit is the error's.
        victim = by_name["Partner feed"]["id"]
        sb.fault(path_contains=victim + "/usage", mode="status", status=404, times=0)
        rc, out, err = run("report", "--json", "--now", NOW)
        doc = json.loads(out) if out.strip() else {}
        check("report with one failing key: exit 4 (its error), the other rows, the failure listed",
              rc == 4 and len(doc.get("rows", [])) == 11 and victim not in [r["key_id"] for r in doc["rows"]]
              and [e["key_id"] for e in doc.get("errors", [])] == [victim]
              and doc["errors"][0]["error"]["type"] == "NotFoundError", (rc, err, out[:300]))
        sb.clear()

        # Retries recover, and --verbose shows them without the token.
        sb.fault(path_contains="/usage", mode="status", status=503, times=2)
        rc, out, err = run("--verbose", "usage", key_id, "--days", "7", "--max-retries", "2")
        check("503 x2 then ok with retries -> exit 0", rc == 0, err)
        check("--verbose logs requests and retries", "retrying" in err and "-> 503" in err and "-> 200" in err, err)
        check("--verbose output contains no token", TOKEN not in err and TOKEN not in out)
        sb.clear()
        rc, out, err = run("--verbose", "report", "--now", NOW)
        check("--verbose report: no token, one line per request", rc == 0 and TOKEN not in err and err.count("\n") >= 13, err[-300:])

        # Secrets inside log and error lines: a proxy path that carries the session token and an
        # API key is in every request, retry and failure line; only redaction keeps them out.
        leaky = Sandbox(sandbox_bin, "--base-path", "/s/" + TOKEN + "/sk_live_abcdefghijklmnop1234")
        try:
            leaky.fault(path_contains="/usage", mode="status", status=503, times=1)
            rc, out, err = run("--verbose", "usage", key_id, "--days", "7", url=leaky.url)
            check("--verbose: the URL's token and API key are redacted in request and retry lines",
                  rc == 0 and "retrying" in err and err.count("/s/[redacted]/sk_live_abcd[redacted]/api/v1/keys/") >= 3
                  and TOKEN not in err + out and "abcdefghijklmnop1234" not in err + out, err)
            leaky.fault(path_contains="/keys", mode="drop", times=1)
            rc, out, err = run("--verbose", "keys", "list", "--max-retries", "0", url=leaky.url)
            check("dropped connection: failure line and error line name the URL with its secrets redacted",
                  rc == 6 and "failed after" in err and "ConnectionError" in err
                  and err.count("/s/[redacted]/sk_live_abcd[redacted]/api/v1/keys") >= 3 and TOKEN not in err
                  and "abcdefghijklmnop1234" not in err, err)
        finally:
            leaky.stop()

        # Free tier: 10 requests/minute; a report needs 13.
        free = Sandbox(sandbox_bin, "--tier", "free")
        rc, out, err = run("report", "--max-retries", "0", "--concurrency", "1", url=free.url)
        check("free tier hammered -> exit 5, one stderr line", rc == 5 and one_line(err), f"rc={rc} {err!r}")
        check("rate limited: RateLimitError", "RateLimitError" in err, err)

        # ---- session file -------------------------------------------------------------------
        session_file = os.path.join(tmp.name, "session")
        with open(session_file, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(session_file, 0o600)
        rc, out, err = run("keys", "list", "--session-file", session_file, "--json", session=None)
        check("--session-file: works without KEYSCOPE_SESSION, no warning", rc == 0 and len(json.loads(out)) == 13 and err == "", err)
        os.chmod(session_file, 0o644)
        rc, out, err = run("keys", "list", "--session-file", session_file, session=None)
        check("--session-file readable by others: warning on stderr", rc == 0 and "chmod 600" in err and TOKEN not in err, err)
        expect("missing session file", 2, "keys", "list", "--session-file", os.path.join(tmp.name, "nope"), session=None)

        # ---- help and version ---------------------------------------------------------------
        for words in COMMAND_HELP:
            rc, out, err = run(*words, "--help", session=None)
            check(f"help: keyscope {' '.join(words)} --help", rc == 0 and "Usage:" in out and err == "", f"rc={rc} {err!r}")
        rc, out, err = run("--version", session=None)
        check("--version", rc == 0 and re.match(r"keyscope \d+\.\d+\.\d+", out), out)
        rc, out, err = run(session=None)
        check("no command: usage on stderr, exit 2", rc == 2 and "Usage:" in err and out == "")
    finally:
        sb.stop()
        if free:
            free.stop()
        tmp.cleanup()

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
