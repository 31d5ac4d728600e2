"""Typed, immutable models of the API contract (frozen dataclasses).

The payload models (:class:`APIKeyInfo`, :class:`KeyUsage`, ...) are generated from
schema/models.json into ``_api_models.py``; this module adds the ones that are not payloads
(rate-limit state, the raw response, the fleet) and the decode functions. Instances returned by a
:class:`keyscope.Client` are built by the C++ core directly from its decoded structs. No model ever
holds a secret: keys are identified by their prefix.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Tuple

from . import _core
from ._api_models import (
    APIKeyDetails,
    APIKeyInfo,
    BadLines,
    DailyBucket,
    EndpointCount,
    HourBucket,
    KeyList,
    KeyReconciliation,
    KeyUsage,
    LogSummary,
    ReconcileFinding,
    Reconciliation,
)
from ._errors import DecodeError, KeyscopeError, ValidationError


__all__ = [
    "DailyBucket",
    "EndpointCount",
    "HourBucket",
    "APIKeyInfo",
    "APIKeyDetails",
    "KeyList",
    "KeyUsage",
    "BadLines",
    "LogSummary",
    "ReconcileFinding",
    "KeyReconciliation",
    "Reconciliation",
    "RateLimit",
    "Response",
    "Fleet",
    "FleetProgress",
    "KeyFetchError",
    "decode_key_list",
    "decode_key_details",
    "decode_key_usage",
]

_UTC = timezone.utc


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


def _body_text(body: "str | bytes") -> str:
    if isinstance(body, str):
        return body
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise ValidationError(f"body must be str or bytes, not {type(body).__name__}",
                              code="invalid_argument")
    try:
        return bytes(body).decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(f"the body is not valid UTF-8 (byte offset {error.start})",
                          code="decode_error") from None


def decode_key_list(body: "str | bytes") -> KeyList:
    """Decodes a ``GET /api/v1/keys`` body (strict types, DecodeError naming the JSON path)."""
    # The one-pass body reader first; None: the core codec decides (the model or the error).
    result: Optional[KeyList] = _core.read_key_list(body)
    if result is None:
        result = _core.decode_key_list(_body_text(body))
    return result


def decode_key_details(body: "str | bytes") -> APIKeyDetails:
    """Decodes a ``GET /api/v1/keys/{id}`` body."""
    result: Optional[APIKeyDetails] = _core.read_key_details(body)
    if result is None:
        result = _core.decode_key_details(_body_text(body))
    return result


def decode_key_usage(body: "str | bytes") -> KeyUsage:
    """Decodes a ``GET /api/v1/keys/{id}/usage`` body."""
    result: Optional[KeyUsage] = _core.read_key_usage(body)
    if result is None:
        result = _core.decode_key_usage(_body_text(body))
    return result


@dataclass(frozen=True)
class FleetProgress:
    """Where a fleet fetch is (``fetch_fleet(progress=callback)``): ``done`` of the ``total``
    active keys have answered or failed, ``failed`` of them failed."""

    done: int
    total: int
    failed: int = 0

    @property
    def fraction(self) -> float:
        """``done / total`` (1.0 for a fleet without active keys)."""
        return self.done / self.total if self.total else 1.0


@dataclass(frozen=True)
class KeyFetchError:
    """A key whose usage could not be fetched in a fleet fetch with ``errors="collect"``:
    ``error`` is the keyscope exception the fetch would have raised (e.g. NotFoundError)."""

    key_id: str
    error: KeyscopeError


@dataclass(frozen=True)
class Fleet:
    """The key list plus each active key's usage over one window (input of the analytics).

    ``errors`` (``fetch_fleet(errors="collect")``): the keys whose usage failed, in key order;
    ``usages`` then holds only the keys that answered, and the analytics helpers given this
    Fleet (``keyscope.usage_by_key(fleet)``, ...) leave the failed keys out. ``keys`` is the
    whole key list either way."""

    keys: Tuple[APIKeyInfo, ...]
    usages: Tuple[KeyUsage, ...]
    window_days: int
    _analytics_input: Optional[str] = field(default=None, repr=False, compare=False)
    errors: Tuple[KeyFetchError, ...] = ()
    _server_date: Optional[str] = field(default=None, repr=False, compare=False)  # key list's Date

    @property
    def failed_key_ids(self) -> Tuple[str, ...]:
        return tuple(e.key_id for e in self.errors)

    def to_pandas(self, table: str = "usage") -> Any:
        """``"usage"`` (default): one row per fetched key, busiest first (the
        :func:`keyscope.usage_by_key` rows, :func:`keyscope.pandas.usage_frame`); ``"keys"``: the
        key list; ``"daily"``: every fetched key's daily series, one column group per key id;
        ``"errors"``: the keys whose usage failed (``errors="collect"``)."""
        from ._frames import build, check_table

        table = check_table(table, ("usage", "keys", "daily", "errors"))
        if table == "usage":
            from .analytics import usage_by_key

            return build("usage_frame", usage_by_key(self))
        if table == "keys":
            return build("keys_frame", self.keys)
        return build("fleet_daily_frame" if table == "daily" else "fleet_errors_frame", self)

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"keys": [k.to_dict() for k in self.keys],
                               "usages": [u.to_dict() for u in self.usages],
                               "window_days": self.window_days}
        if self.errors:
            out["errors"] = [{"key_id": e.key_id, "error": type(e.error).__name__,
                              "message": str(e.error)} for e in self.errors]
        return out
