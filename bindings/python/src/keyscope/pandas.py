"""pandas DataFrames of keyscope results (``pip install keyscope[pandas]``).

* :func:`daily_frame` - a usage's daily series: ``datetime64[ns, UTC]`` index named ``date``,
  gap-filled to the usage window, columns ``requests``, ``errors`` (int64), ``error_rate``.
* :func:`daily_frames` - several keys' daily series side by side (MultiIndex columns).
* :func:`status_frame` - the status breakdown: ``status`` (int64), ``class`` ("2xx", ...),
  ``count`` (int64), ``share`` (float64).
* :func:`usage_frame` - ``usage_by_key`` rows, one per key.
* :func:`anomalies_frame` - findings, ``severity`` as an ordered categorical.
* :func:`chargeback_frame` - chargeback lines with ``cost`` as Decimal-exact float and cents.
* :func:`keys_frame` - the key list.
* :func:`checks_frame` - ``check_usage`` results, one row per check.
* :func:`fleet_daily_frame` / :func:`fleet_errors_frame` - a :class:`~keyscope.Fleet`'s daily
  series (one column group per key id) and the keys whose usage failed (``errors="collect"``).

The results have a ``to_pandas()`` that calls these: ``client.list_keys().to_pandas()``,
``usage.to_pandas()`` (``"daily"`` or ``"status"``), ``fleet.to_pandas()`` (``"usage"``,
``"keys"``, ``"daily"``, ``"errors"``), the lists returned by ``usage_by_key``,
``detect_anomalies``, ``chargeback`` and ``check_usage``, ``LogSummary`` and ``Reconciliation``.
* :func:`log_usages_frame` / :func:`log_daily_frame` / :func:`bad_lines_frame` - a
  :class:`~keyscope.LogSummary` (usage from your logs): one row per key, per key and day, per
  bad-line kind. ``summary.to_pandas(table)`` calls them.
* :func:`reconcile_findings_frame` / :func:`reconcile_keys_frame` - a
  :class:`~keyscope.Reconciliation`: findings (``severity`` ordered, ``day`` UTC) and the
  per-key agreement. ``reconciliation.to_pandas(table)`` calls them.
* :func:`to_csv` / :func:`csv_safe` - CSV without formula injection: use ``kp.to_csv(frame, path)``
  rather than ``frame.to_csv(path)`` for any frame holding key names, ids or cost centers.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from ._errors import MissingDependencyError

try:
    import pandas as pd
except ImportError as exc:  # depends on the environment; test_frames.py hides pandas to check it
    raise MissingDependencyError("keyscope.pandas and to_pandas() need pandas: "
                                 "pip install 'keyscope[pandas]'", code="missing_dependency") from exc

from . import _arguments as arg
from ._errors import ValidationError
from ._models import APIKeyInfo, Fleet, KeyList, KeyUsage, LogSummary, Reconciliation
from .analytics import ChargebackRow, Finding, IntegrityCheck, UsageRow, gap_fill

__all__ = ["daily_frame", "daily_frames", "status_frame", "usage_frame", "anomalies_frame",
           "chargeback_frame", "keys_frame", "checks_frame", "fleet_daily_frame",
           "fleet_errors_frame", "csv_safe", "to_csv", "log_usages_frame", "log_daily_frame",
           "bad_lines_frame", "reconcile_findings_frame", "reconcile_keys_frame"]

_SEVERITIES = ["info", "warning", "critical"]


def _utc_index(dates: Sequence[date], name: str = "date") -> "pd.DatetimeIndex":
    index = pd.DatetimeIndex(pd.to_datetime([d.isoformat() for d in dates], utc=True), name=name)
    return index.astype("datetime64[ns, UTC]")  # pandas 3 would infer microseconds


def daily_frame(usage: KeyUsage, end_date: Union[None, str, date] = None,
                fill: bool = True) -> "pd.DataFrame":
    """One row per day of the window, ascending. With ``fill`` (default) missing days are zero
    rows and the series ends at ``end_date`` (default: the newest day sent, else today UTC)."""
    arg.require(usage, KeyUsage, "usage", "a KeyUsage")
    arg.require(fill, bool, "fill", "True or False")
    buckets = list(usage.daily)
    if fill:
        if end_date is None:
            end_date = max((b.date for b in buckets), default=datetime.now(timezone.utc).date())
        buckets = gap_fill(buckets, usage.window_days, end_date)
    else:
        buckets.sort(key=lambda b: b.date)
    requests = pd.array([b.requests for b in buckets], dtype="int64")
    errors = pd.array([b.errors for b in buckets], dtype="int64")
    frame = pd.DataFrame({"requests": requests, "errors": errors},
                         index=_utc_index([b.date for b in buckets]))
    with_traffic = frame["requests"].where(frame["requests"] > 0)
    frame["error_rate"] = (frame["errors"] / with_traffic).fillna(0.0).astype("float64")
    return frame


def daily_frames(usages: Mapping[str, KeyUsage], end_date: Union[None, str, date] = None,
                 column: Optional[str] = None) -> "pd.DataFrame":
    """Several keys' daily series on one UTC index; columns ``(label, requests|errors|error_rate)``
    or, with ``column="requests"``, one column per label."""
    arg.require(usages, Mapping, "usages", "a dict of label -> KeyUsage")
    if column is not None and column not in ("requests", "errors", "error_rate"):
        raise ValidationError(f"column must be 'requests', 'errors', 'error_rate' or None, not {column!r}",
                              code="invalid_argument")
    for label, u in usages.items():
        if not isinstance(u, KeyUsage):
            raise ValidationError(f"usages[{label!r}] must be a KeyUsage, not {type(u).__name__}",
                                  code="invalid_argument")
    frames = {label: daily_frame(u, end_date) for label, u in usages.items()}
    if not frames:
        return pd.DataFrame(index=_utc_index([]))
    combined = pd.concat(frames, axis=1).fillna(0)
    for label in frames:
        for c in ("requests", "errors"):
            combined[(label, c)] = combined[(label, c)].astype("int64")
    if column is not None:
        combined = combined.xs(column, axis=1, level=1)
    return combined


def _status_class(code: int) -> str:
    return f"{code // 100}xx" if 100 <= code <= 599 else "other"


def status_frame(usage: KeyUsage) -> "pd.DataFrame":
    """The by_status breakdown, by status code ascending."""
    arg.require(usage, KeyUsage, "usage", "a KeyUsage")
    items = sorted((int(k), int(v)) for k, v in usage.by_status.items() if str(k).isdigit())
    total = sum(v for _, v in items)
    return pd.DataFrame({
        "status": pd.array([k for k, _ in items], dtype="int64"),
        "class": pd.array([_status_class(k) for k, _ in items], dtype="string"),
        "count": pd.array([v for _, v in items], dtype="int64"),
        "share": pd.array([(v / total) if total else 0.0 for _, v in items], dtype="float64"),
    })


def _ts_series(values: Iterable[Optional[datetime]]) -> "pd.Series":
    return pd.Series(pd.to_datetime([v.isoformat() if v else None for v in values], utc=True)
                     ).astype("datetime64[ns, UTC]")


def usage_frame(rows: Sequence[UsageRow]) -> "pd.DataFrame":
    """``usage_by_key`` rows; ``top_endpoint`` is the busiest endpoint's path."""
    rows = arg.instances(rows, UsageRow, "rows", "a list of UsageRow (usage_by_key())")
    return pd.DataFrame({
        "key_id": pd.array([r.key_id for r in rows], dtype="string"),
        "name": pd.array([r.name for r in rows], dtype="string"),
        "prefix": pd.array([r.prefix for r in rows], dtype="string"),
        "environment": pd.Categorical([r.environment for r in rows],
                                      categories=["live", "test", "unknown"]),
        "tier": pd.array([r.tier for r in rows], dtype="string"),
        "request_count": pd.array([r.request_count for r in rows], dtype="int64"),
        "error_count": pd.array([r.error_count for r in rows], dtype="int64"),
        "error_rate": pd.array([r.error_rate for r in rows], dtype="float64"),
        "latency_p95_ms": pd.array([r.latency_p95_ms for r in rows], dtype="Float64"),
        "top_endpoint": pd.array([r.endpoint_distribution[0].path if r.endpoint_distribution
                                  else None for r in rows], dtype="string"),
        "last_activity": _ts_series(r.last_activity for r in rows).array,
    })


