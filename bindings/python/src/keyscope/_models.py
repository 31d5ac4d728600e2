"""Typed, immutable models of the API contract (frozen dataclasses).

Instances returned by a :class:`keyscope.Client` are built by the C++ core directly from its
decoded structs. Timestamps are timezone-aware UTC :class:`~datetime.datetime` objects, calendar
dates are :class:`~datetime.date`. ``to_dict()`` gives the API's JSON shape back (ISO-8601 text),
``from_dict()`` reads it. No model ever holds a secret: keys are identified by their prefix.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

__all__ = [
    "DailyBucket",
    "EndpointCount",
    "HourBucket",
    "APIKeyInfo",
    "APIKeyDetails",
    "KeyList",
    "KeyUsage",
    "RateLimit",
    "Response",
    "Fleet",
    "decode_key_list",
    "decode_key_details",
    "decode_key_usage",
]

_UTC = timezone.utc


def _ts_text(value: Optional[datetime]) -> Optional[str]:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(_UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_ts(value: Any) -> Optional[datetime]:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=_UTC)
    text = str(value)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_UTC)
    return parsed.astimezone(_UTC)


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _opt_int(value: Any) -> Optional[int]:
    return None if value is None else int(value)


def _opt_float(value: Any) -> Optional[float]:
    return None if value is None else float(value)


@dataclass(frozen=True)
class DailyBucket:
    date: date
    requests: int
    errors: int

    def to_dict(self) -> Dict[str, Any]:
        return {"date": self.date.isoformat(), "requests": self.requests, "errors": self.errors}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "DailyBucket":
        return cls(_parse_date(d["date"]), int(d.get("requests", 0)), int(d.get("errors", 0)))


@dataclass(frozen=True)
class EndpointCount:
    path: str
    count: int

    def to_dict(self) -> Dict[str, Any]:
        return {"path": self.path, "count": self.count}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "EndpointCount":
        return cls(str(d["path"]), int(d.get("count", 0)))


@dataclass(frozen=True)
class HourBucket:
    hour: datetime
    count: int

    def to_dict(self) -> Dict[str, Any]:
        return {"hour": _ts_text(self.hour), "count": self.count}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "HourBucket":
        hour = _parse_ts(d["hour"])
        assert hour is not None
        return cls(hour, int(d.get("count", 0)))


@dataclass(frozen=True)
class APIKeyInfo:
    """One API key as listed. ``key_prefix`` is a display prefix (``sk_live_zIc8``), never the secret."""

    id: str
    key_prefix: str
    name: str
    tier: str
    scopes: Tuple[str, ...]
    rate_limit_per_minute: Optional[int]
    rate_limit_per_day: Optional[int]
    total_requests: int
    last_used_at: Optional[datetime]
    created_at: Optional[datetime]
    expires_at: Optional[datetime]
    revoked_at: Optional[datetime]

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def environment(self) -> str:
        """``"live"``, ``"test"`` or ``"unknown"``, from the prefix."""
        if self.key_prefix.startswith("sk_live_"):
            return "live"
        if self.key_prefix.startswith("sk_test_"):
            return "test"
        return "unknown"

    def _info_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {
            "id": self.id,
            "key_prefix": self.key_prefix,
            "name": self.name,
            "tier": self.tier,
            "scopes": list(self.scopes),
            "total_requests": self.total_requests,
            "last_used_at": _ts_text(self.last_used_at),
            "created_at": _ts_text(self.created_at),
            "expires_at": _ts_text(self.expires_at),
            "revoked_at": _ts_text(self.revoked_at),
        }
        if self.rate_limit_per_minute is not None:
            d["rate_limit_per_minute"] = self.rate_limit_per_minute
        if self.rate_limit_per_day is not None:
            d["rate_limit_per_day"] = self.rate_limit_per_day
        if d["created_at"] is None:
            del d["created_at"]
        return d

    def to_dict(self) -> Dict[str, Any]:
        return self._info_dict()

    @staticmethod
    def _info_args(d: Mapping[str, Any]) -> Tuple[Any, ...]:
        prefix = d.get("key_prefix")
        if prefix is None:
            prefix = d.get("key_preview", "")
        return (
            str(d["id"]), str(prefix), str(d.get("name", "")), str(d.get("tier", "")),
            tuple(str(s) for s in d.get("scopes") or ()),
            _opt_int(d.get("rate_limit_per_minute")), _opt_int(d.get("rate_limit_per_day")),
            int(d.get("total_requests") or 0),
            _parse_ts(d.get("last_used_at")), _parse_ts(d.get("created_at")),
            _parse_ts(d.get("expires_at")), _parse_ts(d.get("revoked_at")),
        )

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "APIKeyInfo":
        return cls(*cls._info_args(d))


@dataclass(frozen=True)
class APIKeyDetails(APIKeyInfo):
    """Full metadata of one key plus its light daily usage summary (``usage.daily``)."""

    allowed_ips: Optional[Tuple[str, ...]]
    usage_daily: Tuple[DailyBucket, ...]

    def to_dict(self) -> Dict[str, Any]:
        d = self._info_dict()
        d["allowed_ips"] = None if self.allowed_ips is None else list(self.allowed_ips)
        d["usage"] = {"daily": [b.to_dict() for b in self.usage_daily]}
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "APIKeyDetails":
        ips = d.get("allowed_ips")
        usage = d.get("usage") or {}
        return cls(*cls._info_args(d), None if ips is None else tuple(str(i) for i in ips),
                   tuple(DailyBucket.from_dict(b) for b in usage.get("daily") or ()))


@dataclass(frozen=True)
class KeyList:
    """The key list; iterable, sized and indexable like a tuple of :class:`APIKeyInfo`."""

    data: Tuple[APIKeyInfo, ...]
    total: Optional[int] = None

    def __iter__(self) -> Iterator[APIKeyInfo]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> APIKeyInfo:
        return self.data[index]

    def to_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"data": [k.to_dict() for k in self.data]}
        if self.total is not None:
            d["meta"] = {"total": self.total}
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "KeyList":
        meta = d.get("meta") or {}
        return cls(tuple(APIKeyInfo.from_dict(k) for k in d.get("data") or ()),
                   _opt_int(meta.get("total")))


@dataclass(frozen=True)
class KeyUsage:
    """Usage of one key over a window of ``window_days`` days."""

    key_id: str
    window_days: int
    total_requests: int
    successful: int
    client_errors: int
    server_errors: int
    success_rate: Optional[float]
    avg_response_time_ms: Optional[float]
    latency_p50_ms: Optional[float]
    latency_p95_ms: Optional[float]
    latency_p99_ms: Optional[float]
    rate_limit_peak_per_minute: Optional[int]
    rate_limit_peak_per_day: Optional[int]
    top_endpoints: Tuple[EndpointCount, ...]
    by_status: Dict[str, int] = field(hash=False)
    daily: Tuple[DailyBucket, ...] = ()
    rate_limit_hits_by_hour: Tuple[HourBucket, ...] = ()

    @property
    def error_count(self) -> int:
        return self.client_errors + self.server_errors

    def to_dict(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {
            "key_id": self.key_id,
            "window_days": self.window_days,
            "total_requests": self.total_requests,
            "successful": self.successful,
            "client_errors": self.client_errors,
            "server_errors": self.server_errors,
        }
        for name in ("success_rate", "avg_response_time_ms", "latency_p50_ms", "latency_p95_ms",
                     "latency_p99_ms", "rate_limit_peak_per_minute", "rate_limit_peak_per_day"):
            value = getattr(self, name)
            if value is not None:
                d[name] = value
        d["top_endpoints"] = [e.to_dict() for e in self.top_endpoints]
        d["by_status"] = dict(self.by_status)
        d["daily"] = [b.to_dict() for b in self.daily]
        d["rate_limit_hits_by_hour"] = [h.to_dict() for h in self.rate_limit_hits_by_hour]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "KeyUsage":
        return cls(
            str(d.get("key_id", "")), int(d.get("window_days") or 0),
            int(d.get("total_requests") or 0), int(d.get("successful") or 0),
            int(d.get("client_errors") or 0), int(d.get("server_errors") or 0),
            _opt_float(d.get("success_rate")), _opt_float(d.get("avg_response_time_ms")),
            _opt_float(d.get("latency_p50_ms")), _opt_float(d.get("latency_p95_ms")),
            _opt_float(d.get("latency_p99_ms")), _opt_int(d.get("rate_limit_peak_per_minute")),
            _opt_int(d.get("rate_limit_peak_per_day")),
            tuple(EndpointCount.from_dict(e) for e in d.get("top_endpoints") or ()),
            {str(k): int(v) for k, v in (d.get("by_status") or {}).items()},
            tuple(DailyBucket.from_dict(b) for b in d.get("daily") or ()),
            tuple(HourBucket.from_dict(h) for h in d.get("rate_limit_hits_by_hour") or ()),
        )


@dataclass(frozen=True)
class RateLimit:
    """Rate-limit headers of the most recent response (``None`` where a header was absent)."""

    limit: Optional[int] = None
    remaining: Optional[int] = None
    reset_unix: Optional[int] = None
    retry_after_seconds: Optional[float] = None

    @property
    def reset_at(self) -> Optional[datetime]:
        return None if self.reset_unix is None else datetime.fromtimestamp(self.reset_unix, _UTC)

    def to_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)


def find_header(headers: Tuple[Tuple[str, str], ...], name: str) -> Optional[str]:
    """The first value of header `name` (case-insensitive), or None."""
    lower = name.lower()
    for key, value in headers:
        if key.lower() == lower:
            return value
    return None


@dataclass(frozen=True)
class Response:
    """The last raw HTTP response of a call: status, headers (cookies redacted) and body."""

    status: int
    headers: Tuple[Tuple[str, str], ...]
    body: str

    def header(self, name: str) -> Optional[str]:
        return find_header(self.headers, name)

    def __repr__(self) -> str:
        return f"Response(status={self.status}, headers={len(self.headers)}, body={len(self.body)} chars)"

    def to_dict(self) -> Dict[str, Any]:
        return {"status": self.status, "headers": [list(h) for h in self.headers], "body": self.body}


def decode_key_list(body: "str | bytes") -> KeyList:
    """Decodes a ``GET /api/v1/keys`` body with the C++ codec (strict types, DecodeError)."""
    from . import _core

    result: KeyList = _core.decode_key_list(body if isinstance(body, str) else body.decode())
    return result


def decode_key_details(body: "str | bytes") -> APIKeyDetails:
    """Decodes a ``GET /api/v1/keys/{id}`` body."""
    from . import _core

    result: APIKeyDetails = _core.decode_key_details(body if isinstance(body, str) else body.decode())
    return result


def decode_key_usage(body: "str | bytes") -> KeyUsage:
    """Decodes a ``GET /api/v1/keys/{id}/usage`` body."""
    from . import _core

    result: KeyUsage = _core.decode_key_usage(body if isinstance(body, str) else body.decode())
    return result


@dataclass(frozen=True)
class Fleet:
    """The key list plus each active key's usage over one window (input of the analytics)."""

    keys: Tuple[APIKeyInfo, ...]
    usages: Tuple[KeyUsage, ...]
    window_days: int
    _analytics_input: Optional[str] = field(default=None, repr=False, compare=False)

    def to_dict(self) -> Dict[str, Any]:
        return {"keys": [k.to_dict() for k in self.keys],
                "usages": [u.to_dict() for u in self.usages],
                "window_days": self.window_days}
