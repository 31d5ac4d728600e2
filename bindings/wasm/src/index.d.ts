// Types of the keyscope npm package. Result fields are snake_case, exactly as the API sends them.

export interface InitOptions {
  /**
   * Where the entry's module is served from (default: next to index.js): keyscope-core.wasm, or
   * keyscope-client.wasm through keyscope/client.
   */
  wasmUrl?: string | URL;
  /** The module bytes, if you already have them. */
  wasmBinary?: ArrayBuffer | Uint8Array;
}
export function init(options?: InitOptions): Promise<void>;

export interface RetryOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not slept but returned as a RateLimitError (default 60000). */
  maxServerWaitMs?: number;
}

export interface ClientOptions extends InitOptions {
  /** API root, may carry a path prefix. Default https://socdefenders.ai. Relative URLs resolve against the page. */
  baseUrl?: string | URL;
  /** fetch() credentials mode; default 'include' (the browser's sb-access-token cookie). */
  credentials?: 'include' | 'same-origin' | 'omit';
  /** Node / non-browser hosts only: sent as the sb-access-token cookie. Never a Bearer or sk_ key. */
  sessionToken?: string;
  /** Per attempt; default 30000. */
  timeoutMs?: number;
  /** Retries of 429, 5xx (not 501), timeouts and connection failures; default 2. */
  maxRetries?: number;
  retry?: RetryOptions;
  /** A fetch implementation; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** A larger response body is a ConnectionError with code 'response_too_large' (not retried); default 32 MiB. */
  maxResponseBytes?: number;
  /**
   * false (default): any type-valid response decodes (a negative count too); implausible values
   * are checkUsage() findings. true: they are a DecodeError whose jsonPath names the field.
   */
  strict?: boolean;
  /**
   * Receives every request (debug), every attempt that got no response (debug) and every retry
   * with its wait (info), as a line and its fields, secrets redacted by the core. `console`
   * works; so does any object with these four methods (pino, winston, ...).
   */
  logger?: Logger;
}

/** What a `logger` needs: console's four levels. */
export interface Logger {
  debug(message: string, fields: RequestLog): void;
  info(message: string, fields: RequestLog): void;
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}
/** One step of a call, as the logger receives it beside its line. Every string is redacted. */
export interface RequestLog {
  /** response: an attempt got one (any status); failure: it got none; retry: the call waits, then sends again. */
  event: 'response' | 'failure' | 'retry';
  method: string;
  url: string;
  /** The URL's path and query. */
  path: string;
  /** The attempt this step is about (retry: the one that failed), from 1. */
  attempt: number;
  /** 0 when there was no response. */
  status: number;
  /** response, failure: how long the attempt took. */
  elapsedMs?: number;
  /** retry: the wait before the next attempt (server-requested or backoff). */
  waitMs?: number;
  /** The response's X-Request-Id, or "". */
  requestId: string;
  /** failure, retry: the error's class name ("ServerError", "TimeoutError", ...). */
  error?: string;
  /** failure: the error's message. */
  message?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
}
export interface UsageOptions extends CallOptions {
  /** Lookback window, 1..90; default 30. */
  days?: number;
}
export interface FleetOptions extends UsageOptions {
  /** Usage requests in flight at once, 1..256; default 8. */
  concurrency?: number;
  /**
   * 'raise' (default): the first key whose usage fails rejects the call. 'collect': the other
   * keys are still fetched and the failures are listed in `errors` (401, 403, rate limits and a
   * failed key list reject in both modes).
   */
  onError?: 'raise' | 'collect';
  /**
   * Called once the key list has arrived (done 0), then after each key's usage request, from a
   * microtask. An exception it throws is reported to the client's logger (warn) and otherwise
   * ignored: the fetch goes on.
   */
  onProgress?: (progress: FleetProgress) => void;
}
/** A fleet fetch's counts: of `total` active keys, `done` have been fetched, `failed` of them without a usage. */
export interface FleetProgress { done: number; total: number; failed: number; }

import type {
  APIKeyInfo, APIKeyDetails, DailyBucket, EndpointCount, HourBucket, KeyList, KeyUsage, BadLines, LogSummary,
  ReconcileFinding, KeyReconciliation, Reconciliation,
} from './models.js';
export type {
  APIKeyInfo, APIKeyDetails, DailyBucket, EndpointCount, HourBucket, KeyList, KeyUsage, BadLines, LogSummary,
  ReconcileFinding, KeyReconciliation, Reconciliation,
} from './models.js';
/** A key whose usage could not be fetched (onError: 'collect'). */
export interface KeyFetchError { key_id: string; error: KeyscopeError; }
/**
 * `keys`: every key as listed; `usages`: one per active key that answered; `errors`: the keys
 * that failed (always [] with onError 'raise'). The analytics helpers given a Fleet leave the
 * failed keys out.
 */
export interface Fleet { keys: APIKeyInfo[]; usages: KeyUsage[]; window_days: number; errors: KeyFetchError[]; }
/** client.usageByKey(): the rows of the keys that answered, and (not enumerable) the failures. */
export type UsageRows = UsageRow[] & { readonly errors: KeyFetchError[] };
export interface RateLimit {
  limit: number | null;
  remaining: number | null;
  reset: number | null;
  retry_after: number | null;
}