def anomalies_frame(findings: Sequence[Finding]) -> "pd.DataFrame":
    """Findings in the detector's order; metrics are kept as a dict column."""
    findings = arg.instances(findings, Finding, "findings", "a list of Finding (detect_anomalies())")
    return pd.DataFrame({
        "severity": pd.Categorical([f.severity for f in findings], categories=_SEVERITIES,
                                   ordered=True),
        "kind": pd.array([f.kind for f in findings], dtype="string"),
        "key_name": pd.array([f.key_name for f in findings], dtype="string"),
        "key_prefix": pd.array([f.key_prefix for f in findings], dtype="string"),
        "key_id": pd.array([f.key_id for f in findings], dtype="string"),
        "reason": pd.array([f.reason for f in findings], dtype="string"),
        "metrics": pd.Series([dict(f.metrics) for f in findings], dtype="object"),
    })


def chargeback_frame(lines: Sequence[ChargebackRow]) -> "pd.DataFrame":
    """Chargeback lines; ``cost_cents`` (int64) sums to the bill exactly."""
    lines = arg.instances(lines, ChargebackRow, "lines", "a list of ChargebackRow (chargeback())")
    return pd.DataFrame({
        "cost_center": pd.array([r.cost_center for r in lines], dtype="string"),
        "keys": pd.array([len(r.key_ids) for r in lines], dtype="int64"),
        "requests": pd.array([r.requests for r in lines], dtype="int64"),
        "share": pd.array([r.share for r in lines], dtype="float64"),
        "cost_cents": pd.array([r.cost_cents for r in lines], dtype="int64"),
        "cost": pd.array([r.cost_cents / 100 for r in lines], dtype="float64"),
    })


