"""msgspec's way to the same typed objects: frozen Structs with the fields of keyscope's public
models (datetimes and dates included), decoded by one msgspec.json.Decoder per payload type,
made once and reused, as msgspec's documentation shows. Imported by contenders.py when msgspec
is installed. (Module level and no `from __future__ import annotations`: msgspec resolves the
annotations when the Decoder is made.)"""

from datetime import date, datetime
from typing import Dict, Optional, Tuple

import msgspec


class MKey(msgspec.Struct, frozen=True):
    id: str
    key_prefix: str
    name: str
    tier: str = ""
    scopes: Tuple[str, ...] = ()
    rate_limit_per_minute: Optional[int] = None
    rate_limit_per_day: Optional[int] = None
    total_requests: int = 0
    last_used_at: Optional[datetime] = None
    created_at: Optional[datetime] = None
    expires_at: Optional[datetime] = None
    revoked_at: Optional[datetime] = None


class MMeta(msgspec.Struct, frozen=True):
    total: Optional[int] = None


class MKeyList(msgspec.Struct, frozen=True):
    data: Tuple[MKey, ...]
    meta: Optional[MMeta] = None


class MDaily(msgspec.Struct, frozen=True):
    date: date
    requests: int
    errors: int = 0


class MEndpoint(msgspec.Struct, frozen=True):
    path: str
    count: int


class MHour(msgspec.Struct, frozen=True):
    hour: datetime
    count: int


class MUsage(msgspec.Struct, frozen=True):
    key_id: str
    total_requests: int
    window_days: int = 0
    successful: int = 0
    client_errors: int = 0
    server_errors: int = 0
    success_rate: Optional[float] = None
    avg_response_time_ms: Optional[float] = None
    latency_p50_ms: Optional[float] = None
    latency_p95_ms: Optional[float] = None
    latency_p99_ms: Optional[float] = None
    rate_limit_peak_per_minute: Optional[int] = None
    rate_limit_peak_per_day: Optional[int] = None
    top_endpoints: Tuple[MEndpoint, ...] = ()
    by_status: Dict[str, int] = {}
    daily: Tuple[MDaily, ...] = ()
    rate_limit_hits_by_hour: Tuple[MHour, ...] = ()


class MUsageEnvelope(msgspec.Struct, frozen=True):
    data: MUsage


_list_decoder = msgspec.json.Decoder(MKeyList)
_usage_decoder = msgspec.json.Decoder(MUsageEnvelope)


def list_decode(body: bytes) -> MKeyList:
    return _list_decoder.decode(body)


def usage_decode(body: bytes) -> MUsage:
    return _usage_decoder.decode(body).data
