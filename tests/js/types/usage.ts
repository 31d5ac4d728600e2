// Compile-only (tests/js/types.test.js: tsc --noEmit --strict): every public export of the
// package's index.d.ts used the way a TypeScript user would. Not executed.
import {
  init, createClient, runHelper, usageByKey, detectAnomalies, chargeback, checkUsage, gapFill,
  percentiles, percentile, environmentOf, version, DDSketch, errorFromObject,
  KeyscopeError, ValidationError, AuthenticationError, PermissionDeniedError, NotFoundError,
  RateLimitError, BadRequestError, ServerError, TimeoutError, ConnectionError, DecodeError,
  CancelledError, AbortError, RedirectError, summarizeLogs, reconcile, LogReader,
} from 'keyscope';
import type {
  InitOptions, RetryOptions, ClientOptions, CallOptions, UsageOptions, FleetOptions, APIKeyInfo,
  DailyBucket, APIKeyDetails, EndpointCount, HourBucket, KeyUsage, Fleet, RateLimit, UsageRow,
  EndpointShare, Finding, FindingKind, ChargebackRow, IntegrityCheck, Client, ErrorFields,
  LogFields, LogReaderOptions, LogProgress, LogReadOptions, LogSource, SummarizeLogsOptions, ReconcileInput,
  ClientReconcileOptions, LogSummary, BadLines, Reconciliation, ReconcileFinding, KeyReconciliation,
  KeyFetchError, UsageRows, Logger, RequestLog, FleetProgress,
} from 'keyscope';

const str = (s: string): string => s;
const num = (n: number): number => n;
const bool = (b: boolean): boolean => b;
const nstr = (s: string | null): string | null => s;
const nnum = (n: number | null): number | null => n;

// ---- loading and client options
const initOptions: InitOptions = { wasmUrl: new URL('https://cdn.example/keyscope-core.wasm') };
await init(initOptions);
await init({ wasmUrl: '/static/keyscope-core.wasm' });
await init({ wasmBinary: new Uint8Array(8) });
await init({ wasmBinary: new ArrayBuffer(8) });
await init();

const retry: RetryOptions = { initialBackoffMs: 100, maxBackoffMs: 2000, maxServerWaitMs: 60000 };
const clientOptions: ClientOptions = {
  baseUrl: 'https://socdefenders.ai', credentials: 'include', sessionToken: 'token', timeoutMs: 5000,
  maxRetries: 2, retry, fetch: globalThis.fetch, wasmUrl: 'x.wasm', maxResponseBytes: 1 << 20,
};
await createClient({ baseUrl: new URL('https://socdefenders.ai/prefix'), credentials: 'same-origin' });
await createClient({ credentials: 'omit' });
// @ts-expect-error: credentials is one of three fetch modes
await createClient({ credentials: 'always' });
// @ts-expect-error: a session token is a string
await createClient({ sessionToken: 42 });
const client: Client = await createClient(clientOptions);

// ---- client methods
const controller = new AbortController();
const call: CallOptions = { signal: controller.signal, timeoutMs: 1000, maxRetries: 0 };
const usageOptions: UsageOptions = { ...call, days: 90 };
const fleetOptions: FleetOptions = { ...usageOptions, concurrency: 8 };

function useKey(k: APIKeyInfo): void {
  str(k.id); str(k.key_prefix); str(k.name); str(k.tier);
  k.scopes.map(str);
  const perMinute: number | null | undefined = k.rate_limit_per_minute;
  const perDay: number | null | undefined = k.rate_limit_per_day;
  void perMinute; void perDay;
  num(k.total_requests);
  nstr(k.last_used_at); nstr(k.created_at); nstr(k.expires_at); nstr(k.revoked_at);
}
function useDaily(d: DailyBucket): void { str(d.date); num(d.requests); num(d.errors); }

const keys: APIKeyInfo[] = await client.listKeys();
keys.forEach(useKey);
await client.listKeys(call);

const details: APIKeyDetails = await client.getKey(keys[0].id, call);
useKey(details);
const ips: string[] | null = details.allowed_ips;
void ips;
details.usage.daily.forEach(useDaily);
// @ts-expect-error: the per-day series is usage.daily, there is no usage_daily
void details.usage_daily;

