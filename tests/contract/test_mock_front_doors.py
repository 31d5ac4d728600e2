"""The three front doors against a schema-driven mock of the contract (tests/contract/mock).

For every operation of api/openapi.yaml with a 200 body, KEYSCOPE_MOCK_CASES (default 100)
random type-valid bodies and as many type-invalid variants, plus strict-mode pairs (mock/cases.py),
served over real HTTP by a loopback MockServer (mock/server.py) and read through:
- the CLI (`keys list`, `keys show ID`, `usage ID`; $KEYSCOPE_CLI, default
  build/native/cli/keyscope): a valid body exits 0 in --json and in table form, and the JSON
  carries the served values; an invalid one exits 6 with the JSON path on stderr;
- the wheel, as installed by scripts/test-python.sh ($KEYSCOPE_WHEEL_PYTHON, default
  build/python-venv/bin/python, runs mock/drive_wheel.py);
- the npm package in Node ($KEYSCOPE_NPM_DIST, default bindings/wasm/dist/index.js, runs
  mock/drive_npm.mjs).
A valid body must decode (tolerant mode: negative and huge counts, unknown members, key_preview,
...) and give the served key count, ids, prefixes, names and counts; an invalid one must be a
DecodeError whose JSON path is the field that was broken ("$" for truncated text).

Random but reproducible: the seed is KEYSCOPE_MOCK_SEED or a new one each run, printed in the
summary and in every failure; the bodies of failing cases are written to
build/contract/mock-failures/SEED/.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import pytest

from mock import cases as mock_cases
from mock import contract, drive_cli
from mock.server import ROUTES, MockServer, Served

REPO = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("KEYSCOPE_MOCK_SEED") or secrets.randbelow(2**32))
PER_OPERATION = int(os.environ.get("KEYSCOPE_MOCK_CASES", "100"))
STRICT_PER_OPERATION = 10
TOKEN = secrets.token_hex(16)
FAILURES = REPO / "build" / "contract" / "mock-failures" / str(SEED)
DECODE_EXIT = 6  # the CLI's exit code for server, network and decode errors (README)

OPERATIONS = contract.operations(contract.load())
CASES = mock_cases.build(OPERATIONS, SEED, PER_OPERATION, STRICT_PER_OPERATION)
# For the summary line (conftest.pytest_terminal_summary).
MOCK_STATS: Dict[str, Any] = {"seed": SEED, "cases": {}, "front_doors": set()}


def reproduce() -> str:
    return f"seed {SEED} (KEYSCOPE_MOCK_SEED={SEED} KEYSCOPE_MOCK_CASES={PER_OPERATION} scripts/test-contract.sh)"


# ------------------------------------------------------------------ the corpus itself
def test_every_operation_is_mocked() -> None:
    assert set(OPERATIONS) == set(ROUTES), "an operation of the contract has no mock route (mock/server.py)"
    for operation_id, op in OPERATIONS.items():
        template = op.path.replace("{keyId}", "00000000-0000-4000-8000-000000000001")
        assert ROUTES[operation_id].fullmatch(template), (operation_id, op.path)


def test_valid_bodies_are_valid_and_invalid_ones_invalid() -> None:
    """The generator against an independent judge: Schemathesis' validator (jsonschema_rs, with
    formats and int64 bounds) must accept every valid body and refuse every broken one."""
    for case in CASES:
        validator = OPERATIONS[case.operation].validator
        if case.kind in ("valid", "lenient", "strict"):
            assert validator.is_valid(json.loads(case.text)), (case.id, case.how, reproduce())
        elif case.path != "$":
            assert not validator.is_valid(json.loads(case.text)), (case.id, case.how, reproduce())
        else:
            with pytest.raises(ValueError):
                json.loads(case.text)
    for operation_id in OPERATIONS:
        kinds = [c.kind for c in CASES if c.operation == operation_id]
        assert kinds.count("valid") >= PER_OPERATION and kinds.count("invalid") >= PER_OPERATION
        MOCK_STATS["cases"][operation_id] = len(kinds)


# ------------------------------------------------------------------ serving and driving
@pytest.fixture(scope="module")
def server() -> Any:
    with MockServer(TOKEN) as mock:
        for case in CASES:
            mock.add(case.id, Served(case.operation, case.text.encode(), case.headers))
        yield mock


def cases_file(server: MockServer, tmp: Path) -> Path:
    spec = {"token": TOKEN, "cases": [
        {"id": c.id, "operation": c.operation, "base_url": server.base_url(c.id), "key_id": c.key_id,
         "strict": c.strict} for c in CASES]}
    path = tmp / "cases.json"
    path.write_text(json.dumps(spec))
    return path


def _found(path: str, what: str, how_to_build: str) -> str:
    if not os.path.isfile(path) or (not path.endswith(".js") and not os.access(path, os.X_OK)):
        pytest.fail(f"{what} not found at {path}: {how_to_build}")
    return path


def run_wheel(server: MockServer, tmp: Path) -> Dict[int, Dict[str, Any]]:
    python = _found(os.environ.get("KEYSCOPE_WHEEL_PYTHON") or str(REPO / "build/python-venv/bin/python"),
                    "the wheel's venv", "run scripts/test-python.sh (or set KEYSCOPE_WHEEL_PYTHON)")
    results = tmp / "wheel-results.json"
    # From tmp: the keyscope imported is the installed wheel, not a source tree.
    subprocess.run([python, str(REPO / "tests/contract/mock/drive_wheel.py"), str(cases_file(server, tmp)),
                    str(results)], check=True, cwd=tmp, timeout=600)
    return {r["id"]: r for r in json.loads(results.read_text())}


def run_npm(server: MockServer, tmp: Path) -> Dict[int, Dict[str, Any]]:
    dist = _found(os.environ.get("KEYSCOPE_NPM_DIST") or str(REPO / "bindings/wasm/dist/index.js"),
                  "the npm package", "run scripts/build-wasm.sh (or set KEYSCOPE_NPM_DIST)")
    node = shutil.which("node") or pytest.fail("node is not on PATH")
    results = tmp / "npm-results.json"
    subprocess.run([node, str(REPO / "tests/contract/mock/drive_npm.mjs"), dist, str(cases_file(server, tmp)),
                    str(results)], check=True, cwd=tmp, timeout=600)
    return {r["id"]: r for r in json.loads(results.read_text())}


def run_cli(server: MockServer, tmp: Path) -> Dict[int, Dict[str, Any]]:
    cli = _found(os.environ.get("KEYSCOPE_CLI") or str(REPO / "build/native/cli/keyscope"),
                 "the keyscope CLI", "run scripts/build-native.sh keyscope-cli (or set KEYSCOPE_CLI)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYSCOPE_")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        return {r["id"]: r for r in pool.map(
            lambda c: drive_cli.run(cli, server.base_url(c.id), TOKEN, c, env), CASES)}


RUNNERS = {"cli": run_cli, "wheel": run_wheel, "npm": run_npm}
_results: Dict[str, Dict[int, Dict[str, Any]]] = {}


@pytest.fixture(scope="module")
def results(server: MockServer, tmp_path_factory: Any) -> Callable[[str], Dict[int, Dict[str, Any]]]:
    def get(front_door: str) -> Dict[int, Dict[str, Any]]:
        if front_door not in _results:
            _results[front_door] = RUNNERS[front_door](server, tmp_path_factory.mktemp(front_door))
            MOCK_STATS["front_doors"].add(front_door)
        return _results[front_door]
    return get


# ------------------------------------------------------------------ judging
def _same(expected: Any, observed: Any, exact: bool) -> bool:
    """Equal, where integers compare as the nearest double unless `exact` (JavaScript numbers)."""
    if isinstance(expected, dict):
        return isinstance(observed, dict) and expected.keys() == observed.keys() and all(
            _same(expected[k], observed[k], exact) for k in expected)
    if isinstance(expected, list):
        return isinstance(observed, list) and len(expected) == len(observed) and all(
            _same(e, o, exact) for e, o in zip(expected, observed))
    if isinstance(expected, int) and not isinstance(expected, bool) and not exact:
        return isinstance(observed, (int, float)) and float(expected) == float(observed)
    return expected == observed and type(expected) is type(observed)


def cli_shown(text: str) -> str:
    """How the CLI's one-line error message shows server text (cli/errors.cpp, cli/output.cpp
    sanitize): newline, CR and tab as spaces, other control bytes as \\xNN, bidirectional
    overrides as \\uNNNN."""
    out = []
    for ch in text.replace("\n", " ").replace("\r", " ").replace("\t", " "):
        cp = ord(ch)
        if cp < 0x20 or cp == 0x7F or 0x80 <= cp < 0xA0:
            out.append(f"\\x{cp:02X}")
        elif 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069:
            out.append(f"\\u{cp:04X}")
        else:
            out.append(ch)
    return "".join(out)


def problem(front_door: str, case: mock_cases.Case, result: Dict[str, Any]) -> Optional[str]:
    """What is wrong with one result, or None."""
    if case.decodes:
        if result["outcome"] != "ok":
            return f"did not decode: {result.get('error_class') or 'exit ' + str(result.get('exit'))}: " \
                   f"{result.get('message') or result.get('stderr')}"
        want = mock_cases.expected(case)
        got = dict(result["observed"])
        if "by_status" in got:
            got["by_status"] = sorted(got["by_status"])
        if not _same(want, got, exact=front_door != "npm"):
            return f"decoded wrongly: expected {json.dumps(want)[:400]}, got {json.dumps(got)[:400]}"
        return None
    if front_door == "cli":
        shown = cli_shown(case.path)
        if result["exit"] != DECODE_EXIT or "DecodeError: " not in result["stderr"] \
                or f"at {shown}" not in result["stderr"]:
            return f"expected exit {DECODE_EXIT} and a DecodeError 'at {case.path}' on stderr, " \
                   f"got exit {result['exit']}: {result['stderr'][:300]}"
        return None
    if result["outcome"] == "ok":
        return "decoded without error"
    if result["error_class"] != "DecodeError" or result["json_path"] != case.path:
        return f"expected DecodeError at {case.path!r}, got {result['error_class']} at {result['json_path']!r}: {result['message'][:300]}"
    return None


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("front_door", list(RUNNERS))
def test_front_door_reads_the_mock(front_door: str, operation: str, results: Any) -> None:
    got = results(front_door)
    failures = []
    for case in (c for c in CASES if c.operation == operation):
        why = problem(front_door, case, got[case.id])
        if why:
            failures.append((case, why))
    if failures:
        FAILURES.mkdir(parents=True, exist_ok=True)
        for case, _ in failures:
            (FAILURES / f"{front_door}-{operation}-{case.id}.json").write_text(case.text)
    report = "\n".join(f"  case {c.id} ({c.kind}, {c.how}): {why}" for c, why in failures[:12])
    assert not failures, (f"{front_door} {operation}: {len(failures)} of "
                          f"{sum(c.operation == operation for c in CASES)} cases wrong, {reproduce()}; "
                          f"bodies in {FAILURES}\n{report}")
