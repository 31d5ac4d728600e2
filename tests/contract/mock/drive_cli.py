"""Runs one mock case through the `keyscope` CLI (called by test_mock_front_doors.py, in threads).

The result has the drivers' shape (drive_wheel.py) plus the exit code and stderr: "observed"
comes from the --json output; the default table form must exit 0 too and show the ids.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any, Callable, Dict, List

from .cases import Case

CLI_COMMANDS: Dict[str, Callable[[Case], List[str]]] = {
    "listKeys": lambda c: ["keys", "list"],
    "getKey": lambda c: ["keys", "show", c.key_id],
    "getKeyUsage": lambda c: ["usage", c.key_id, "--days", "30"],
}


def observed_from_json(operation: str, out: Any) -> Dict[str, Any]:
    """The driver's "observed" shape (mock/drive_wheel.py) from the CLI's --json output."""
    def key(k: Dict[str, Any]) -> Dict[str, Any]:
        return {"id": k["id"], "key_prefix": k["key_prefix"], "name": k["name"], "total_requests": k["total_requests"]}
    if operation == "listKeys":
        return {"count": len(out), "keys": [key(k) for k in out]}
    if operation == "getKey":
        return {**key(out), "daily": len(out.get("usage", {}).get("daily", []))}
    return {"key_id": out["key_id"], "total_requests": out["total_requests"], "daily": len(out["daily"]),
            "top_endpoints": len(out["top_endpoints"]), "by_status": list(out["by_status"])}


def run(cli: str, base_url: str, token: str, case: Case, env: Dict[str, str]) -> Dict[str, Any]:
    """One case through the CLI: --json (read into the drivers' "observed" shape), then the table."""
    env = {**env, "KEYSCOPE_BASE_URL": base_url, "KEYSCOPE_SESSION": token}
    args = [cli, *(["--strict"] if case.strict else []), *CLI_COMMANDS[case.operation](case)]

    def call(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(args + list(extra), capture_output=True, text=True, env=env, timeout=60,
                              errors="replace")

    json_run = call("--json")
    result: Dict[str, Any] = {"id": case.id, "exit": json_run.returncode, "stderr": json_run.stderr}
    if json_run.returncode != 0:
        return {**result, "outcome": "error"}
    try:
        observed = observed_from_json(case.operation, json.loads(json_run.stdout))
    except (ValueError, KeyError, TypeError) as error:
        return {**result, "outcome": "error", "stderr": f"--json output unreadable ({error!r}): {json_run.stdout[:300]}"}
    table = call()  # the default table form, as a person runs it
    if table.returncode != 0:
        return {**result, "outcome": "error", "exit": table.returncode, "stderr": "table form: " + table.stderr}
    # The ids the table must show: the listed keys', the shown key's, the id usage was asked for.
    ids = {"listKeys": [k["id"] for k in observed.get("keys", [])], "getKey": [observed.get("id")],
           "getKeyUsage": [case.key_id]}[case.operation]
    missing = [i for i in ids if i not in table.stdout]
    if missing:
        return {**result, "outcome": "error", "stderr": f"table form lacks {missing[:3]}: {table.stdout[:300]}"}
    return {**result, "outcome": "ok", "observed": observed}