const usage: KeyUsage = await client.getUsage(keys[0].id, usageOptions);
await client.getUsage(keys[0].id);
str(usage.key_id); num(usage.window_days); num(usage.total_requests); num(usage.successful);
num(usage.client_errors); num(usage.server_errors);
nnum(usage.success_rate); nnum(usage.avg_response_time_ms); nnum(usage.latency_p50_ms);
nnum(usage.latency_p95_ms); nnum(usage.latency_p99_ms); nnum(usage.rate_limit_peak_per_minute);
nnum(usage.rate_limit_peak_per_day);
usage.top_endpoints.forEach((e: EndpointCount) => { str(e.path); num(e.count); });
const by200: number | undefined = usage.by_status['200'];
void by200;
usage.daily.forEach(useDaily);
usage.rate_limit_hits_by_hour.forEach((h: HourBucket) => { str(h.hour); num(h.count); });

const fleet: Fleet = await client.fetchFleet(fleetOptions);
fleet.keys.forEach(useKey);
num(fleet.window_days);
const usages: KeyUsage[] = fleet.usages;
const partial: Fleet = await client.fetchFleet({ days: 7, onError: 'collect' });
partial.errors.forEach((e: KeyFetchError) => { str(e.key_id); const err: KeyscopeError = e.error; void err; });
// @ts-expect-error: onError is 'raise' or 'collect'
await client.fetchFleet({ onError: 'ignore' });
await createClient({ strict: true });

// ---- logging and progress
const logger: Logger = console;
await createClient({ logger });
await createClient({
  logger: {
    debug: (line: string, fields: RequestLog) => {
      str(line); str(fields.method); str(fields.url); str(fields.path); num(fields.attempt); num(fields.status);
      str(fields.requestId);
      const event: 'response' | 'failure' | 'retry' = fields.event;
      const elapsed: number | undefined = fields.elapsedMs;
      void event; void elapsed;
    },
    info: (line: string, fields: RequestLog) => { const wait: number | undefined = fields.waitMs; void line; void wait; },
    warn: () => {},
    error: () => {},
  },
});
// @ts-expect-error: a logger has debug, info, warn and error
await createClient({ logger: { debug: () => {} } });
await client.fetchFleet({ onProgress: (p: FleetProgress) => { num(p.done); num(p.total); num(p.failed); } });
await client.usageByKey({ days: 7, onProgress: ({ done, total }) => { num(done); num(total); } });

function useRow(r: UsageRow): void {
  str(r.key_id); str(r.name); str(r.prefix);
  const env: 'live' | 'test' | 'unknown' = r.environment;
  void env;
  str(r.tier); num(r.request_count); num(r.error_count); num(r.error_rate);
  r.endpoint_distribution.forEach((e: EndpointShare) => { str(e.path); num(e.count); num(e.share); });
  nnum(r.latency_p95_ms); nstr(r.last_activity);
}
const rows: UsageRow[] = await client.usageByKey({ days: 30, concurrency: 4 });
rows.forEach(useRow);
await client.usageByKey();
const collected: UsageRows = await client.usageByKey({ onError: 'collect' });
collected.forEach(useRow);
collected.errors.forEach((e: KeyFetchError) => str(e.key_id));
usageByKey(partial).forEach(useRow);

const rl: RateLimit | null = client.rateLimit;
if (rl) { nnum(rl.limit); nnum(rl.remaining); nnum(rl.reset); nnum(rl.retry_after); }
str(client.userAgent);
// @ts-expect-error: rateLimit is read-only
client.rateLimit = null;
client.close();

// ---- analytics helpers
usageByKey({ keys: fleet.keys, usages }).forEach(useRow);
const findings: Finding[] = detectAnomalies({ keys, usages, now: '2026-05-17T12:00:00Z',
  options: { spike_min_ratio: 3 } });
