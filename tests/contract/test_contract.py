"""The repo's contract (api/openapi.yaml) checked against keyscope-sandbox by Schemathesis.

- test_operation: Schemathesis generates requests for every operation of the contract (its
  examples phase, the coverage phase with boundary and negative values, and the fuzzing phase;
  positive and negative data, requests without or with a wrong session, undeclared methods) and
  runs every one of its checks on each response (`call_and_validate` with the default check set:
  not_a_server_error, status_code_conformance, content_type_conformance,
  response_headers_conformance, response_schema_conformance, negative_data_rejection,
  positive_data_acceptance, ignored_auth, unsupported_method, ...).
- test_documented_response: every status the contract documents for an operation is provoked
  on purpose (bad days, bad key id, unknown key, each kind of bad auth, a real free-tier 429,
  403 and 5xx from fault rules) and validated by the same Schemathesis checks.
- test_fixture_is_an_example: tests/fixtures/*.json are the contract's examples, verbatim.

The run sandbox has its rate limit raised (--rate-limit), so a 429 never makes the run flaky;
429 itself is provoked on a free-tier sandbox. Hypothesis is derandomized: the same requests
every run. KEYSCOPE_CONTRACT_EXAMPLES=N raises the number of generated examples per operation
(default 100) for a deeper local run.
"""

from __future__ import annotations

import collections
import json
import os
import secrets
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.config import SchemathesisConfig

REPO = Path(__file__).resolve().parents[2]
CONTRACT = REPO / "api" / "openapi.yaml"
FIXTURES = REPO / "tests" / "fixtures"
TOKEN = secrets.token_hex(16)  # the session token of the run sandbox
RUN_RATE_LIMIT = "1000000"  # per minute: far above the few thousand requests of a run
MAX_EXAMPLES = int(os.environ.get("KEYSCOPE_CONTRACT_EXAMPLES", "100"))

KEY_1 = "dc10088b-3545-4d32-8d72-319f978a26ec"  # keyscope-sandbox --seed 42, key 1
UNKNOWN_KEY = "00000000-0000-4000-8000-000000000123"  # well-formed, no such key

# The contract, with the session token as the credential of its `sessionCookie` scheme, so
# Schemathesis sends it on every case and can take it away to check that auth is enforced.
schema = schemathesis.openapi.from_path(
    str(CONTRACT),
    config=SchemathesisConfig.from_dict({"auth": {"openapi": {"sessionCookie": {"api_key": TOKEN}}}}),
)
# The same contract with no credential: the cases below choose their own cookie and headers.
bare_schema = schemathesis.openapi.from_path(str(CONTRACT))

# The checks the documented-response cases run (test_operation runs every check).
RESPONSE_CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_headers_conformance,
    st_checks.response_schema_conformance,
]

# What the run did, for the summary line of conftest.pytest_terminal_summary.
STATS: Dict[str, Any] = {"requests": collections.Counter(), "statuses": collections.Counter()}


@pytest.fixture(scope="module")
def run_sandbox(sandbox_factory: Any) -> Any:
    return sandbox_factory("--rate-limit", RUN_RATE_LIMIT, token=TOKEN)


