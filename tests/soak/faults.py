#!/usr/bin/env python3
"""soak.sh's fault control: `faults.py CONTROL_URL load RULES.json` clears the sandbox's rules and
adds these (one keep-alive connection); `faults.py CONTROL_URL left` prints how many rules are
still armed (0 after a run: every planned fault was served). Python stdlib only."""
import http.client
import json
import sys
import urllib.parse


def call(conn, method, path, body=None):
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"faults: {method} {path} -> {response.status} {data[:200]!r}")
    return json.loads(data)


def main():
    url = urllib.parse.urlsplit(sys.argv[1])
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    if sys.argv[2] == "load":
        call(conn, "DELETE", "/__sandbox/faults")
        with open(sys.argv[3]) as f:
            rules = json.load(f)
        for rule in rules:
            call(conn, "POST", "/__sandbox/faults", rule)
        print(len(rules))
    else:
        listed = call(conn, "GET", "/__sandbox/faults")
        rules = listed.get("rules", listed) if isinstance(listed, dict) else listed
        for rule in rules:  # what was not served, for the log
            print(f"faults: not served: {json.dumps(rule)}", file=sys.stderr)
        print(len(rules))


if __name__ == "__main__":
    main()