for (const f of findings) {
  str(f.key_id); str(f.key_name); str(f.key_prefix);
  const kind: FindingKind = f.kind;
  const severity: 'info' | 'warning' | 'critical' = f.severity;
  void kind; void severity;
  Object.values(f.metrics).forEach(num);
  str(f.reason);
}
const bill: ChargebackRow[] = chargeback({ rows, bill: '12500.00', mapping: { name_pattern: '\\[(\\w+)\\]' } });
chargeback({ keys, usages, bill_cents: 100, mapping: { by_key: { [keys[0].id]: 'secops' } } });
for (const b of bill) {
  str(b.cost_center); num(b.keys); b.key_ids.map(str); num(b.requests); num(b.share);
  num(b.cost_cents); str(b.cost);
}
const checks: IntegrityCheck[] = checkUsage({ usage, end_date: '2026-05-17' });
checkUsage({ usage });
for (const c of checks) { str(c.check); bool(c.ok); str(c.expected); str(c.actual); str(c.message); }
gapFill({ daily: usage.daily, window_days: 90, end_date: '2026-05-17' }).forEach(useDaily);
percentiles([1, 2, 3], [0.5, 0.99]).map(num);
percentiles(new Float64Array([1, 2, 3]), new Float64Array([0.5])).map(num);
num(percentile([1, 2, 3], 0.9));
const env: 'live' | 'test' | 'unknown' = environmentOf('sk_live_abcd');
void env;
str(version());
const anything: unknown = runHelper('environment_of', { prefix: 'sk_test_x' });
void anything;

// ---- DDSketch
const sketch: DDSketch = new DDSketch(0.01, 2048).add(1).add(2, 3).addMany([4, 5]).addMany(new Float64Array(2));
const other = new DDSketch();
sketch.merge(other);
num(sketch.quantile(0.5));
sketch.quantiles([0.5, 0.99]).map(num);
num(sketch.count); num(sketch.bucketCount); num(sketch.sum); num(sketch.min); num(sketch.max);
const json: Record<string, unknown> = sketch.toJSON();
DDSketch.fromJSON(json).dispose();
DDSketch.fromJSON(JSON.stringify(json)).dispose();
const wire: Uint8Array = sketch.toProto();
const wireCopy = new ArrayBuffer(wire.byteLength);
new Uint8Array(wireCopy).set(wire);
DDSketch.fromProto(wire, 2048).merge(DDSketch.fromProto(wireCopy));
// @ts-expect-error: count is read-only
sketch.count = 3;
sketch.dispose();
other.dispose();

// ---- logs: summarizeLogs, LogReader, reconcile, client.reconcile
const logFields: LogFields = { time: 'ts', key: 'auth', path: 'url', status: 'code', latency: 'took_ms' };
const readerOptions: LogReaderOptions = { format: 'csv', fields: logFields, latencyUnit: 'ms', days: 7, now: new Date() };
const readOptions: LogReadOptions = {
  onProgress: (p: LogProgress) => { num(p.bytesRead); nnum(p.totalBytes); },
  signal: controller.signal, chunkBytes: 1 << 20, totalBytes: 1000,
};
const summarizeOptions: SummarizeLogsOptions = { ...readerOptions, ...readOptions, keys };
// @ts-expect-error: the format is one of three
void ({ format: 'xml' } satisfies LogReaderOptions);
function useLogSummary(s: LogSummary): void {
  s.usages.forEach((u: KeyUsage) => { str(u.key_id); num(u.total_requests); });
  num(s.window_days); num(s.lines); num(s.records); num(s.full_keys_seen);
  s.bad_lines.forEach((b: BadLines) => { str(b.kind); num(b.count); b.first_lines.map(num); });
}
const sources: LogSource[] = [
  'line\n', new Uint8Array(1), new ArrayBuffer(1), new DataView(new ArrayBuffer(1)), new Blob(['x']),
  new Blob(['x']).stream(), (async function* gen() { yield new Uint8Array(1); }()),
];
for (const source of sources) useLogSummary(await summarizeLogs(source, summarizeOptions));
useLogSummary(await summarizeLogs('{"ts": 1}\n'));
useLogSummary(await summarizeLogs(new Blob(['x']), { format: 'nginx', nginxFormat: '$status', now: '2026-05-17T12:00:00Z' }));
// @ts-expect-error: a number is not a log source
await summarizeLogs(42);