export interface EndpointShare { path: string; count: number; share: number; }
export interface UsageRow {
  key_id: string;
  name: string;
  prefix: string;
  environment: 'live' | 'test' | 'unknown';
  tier: string;
  request_count: number;
  error_count: number;
  error_rate: number;
  endpoint_distribution: EndpointShare[];
  latency_p95_ms: number | null;
  last_activity: string | null;
}
export type FindingKind =
  | 'spike' | 'dormant_reactivated' | 'error_burst' | 'rate_limit_pressure'
  | 'test_key_production_traffic' | 'expiring_soon' | 'expired_not_revoked' | 'never_used' | 'stale';
export interface Finding {
  key_id: string;
  key_name: string;
  key_prefix: string;
  kind: FindingKind;
  severity: 'info' | 'warning' | 'critical';
  /** The numbers behind the finding, by name ("peak_per_minute", "ratio", ...). */
  metrics: Record<string, number>;
  reason: string;
}
export interface ChargebackRow {
  cost_center: string;
  /** How many keys the cost center has. */
  keys: number;
  key_ids: string[];
  requests: number;
  share: number;
  cost_cents: number;
  /** cost_cents as a decimal string, "1693.58". */
  cost: string;
}
export interface IntegrityCheck {
  check: string;
  ok: boolean;
  expected: string;
  actual: string;
  message: string;
}

// ---- your own logs: usage from them, and the API's usage reconciled against them

/** Where each of the five things keyscope reads sits in a line; detected from common names when left out. */
export interface LogFields {
  /** A JSON member ("ts", "request.time"), a CSV column or an nginx variable ("$time_iso8601"). */
  time?: string;
  /** May hold a full secret key ("Bearer sk_live_..."): cut to its prefix as the line is read. */
  key?: string;
  path?: string;
  status?: string;
  latency?: string;
}
export interface LogReaderOptions {
  /** Default 'jsonl'. */
  format?: 'jsonl' | 'csv' | 'nginx';
  /** Your nginx log_format string, verbatim (format 'nginx'). */
  nginxFormat?: string;
  fields?: LogFields;
  /** Default: from the field's name (nginx $request_time and *_s: seconds, *_us: microseconds, else ms). */
  latencyUnit?: 's' | 'ms' | 'us';
  /** The window, 1..90 UTC days ending on `now`'s day (default 30); other lines count as out_of_window. */
  days?: number;
  /** The window's end: an ISO-8601 timestamp, a Date or epoch milliseconds (default: the local clock). */
  now?: string | Date | number;
}
export interface LogProgress {
  bytesRead: number;
  /** null when the source's length is unknown (a stream without totalBytes). */
  totalBytes: number | null;
}
export interface LogReadOptions {
  onProgress?: (progress: LogProgress) => void;
  /** Aborting rejects with a CancelledError and cancels a stream source. */
  signal?: AbortSignal;
  /** Bytes read between two yields to the event loop; default 1 MiB. */
  chunkBytes?: number;
  /** The source's length, for onProgress, when the source cannot tell it. */
  totalBytes?: number;
}
/** What a log can be read from: text, bytes, a dropped File, a fetch() body, a Node read stream. */
export type LogSource =
  | string | Uint8Array | ArrayBuffer | ArrayBufferView | Blob
  | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;
export interface SummarizeLogsOptions extends LogReaderOptions, LogReadOptions {
  /** client.listKeys(): usages of known prefixes get their key's id. */
  keys?: APIKeyInfo[];
}
export interface ReconcileToleranceOptions {
  /** A day agrees when |api - logs| <= max(tolerance * api, minDiff): 0.02 or "2%" (default). */
  tolerance?: number | string;
  /** Default 5 requests. */
  minDiff?: number;
}
export interface ReconcileInput extends SummarizeLogsOptions, ReconcileToleranceOptions {
  keys: APIKeyInfo[];
  /** The API's usage over the same days (fetchFleet().usages). */
  apiUsages: KeyUsage[];
  /** summarizeLogs() with the same keys, days and now; or give `logs` instead. */
  logSummary?: LogSummary;
  logs?: LogSource;
}
export interface ClientReconcileOptions extends LogReaderOptions, LogReadOptions, ReconcileToleranceOptions {
  logs: LogSource;
  /** Usage requests in flight at once while the fleet is fetched; default 8. */
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
}

/** Usage per key from your own logs, in the API's KeyUsage shape. Reads in chunks, yielding between them. */
export function summarizeLogs(source: LogSource, options?: SummarizeLogsOptions): Promise<LogSummary>;
/** The API's usage held against your logs. */
export function reconcile(input: ReconcileInput): Promise<Reconciliation>;