def keys_frame(keys: Union[KeyList, Sequence[APIKeyInfo]]) -> "pd.DataFrame":
    """The key list, one row per key (revoked ones included)."""
    items = arg.instances(keys, APIKeyInfo, "keys", "a KeyList or a list of APIKeyInfo")
    return pd.DataFrame({
        "id": pd.array([k.id for k in items], dtype="string"),
        "name": pd.array([k.name for k in items], dtype="string"),
        "key_prefix": pd.array([k.key_prefix for k in items], dtype="string"),
        "environment": pd.Categorical([k.environment for k in items],
                                      categories=["live", "test", "unknown"]),
        "tier": pd.array([k.tier for k in items], dtype="string"),
        "total_requests": pd.array([k.total_requests for k in items], dtype="int64"),
        "revoked": pd.array([k.revoked for k in items], dtype="bool"),
        "created_at": _ts_series(k.created_at for k in items).array,
        "last_used_at": _ts_series(k.last_used_at for k in items).array,
        "expires_at": _ts_series(k.expires_at for k in items).array,
    })


def checks_frame(checks: Sequence[IntegrityCheck]) -> "pd.DataFrame":
    """``check_usage`` results in its order: ``check``, ``ok`` (bool), ``expected``, ``actual``,
    ``message``."""
    checks = arg.instances(checks, IntegrityCheck, "checks", "a list of IntegrityCheck (check_usage())")
    return pd.DataFrame({
        "check": pd.array([c.check for c in checks], dtype="string"),
        "ok": pd.array([c.ok for c in checks], dtype="bool"),
        "expected": pd.array([c.expected for c in checks], dtype="string"),
        "actual": pd.array([c.actual for c in checks], dtype="string"),
        "message": pd.array([c.message for c in checks], dtype="string"),
    })


def fleet_daily_frame(fleet: Fleet, end_date: Union[None, str, date] = None,
                      column: Optional[str] = None) -> "pd.DataFrame":
    """Every fetched key's daily series on one UTC index (:func:`daily_frames` labelled by key
    id); ``end_date`` defaults to the newest day any key sent."""
    arg.require(fleet, Fleet, "fleet", "a Fleet (fetch_fleet())")
    if end_date is None:
        end_date = max((b.date for u in fleet.usages for b in u.daily), default=None)
    return daily_frames({u.key_id: u for u in fleet.usages}, end_date, column)


def fleet_errors_frame(fleet: Fleet) -> "pd.DataFrame":
    """The keys whose usage failed in ``fetch_fleet(errors="collect")``, in key order:
    ``key_id``, ``error`` (the exception class), ``code``, ``status``, ``request_id``,
    ``message`` (redacted, as the exception's)."""
    items = list(arg.require(fleet, Fleet, "fleet", "a Fleet (fetch_fleet())").errors)
    return pd.DataFrame({
        "key_id": pd.array([e.key_id for e in items], dtype="string"),
        "error": pd.array([type(e.error).__name__ for e in items], dtype="string"),
        "code": pd.array([e.error.code for e in items], dtype="string"),
        "status": pd.array([e.error.status for e in items], dtype="int64"),
        "request_id": pd.array([e.error.request_id for e in items], dtype="string"),
        "message": pd.array([e.error.message for e in items], dtype="string"),
    })


