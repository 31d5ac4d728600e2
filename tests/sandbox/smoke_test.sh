#!/usr/bin/env bash
# Smoke test of keyscope-sandbox over real HTTP (curl + python3 only).
#   tests/sandbox/smoke_test.sh [path/to/keyscope-sandbox]
# Prints "N passed, N failed" last; exits nonzero on any failure.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
BIN="${1:-${KEYSCOPE_SANDBOX:-$here/../../build-sandbox/keyscope-sandbox}}"
if [ ! -x "$BIN" ]; then
  echo "keyscope-sandbox binary not found: $BIN" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
command -v curl >/dev/null || { echo "curl is required" >&2; echo "0 passed, 1 failed"; exit 1; }
exec python3 - "$BIN" <<'PY'
import http.client, json, os, re, signal, socket, statistics, subprocess, sys, tempfile, time

BIN = sys.argv[1]
NOW = "2026-05-17T12:00:00Z"
TODAY = "2026-05-17"
passed = failed = 0
procs = []

def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, flush=True)
    return cond

def start(*args):
    p = subprocess.Popen([BIN, "--quiet", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    procs.append(p)
    line = p.stdout.readline()
    m = re.search(r"listening on (\S+)", line)
    t = re.search(r"token=(\S+)", line)
    if not (m and t):
        raise SystemExit("no listening line: %r" % line)
    url = m.group(1)
    host, port = re.match(r"http://([^/:]+):(\d+)", url).groups()
    return dict(proc=p, url=url, host=host, port=int(port), token=t.group(1),
                base=url.split(":%s" % port, 1)[1], line=line)

def req(srv, path, method="GET", headers=None, cookie=True, body=None, conn=None, timeout=10):
    c = conn or http.client.HTTPConnection(srv["host"], srv["port"], timeout=timeout)
    h = dict(headers or {})
    if cookie is True:
        h["Cookie"] = "theme=dark; sb-access-token=%s; other=1" % srv["token"]
    elif cookie:
        h["Cookie"] = cookie
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    if conn is None:
        c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data

def jget(srv, path, **kw):
    st, h, b = req(srv, path, **kw)
    try:
        j = json.loads(b)
    except Exception:
        j = None
    return st, h, j, b

def curl(args):
    return subprocess.run(["curl", "-s", "-i", "--max-time", "10", *args], capture_output=True, text=True).stdout

def envelope_ok(st, h, j, status, code, what):
    ok = (st == status and isinstance(j, dict) and isinstance(j.get("error"), dict)
          and j["error"].get("code") == code and isinstance(j["error"].get("message"), str)
          and re.fullmatch(r"req_[0-9a-f]{16}", j["error"].get("request_id", "")) is not None
          and h.get("x-request-id") == j["error"]["request_id"]
          and h.get("content-type", "").startswith("application/json")
          and all(k in h for k in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")))
    return check(ok, "%s: expected %d %s, got %s %s" % (what, status, code, st, j))

def usage_consistent(u, days, key_id, what):
    probs = []
    if u.get("key_id") != key_id: probs.append("key_id")
    if u.get("window_days") != days: probs.append("window_days")
    tot = u["total_requests"]
    daily = u["daily"]
    if sum(d["requests"] for d in daily) != tot: probs.append("daily sum")
    if sum(d["errors"] for d in daily) != u["client_errors"] + u["server_errors"]: probs.append("daily errors")
    if u["successful"] != tot - u["client_errors"] - u["server_errors"]: probs.append("successful")
    exp_rate = round(u["successful"] / tot, 4) if tot else 1.0
    if abs(u["success_rate"] - exp_rate) > 1e-9: probs.append("success_rate")
    bs = u["by_status"]
    if sum(bs.values()) != tot: probs.append("by_status sum")
    if bs.get("200", 0) != u["successful"]: probs.append("200")
    if sum(v for k, v in bs.items() if k.startswith("4")) != u["client_errors"]: probs.append("4xx")
    if sum(v for k, v in bs.items() if k.startswith("5")) != u["server_errors"]: probs.append("5xx")
    if any(v <= 0 for v in bs.values()): probs.append("zero by_status entry")
    te = u["top_endpoints"]
    if len(te) > 5 or sum(e["count"] for e in te) != tot: probs.append("top_endpoints")
    if [e["count"] for e in te] != sorted([e["count"] for e in te], reverse=True): probs.append("top order")
    if sum(x["count"] for x in u["rate_limit_hits_by_hour"]) != bs.get("429", 0): probs.append("hits_by_hour")
    for x in u["rate_limit_hits_by_hour"]:
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:00:00Z", x["hour"]): probs.append("hour fmt")
    dates = [d["date"] for d in daily]
    if dates != sorted(dates, reverse=True) or len(set(dates)) != len(dates): probs.append("daily order")
    if len(daily) > days or any(d["requests"] <= 0 for d in daily): probs.append("daily buckets")
    if dates and dates[0] > TODAY: probs.append("future date")
    peak_day = max((d["requests"] for d in daily), default=0)
    if u["rate_limit_peak_per_day"] != peak_day: probs.append("peak_per_day")
    ppm = u["rate_limit_peak_per_minute"]
    if tot and not (1 <= ppm <= peak_day): probs.append("peak_per_minute")
    if not tot and ppm != 0: probs.append("peak_per_minute 0")
    lat = [u[k] for k in ("latency_p50_ms", "latency_p95_ms", "latency_p99_ms")]
    if tot and not (0 < lat[0] <= lat[1] <= lat[2] and u["avg_response_time_ms"] > 0): probs.append("latency")
    if not tot and any(lat) : probs.append("latency zero")
    return check(not probs, "%s: usage inconsistent: %s" % (what, probs))

try:
    A = start("--seed", "42", "--now", NOW)
    check(re.fullmatch(r"keyscope-sandbox listening on http://127\.0\.0\.1:\d+ token=[0-9a-f]{32}\n", A["line"]) is not None,
          "listening line format: %r" % A["line"])

    # --- auth -------------------------------------------------------------
    out = curl([A["url"] + "/api/v1/keys"])
    check(out.startswith("HTTP/1.1 401") and '"missing_api_key"' in out, "curl without cookie -> 401 missing_api_key")
    st, h, j, _ = jget(A, "/api/v1/keys", cookie=None)
    envelope_ok(st, h, j, 401, "missing_api_key", "no cookie")
    st, h, j, _ = jget(A, "/api/v1/keys", cookie="sb-access-token=wrong")
    envelope_ok(st, h, j, 401, "invalid_session", "wrong cookie")
    st, h, j, _ = jget(A, "/api/v1/keys", cookie=None, headers={"Authorization": "Bearer sk_live_abcd"})
    envelope_ok(st, h, j, 401, "invalid_auth_method", "bearer header")
    check(A["token"] not in json.dumps(j), "token not echoed")

    # --- list ------------------------------------------------------------
    st, h, lst, list_body = jget(A, "/api/v1/keys")
    check(st == 200 and lst["meta"]["total"] == 13 and len(lst["data"]) == 13, "list has 13 keys")
    check(re.fullmatch(r"req_[0-9a-f]{16}", h.get("x-request-id", "")) is not None, "X-Request-Id on 200")
    check(h.get("content-type", "").startswith("application/json"), "content-type json")
    check(all(k in h for k in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")), "rate headers on 200")
    keys = lst["data"]
    check([k["created_at"] for k in keys] == sorted(k["created_at"] for k in keys), "list sorted by created_at")
    ts = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    uuid_re = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    for k in keys:
        check(uuid_re.fullmatch(k["id"]) and re.fullmatch(r"sk_(live|test)_[0-9A-Za-z]{4}", k["key_prefix"])
              and re.search(r"\[(\w[\w-]*)\]", k["name"]) and k["tier"] in ("free", "pro")
              and ts.fullmatch(k["created_at"]) and all(k[f] is None or ts.fullmatch(k[f])
              for f in ("last_used_at", "expires_at", "revoked_at")), "key fields %s" % k["name"])
    by_name = {k["name"].split(" [")[0]: k for k in keys}

    # --- usage consistency for every key --------------------------------
    usage = {}
    for k in keys:
        for days in (1, 7, 30, 90):
            st, h, j, _ = jget(A, "/api/v1/keys/%s/usage?days=%d" % (k["id"], days))
            if check(st == 200 and "data" in j, "usage 200 %s days=%d" % (k["name"], days)):
                usage[(k["name"].split(" [")[0], days)] = j["data"]
                usage_consistent(j["data"], days, k["id"], "%s days=%d" % (k["name"], days))
        st, h, j, _ = jget(A, "/api/v1/keys/%s/usage" % k["id"])
        check(st == 200 and j["data"]["window_days"] == 30, "days defaults to 30")
        st, h, d, _ = jget(A, "/api/v1/keys/%s" % k["id"])
        ok = st == 200 and d["data"]["id"] == k["id"] and "allowed_ips" in d["data"]
        lim = (10, 1000) if k["tier"] == "free" else (1000, 1000000)
        ok = ok and (d["data"]["rate_limit_per_minute"], d["data"]["rate_limit_per_day"]) == lim
        u7 = usage.get((k["name"].split(" [")[0], 7))
        ok = ok and u7 is not None and d["data"]["usage"]["daily"] == u7["daily"]
        u90 = usage.get((k["name"].split(" [")[0], 90))
        ok = ok and u90 is not None and k["total_requests"] >= u90["total_requests"]
        if u90 and u90["daily"]:
            ok = ok and k["last_used_at"] is not None and k["last_used_at"][:10] == u90["daily"][0]["date"]
        ok = ok and (k["last_used_at"] is None or k["last_used_at"] <= NOW)
        check(ok, "details consistent for %s" % k["name"])
    st, h, d, _ = jget(A, "/api/v1/keys/%s" % by_name["Production SIEM"]["id"])
    check(d["data"]["allowed_ips"] == ["10.0.0.0/8"], "key 1 allowed_ips")

    # --- planted incidents ----------------------------------------------
    def series(name, days=90):
        return {x["date"]: x for x in usage[(name, days)]["daily"]}
    def day(n):
        return time.strftime("%Y-%m-%d", time.gmtime(time.mktime(time.strptime(TODAY, "%Y-%m-%d")) - n * 86400 + 43200))
    s3 = series("Threat hunting notebook")
    earlier = [s3[day(i)]["requests"] for i in range(1, 90)]
    check(s3[day(0)]["requests"] > 10 * statistics.median(earlier), "key 3 spike > 10x median")
    s4 = series("Legacy ingest")
    check(all(day(i) not in s4 for i in range(4, 60)) and all(day(i) in s4 for i in range(0, 4))
          and day(60) in s4, "key 4 dormant 59..4, traffic 3..0 and at 60")
    s5 = series("Partner feed")
    burst = all(s5[day(i)]["errors"] / s5[day(i)]["requests"] > 0.3 for i in (0, 1))
    u5 = usage[("Partner feed", 1)]
    check(burst and u5["server_errors"] > u5["client_errors"], "key 5 error burst, mostly 5xx")
    check(all(s5[day(i)]["errors"] / s5[day(i)]["requests"] < 0.03 for i in range(2, 90)), "key 5 clean before")
    k6 = by_name["CI load tests"]
    check(k6["key_prefix"].startswith("sk_test_") and usage[("CI load tests", 30)]["rate_limit_peak_per_day"] > 30000,
          "key 6 test key at production scale")
    u7 = usage[("Browser extension", 7)]
    check(by_name["Browser extension"]["tier"] == "free" and u7["rate_limit_peak_per_minute"] == 10
          and u7["by_status"].get("429", 0) > 0 and u7["rate_limit_hits_by_hour"], "key 7 rate-limit pressure")
    k8 = by_name["Old integration"]
    check(k8["revoked_at"] is not None and k8["revoked_at"][:10] == day(20)
          and max(series("Old integration")) == day(20) and k8["last_used_at"] <= k8["revoked_at"], "key 8 revoked 20 days ago")
    k9 = by_name["Contractor access"]
    check(k9["expires_at"] is not None and k9["expires_at"][:10] == day(10) and k9["revoked_at"] is None
          and max(series("Contractor access")) == day(10), "key 9 expired 10 days ago")
    k10 = by_name["New automation"]
    check(k10["total_requests"] == 0 and k10["last_used_at"] is None and usage[("New automation", 90)]["daily"] == []
          and usage[("New automation", 90)]["by_status"] == {} and k10["created_at"][:10] == day(15), "key 10 never used")
    k11 = by_name["Quarterly audit"]
    check(k11["expires_at"] is not None and k11["expires_at"][:10] == day(-5), "key 11 expires in 5 days")
    k12 = by_name["Archive export"]
    check(k12["last_used_at"][:10] == day(60) and k12["expires_at"] is None and max(series("Archive export")) == day(60),
          "key 12 stale since day 60")
    for name in ("Production SIEM", "SOAR playbooks", "Staging dashboard"):
        u = usage[(name, 90)]
        limit = 10 if by_name[name]["tier"] == "free" else 1000
        rates = [x["errors"] / x["requests"] for x in u["daily"]]
        check(len(u["daily"]) == 90 and "429" not in u["by_status"] and max(rates) < 0.03
              and u["rate_limit_peak_per_minute"] <= limit // 2, "%s clean" % name)
    for k in keys:
        if k["created_at"] <= day(90):
            pass
    check(all(k["created_at"][:10] <= day(120) for k in keys if k is not k10), "created 120+ days ago")

    # --- parameter errors --------------------------------------------------
    kid = keys[0]["id"]
    for q in ("days=0", "days=91", "days=abc", "days=1.5", "days=", "days=-3", "days=%00", "days=99999999999999"):
        st, h, j, _ = jget(A, "/api/v1/keys/%s/usage?%s" % (kid, q))
        if envelope_ok(st, h, j, 400, "invalid_parameter", q):
            check(j["error"]["message"] == "days must be between 1 and 90" and j["error"].get("details") == {"param": "days"}, "days error body " + q)
    st, h, j, _ = jget(A, "/api/v1/keys/not-a-uuid")
    if envelope_ok(st, h, j, 400, "invalid_parameter", "bad uuid"):
        check(j["error"].get("details") == {"param": "keyId"}, "bad uuid details")
    st, h, j, _ = jget(A, "/api/v1/keys/not-a-uuid/usage?days=7")
    envelope_ok(st, h, j, 400, "invalid_parameter", "bad uuid usage")
    st, h, j, _ = jget(A, "/api/v1/keys/00000000-0000-4000-8000-000000000000")
    envelope_ok(st, h, j, 404, "not_found", "unknown key")
    st, h, j, _ = jget(A, "/api/v1/keys/00000000-0000-4000-8000-000000000000/usage")
    envelope_ok(st, h, j, 404, "not_found", "unknown key usage")
    st, h, j, _ = jget(A, "/api/v1/nothing")
    envelope_ok(st, h, j, 404, "not_found", "unknown API path")
    st, h, j, _ = jget(A, "/elsewhere")
    envelope_ok(st, h, j, 404, "not_found", "unknown path")
    for m in ("POST", "DELETE", "PUT", "PATCH", "QUERY", "FOO"):
        st, h, j, _ = jget(A, "/api/v1/keys", method=m, body=b"{}" if m in ("POST", "PUT", "PATCH") else None)
        if envelope_ok(st, h, j, 405, "method_not_allowed", m):
            check(h.get("allow") == "GET", "%s: Allow: GET" % m)

    # --- Date header: the sandbox's clock (--now when pinned), IMF-fixdate -------------
    pinned = "Sun, 17 May 2026 12:00:00 GMT"
    for what, path, kw in (("200", "/api/v1/keys", {}), ("401", "/api/v1/keys", {"cookie": None}),
                           ("404", "/api/v1/keys/00000000-0000-4000-8000-000000000000", {}),
                           ("405", "/api/v1/keys", {"method": "QUERY"}),
                           ("control", "/__sandbox/stats", {"cookie": None})):
        st, h, _ = req(A, path, **kw)
        check(h.get("date") == pinned, "Date follows --now on a %s response: %r" % (what, h.get("date")))
    out = curl(["-b", "sb-access-token=" + A["token"], A["url"] + "/api/v1/keys"])
    check("\nDate: %s\n" % pinned in out, "curl sees Date: %s" % pinned)

    # --- keep-alive and stats -------------------------------------------
    st, h, s0, _ = jget(A, "/__sandbox/stats", method="DELETE", cookie=None)
    conn = http.client.HTTPConnection(A["host"], A["port"], timeout=10)
    for _ in range(20):
        st, h, b = req(A, "/api/v1/keys", conn=conn)
    conn.close()
    st, h, s1, _ = jget(A, "/__sandbox/stats", cookie=None)
    check(s1["requests"] - s0["requests"] == 20 and s1["connections"] - s0["connections"] == 2,
          "20 requests over one keep-alive connection: %s -> %s" % (s0, s1))
    check(s1["in_flight"] == 0 and s1["max_in_flight"] == 1, "one connection: one request in flight at a time: %s" % s1)

    # --- robustness ------------------------------------------------------
    weird = ["/api/v1/keys/" + "a" * 100000, "/api/v1/keys?" + "&".join("x%d=%%ff%%00" % i for i in range(2000)),
             "/api/v1/keys/%ff%fe%00/usage?days=%ff", "/%00%01%02", "/api/v1/keys/" + "%" * 50, "/" + "/" * 5000]
    for p in weird:
        try:
            s = socket.create_connection((A["host"], A["port"]), timeout=10)
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nCookie: sb-access-token=%s\r\nConnection: close\r\n\r\n" % (p, A["token"])).encode("latin-1"))
            s.recv(65536)
            s.close()
        except OSError:
            pass
    for raw in (b"\x00\x01\x02\xff\xfe garbage\r\n\r\n", b"GET /api/v1/keys HTTP/1.1\r\nHost: x\r\nCookie: \xff\xfe\r\n\r\n",
                b"GET /api/v1/keys HTTP/1.1\r\n" + b"X-A: " + b"b" * 70000 + b"\r\n\r\n", b"GET\r\n\r\n",
                b"POST /__sandbox/faults HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n\xff\xfe{[\x00"):
        try:
            s = socket.create_connection((A["host"], A["port"]), timeout=10)
            s.sendall(raw)
            s.recv(65536)
            s.close()
        except OSError:
            pass
    st, h, j, _ = jget(A, "/api/v1/keys")
    check(st == 200 and A["proc"].poll() is None, "server alive after hostile input")

    # --- login and cookies -------------------------------------------------
    out = curl([A["url"] + "/__sandbox/login?token=%s&next=/dash/index.html" % A["token"]])
    check(out.startswith("HTTP/1.1 302") and re.search(r"(?im)^location: /dash/index\.html\r?$", out)
          and re.search(r"(?im)^set-cookie: sb-access-token=%s; Path=/; HttpOnly; SameSite=Lax" % A["token"], out), "login sets cookie and redirects")
    out = curl([A["url"] + "/__sandbox/login?token=nope"])
    check(out.startswith("HTTP/1.1 401"), "login with wrong token -> 401")
    out = curl([A["url"] + "/__sandbox/login?token=%s&next=//evil.example" % A["token"]])
    check(re.search(r"(?im)^location: /\r?$", out) is not None, "login refuses open redirect")

    # --- faults ------------------------------------------------------------
    def fault(spec):
        st, h, j, _ = jget(A, "/__sandbox/faults", method="POST", cookie=None, body=json.dumps(spec),
                           headers={"Content-Type": "application/json"})
        check(st == 200 and isinstance(j.get("id"), int), "add fault %s" % spec)
    usage_path = "/api/v1/keys/%s/usage?days=7" % kid
    fault({"path_contains": "/usage", "mode": "status", "status": 503, "times": 2, "retry_after": 1})
    st1, h1, j1, _ = jget(A, usage_path)
    st2, h2, j2, _ = jget(A, usage_path)
    st3, _, _, _ = jget(A, usage_path)
    envelope_ok(st1, h1, j1, 503, "internal_error", "fault status 1")
    check(st2 == 503 and h2.get("retry-after") == "1" and st3 == 200, "fault status times=2 then normal")
    st, _, _, _ = jget(A, "/api/v1/keys")
    check(st == 200, "fault only on matching path")
    fault({"path_contains": "", "mode": "status", "status": 429, "retry_after": 3})
    st, h, j, _ = jget(A, "/api/v1/keys")
    envelope_ok(st, h, j, 429, "rate_limit_exceeded", "fault 429")
    check(h.get("retry-after") == "3", "fault 429 Retry-After")
    fault({"path_contains": "/usage", "mode": "drop"})
    dropped = False
    try:
        st, h, b = req(A, usage_path)
    except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine, OSError):
        dropped = True
    check(dropped, "fault drop closes the connection without a response")
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                          "-b", "sb-access-token=" + A["token"], A["url"] + usage_path], capture_output=True, text=True)
    check(out.stdout == "200", "after drop, normal service (%s)" % out.stdout)
    fault({"path_contains": "/usage", "mode": "drop"})
    out = subprocess.run(["curl", "-s", "--max-time", "10", "-b", "sb-access-token=" + A["token"], A["url"] + usage_path],
                         capture_output=True, text=True)
    check(out.returncode in (52, 56), "curl sees empty reply/reset on drop (rc=%d)" % out.returncode)
    fault({"path_contains": "/usage", "mode": "malformed"})
    st, h, j, b = jget(A, usage_path)
    check(st == 200 and j is None and b.startswith(b'{"data": {"key_id": 42,'), "fault malformed")
    fault({"mode": "html"})
    st, h, b = req(A, "/api/v1/keys")
    check(st == 502 and h.get("content-type", "").startswith("text/html") and b"<html>" in b, "fault html")
    fault({"path_contains": "/usage", "mode": "latency", "latency_ms": 400})
    t0 = time.time()
    st, h, j, _ = jget(A, usage_path)
    check(st == 200 and time.time() - t0 >= 0.39 and j["data"]["key_id"] == kid, "fault latency then normal body")

    # --- in-flight peak: requests held by a latency fault overlap -----------
    import threading
    fault({"path_contains": "/keys", "mode": "latency", "latency_ms": 1000, "times": 4})
    st, _, _, _ = jget(A, "/__sandbox/stats", method="DELETE", cookie=None)
    holders = [threading.Thread(target=req, args=(A, "/api/v1/keys")) for _ in range(4)]
    for t in holders: t.start()
    for t in holders: t.join()
    st2, _, s2, _ = jget(A, "/__sandbox/stats", cookie=None)
    check(st == 200 and st2 == 200 and s2["max_in_flight"] == 4 and s2["in_flight"] == 0,
          "4 held requests at once give max_in_flight 4: %s" % s2)
    jget(A, "/__sandbox/stats", method="DELETE", cookie=None)
    st, _, s3, _ = jget(A, "/__sandbox/stats", cookie=None)
    check(s3["max_in_flight"] == 0, "DELETE /__sandbox/stats starts the peak again: %s" % s3)
    for chunked in (False, True):
        fault({"path_contains": "/usage", "mode": "oversize", "bytes": 300000, "chunked": chunked})
        st, h, b = req(A, usage_path)
        framed = h.get("transfer-encoding") == "chunked" if chunked else h.get("content-length") == "300000"
        check(st == 200 and framed and len(b) == 300000 and len(json.loads(b)["data"]["pad"]) == 300000 - 19,
              "fault oversize (chunked=%s): %d bytes, %s" % (chunked, len(b), h.get("transfer-encoding")))
    fault({"path_contains": "/usage", "mode": "wrong_type"})
    st, h, j, _ = jget(A, usage_path)
    check(st == 200 and isinstance(j["data"]["total_requests"], str), "fault wrong_type")
    fault({"path_contains": "/usage", "mode": "status", "status": 500, "times": 0})
    st, _, _, _ = jget(A, usage_path)
    check(st == 500, "unlimited fault active")
    st, _, j, _ = jget(A, "/__sandbox/faults", method="DELETE", cookie=None)
    st, _, _, _ = jget(A, usage_path)
    check(st == 200, "DELETE /__sandbox/faults clears rules")
    st, h, j, _ = jget(A, "/__sandbox/faults", method="POST", cookie=None, body="{nope")
    check(st == 400, "bad fault spec -> 400")
    st, h, j, _ = jget(A, "/__sandbox/faults", method="POST", cookie=None, body='{"mode":"explode"}')
    check(st == 400, "unknown fault mode -> 400")

    # --- determinism ---------------------------------------------------------
    B = start("--seed", "42", "--now", NOW, "--token", "t0k")
    st, h, lstB, list_body_b = jget(B, "/api/v1/keys")
    check(list_body_b == list_body, "same seed+now -> identical list body")
    u_a = req(A, usage_path)[2]
    u_b = req(B, usage_path)[2]
    check(u_a == u_b, "same seed+now -> identical usage body")
    C = start("--seed", "7", "--now", NOW)
    st, h, lstC, list_body_c = jget(C, "/api/v1/keys")
    check(list_body_c != list_body and sorted(k["name"] for k in lstC["data"]) == sorted(k["name"] for k in keys),
          "other seed -> other data, same roster")

    # --- rate limit (free tier) ----------------------------------------------
    F = start("--tier", "free", "--now", NOW)
    conn = http.client.HTTPConnection(F["host"], F["port"], timeout=10)
    statuses, remaining = [], []
    for i in range(12):
        st, h, b = req(F, "/api/v1/keys", conn=conn)
        statuses.append(st)
        remaining.append(int(h["x-ratelimit-remaining"]))
        if i == 10:
            h11, b11 = h, b
    check(statuses[:10] == [200] * 10 and statuses[10] == 429 and statuses[11] == 429, "free tier: 11th request is 429 (%s)" % statuses)
    check(h11.get("x-ratelimit-limit") == "10" and remaining[:10] == list(range(9, -1, -1)) and min(remaining) == 0, "rate headers %s" % remaining)
    ra = int(h11.get("retry-after", "-1"))
    check(1 <= ra <= 60 and int(h11["x-ratelimit-reset"]) >= int(time.time()), "Retry-After %s" % ra)
    j11 = json.loads(b11)
    check(j11["error"]["code"] == "rate_limit_exceeded" and h11.get("x-request-id") == j11["error"]["request_id"], "429 envelope")
    conn.close()
    G = start("--rate-limit", "0")  # no --now: the real clock
    before = time.time()
    h = req(G, "/api/v1/keys")[1]
    after = time.time()
    try:
        from email.utils import parsedate_to_datetime
        dated = parsedate_to_datetime(h.get("date", "")).timestamp()
    except (TypeError, ValueError):
        dated = None
    check(dated is not None and int(before) - 1 <= dated <= after + 1
          and re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT", h["date"]) is not None,
          "without --now, Date is the real time (IMF-fixdate): %r" % h.get("date"))
    sts = [req(G, "/api/v1/keys")[0] for _ in range(30)]
    h = req(G, "/api/v1/keys")[1]
    check(set(sts) == {200} and int(h["x-ratelimit-limit"]) >= 1000000, "--rate-limit 0 disables limiting")

    # --- base path, port file, cors, static, --keys -------------------------
    tmp = tempfile.mkdtemp()
    with open(os.path.join(tmp, "index.html"), "w") as f:
        f.write("<!doctype html><title>dash</title>")
    with open(os.path.join(tmp, "app.mjs"), "w") as f:
        f.write("export const x = 1;\n")
    pf = os.path.join(tmp, "port")
    P = start("--base-path", "/prefix/", "--now", NOW, "--port-file", pf, "--static", tmp,
              "--cors-origin", "http://localhost:5173")
    check(P["url"].endswith("/prefix"), "listening line carries base path")
    st, h, j, b = jget(P, "/prefix/api/v1/keys")
    check(st == 200 and len(j["data"]) == 13, "--base-path serves the API under the prefix")
    st, h, j, _ = jget(P, "/api/v1/keys")
    check(st == 404, "no API outside the prefix")
    check(open(pf).read().strip() == str(P["port"]), "--port-file")
    st, h, b = req(P, "/", cookie=None)
    check(st == 200 and h.get("content-type", "").startswith("text/html") and b"dash" in b, "static index.html")
    st, h, b = req(P, "/app.mjs", cookie=None)
    check(st == 200 and "javascript" in h.get("content-type", ""), "static .mjs content type")
    st, h, b = req(P, "/prefix/api/v1/keys", headers={"Origin": "http://localhost:5173"})
    check(h.get("access-control-allow-origin") == "http://localhost:5173" and h.get("access-control-allow-credentials") == "true"
          and "X-RateLimit-Remaining" in h.get("access-control-expose-headers", ""), "CORS headers")
    st, h, b = req(P, "/prefix/api/v1/keys", method="OPTIONS", cookie=None,
                   headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET"})
    check(st == 204 and h.get("access-control-allow-origin") == "http://localhost:5173", "CORS preflight")
    st, h, b = req(P, "/prefix/api/v1/keys", headers={"Origin": "http://evil.example"})
    check("access-control-allow-origin" not in h, "no CORS for other origins")

    K = start("--keys", "1000", "--now", NOW, "--seed", "42")
    st, h, j, _ = jget(K, "/api/v1/keys")
    ids = [k["id"] for k in j["data"]]
    prefixes = [k["key_prefix"] for k in j["data"]]
    check(len(ids) == 1000 and len(set(ids)) == 1000 and len(set(prefixes)) == 1000, "--keys 1000: unique ids and prefixes")
    check(set(k["id"] for k in keys) <= set(ids), "roster ids independent of --keys")
    extra = [k for k in j["data"] if k["name"].startswith("Fleet key")]
    bad = 0
    for k in extra[:40]:
        st, h, u, _ = jget(K, "/api/v1/keys/%s/usage?days=30" % k["id"])
        u = u["data"]
        usage_consistent(u, 30, k["id"], k["name"])
        lim = 10 if k["tier"] == "free" else 1000
        rates = [x["errors"] / x["requests"] for x in u["daily"]]
        if len(u["daily"]) != 30 or "429" in u["by_status"] or max(rates) >= 0.03 or u["rate_limit_peak_per_minute"] > lim // 2:
            bad += 1
    check(bad == 0 and re.fullmatch(r"Fleet key \d{4} \[team-\d+\]", extra[0]["name"]), "generated keys are clean")

    # --- clean shutdown ------------------------------------------------------
    A["proc"].send_signal(signal.SIGTERM)
    try:
        rc = A["proc"].wait(timeout=10)
    except subprocess.TimeoutExpired:
        rc = None
    check(rc == 0, "SIGTERM stops cleanly (rc=%s)" % rc)
    out = subprocess.run([BIN, "--keys", "5"], capture_output=True, text=True, timeout=10)
    check(out.returncode == 2, "invalid option -> exit 2")
except Exception as e:  # noqa
    import traceback
    traceback.print_exc()
    failed += 1
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
