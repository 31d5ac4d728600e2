"""keyscope: API-key management and per-key usage analytics for the SOC Defenders API.

A thin, typed Python face over the keyscope C++ core (libcurl transport, retries, strict
codec, analytics)::

    import keyscope
    with keyscope.Client(base_url="http://127.0.0.1:8080", session_token="...") as client:
        for key in client.list_keys():
            print(key.name, key.key_prefix, key.total_requests)
        rows = client.usage_by_key(days=30)
        findings = keyscope.detect_anomalies(client.fetch_fleet(days=30))
        drift = client.reconcile(logs="egress/*.jsonl.gz", days=30)   # the API against your logs

    async with keyscope.AsyncClient(session_token="...") as client:   # asyncio
        keys = await client.list_keys()

Supported: CPython 3.9+ on Linux (x86_64/aarch64 manylinux wheels).
"""

from ._core import __version__
from . import _logging  # logging.getLogger("keyscope"); KEYSCOPE_LOG=debug|info
from ._errors import (
    AuthenticationError,
    BadRequestError,
    CancelledError,
    ConnectionError,
    DecodeError,
    KeyscopeError,
    MissingDependencyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    ServerError,
    TimeoutError,
    ValidationError,
)
from ._models import (
    APIKeyDetails,
    APIKeyInfo,
    BadLines,
    DailyBucket,
    EndpointCount,
    Fleet,
    FleetProgress,
    HourBucket,
    KeyFetchError,
    KeyList,
    KeyReconciliation,
    KeyUsage,
    LogSummary,
    RateLimit,
    ReconcileFinding,
    Reconciliation,
    Response,
    decode_key_details,
    decode_key_list,
    decode_key_usage,
)
from ._network import InsecureTLSWarning, NetworkOptions
from ._transport import HttpRequest, HttpResponse, RequestsTransport, Transport
from ._client import DEFAULT_BASE_URL, Client
from ._async_client import AsyncClient
from ._raw_response import RawResponse
from .analytics import (
    ChargebackRow,
    ChargebackRows,
    DDSketch,
    EndpointShare,
    Finding,
    Findings,
    IntegrityCheck,
    IntegrityChecks,
    UsageRow,
    UsageRows,
    chargeback,
    check_usage,
    detect_anomalies,
    environment_of,
    gap_fill,
    percentile,
    percentiles,
    quantile,
    usage_by_key,
)
from . import logs

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "RawResponse",
    "DEFAULT_BASE_URL",
    # errors
    "KeyscopeError",
    "ValidationError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "BadRequestError",
    "ServerError",
    "TimeoutError",
    "ConnectionError",
    "DecodeError",
    "CancelledError",
    "RedirectError",
    "MissingDependencyError",
    # models
    "APIKeyInfo",
    "APIKeyDetails",
    "DailyBucket",
    "EndpointCount",
    "HourBucket",
    "KeyList",
    "KeyUsage",
    "RateLimit",
    "Response",
    "Fleet",
    "FleetProgress",
    "KeyFetchError",
    "LogSummary",
    "BadLines",
    "Reconciliation",
    "ReconcileFinding",
    "KeyReconciliation",
    "decode_key_list",
    "decode_key_details",
    "decode_key_usage",
    # transports
    "Transport",
    "HttpRequest",
    "HttpResponse",
    "RequestsTransport",
    "NetworkOptions",
    "InsecureTLSWarning",
    # analytics
    "UsageRow",
    "UsageRows",
    "EndpointShare",
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
    # logs (keyscope.logs.summarize, Client.reconcile; keyscope.dask on a cluster)
    "logs",
]