# CSV formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with
# =, +, -, @, tab or CR as a formula, so a key named =HYPERLINK(...) would become a live formula
# in the CSV of whoever opens it. Text cells (and text column labels, e.g. daily_frames' key
# names) that start with one get a leading '. Number, boolean and datetime columns are left as
# they are, so -3 stays a number a spreadsheet can sum.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _guard(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _guard_labels(index: "pd.Index") -> "pd.Index":
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(_guard(v) for v in t) for t in index],
                                         names=index.names)
    if _is_text(index.dtype):
        return pd.Index([_guard(v) for v in index], name=index.name, dtype=object)
    return index


def _is_text(dtype: Any) -> bool:
    return (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype))


def csv_safe(frame: "pd.DataFrame") -> "pd.DataFrame":
    """A copy of ``frame`` whose text cells and text labels cannot run as spreadsheet formulas:
    a string starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``. Numeric,
    boolean and datetime columns are unchanged."""
    arg.require(frame, pd.DataFrame, "frame", "a pandas DataFrame")
    out = frame.copy()
    for position, dtype in enumerate(frame.dtypes):
        if _is_text(dtype):
            out.isetitem(position, frame.iloc[:, position].astype(object).map(_guard))
    out.columns = _guard_labels(frame.columns)
    out.index = _guard_labels(frame.index)
    return out


def to_csv(frame: "pd.DataFrame", path_or_buf: Any = None, **kwargs: Any) -> Optional[str]:
    """``frame.to_csv(path_or_buf, **kwargs)`` of :func:`csv_safe` ``(frame)``: the same
    arguments and return value as pandas' own, with formula-like text neutralised. Lines end
    with CRLF (RFC 4180) unless ``lineterminator`` is given: with ``"\n"`` Python's csv writer
    leaves a CR inside a cell unquoted, and a reader would start a new row there."""
    kwargs.setdefault("lineterminator", "\r\n")
    safe = csv_safe(frame)
    arg.path_or_buffer(path_or_buf, "path_or_buf")
    try:
        return safe.to_csv(path_or_buf, **kwargs)
    except OSError as error:
        raise ValidationError(f"cannot write the CSV: {error.strerror or type(error).__name__}",
                              code="csv_unwritable") from None


# -- logs and reconciliation (keyscope.logs, Client.reconcile) ---------------------------------
# Keys appear as ids or prefixes only: the core cut every full secret to its prefix when the line
# was read, so nothing here can hold one.

def log_usages_frame(summary: LogSummary) -> "pd.DataFrame":
    """One row per key of a log summary (the API's usage shape, flattened): ``key_id`` (the key's
    id when the key list mapped its prefix, else the prefix), totals, error rate, latency
    percentiles (``Float64``, NA without samples), peaks and the busiest endpoint."""
    rows = list(arg.require(summary, LogSummary, "summary", "a LogSummary").usages)
    errors = [u.client_errors + u.server_errors for u in rows]
    return pd.DataFrame({
        "key_id": pd.array([u.key_id for u in rows], dtype="string"),
        "requests": pd.array([u.total_requests for u in rows], dtype="int64"),
        "successful": pd.array([u.successful for u in rows], dtype="int64"),
        "client_errors": pd.array([u.client_errors for u in rows], dtype="int64"),
        "server_errors": pd.array([u.server_errors for u in rows], dtype="int64"),
        "error_rate": pd.array([(e / u.total_requests) if u.total_requests else 0.0
                                for e, u in zip(errors, rows)], dtype="float64"),
        "avg_response_time_ms": pd.array([u.avg_response_time_ms for u in rows], dtype="Float64"),
        "latency_p50_ms": pd.array([u.latency_p50_ms for u in rows], dtype="Float64"),
        "latency_p95_ms": pd.array([u.latency_p95_ms for u in rows], dtype="Float64"),
        "latency_p99_ms": pd.array([u.latency_p99_ms for u in rows], dtype="Float64"),
        "peak_per_minute": pd.array([u.rate_limit_peak_per_minute for u in rows], dtype="Int64"),
        "peak_per_day": pd.array([u.rate_limit_peak_per_day for u in rows], dtype="Int64"),
        "top_endpoint": pd.array([u.top_endpoints[0].path if u.top_endpoints else None
                                  for u in rows], dtype="string"),
    })


