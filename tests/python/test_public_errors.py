"""Every public callable of keyscope, keyscope.analytics, keyscope.logs and keyscope.pandas,
given wrong arguments (None, wrong types, out-of-range numbers), raises a KeyscopeError subclass
and nothing else: never a TypeError from pybind11, an AttributeError or a KeyError.

Each function is first called with arguments that work (the table below), then with one argument
at a time replaced by each bad value. A public function missing from the table fails the test, so
a new one cannot slip through unchecked."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import keyscope
import keyscope.analytics
import keyscope.logs
import keyscope.pandas as kp

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
NOW = "2026-05-17T12:00:00Z"
KEY_LINE = ('{"at":"2026-05-16T08:00:00Z","key":"sk_live_AAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxx",'
            '"path":"/api/v1/iocs","status":200,"latency_ms":40}\n')


class _Opaque:
    """An object of a type no function accepts."""


BAD_VALUES: List[Any] = [None, _Opaque(), "", "x", -1, 10**30, 1.5, float("nan"), True, [None],
                         {"k": _Opaque()}, b"\xff"]


def _vector_input(helper: str) -> Dict[str, Any]:
    doc = json.loads((VECTORS / f"{helper}.json").read_text())
    return dict(doc["cases"][0]["input"])


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    """Valid inputs of every kind the public functions take, built offline."""
    fleet = _vector_input("usage_by_key")
    keys = [keyscope.APIKeyInfo.from_dict(k) for k in fleet["keys"]]
    usages = [keyscope.KeyUsage.from_dict(u) for u in fleet["usages"]]
    log = tmp_path_factory.mktemp("walk") / "egress.jsonl"
    log.write_text(KEY_LINE * 3)
    options = keyscope.logs.ReaderOptions()
    window = keyscope.logs.Window(7, 1778932800)
    aggregate = keyscope.logs.read_aggregate(str(log), options, window)
    summary = keyscope.logs.summarize(str(log), days=7, now=NOW)
    reconciliation = keyscope.logs.reconcile(str(log), keys, usages, days=7, now=NOW)
    rows = keyscope.usage_by_key(keys, usages)
    return {
        "fleet": keyscope.Fleet(tuple(keys), tuple(usages), 30),
        "checks": keyscope.check_usage(usages[0]),
        "keys": keys, "usages": usages, "usage": usages[0], "log": str(log), "options": options,
        "window": window, "aggregate": aggregate, "summary": summary,
        "reconciliation": reconciliation, "rows": rows,
        "findings": keyscope.detect_anomalies(keys, usages, now=NOW),
        "lines": keyscope.chargeback(rows, "10.00"),
        "frame": kp.keys_frame(keys),
        "usage_body": json.dumps({"data": fleet["usages"][0]}),
    }


# name -> the keyword arguments of a call that succeeds.
VALID: Dict[str, Callable[[Dict[str, Any]], Dict[str, Any]]] = {
    # keyscope / keyscope.analytics
    "environment_of": lambda d: {"key_prefix": "sk_live_ab12"},
    "usage_by_key": lambda d: {"keys": d["keys"], "usages": d["usages"]},
    "detect_anomalies": lambda d: {"keys": d["keys"], "usages": d["usages"], "now": NOW},
    "chargeback": lambda d: {"rows": d["rows"], "bill": "12.34", "name_pattern": r"(\w+)"},
    "check_usage": lambda d: {"usage": d["usage"], "end_date": "2026-05-17"},
    "gap_fill": lambda d: {"daily": [], "window_days": 3, "end_date": "2026-05-17"},
    "percentile": lambda d: {"samples": [1.0, 2.0], "q": 50},
    "quantile": lambda d: {"samples": [1.0, 2.0], "q": 0.5},
    "percentiles": lambda d: {"samples": [1.0, 2.0], "qs": [0.5]},
    "run_helper": lambda d: {"helper": "environment_of", "input": {"prefix": "sk_live_x"}},
    "decode_key_list": lambda d: {"body": '{"data":[],"meta":{"total":0}}'},
    "decode_key_details": lambda d: {"body": json.dumps({"data": d["keys"][0].to_dict()})},
    "decode_key_usage": lambda d: {"body": d["usage_body"]},
    "DDSketch": lambda d: {"relative_accuracy": 0.01, "max_buckets": 64},
    # keyscope.logs
    "summarize": lambda d: {"paths": d["log"], "days": 7, "now": NOW},
    "reconcile": lambda d: {"paths": d["log"], "keys": d["keys"], "api_usages": d["usages"],
                            "days": 7, "now": NOW},
    "read_aggregate": lambda d: {"paths": d["log"], "options": d["options"], "window": d["window"]},
    "summary_of": lambda d: {"aggregate": d["aggregate"], "window": d["window"], "keys": d["keys"]},
    "reconcile_aggregate": lambda d: {"aggregate": d["aggregate"], "keys": d["keys"],
                                      "api_usages": d["usages"], "window": d["window"]},
    "ReaderOptions": lambda d: {"format": "jsonl", "fields": {"key": "key"}, "latency_unit": "ms"},
    "Window": lambda d: {"days": 7, "now_unix": 1778932800},
    # keyscope.pandas
    "daily_frame": lambda d: {"usage": d["usage"], "end_date": "2026-05-17", "fill": True},
    "daily_frames": lambda d: {"usages": {"a": d["usage"]}, "end_date": "2026-05-17",
                               "column": "requests"},
    "status_frame": lambda d: {"usage": d["usage"]},
    "usage_frame": lambda d: {"rows": d["rows"]},
    "anomalies_frame": lambda d: {"findings": d["findings"]},
    "chargeback_frame": lambda d: {"lines": d["lines"]},
    "keys_frame": lambda d: {"keys": d["keys"]},
    "checks_frame": lambda d: {"checks": d["checks"]},
    "fleet_daily_frame": lambda d: {"fleet": d["fleet"], "end_date": "2026-05-17",
                                    "column": "requests"},
    "fleet_errors_frame": lambda d: {"fleet": d["fleet"]},
    "csv_safe": lambda d: {"frame": d["frame"]},
    "to_csv": lambda d: {"frame": d["frame"], "path_or_buf": None},
    "log_usages_frame": lambda d: {"summary": d["summary"]},
    "log_daily_frame": lambda d: {"summary": d["summary"]},
    "bad_lines_frame": lambda d: {"summary": d["summary"]},
    "reconcile_findings_frame": lambda d: {"reconciliation": d["reconciliation"]},
    "reconcile_keys_frame": lambda d: {"reconciliation": d["reconciliation"]},
}

# Value types without checks of their own (frozen dataclasses, exception classes, transports):
# they hold what they are given and are checked where they are used.
PLAIN_CLASSES = {
    "Client", "AsyncClient",  # their own walks below, against a sandbox
    "RawResponse", "FleetProgress", "Findings", "ChargebackRows", "IntegrityChecks",
    "APIKeyInfo", "APIKeyDetails", "DailyBucket", "EndpointCount", "HourBucket", "KeyList",
    "KeyUsage", "RateLimit", "Response", "Fleet", "KeyFetchError", "LogSummary", "BadLines",
    "Reconciliation", "ReconcileFinding", "KeyReconciliation", "Transport", "HttpRequest",
    "HttpResponse", "RequestsTransport", "UsageRow", "UsageRows", "EndpointShare", "Finding",
    "ChargebackRow", "IntegrityCheck", "NetworkOptions",
}


def _public_callables() -> Iterator[Tuple[str, Any]]:
    seen = set()
    for module in (keyscope, keyscope.analytics, keyscope.logs, kp):
        for name in module.__all__:
            obj = getattr(module, name)
            if id(obj) in seen or inspect.ismodule(obj) or not callable(obj):
                continue
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            seen.add(id(obj))
            yield name, obj


def _parameters(name: str, fn: Any, valid: Dict[str, Any]) -> List[str]:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # a compiled class (DDSketch): its arguments are the table's
        return list(valid)
    return [p.name for p in params
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self"]


def _outcome(fn: Callable[..., Any], kwargs: Dict[str, Any]) -> str:
    """'' when the call returned or raised a KeyscopeError, else what went wrong."""
    try:
        fn(**kwargs)
    except keyscope.KeyscopeError:
        return ""
    except BaseException as error:  # noqa: BLE001 - that is the point
        shown = {k: (v if isinstance(v, (int, float, str, bytes, type(None))) else type(v).__name__)
                 for k, v in kwargs.items()}
        return f"{type(error).__name__}: {error} with {shown}"
    return ""


def test_every_public_callable_is_in_the_table() -> None:
    names = {name for name, _ in _public_callables()}
    missing = sorted(names - set(VALID) - PLAIN_CLASSES)
    assert not missing, f"add these public callables to VALID: {missing}"


@pytest.mark.parametrize("name", sorted(VALID))
def test_bad_arguments_raise_keyscope_errors(name: str, data: Dict[str, Any], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a bad path_or_buf such as "x" is written here
    fn = dict(_public_callables())[name]
    valid = VALID[name](data)
    fn(**valid)  # the table is right: the call works as given
    failures = []
    for param in _parameters(name, fn, valid):
        for bad in BAD_VALUES:
            problem = _outcome(fn, {**valid, param: bad})
            if problem:
                failures.append(f"{name}({param}=...): {problem}")
    assert not failures, "\n".join(failures)


def test_sketch_methods_raise_keyscope_errors() -> None:
    sketch = keyscope.DDSketch()
    sketch.add_many([1.0, 2.0, 3.0])
    calls: Dict[str, Tuple[Callable[..., Any], Dict[str, Any]]] = {
        "add": (sketch.copy().add, {"value": 1.0, "count": 1.0}),
        "add_many": (sketch.copy().add_many, {"samples": [1.0]}),
        "merge": (sketch.copy().merge, {"other": sketch}),
        "quantile": (sketch.quantile, {"q": 0.5}),
        "quantiles": (sketch.quantiles, {"qs": [0.5]}),
        "has_same_buckets": (sketch.has_same_buckets, {"other": sketch}),
        "from_json": (keyscope.DDSketch.from_json, {"text": sketch.to_json()}),
    }
    failures = []
    for name, (fn, valid) in calls.items():
        fn(**valid)
        for param in valid:
            for bad in BAD_VALUES:
                problem = _outcome(fn, {**valid, param: bad})
                if problem:
                    failures.append(f"DDSketch.{name}({param}=...): {problem}")
    assert not failures, "\n".join(failures)


def test_client_bad_arguments_raise_keyscope_errors(sandbox_factory, data: Dict[str, Any]) -> None:
    sb = sandbox_factory("--rate-limit", "0")
    failures = []
    ctor = {"base_url": sb.base_url, "session_token": sb.token, "timeout": 5.0, "max_retries": 0}
    for param in ["base_url", "session_token", "timeout", "max_retries", "transport", "strict"]:
        for bad in BAD_VALUES:
            problem = _outcome(lambda **kw: keyscope.Client(**kw).close(), {**ctor, param: bad})
            if problem:
                failures.append(f"Client({param}=...): {problem}")
    key_id = data["keys"][0].id
    with keyscope.Client(**ctor) as client:
        methods: Dict[str, Dict[str, Any]] = {
            "list_keys": {},
            "get_key": {"key_id": key_id},
            "get_usage": {"key_id": key_id, "days": 7},
            "fetch_fleet": {"days": 7, "concurrency": 4},
            "usage_by_key": {"days": 7, "concurrency": 4},
            "reconcile": {"logs": data["log"], "days": 7, "now": NOW},
        }
        for method, valid in methods.items():
            fn = getattr(client, method)
            for param in _parameters(method, fn, valid):
                for bad in BAD_VALUES:
                    problem = _outcome(fn, {**valid, param: bad})
                    if problem:
                        failures.append(f"Client.{method}({param}=...): {problem}")
        for method, valid in RAW_METHODS(key_id).items():
            fn = getattr(client.with_raw_response, method)
            for param in _parameters(method, fn, valid):
                for bad in BAD_VALUES:
                    problem = _outcome(fn, {**valid, param: bad})
                    if problem:
                        failures.append(f"Client.with_raw_response.{method}({param}=...): {problem}")
    assert not failures, "\n".join(failures)


def RAW_METHODS(key_id: str) -> Dict[str, Dict[str, Any]]:  # noqa: N802 - a table
    return {"list_keys": {}, "get_key": {"key_id": key_id}, "get_usage": {"key_id": key_id, "days": 7}}


def test_async_client_bad_arguments_raise_keyscope_errors(sandbox_factory, data: Dict[str, Any]) -> None:
    import asyncio

    sb = sandbox_factory("--rate-limit", "0")
    ctor = {"base_url": sb.base_url, "session_token": sb.token, "timeout": 5.0, "max_retries": 0}
    failures = []
    for param in ["base_url", "session_token", "timeout", "max_retries", "transport", "strict"]:
        for bad in BAD_VALUES:
            problem = _outcome(lambda **kw: keyscope.AsyncClient(**kw).close(), {**ctor, param: bad})
            if problem:
                failures.append(f"AsyncClient({param}=...): {problem}")

    async def walk() -> None:
        async with keyscope.AsyncClient(**ctor) as client:
            key_id = (await client.list_keys())[0].id
            methods: Dict[str, Dict[str, Any]] = {
                "list_keys": {}, "get_key": {"key_id": key_id},
                "get_usage": {"key_id": key_id, "days": 7},
                "fetch_fleet": {"days": 7, "concurrency": 4},
                "usage_by_key": {"days": 7, "concurrency": 4},
                "reconcile": {"logs": data["log"], "days": 7, "now": NOW},
            }
            targets = [(f"AsyncClient.{m}", getattr(client, m), v) for m, v in methods.items()]
            targets += [(f"AsyncClient.with_raw_response.{m}", getattr(client.with_raw_response, m), v)
                        for m, v in RAW_METHODS(key_id).items()]
            for name, fn, valid in targets:
                await fn(**valid)
                for param in _parameters(name, fn, valid):
                    for bad in BAD_VALUES:
                        try:
                            await fn(**{**valid, param: bad})
                        except keyscope.KeyscopeError:
                            pass
                        except BaseException as error:  # noqa: BLE001 - that is the point
                            failures.append(f"{name}({param}=...): {type(error).__name__}: {error}")

    asyncio.run(walk())
    assert not failures, "\n".join(failures)


def test_the_cases_the_review_found() -> None:
    with pytest.raises(keyscope.ValidationError, match="key_prefix must be a string, not NoneType"):
        keyscope.environment_of(None)  # type: ignore[arg-type]
    with pytest.raises(keyscope.ValidationError, match=r"samples\[0\] must be a number, not str"):
        keyscope.percentiles(["1"], [0.5])
    with pytest.raises(keyscope.ValidationError, match="qs must be a list of numbers"):
        keyscope.percentiles([1.0], None)  # type: ignore[arg-type]
    # a mapping is JSON that is not the contract: the core's DecodeError, as tests/vectors says
    with pytest.raises(keyscope.DecodeError):
        keyscope.usage_by_key({}, [])