/** The core's streaming log reader; its state lives in wasm memory until dispose() (or garbage collection). */
export class LogReader {
  constructor(options?: LogReaderOptions);
  /** The window it counts: days, its last UTC day ("2026-05-17") and now (ISO). */
  readonly window: { days: number; endDate: string; now: string };
  /** A chunk may end anywhere, even inside a UTF-8 sequence. */
  feed(chunk: Uint8Array | ArrayBuffer | ArrayBufferView | string): this;
  finish(): this;
  summary(options?: { keys?: APIKeyInfo[] }): LogSummary;
  /** The whole aggregate (counts, latency sketches) as JSON text, for merge() elsewhere. */
  aggregateJson(): string;
  /** Exact: merged readers summarise as one read of all their lines. */
  merge(other: LogReader | string): this;
  dispose(): void;
}

export interface Client {
  listKeys(options?: CallOptions): Promise<APIKeyInfo[]>;
  getKey(keyId: string, options?: CallOptions): Promise<APIKeyDetails>;
  getUsage(keyId: string, options?: UsageOptions): Promise<KeyUsage>;
  fetchFleet(options?: FleetOptions): Promise<Fleet>;
  usageByKey(options?: FleetOptions): Promise<UsageRows>;
  /**
   * The API's usage over `days` held against your logs, read in chunks. The window ends on the
   * API's clock (its Date header, when readable) unless `now` is given.
   */
  reconcile(options: ClientReconcileOptions): Promise<Reconciliation>;
  /** The rate-limit headers of the most recent response (errors included). */
  readonly rateLimit: RateLimit | null;
  readonly userAgent: string;
  close(): void;
}
export function createClient(options?: ClientOptions): Promise<Client>;

// Analytics: synchronous, need the core loaded (await init() or createClient() first).
export function runHelper(name: string, input: unknown): unknown;
export function usageByKey(input: { keys: APIKeyInfo[]; usages: KeyUsage[]; errors?: KeyFetchError[] }): UsageRow[];
export function detectAnomalies(input: {
  keys: APIKeyInfo[]; usages: KeyUsage[]; now?: string; options?: Record<string, number>;
}): Finding[];
export function chargeback(input: ({ keys: APIKeyInfo[]; usages: KeyUsage[] } | { rows: UsageRow[] }) & {
  bill?: string; bill_cents?: number;
  mapping?: { by_key?: Record<string, string>; name_pattern?: string };
}): ChargebackRow[];
export function checkUsage(input: { usage: KeyUsage; end_date?: string }): IntegrityCheck[];
export function gapFill(input: { daily: DailyBucket[]; window_days: number; end_date: string }): DailyBucket[];
export function percentiles(samples: ArrayLike<number>, qs: ArrayLike<number>): number[];
export function percentile(samples: ArrayLike<number>, q: number): number;
export function environmentOf(prefix: string): 'live' | 'test' | 'unknown';
export function version(): string;

export class DDSketch {
  constructor(relativeAccuracy?: number, maxBuckets?: number);
  add(value: number, count?: number): this;
  addMany(values: ArrayLike<number>): this;
  merge(other: DDSketch): this;
  quantile(q: number): number;
  quantiles(qs: ArrayLike<number>): number[];
  readonly count: number;
  readonly bucketCount: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  toJSON(): Record<string, unknown>;
  static fromJSON(json: string | Record<string, unknown>): DDSketch;
  /** The protobuf DDSketch message of DataDog's sketches-proto (Python `ddsketch`, sketches-go). */
  toProto(): Uint8Array;
  static fromProto(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, maxBuckets?: number): DDSketch;
  /** Frees the sketch's wasm memory now (otherwise it is freed when garbage-collected). */
  dispose(): void;
}

// Errors
export interface ErrorFields {
  status?: number; code?: string; requestId?: string; details?: Record<string, unknown>;
  retryAfter?: number | null; jsonPath?: string; cause?: unknown;
}
export class KeyscopeError extends Error {
  constructor(message: string, fields?: ErrorFields);
  /** HTTP status, 0 when no response was received. */
  status: number;
  /** API error code ("not_found") or SDK code ("invalid_argument"). */
  code: string;
  requestId: string;
  details: Record<string, unknown>;
  retryAfter?: number | null;
  /** DecodeError: where decoding failed ("data[3].total_requests"). */
  jsonPath?: string;
  toJSON(): Record<string, unknown>;
}
export class ValidationError extends KeyscopeError {}
export class AuthenticationError extends KeyscopeError {}
export class PermissionDeniedError extends KeyscopeError {}
export class NotFoundError extends KeyscopeError {}
export class RateLimitError extends KeyscopeError { retryAfter: number | null; }
export class BadRequestError extends KeyscopeError {}
export class ServerError extends KeyscopeError {}
export class TimeoutError extends KeyscopeError {}
export class ConnectionError extends KeyscopeError {}
export class DecodeError extends KeyscopeError {}
export class CancelledError extends KeyscopeError {}
/** A 3xx answer (code "redirect_refused"): keyscope never follows redirects. The message names
 * the target (query redacted) where the runtime shows it; a browser hides it (status 0). */
export class RedirectError extends KeyscopeError {}
export const AbortError: typeof CancelledError;
export function errorFromObject(object: Record<string, unknown>, cause?: unknown): KeyscopeError;