def sandbox_promises(response: Any) -> None:
    """What keyscope-sandbox adds to the contract (sandbox/README.md): every API response
    carries X-Request-Id and the three rate-limit headers, a 429 carries Retry-After, and an
    error body's request_id is the X-Request-Id. `response` is a Schemathesis Response
    (header names lower-cased, each with a list of values)."""
    headers = response.headers
    what = f"{response.request.method} {response.request.url} -> {response.status_code}"
    missing = [h for h in ("x-request-id", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
               if h not in headers]
    assert not missing, f"{what} lacks {missing}"
    if response.status_code == 429:
        assert "retry-after" in headers, f"{what} without Retry-After"
    if response.status_code >= 400 and headers.get("content-type", [""])[0].startswith("application/json"):
        body = json.loads(response.content)
        assert body["error"]["request_id"] == headers["x-request-id"][0], what


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_operation(case: Any, run_sandbox: Any) -> None:
    response = case.call_and_validate(base_url=run_sandbox.base_url, timeout=10)
    STATS["requests"][case.operation.label] += 1
    STATS["statuses"][response.status_code] += 1
    sandbox_promises(response)


# ------------------------------------------------------------------ documented responses
LIST = "/api/v1/keys"
KEY = "/api/v1/keys/{keyId}"
USAGE = "/api/v1/keys/{keyId}/usage"

Request = Dict[str, Any]  # path_parameters, query, cookies, headers; "fault": a fault rule


def ok_cookie() -> Dict[str, str]:
    return {"sb-access-token": TOKEN}


def params(path: str, key: str = KEY_1) -> Dict[str, str]:
    return {} if path == LIST else {"keyId": key}


def provokers(path: str) -> Dict[str, List[Tuple[str, Request]]]:
    """For each documented status of `path`: named requests that must get it."""
    p = params(path)
    bad_auth = [
        ("missing_api_key", {"path_parameters": p}),
        ("invalid_session", {"path_parameters": p, "cookies": {"sb-access-token": "wrong"}}),
        ("invalid_auth_method", {"path_parameters": p, "headers": {"Authorization": "Bearer sk_live_abcd"}}),
    ]
    out: Dict[str, List[Tuple[str, Request]]] = {
        "200": [("ok", {"path_parameters": p, "cookies": ok_cookie()})],
        "401": bad_auth,
        "403": [("forbidden", {"path_parameters": p, "cookies": ok_cookie(), "fault": {"status": 403}})],
        "429": [("rate_limit_exceeded", {"path_parameters": p, "cookies": ok_cookie(), "free_tier": True})],
        "5XX": [(f"status {s}", {"path_parameters": p, "cookies": ok_cookie(), "fault": {"status": s}})
                for s in (500, 503)],
    }
    if path != LIST:
        out["400"] = [("keyId not a UUID", {"path_parameters": {"keyId": "not-a-uuid"}, "cookies": ok_cookie()})]
        out["404"] = [("unknown key", {"path_parameters": params(path, UNKNOWN_KEY), "cookies": ok_cookie()})]
    if path == USAGE:
        out["200"] += [(f"days={d}", {"path_parameters": p, "query": {"days": d}, "cookies": ok_cookie()})
                       for d in (1, 90)]
        out["400"] += [(f"days={d!r}", {"path_parameters": p, "query": {"days": d}, "cookies": ok_cookie()})
                       for d in (0, 91, -1, "abc", "", "1.5")]
    return out


def documented_statuses() -> List[Tuple[str, str]]:
    raw = yaml.safe_load(CONTRACT.read_text())
    return [(path, str(status)) for path, item in raw["paths"].items() for status in item["get"]["responses"]]


CASES = [(path, status, name, request)
         for path in (LIST, KEY, USAGE)
         for status, named in provokers(path).items()
         for name, request in named]


def test_every_documented_status_is_provoked() -> None:
    provoked = {(path, status) for path, status, _, _ in CASES}
    assert provoked == set(documented_statuses())


@pytest.fixture(scope="module")
def error_sandboxes(sandbox_factory: Any) -> Dict[str, Any]:
    """A pro sandbox for fault rules and a free-tier one (10 requests/min) for a real 429,
    both with the run's token; neither is the Schemathesis run's sandbox."""
    pro = sandbox_factory(token=TOKEN)
    free = sandbox_factory("--tier", "free", token=TOKEN)
    return {"pro": pro, "free": free}


def exhaust(sandbox: Any) -> None:
    """Spend the free tier's 10 requests of the current minute."""
    for _ in range(10):
        r = requests.get(sandbox.base_url + LIST, cookies=ok_cookie(), timeout=10)
        if r.status_code == 429:
            return


@pytest.mark.parametrize("path,status,name,request_spec", CASES,
                         ids=[f"{p} {s} {n}" for p, s, n, _ in CASES])
def test_documented_response(path: str, status: str, name: str, request_spec: Request,
                             error_sandboxes: Dict[str, Any]) -> None:
    spec = dict(request_spec)
    fault = spec.pop("fault", None)
    sandbox = error_sandboxes["free" if spec.pop("free_tier", False) else "pro"]
    if sandbox is error_sandboxes["free"]:
        exhaust(sandbox)
    control = sandbox.base_url.split("/api")[0]
    if fault:
        rule = {"mode": "status", "path_contains": "/api/v1/keys", "times": 1, **fault}
        requests.post(control + "/__sandbox/faults", json=rule, timeout=10).raise_for_status()
    try:
        case = bare_schema[path]["GET"].Case(**spec)
        # An injected 5xx is a server error on purpose: every other check still applies.
        checks = [c for c in RESPONSE_CHECKS if not (status == "5XX" and c is st_checks.not_a_server_error)]
        response = case.call_and_validate(base_url=sandbox.base_url, checks=checks, timeout=10)
    finally:
        if fault:
            requests.delete(control + "/__sandbox/faults", timeout=10)
    if status.endswith("XX"):
        assert 500 <= response.status_code <= 599
    else:
        assert response.status_code == int(status), response.content
    sandbox_promises(response)
    if status == "401":
        assert json.loads(response.content)["error"]["code"] == name
    if status == "400":
        param = "keyId" if name.startswith("keyId") else "days"
        assert json.loads(response.content)["error"]["details"] == {"param": param}
    if status == "429":
        assert json.loads(response.content)["error"]["code"] == "rate_limit_exceeded"


# ------------------------------------------------------------------ examples = fixtures
def contract_examples() -> Dict[str, Any]:
    """Every named example of a response body in the contract, by name."""
    raw = yaml.safe_load(CONTRACT.read_text())
    found: Dict[str, Any] = {}

    def media(content: Dict[str, Any]) -> None:
        for example_name, example in content.get("application/json", {}).get("examples", {}).items():
            assert example_name not in found, f"example name {example_name} used twice"
            found[example_name] = example["value"]

    for item in raw["paths"].values():
        for response in item["get"]["responses"].values():
            if "content" in response:
                media(response["content"])
    for response in raw["components"]["responses"].values():
        media(response["content"])
    return found


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.json")))
def test_fixture_is_an_example(fixture: str) -> None:
    examples = contract_examples()
    name = fixture[: -len(".json")]
    assert name in examples, f"tests/fixtures/{fixture} is not an example of api/openapi.yaml"
    assert json.loads((FIXTURES / fixture).read_text()) == examples[name]


def test_examples_are_valid() -> None:
    """Every response example validates against its response's schema (Redocly checks this
    too; here it is the JSON Schema validator Schemathesis uses, jsonschema_rs)."""
    import jsonschema_rs

    raw = yaml.safe_load(CONTRACT.read_text())

    def resolve(node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = raw
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    checked = 0
    responses = [r for item in raw["paths"].values() for r in item["get"]["responses"].values()]
    for response in map(resolve, responses):
        for media in response.get("content", {}).values():
            schema_node = {**media["schema"], "components": raw["components"]}
            for example in media.get("examples", {}).values():
                jsonschema_rs.Draft202012Validator(schema_node, validate_formats=True).validate(example["value"])
                checked += 1
    assert checked >= len(list(FIXTURES.glob("*.json")))
