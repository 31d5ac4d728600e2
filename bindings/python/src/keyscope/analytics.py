"""Analytics over the API models, computed by the C++ core through the same JSON entry points
the WebAssembly package and the shared test vectors use, so results are identical in C++, JS
and Python. Pure functions, no I/O.

Inputs may be keyscope models (``APIKeyInfo``, ``KeyUsage``, a ``Fleet``, ``UsageRow``) or
plain dicts in the API's JSON shape. Bad arguments raise :class:`keyscope.ValidationError`;
input that is not the contract raises :class:`keyscope.DecodeError` naming the JSON path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _arguments as arg
from . import _core
from ._model_behaviour import _parse_ts, _ts_text
from ._models import DailyBucket, Fleet, KeyFetchError, KeyList, KeyUsage
from ._quantiles import percentile, percentiles, quantile

__all__ = [
    "EndpointShare",
    "UsageRow",
    "UsageRows",
    "Finding",
    "Findings",
    "ChargebackRow",
    "ChargebackRows",
    "IntegrityCheck",
    "IntegrityChecks",
    "DDSketch",
    "environment_of",
    "usage_by_key",
    "detect_anomalies",
    "chargeback",
    "check_usage",
    "gap_fill",
    "percentile",
    "quantile",
    "percentiles",
    "run_helper",
]

DDSketch = _core.DDSketch
"""Mergeable streaming quantile sketch (DDSketch, relative-error guarantee), the C++ one."""


@dataclass(frozen=True)
class EndpointShare:
    path: str
    count: int
    share: float


@dataclass(frozen=True)
class UsageRow:
    """One active key's usage over the window (``usage_by_key``)."""

    key_id: str
    name: str
    prefix: str
    environment: str
    tier: str
    request_count: int
    error_count: int
    error_rate: float
    endpoint_distribution: Tuple[EndpointShare, ...]
    latency_p95_ms: Optional[float]
    last_activity: Optional[datetime]

    def to_dict(self) -> Dict[str, Any]:
        return {
            "key_id": self.key_id, "name": self.name, "prefix": self.prefix,
            "environment": self.environment, "tier": self.tier,
            "request_count": self.request_count, "error_count": self.error_count,
            "error_rate": self.error_rate,
            "endpoint_distribution": [{"path": e.path, "count": e.count, "share": e.share}
                                      for e in self.endpoint_distribution],
            "latency_p95_ms": self.latency_p95_ms,
            "last_activity": _ts_text(self.last_activity),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "UsageRow":
        return cls(
            d["key_id"], d.get("name", ""), d.get("prefix", ""), d.get("environment", "unknown"),
            d.get("tier", ""), int(d.get("request_count", 0)), int(d.get("error_count", 0)),
            float(d.get("error_rate", 0.0)),
            tuple(EndpointShare(e["path"], int(e["count"]), float(e["share"]))
                  for e in d.get("endpoint_distribution") or ()),
            None if d.get("latency_p95_ms") is None else float(d["latency_p95_ms"]),
            _parse_ts(d.get("last_activity")),
        )


class UsageRows(List[UsageRow]):
    """The rows of ``Client.usage_by_key``: a plain list of :class:`UsageRow`, plus ``errors``,
    the keys left out because their usage failed (``errors="collect"``; always empty with the
    default ``errors="raise"``, which raises the first failure instead)."""

    errors: Tuple[KeyFetchError, ...]

    def __init__(self, rows: Iterable[UsageRow] = (), errors: Iterable[KeyFetchError] = ()) -> None:
        super().__init__(rows)
        self.errors = tuple(errors)

    def to_pandas(self) -> Any:
        """One row per key (:func:`keyscope.pandas.usage_frame`; ``keyscope[pandas]``)."""
        from ._frames import build

        return build("usage_frame", self)


@dataclass(frozen=True)
class Finding:
    """One anomaly: ``kind`` (spike, dormant_reactivated, error_burst, rate_limit_pressure,
    test_key_production_traffic, expiring_soon, expired_not_revoked, never_used, stale),
    ``severity`` (info, warning, critical), the numbers behind it and a one-line reason."""

    key_id: str
    key_name: str
    key_prefix: str
    kind: str
    severity: str
    metrics: Dict[str, float]
    reason: str

    def __hash__(self) -> int:
        return hash((self.key_id, self.kind, self.severity, self.reason))

    def to_dict(self) -> Dict[str, Any]:
        return {"key_id": self.key_id, "key_name": self.key_name, "key_prefix": self.key_prefix,
                "kind": self.kind, "severity": self.severity, "metrics": dict(self.metrics),
                "reason": self.reason}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Finding":
        return cls(d["key_id"], d.get("key_name", ""), d.get("key_prefix", ""), d["kind"],
                   d["severity"], dict(d.get("metrics") or {}), d.get("reason", ""))


class Findings(List[Finding]):
    """What :func:`detect_anomalies` returns: a plain list of :class:`Finding` with
    ``to_pandas()``."""

    def to_pandas(self) -> Any:
        """One row per finding, ``severity`` an ordered categorical
        (:func:`keyscope.pandas.anomalies_frame`)."""
        from ._frames import build

        return build("anomalies_frame", self)


@dataclass(frozen=True)
class ChargebackRow:
    """One cost center's share of the bill; ``cost_cents`` sum to the bill exactly."""

    cost_center: str
    key_ids: Tuple[str, ...]
    requests: int
    share: float
    cost_cents: int

    @property
    def cost(self) -> Decimal:
        return (Decimal(self.cost_cents) / 100).quantize(Decimal("0.01"))

    def to_dict(self) -> Dict[str, Any]:
        return {"cost_center": self.cost_center, "keys": len(self.key_ids),
                "key_ids": list(self.key_ids), "requests": self.requests, "share": self.share,
                "cost_cents": self.cost_cents, "cost": f"{self.cost:.2f}"}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ChargebackRow":
        return cls(d["cost_center"], tuple(d.get("key_ids") or ()), int(d["requests"]),
                   float(d["share"]), int(d["cost_cents"]))


class ChargebackRows(List[ChargebackRow]):
    """What :func:`chargeback` returns: a plain list of :class:`ChargebackRow` with
    ``to_pandas()``."""

    def to_pandas(self) -> Any:
        """One row per cost center (:func:`keyscope.pandas.chargeback_frame`)."""
        from ._frames import build

        return build("chargeback_frame", self)


@dataclass(frozen=True)
class IntegrityCheck:
    check: str
    ok: bool
    expected: str
    actual: str
    message: str

    def to_dict(self) -> Dict[str, Any]:
        return {"check": self.check, "ok": self.ok, "expected": self.expected,
                "actual": self.actual, "message": self.message}


class IntegrityChecks(List[IntegrityCheck]):
    """What :func:`check_usage` returns: a plain list of :class:`IntegrityCheck` with
    ``to_pandas()``."""

    def to_pandas(self) -> Any:
        """One row per check (:func:`keyscope.pandas.checks_frame`)."""
        from ._frames import build

        return build("checks_frame", self)


# -- plumbing -------------------------------------------------------------------------------

def _plain(obj: Any) -> Any:
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return obj


def _json_array(value: Any, name: str) -> Any:
    """A list of models or dicts in the API's shape, as plain JSON data. A mapping is passed on
    as it is: it is JSON, just not the contract, so the core names the path (a DecodeError, as
    the shared vectors expect); any other type is a ValidationError."""
    if isinstance(value, Mapping):
        return dict(value)
    return [_plain(item) for item in arg.sequence(value, name, "a list (or a Fleet / KeyList)")]


def _keys_usages(keys: Any, usages: Any) -> Dict[str, Any]:
    if isinstance(keys, Fleet):
        if usages is not None:
            from ._errors import ValidationError

            raise ValidationError("pass either a Fleet or keys and usages, not both",
                                  code="invalid_argument")
        failed = set(keys.failed_key_ids)
        return {"keys": [k.to_dict() for k in keys.keys if k.id not in failed],
                "usages": [u.to_dict() for u in keys.usages]}
    if isinstance(keys, KeyList):
        keys = keys.data
    return {"keys": _json_array(keys, "keys"),
            "usages": [] if usages is None else _json_array(usages, "usages")}


def _fleet_input(keys: Any, usages: Any) -> str:
    if isinstance(keys, Fleet) and usages is None and keys._analytics_input is not None:
        return keys._analytics_input
    return arg.json_text(_keys_usages(keys, usages), "keys and usages")


def _merge_input(base: str, extra: Dict[str, Any]) -> str:
    if not extra:
        return base
    tail = arg.json_text(extra, "options")
    return base.rstrip()[:-1] + "," + tail[1:]


def run_helper(helper: str, input: Union[str, Mapping[str, Any]]) -> Any:  # noqa: A002
    """Runs one analytics helper on JSON input (as in tests/vectors) and returns parsed JSON."""
    arg.text(helper, "helper")
    if isinstance(input, str):
        text = input
    else:
        text = arg.json_text(arg.require(input, Mapping, "input", "a JSON string or a dict"), "input")
    return json.loads(_core.run_helper(helper, text))


def _now_text(now: Union[None, str, datetime]) -> str:
    if now is None:
        now = datetime.now(timezone.utc)
    if isinstance(now, str):
        return now
    return _ts_text(arg.require(now, datetime, "now", "a datetime, an ISO-8601 string or None")) or ""


# -- the helpers ----------------------------------------------------------------------------

def environment_of(key_prefix: str) -> str:
    """``sk_live_...`` -> ``"live"``, ``sk_test_...`` -> ``"test"``, else ``"unknown"``."""
    return str(_core.environment_of(arg.text(key_prefix, "key_prefix")))


def usage_by_key(keys: Any, usages: Optional[Sequence[Any]] = None) -> UsageRows:
    """One row per active key (zero-traffic keys included), by request count desc then name.

    ``usage_by_key(fleet)`` or ``usage_by_key(keys, usages)``; ``.to_pandas()`` on the result."""
    out = json.loads(_core.run_helper("usage_by_key", _fleet_input(keys, usages)))
    return UsageRows(UsageRow.from_dict(r) for r in out)


def detect_anomalies(keys: Any, usages: Optional[Sequence[Any]] = None, *,
                     now: Union[None, str, datetime] = None, **options: float) -> Findings:
    """Findings for every active key, most severe first. ``now`` defaults to the current time;
    thresholds are keyword arguments named as in the C++ ``AnomalyOptions`` (e.g.
    ``spike_min_ratio=3``); an unknown name is a ValidationError."""
    extra: Dict[str, Any] = {"now": _now_text(now)}
    if options:
        extra["options"] = options
    text = _merge_input(_fleet_input(keys, usages), extra)
    return Findings(Finding.from_dict(f) for f in json.loads(_core.run_helper("detect_anomalies", text)))


def chargeback(rows: Any, bill: Union[str, Decimal, None] = None, *,
               bill_cents: Optional[int] = None, by_key: Optional[Mapping[str, str]] = None,
               name_pattern: Optional[str] = None,
               usages: Optional[Sequence[Any]] = None) -> ChargebackRows:
    """Splits a bill across cost centers by request share (largest-remainder rounding: the
    costs sum to the bill exactly, to the cent).

    ``rows``: ``usage_by_key`` rows, a Fleet, or keys (with ``usages=``). ``bill``: a string or
    Decimal like ``"1234.56"``, or ``bill_cents=123456``. Mapping: ``by_key`` (key id or name ->
    center), then ``name_pattern`` (a regex with one capture group searched in the key name);
    everything else goes to ``"unallocated"``."""
    payload: Dict[str, Any]
    if isinstance(rows, Fleet) or usages is not None:
        payload = _keys_usages(rows, usages)
    else:
        payload = {"rows": [_plain(r) for r in arg.items(rows, "rows", "a list of usage_by_key rows "
                                                                  "or a Fleet")]}
    if (bill is None) == (bill_cents is None):
        from ._errors import ValidationError

        raise ValidationError("give exactly one of bill or bill_cents", code="invalid_argument")
    if bill is not None and not isinstance(bill, (str, Decimal)):
        from ._errors import ValidationError

        raise ValidationError('bill must be a string like "1234.56" or a Decimal (or use bill_cents)',
                              code="invalid_argument")
    if bill is not None:
        payload["bill"] = f"{bill:.2f}" if isinstance(bill, Decimal) else str(bill)
    else:
        payload["bill_cents"] = arg.integer(bill_cents, "bill_cents")
    mapping: Dict[str, Any] = {}
    if by_key is not None:
        arg.require(by_key, Mapping, "by_key", "a dict of key id or name -> cost center")
    if by_key:
        mapping["by_key"] = dict(by_key)
    if name_pattern is not None:
        mapping["name_pattern"] = arg.text(name_pattern, "name_pattern")
    if mapping:
        payload["mapping"] = mapping
    return ChargebackRows(ChargebackRow.from_dict(r) for r in run_helper("chargeback", payload))


def check_usage(usage: Union[KeyUsage, Mapping[str, Any]],
                end_date: Union[None, str, date] = None) -> IntegrityChecks:
    """Integrity checks of one usage payload (totals, by_status sums, success_rate, daily series)."""
    arg.require(usage, (KeyUsage, Mapping), "usage", "a KeyUsage or a dict in the API's shape")
    payload: Dict[str, Any] = {"usage": _plain(usage)}
    if end_date is not None:
        payload["end_date"] = arg.date_text(end_date, "end_date")
    return IntegrityChecks(IntegrityCheck(c["check"], bool(c["ok"]), c["expected"], c["actual"],
                                          c["message"]) for c in run_helper("check_usage", payload))


def gap_fill(daily: Iterable[Union[DailyBucket, Mapping[str, Any]]], window_days: int,
             end_date: Union[str, date]) -> List[DailyBucket]:
    """An ascending series of exactly ``window_days`` buckets ending at ``end_date``, zeros where
    the API sent none."""
    payload = {"daily": [_plain(b) for b in arg.items(daily, "daily", "a list of DailyBucket")],
               "window_days": arg.integer(window_days, "window_days"),
               "end_date": arg.date_text(end_date, "end_date")}
    return [DailyBucket.from_dict(b) for b in run_helper("gap_fill", payload)]
