// Result objects from response bodies the core has already checked.
//
// The C++ core decodes every body (strict types, JSON paths in DecodeErrors) and, when it is
// valid, hands the original text back instead of re-encoding its models: JSON.parse is faster
// than anything the wasm can write. What re-encoding did, this does: the contract's fields only,
// in the core's order, `key_preview` read as `key_prefix`, defaults for what the API left out.
// tests/js/results.test.js holds this to the core's own encoding on every sandbox payload.

const orNull = (v) => (v === undefined ? null : v);
const orZero = (v) => (v === undefined || v === null ? 0 : v);
const orList = (v) => (v === undefined || v === null ? [] : v);

const dailyBucket = (b) => ({ date: b.date, requests: b.requests, errors: orZero(b.errors) });

/** APIKeyInfo */
export function keyInfo(k) {
  const out = {
    id: k.id,
    key_prefix: k.key_prefix || k.key_preview,
    name: k.name,
    tier: k.tier ?? '',
    scopes: orList(k.scopes),
  };
  // As the core writes them: absent, not null, when the API sends none.
  if (k.rate_limit_per_minute !== undefined && k.rate_limit_per_minute !== null) {
    out.rate_limit_per_minute = k.rate_limit_per_minute;
  }
  if (k.rate_limit_per_day !== undefined && k.rate_limit_per_day !== null) {
    out.rate_limit_per_day = k.rate_limit_per_day;
  }
  out.total_requests = orZero(k.total_requests);
  out.last_used_at = orNull(k.last_used_at);
  out.created_at = orNull(k.created_at);
  out.expires_at = orNull(k.expires_at);
  out.revoked_at = orNull(k.revoked_at);
  return out;
}

/** APIKeyDetails */
export function keyDetails(k) {
  const out = keyInfo(k);
  out.allowed_ips = orNull(k.allowed_ips);
  out.usage = { daily: orList(k.usage?.daily).map(dailyBucket) };
  return out;
}

/** KeyUsage */
export function keyUsage(u) {
  return {
    key_id: u.key_id,
    window_days: orZero(u.window_days),
    total_requests: u.total_requests,
    successful: orZero(u.successful),
    client_errors: orZero(u.client_errors),
    server_errors: orZero(u.server_errors),
    success_rate: orNull(u.success_rate),
    avg_response_time_ms: orNull(u.avg_response_time_ms),
    latency_p50_ms: orNull(u.latency_p50_ms),
    latency_p95_ms: orNull(u.latency_p95_ms),
    latency_p99_ms: orNull(u.latency_p99_ms),
    rate_limit_peak_per_minute: orNull(u.rate_limit_peak_per_minute),
    rate_limit_peak_per_day: orNull(u.rate_limit_peak_per_day),
    top_endpoints: orList(u.top_endpoints).map((e) => ({ path: e.path, count: e.count })),
    by_status: { ...(u.by_status ?? {}) },
    daily: orList(u.daily).map(dailyBucket),
    rate_limit_hits_by_hour: orList(u.rate_limit_hits_by_hour).map((h) => ({ hour: h.hour, count: h.count })),
  };
}

/** A {"data": [...], "meta": {"total"}} list body -> {data, meta?} as the core encodes it. */
export function keyList(body) {
  const out = { data: body.data.map(keyInfo) };
  const total = body.meta?.total;
  if (total !== undefined && total !== null) out.meta = { total };
  return out;
}

/** The core's shape codes (keyscope_wasm.cpp, enum Shape) by body kind. */
export const SHAPE = Object.freeze({ keys: 1, details: 2, usage: 3 });

/** The result of a call from the text of the body the core checked, by the core's shape code. */
export function fromCheckedBody(shape, text) {
  // A UTF-8 BOM is valid before JSON for the core (as for nlohmann), not for JSON.parse.
  const body = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  switch (shape) {
    case 1: return keyList(body);
    case 2: return { data: keyDetails(body.data) };
    case 3: return keyUsage(body.data);
    default: throw new Error(`unknown result shape ${shape}`);
  }
}