def log_daily_frame(summary: LogSummary) -> "pd.DataFrame":
    """One row per key and UTC day with traffic: ``key_id``, ``date`` (``datetime64[ns, UTC]``),
    ``requests``, ``errors``; by key, then date."""
    arg.require(summary, LogSummary, "summary", "a LogSummary")
    records = sorted(((u.key_id, b.date, b.requests, b.errors) for u in summary.usages
                      for b in u.daily), key=lambda r: (r[0], r[1]))
    return pd.DataFrame({
        "key_id": pd.array([r[0] for r in records], dtype="string"),
        "date": _utc_index([r[1] for r in records]).to_series(index=range(len(records))),
        "requests": pd.array([r[2] for r in records], dtype="int64"),
        "errors": pd.array([r[3] for r in records], dtype="int64"),
    })


def bad_lines_frame(summary: LogSummary) -> "pd.DataFrame":
    """Lines not counted, one row per kind: ``kind``, ``count``, ``first_lines`` (a list)."""
    items = list(arg.require(summary, LogSummary, "summary", "a LogSummary").bad_lines)
    return pd.DataFrame({
        "kind": pd.array([b.kind for b in items], dtype="string"),
        "count": pd.array([b.count for b in items], dtype="int64"),
        "first_lines": pd.Series([list(b.first_lines) for b in items], dtype="object"),
    })


def reconcile_findings_frame(reconciliation: Reconciliation) -> "pd.DataFrame":
    """One row per finding in the reconciliation's order (critical first): ``severity`` (ordered
    categorical), ``kind``, key columns, ``day`` (``datetime64[ns, UTC]``, NaT for findings that
    are not per day), both sides' requests and errors, ``difference`` (logs - API), ``reason``."""
    items = list(arg.require(reconciliation, Reconciliation, "reconciliation", "a Reconciliation").findings)
    days = pd.to_datetime([f.day.isoformat() if f.day else None for f in items], utc=True)
    return pd.DataFrame({
        "severity": pd.Categorical([f.severity for f in items], categories=_SEVERITIES, ordered=True),
        "kind": pd.array([f.kind for f in items], dtype="string"),
        "key_id": pd.array([f.key_id for f in items], dtype="string"),
        "key_name": pd.array([f.key_name for f in items], dtype="string"),
        "key_prefix": pd.array([f.key_prefix for f in items], dtype="string"),
        "day": pd.Series(days).astype("datetime64[ns, UTC]").array,
        "api_requests": pd.array([f.api_requests for f in items], dtype="int64"),
        "log_requests": pd.array([f.log_requests for f in items], dtype="int64"),
        "difference": pd.array([f.log_requests - f.api_requests for f in items], dtype="int64"),
        "api_errors": pd.array([f.api_errors for f in items], dtype="int64"),
        "log_errors": pd.array([f.log_errors for f in items], dtype="int64"),
        "reason": pd.array([f.reason for f in items], dtype="string"),
    })


def reconcile_keys_frame(reconciliation: Reconciliation) -> "pd.DataFrame":
    """One row per key: both sides' requests over the window, days compared and agreeing,
    ``agreement`` (share of days agreeing) and ``drift`` ((logs - API) / API, NA when the API
    counted none)."""
    items = list(arg.require(reconciliation, Reconciliation, "reconciliation", "a Reconciliation").keys)
    return pd.DataFrame({
        "key_id": pd.array([k.key_id for k in items], dtype="string"),
        "key_name": pd.array([k.key_name for k in items], dtype="string"),
        "key_prefix": pd.array([k.key_prefix for k in items], dtype="string"),
        "api_requests": pd.array([k.api_requests for k in items], dtype="int64"),
        "log_requests": pd.array([k.log_requests for k in items], dtype="int64"),
        "days_compared": pd.array([k.days_compared for k in items], dtype="int64"),
        "days_agreeing": pd.array([k.days_agreeing for k in items], dtype="int64"),
        "agreement": pd.array([k.agreement for k in items], dtype="float64"),
        "drift": pd.array([k.drift for k in items], dtype="Float64"),
    })