const reader: LogReader = new LogReader({ days: 30, now: 1_700_000_000_000 });
reader.feed('a line\n').feed(new Uint8Array(4)).feed(new ArrayBuffer(2));
const aggregate: string = new LogReader().feed('x').aggregateJson();
reader.merge(aggregate).merge(new LogReader());
const win: { days: number; endDate: string; now: string } = reader.window;
void win;
useLogSummary(reader.finish().summary({ keys }));
useLogSummary(reader.summary());
reader.dispose();

function useReconciliation(r: Reconciliation): void {
  num(r.window_days); num(r.tolerance); num(r.min_diff); num(r.api_requests); num(r.log_requests);
  r.findings.forEach((f: ReconcileFinding) => {
    str(f.kind); str(f.severity); str(f.key_id); str(f.key_name); str(f.key_prefix); nstr(f.day);
    num(f.api_requests); num(f.log_requests); num(f.api_errors); num(f.log_errors); str(f.reason);
  });
  r.keys.forEach((k: KeyReconciliation) => {
    str(k.key_id); str(k.key_name); str(k.key_prefix); num(k.api_requests); num(k.log_requests);
    num(k.days_compared); num(k.days_agreeing); num(k.agreement); nnum(k.drift);
  });
}
const logSummary: LogSummary = await summarizeLogs(new Blob(['x']), { keys, days: 7 });
const input: ReconcileInput = { keys, apiUsages: usages, logSummary, tolerance: '2%', minDiff: 5, now: '2026-05-17' };
useReconciliation(await reconcile(input));
useReconciliation(await reconcile({ keys, apiUsages: usages, logs: 'x', format: 'jsonl', days: 7, tolerance: 0.05 }));
const clientReconcile: ClientReconcileOptions = {
  ...readerOptions, ...readOptions, logs: new Blob(['x']), tolerance: 0.02, minDiff: 5, concurrency: 8,
  timeoutMs: 1000, maxRetries: 1,
};
useReconciliation(await client.reconcile(clientReconcile));
useReconciliation(await client.reconcile({ logs: 'line\n', days: 7 }));
// @ts-expect-error: client.reconcile needs the logs
await client.reconcile({ days: 7 });

// ---- errors
const fields: ErrorFields = { status: 429, code: 'rate_limited', requestId: 'req_1', details: { a: 1 },
  retryAfter: 30, jsonPath: 'data[0]', cause: new Error('x') };
const classes = [KeyscopeError, ValidationError, AuthenticationError, PermissionDeniedError, NotFoundError,
  RateLimitError, BadRequestError, ServerError, TimeoutError, ConnectionError, DecodeError,
  CancelledError, AbortError, RedirectError];
for (const Class of classes) {
  const e: KeyscopeError = new Class('message', fields);
  const asError: Error = e;
  str(asError.name); str(e.message); num(e.status); str(e.code); str(e.requestId);
  const d: Record<string, unknown> = e.details;
  const ra: number | null | undefined = e.retryAfter;
  const jp: string | undefined = e.jsonPath;
  const j: Record<string, unknown> = e.toJSON();
  void d; void ra; void jp; void j;
}
new ValidationError('no fields');
const limited = new RateLimitError('slow down', { retryAfter: 30 });
nnum(limited.retryAfter);
const decoded = new DecodeError('bad', { jsonPath: 'data[3].total_requests' });
if (decoded.jsonPath !== undefined) str(decoded.jsonPath);
const aborted: CancelledError = new AbortError('cancelled');
void aborted;
const rebuilt: KeyscopeError = errorFromObject({ type: 'NotFoundError', message: 'gone', status: 404 }, new Error('c'));
void rebuilt;

try {
  await client.getUsage('00000000-0000-4000-8000-00000000dead', { signal: AbortSignal.timeout(10) });
} catch (e: unknown) {
  if (e instanceof RateLimitError) nnum(e.retryAfter);
  else if (e instanceof DecodeError) void e.jsonPath;
  else if (e instanceof KeyscopeError) { num(e.status); str(e.code); str(e.requestId); }
}
