# Checked by mypy --strict in test_typing.py: every public name is visible and typed.
from datetime import datetime
from typing import List, Optional, Tuple

import keyscope
from keyscope import analytics


def main(url: str, token: str) -> None:
    with keyscope.Client(base_url=url, session_token=token, timeout=5.0, max_retries=1) as client:
        keys: keyscope.KeyList = client.list_keys()
        first: keyscope.APIKeyInfo = keys[0]
        name: str = first.name
        when: Optional[datetime] = first.last_used_at
        details: keyscope.APIKeyDetails = client.get_key(first.id)
        usage: keyscope.KeyUsage = client.get_usage(first.id, days=7)
        total: int = usage.total_requests + len(details.usage_daily)
        rows: List[keyscope.UsageRow] = client.usage_by_key(days=30, concurrency=8)
        fleet: keyscope.Fleet = client.fetch_fleet(30)
        partial: keyscope.Fleet = client.fetch_fleet(30, errors="collect")
        failures: Tuple[keyscope.KeyFetchError, ...] = partial.errors
        failed_error: keyscope.KeyscopeError = failures[0].error if failures else keyscope.KeyscopeError("x")
        collected: keyscope.UsageRows = client.usage_by_key(days=7, errors="collect")
        strict_on: bool = keyscope.Client(base_url=url, session_token=token, strict=True).strict
        print(failed_error, collected.errors, strict_on)
        corp = keyscope.Client(base_url=url, session_token=token, ca_bundle="/etc/corp/ca.pem",
                               verify=True, proxy="http://proxy:3128", no_proxy="localhost")
        trusted: Optional[str] = corp.ca_bundle
        options: keyscope.NetworkOptions = keyscope.NetworkOptions(ca_bundle=trusted)
        warning: type = keyscope.InsecureTLSWarning
        print(options, warning)
        findings: List[keyscope.Finding] = keyscope.detect_anomalies(fleet, now="2026-05-17T12:00:00Z")
        lines: List[keyscope.ChargebackRow] = keyscope.chargeback(rows, "10.00")
        checks: List[keyscope.IntegrityCheck] = keyscope.check_usage(usage)
        p95: float = keyscope.percentile([1.0, 2.0], 95) + keyscope.quantile([1.0, 2.0], 0.95)
        p50_p99: List[float] = keyscope.percentile([1.0, 2.0], [50, 99])
        sketch = keyscope.DDSketch(0.01)
        sketch.add(3.0)
        q: float = sketch.quantile(0.5)
        wire: bytes = sketch.to_proto()
        q = keyscope.DDSketch.from_proto(wire, max_buckets=2048).quantile(0.5)
        env: str = keyscope.environment_of(first.key_prefix) + analytics.environment_of("x")
        limit: Optional[int] = client.rate_limit.limit
        raw: Optional[keyscope.Response] = client.last_response
        print(name, when, total, findings, lines, checks, p95, p50_p99, q, env, limit, raw)
    try:
        pass
    except keyscope.RateLimitError as exc:
        retry: Optional[float] = exc.retry_after
        status: int = exc.status
        print(retry, status, exc.request_id, exc.details, exc.code)


def frames_and_progress(client: keyscope.Client, usage: keyscope.KeyUsage) -> None:
    def show(p: keyscope.FleetProgress) -> None:
        print(p.done, p.total, p.failed, p.fraction)

    fleet: keyscope.Fleet = client.fetch_fleet(7, progress=show)
    rows: keyscope.UsageRows = client.usage_by_key(7, progress=show)
    findings: keyscope.Findings = keyscope.detect_anomalies(fleet)
    lines: keyscope.ChargebackRows = keyscope.chargeback(rows, "1.00")
    checks: keyscope.IntegrityChecks = keyscope.check_usage(usage)
    print(rows.to_pandas(), findings.to_pandas(), lines.to_pandas(), checks.to_pandas(),
          fleet.to_pandas("keys"), usage.to_pandas("status"), client.list_keys().to_pandas())
    raw: keyscope.RawResponse[keyscope.KeyUsage] = client.with_raw_response.get_usage("id", 7)
    parsed: keyscope.KeyUsage = raw.parsed()
    code: int = raw.status_code
    request_id: Optional[str] = raw.request_id
    seconds: float = raw.elapsed.total_seconds()
    content_type: Optional[str] = raw.headers.get("content-type")
    print(parsed, code, request_id, seconds, content_type)
    try:
        import keyscope.pandas  # noqa: F401
    except keyscope.MissingDependencyError as missing:
        print(missing.code)


async def asynchronous(url: str, token: str) -> None:
    async with keyscope.AsyncClient(base_url=url, session_token=token) as client:
        keys: keyscope.KeyList = await client.list_keys()
        usage: keyscope.KeyUsage = await client.get_usage(keys[0].id, days=7, timeout=2.0)
        details: keyscope.APIKeyDetails = await client.get_key(keys[0].id)
        fleet: keyscope.Fleet = await client.fetch_fleet(7, errors="collect")
        rows: keyscope.UsageRows = await client.usage_by_key(7)
        raw: keyscope.RawResponse[keyscope.KeyList] = await client.with_raw_response.list_keys()
        print(usage, details, fleet, rows, raw.parsed())
    await client.aclose()


class MyTransport(keyscope.Transport):
    def send(self, request: keyscope.HttpRequest) -> keyscope.HttpResponse:
        return keyscope.HttpResponse(200, {"Content-Type": "application/json"}, b"{}")
