"""Runs mock cases through the installed keyscope wheel (run with the wheel's venv python).

usage: drive_wheel.py CASES.json RESULTS.json
CASES.json: {"token": ..., "cases": [{"id", "operation", "base_url", "key_id", "strict"}]}.
RESULTS.json: one {"id", "outcome": "ok"|"error", "error_class", "json_path", "message",
"observed"} per case; "observed" holds what was decoded (observe() below), in the shape every
driver reports, so the test compares the three front doors the same way.
"""

import json
import sys

import keyscope


def observe(operation, value):
    if operation == "listKeys":
        return {"count": len(value.data),
                "keys": [{"id": k.id, "key_prefix": k.key_prefix, "name": k.name,
                          "total_requests": k.total_requests} for k in value.data]}
    if operation == "getKey":
        return {"id": value.id, "key_prefix": value.key_prefix, "name": value.name,
                "total_requests": value.total_requests, "daily": len(value.usage_daily)}
    return {"key_id": value.key_id, "total_requests": value.total_requests, "daily": len(value.daily),
            "top_endpoints": len(value.top_endpoints), "by_status": list(value.by_status)}


def call(client, case):
    if case["operation"] == "listKeys":
        return client.list_keys()
    if case["operation"] == "getKey":
        return client.get_key(case["key_id"])
    return client.get_usage(case["key_id"], days=30)


def run(case, token):
    with keyscope.Client(base_url=case["base_url"], session_token=token, strict=case["strict"],
                         timeout=10) as client:
        try:
            value = call(client, case)
        except keyscope.KeyscopeError as error:
            return {"id": case["id"], "outcome": "error", "error_class": type(error).__name__,
                    "json_path": error.json_path, "message": str(error)}
        except Exception as error:  # anything outside the taxonomy is a finding of the test
            return {"id": case["id"], "outcome": "error", "error_class": type(error).__name__,
                    "json_path": None, "message": repr(error)}
        return {"id": case["id"], "outcome": "ok", "observed": observe(case["operation"], value)}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    results = [run(case, spec["token"]) for case in spec["cases"]]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
