"""What a Python user writes instead of keyscope to turn the API's bytes into typed objects, with
the same fields as keyscope's public models (APIKeyInfo, KeyList.total, KeyUsage, ...) and
timezone-aware datetimes / dates: json or orjson + frozen dataclasses, and msgspec Structs.

Each contender is a function bytes -> typed objects; `decoders()` lists those whose library is
installed (json always), with a reason for each one that is not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple

UTC = timezone.utc


def _ts(text: Optional[str]) -> Optional[datetime]:
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@dataclass(frozen=True)
class HKey:
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


@dataclass(frozen=True)
class HKeyList:
    data: Tuple[HKey, ...]
    total: Optional[int]


@dataclass(frozen=True)
class HDaily:
    date: date
    requests: int
    errors: int


@dataclass(frozen=True)
class HEndpoint:
    path: str
    count: int


@dataclass(frozen=True)
class HHour:
    hour: datetime
    count: int


@dataclass(frozen=True)
class HUsage:
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
    top_endpoints: Tuple[HEndpoint, ...]
    by_status: Dict[str, int]
    daily: Tuple[HDaily, ...]
    rate_limit_hits_by_hour: Tuple[HHour, ...]


def hand_keys(doc: Dict[str, Any]) -> HKeyList:
    keys = tuple(HKey(k["id"], k.get("key_prefix") or k.get("key_preview", ""), k["name"], k.get("tier", ""),
                      tuple(k.get("scopes", ())), k.get("rate_limit_per_minute"),
                      k.get("rate_limit_per_day"), k.get("total_requests", 0),
                      _ts(k.get("last_used_at")), _ts(k.get("created_at")), _ts(k.get("expires_at")),
                      _ts(k.get("revoked_at"))) for k in doc["data"])
    return HKeyList(keys, (doc.get("meta") or {}).get("total"))


def hand_usage(doc: Dict[str, Any]) -> HUsage:
    u = doc["data"]
    return HUsage(u["key_id"], u.get("window_days", 0), u["total_requests"], u.get("successful", 0),
                  u.get("client_errors", 0), u.get("server_errors", 0), u.get("success_rate"),
                  u.get("avg_response_time_ms"), u.get("latency_p50_ms"), u.get("latency_p95_ms"),
                  u.get("latency_p99_ms"), u.get("rate_limit_peak_per_minute"),
                  u.get("rate_limit_peak_per_day"),
                  tuple(HEndpoint(e["path"], e["count"]) for e in u.get("top_endpoints", ())),
                  dict(u.get("by_status", {})),
                  tuple(HDaily(date.fromisoformat(d["date"]), d["requests"], d.get("errors", 0))
                        for d in u.get("daily", ())),
                  tuple(HHour(_ts(h["hour"]), h["count"]) for h in u.get("rate_limit_hits_by_hour", ())))


Decoder = Callable[[bytes], Any]


def decoders() -> Tuple[List[Tuple[str, Decoder, Decoder]], List[str]]:
    """[(label, key-list decoder, usage decoder)], [why a contender is missing]."""
    found: List[Tuple[str, Decoder, Decoder]] = [
        ("json.loads + dataclasses", lambda b: hand_keys(json.loads(b)), lambda b: hand_usage(json.loads(b)))]
    missing: List[str] = []
    try:
        import orjson

        found.append(("orjson.loads + dataclasses", lambda b: hand_keys(orjson.loads(b)),
                      lambda b: hand_usage(orjson.loads(b))))
    except ImportError as error:
        missing.append(f"orjson + dataclasses: {error}")
    try:
        from msgspec_models import list_decode, usage_decode

        found.append(("msgspec.json.Decoder -> Structs", list_decode, usage_decode))
    except ImportError as error:
        missing.append(f"msgspec: {error}")
    return found, missing
