// Types of the keyscope npm package. Result fields are snake_case, exactly as the API sends them.

export interface InitOptions {
  /** Where keyscope-core.wasm is served from (default: next to index.js). */
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
}

import type { APIKeyInfo, APIKeyDetails, DailyBucket, EndpointCount, HourBucket, KeyList, KeyUsage } from './models.js';
export type { APIKeyInfo, APIKeyDetails, DailyBucket, EndpointCount, HourBucket, KeyList, KeyUsage } from './models.js';
export interface Fleet { keys: APIKeyInfo[]; usages: KeyUsage[]; window_days: number; }
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

export interface Client {
  listKeys(options?: CallOptions): Promise<APIKeyInfo[]>;
  getKey(keyId: string, options?: CallOptions): Promise<APIKeyDetails>;
  getUsage(keyId: string, options?: UsageOptions): Promise<KeyUsage>;
  fetchFleet(options?: FleetOptions): Promise<Fleet>;
  usageByKey(options?: FleetOptions): Promise<UsageRow[]>;
  /** The rate-limit headers of the most recent response (errors included). */
  readonly rateLimit: RateLimit | null;
  readonly userAgent: string;
  close(): void;
}
export function createClient(options?: ClientOptions): Promise<Client>;

// Analytics: synchronous, need the core loaded (await init() or createClient() first).
export function runHelper(name: string, input: unknown): unknown;
export function usageByKey(input: { keys: APIKeyInfo[]; usages: KeyUsage[] }): UsageRow[];
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
export const AbortError: typeof CancelledError;
export function errorFromObject(object: Record<string, unknown>, cause?: unknown): KeyscopeError;
