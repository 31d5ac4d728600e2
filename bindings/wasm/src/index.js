// keyscope for JavaScript: the C++ core (WebAssembly) with a fetch()-based transport.
//
// Field names of every result are snake_case, exactly as the API and the shared test vectors
// spell them (no conversion layer, no cost). Options of this JS API are camelCase.
// Results are plain objects: JSON text crosses the wasm boundary once and is JSON.parse'd
// (a response body the core has checked comes back as it arrived: src/results.js).
import KeyscopeCore from './keyscope-core.js';
import {
  KeyscopeError, ValidationError, CancelledError, errorFromObject,
} from './errors.js';
import { SHAPE, fromCheckedBody } from './results.js';
import { bindCore, reconcileWithClient } from './logs.js';

export * from './errors.js';
export { summarizeLogs, reconcile, LogReader } from './logs.js';

const isNode = typeof process === 'object' && process !== null && !!process.versions?.node &&
  typeof window === 'undefined';
const isBrowserPage = typeof document !== 'undefined';

let corePromise = null;
let core = null;

// ---- loading ------------------------------------------------------------------------------

/**
 * Loads and instantiates the WebAssembly core once. createClient() calls it; call it yourself
 * before using the synchronous analytics helpers. Options: wasmUrl (where keyscope-core.wasm
 * lives, default next to this file), wasmBinary (bytes you already have).
 */
export function init(options = {}) {
  if (!corePromise) {
    corePromise = instantiate(options).then((instance) => {
      core = instance;
      return instance;
    }, (error) => {
      corePromise = null;
      throw error;
    });
  }
  return corePromise.then(() => undefined);
}

async function instantiate({ wasmUrl, wasmBinary } = {}) {
  const url = wasmUrl ?? new URL('./keyscope-core.wasm', import.meta.url);
  const moduleArg = {
    print: () => {},
    printErr: () => {},
    onAbort: () => {},
  };
  if (wasmBinary) {
    moduleArg.wasmBinary = wasmBinary;
  } else if (isNode && String(url).startsWith('file:')) {
    const fsName = 'node:fs/promises'; // kept out of bundlers' static analysis
    const { readFile } = await import(/* @vite-ignore */ fsName);
    try {
      moduleArg.wasmBinary = await readFile(url);
    } catch (error) {  // a missing file fails like a broken one: KeyscopeError wasm_load_failed
      throw new KeyscopeError(`could not load the keyscope WebAssembly core: ${error?.message ?? error}`,
        { code: 'wasm_load_failed', cause: error });
    }
  } else {
    moduleArg.instantiateWasm = (imports, receive) => {
      const response = fetch(url, { credentials: 'same-origin' });
      const viaBytes = () => response
        .then((r) => {
          if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
          return r.arrayBuffer();
        })
        .then((bytes) => WebAssembly.instantiate(bytes, imports));
      const streaming = typeof WebAssembly.instantiateStreaming === 'function'
        ? WebAssembly.instantiateStreaming(response, imports).catch(() => viaBytes())
        : viaBytes();
      // The glue's promise never settles when instantiateWasm fails: reject the load ourselves
      // (a broken or missing .wasm at wasmUrl used to leave init() pending forever).
      streaming.then((result) => receive(result.instance, result.module), failLoad);
      return {};
    };
  }
  let failLoad;
  const loadFailed = new Promise((resolve, reject) => { failLoad = reject; });
  let instance;
  try {
    instance = await Promise.race([KeyscopeCore(moduleArg), loadFailed]);
  } catch (error) {
    throw new KeyscopeError(`could not load the keyscope WebAssembly core: ${error?.message ?? error}`,
      { code: 'wasm_load_failed', cause: error });
  }
  installHost(instance);
  return instance;
}

function requireCore() {
  if (!core) {
    throw new KeyscopeError('the keyscope core is not loaded yet: await init() (or createClient()) first',
      { code: 'not_initialized' });
  }
  return core;
}
bindCore(requireCore);

// ---- the transport host: fetch() on behalf of the C++ FetchTransport ------------------------

const clientConfigs = new Map(); // client handle -> { fetch, credentials, browser }
const inflight = new Map();      // request id -> { controller, timer, timedOut, cancelled }
const calls = new Map();         // call id -> { resolve, reject }
let nextCall = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function installHost(instance) {
  instance.ksHost = {
    fetch: (client, request, method, url, headerLines, timeoutMs) =>
      hostFetch(instance, client, request, method, url, headerLines, timeoutMs),
    abort: (request) => {
      const entry = inflight.get(request);
      if (entry) {
        entry.cancelled = true;
        entry.controller.abort();
      }
    },
    defer: (timer, delayMs) => {
      setTimeout(() => instance._ks_timer_fire(timer), Math.max(0, delayMs));
    },
    settle: (call, ok, shape, text) => {
      const pending = calls.get(call);
      if (!pending) return; // already rejected (cancelled by its AbortSignal)
      calls.delete(call);
      let parsed;
      try {
        parsed = shape === 0 ? JSON.parse(text) : fromCheckedBody(shape, text);
      } catch (error) {
        pending.reject(new KeyscopeError('internal error: unreadable result', { code: 'internal', cause: error }));
        return;
      }
      if (ok) pending.resolve(parsed);
      else pending.reject(errorFromObject(parsed));
    },
  };
}

function hostFetch(instance, client, request, method, url, headerLines, timeoutMs) {
  const config = clientConfigs.get(client);
  const entry = { controller: new AbortController(), timer: null, timedOut: false, cancelled: false };
  inflight.set(request, entry);
  entry.timer = setTimeout(() => {
    entry.timedOut = true;
    entry.controller.abort();
  }, timeoutMs);
  const headers = new Headers();
  const lines = headerLines.split('\n'); // name, value, name, value, ..., ''
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const name = lines[i];
    const value = lines[i + 1];
    // A page cannot set these (the browser drops Cookie, and a custom User-Agent only triggers
    // a CORS preflight); the core never adds Cookie there because the page has no token.
    if (config.browser && /^(user-agent|cookie)$/i.test(name)) continue;
    headers.append(name, value);
  }
  const init = {
    method, headers, credentials: config.credentials, signal: entry.controller.signal,
    // Never follow a redirect (the API does not redirect, and following one could carry the
    // session to another origin): Node's fetch hands back the 3xx itself, which the core turns
    // into a RedirectError naming the target; a browser hands back an opaque response
    // (type 'opaqueredirect', status 0, no Location), reported below.
    redirect: 'manual', cache: 'no-store',
  };
  // fetch() runs from a microtask, not inside the wasm call that asked for it: with DevTools
  // (or any CDP client) attached, Chromium records each request's initiator stack, and a stack
  // through the wasm core cost ~0.2 ms a request (bench:wasm). An abort before then still wins:
  // the signal is already aborted when fetch() sees it.
  Promise.resolve()
    .then(() => config.fetch(url, init))
    .then(async (response) => {
      if (response.type === 'opaqueredirect') {
        finish(instance, request, entry, 5, 0, '', null, null); // the core words the RedirectError
        return;
      }
      const body = await readBody(response, config.maxResponseBytes);
      if (body === null) {
        finish(instance, request, entry, 4, 0, '', null,
          `response larger than ${config.maxResponseBytes} bytes`);
        entry.controller.abort(); // stop the download
        return;
      }
      // The API's clock, for client.reconcile()'s window (null cross-origin unless exposed).
      config.serverDate = response.headers.get('date') ?? config.serverDate;
      let headerText = '';
      response.headers.forEach((value, name) => { headerText += `${name}\n${value}\n`; });
      finish(instance, request, entry, 0, response.status, headerText, body, null);
    })
    .catch((error) => {
      const kind = entry.cancelled ? 3 : entry.timedOut ? 1 : 2;
      const detail = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
      const message = kind === 1
        ? `no response within ${timeoutMs} ms`
        : `the request failed: ${detail}`;
      finish(instance, request, entry, kind, 0, '', null, message);
    });
}

// The body's bytes, or null when it is larger than `limit`. A declared length is trusted only
// to refuse early: what arrives is counted either way, and a body without a declared length is
// read piece by piece so that an endless one stops at the limit.
async function readBody(response, limit) {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return null;
  if (declared !== null || !response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.length > limit ? null : bytes;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

// kind: 0 a response, 1 timeout, 2 connection failure, 3 cancelled, 4 response too large,
// 5 a redirect the browser would not show (RedirectError).
function finish(instance, request, entry, kind, status, headerText, body, message) {
  clearTimeout(entry.timer);
  if (inflight.get(request) !== entry) return;
  inflight.delete(request);
  const headerBytes = encoder.encode(headerText);
  const messageBytes = message === null ? null : encoder.encode(`${message}\0`);
  const bodyLength = body ? body.length : 0;
  const headersPtr = instance._malloc(headerBytes.length + 1);
  const bodyPtr = instance._malloc(bodyLength + 1);
  const messagePtr = messageBytes ? instance._malloc(messageBytes.length) : 0;
  if (!headersPtr || !bodyPtr || (messageBytes && !messagePtr)) {
    // The wasm memory cannot grow that far: a too-large response, not a write to address 0.
    for (const ptr of [headersPtr, bodyPtr, messagePtr]) if (ptr) instance._free(ptr);
    instance._ks_complete(request, 4, 0, 0, 0, 0, 0, 0);
    return;
  }
  const heap = instance.HEAPU8; // after the mallocs: memory may have grown
  heap.set(headerBytes, headersPtr);
  if (body) heap.set(body, bodyPtr);
  if (messageBytes) heap.set(messageBytes, messagePtr);
  try {
    instance._ks_complete(request, kind, status, headersPtr, headerBytes.length, bodyPtr,
      bodyLength, messagePtr);
  } finally {
    instance._free(headersPtr);
    instance._free(bodyPtr);
    if (messagePtr) instance._free(messagePtr);
  }
}

// ---- the client -----------------------------------------------------------------------------

// As the native transport: a larger body is a ConnectionError "response_too_large".
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const OP = { listKeys: 0, getKey: 1, getUsage: 2, fetchFleet: 3, usageByKey: 4 };

function cancelledError(signal) {
  return new CancelledError('the call was cancelled', { code: 'cancelled', cause: signal?.reason });
}

function checkInt(name, value, fallback) {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ValidationError(`${name} must be an integer, got ${typeof value === 'number' ? value : typeof value}`,
      { code: 'invalid_argument' });
  }
  return value;
}

// [{key_id, error: <the core's error object>}] -> [{key_id, error: <KeyscopeError subclass>}]
function keyErrors(errors) {
  return (errors ?? []).map((e) => ({ key_id: e.key_id, error: errorFromObject(e.error) }));
}

function checkSignal(signal) {
  if (signal !== undefined && signal !== null &&
      (typeof signal !== 'object' || typeof signal.addEventListener !== 'function')) {
    throw new ValidationError('signal must be an AbortSignal', { code: 'invalid_argument' });
  }
}

class Client {
  #handle;
  #closed = false;

  constructor(handle) {
    this.#handle = handle;
  }

  /** The API keys of the session's user (every key, revoked ones included). */
  async listKeys(options = {}) {
    const result = await this.#call(OP.listKeys, '', 0, 0, options);
    return result.data;
  }

  /** One key's metadata, with `allowed_ips` and `usage: {daily}` (empty when the API sent none). */
  async getKey(keyId, options = {}) {
    const result = await this.#call(OP.getKey, keyId, 0, 0, options);
    return result.data;
  }

  /** One key's usage over the last `days` (1..90, default 30). */
  getUsage(keyId, options = {}) {
    return this.#call(OP.getUsage, keyId, options.days ?? 30, 0, options);
  }

  /**
   * The key list plus every active key's usage: {keys, usages, window_days, errors}.
   * onError 'raise' (default): the first key that fails rejects the call. 'collect': every other
   * key is still fetched, `usages` holds the keys that answered and `errors` lists the failures
   * as {key_id, error} (error: a KeyscopeError subclass instance). 401, 403, rate limits and a
   * failed key list reject in both modes.
   */
  async fetchFleet(options = {}) {
    const fleet = await this.#call(OP.fetchFleet, '', options?.days ?? 30, options?.concurrency ?? 8, options);
    fleet.errors = keyErrors(fleet.errors);
    return fleet;
  }

  /**
   * One row per active key (list + bounded-concurrency usage fetches + usage_by_key). With
   * onError 'collect' the keys whose usage failed have no row; the returned array's `errors`
   * property lists them as {key_id, error} (always [] with the default 'raise').
   */
  async usageByKey(options = {}) {
    const result = await this.#call(OP.usageByKey, '', options?.days ?? 30, options?.concurrency ?? 8, options);
    const rows = Array.isArray(result) ? result : result.rows;
    // Not enumerable: the rows stay deep-equal to usageByKey(fleet) and serialise as a plain array.
    Object.defineProperty(rows, 'errors', {
      value: keyErrors(Array.isArray(result) ? [] : result.errors), enumerable: false,
    });
    return rows;
  }

  /**
   * The API's usage over `days` held against your logs (options.logs: a string, bytes, a Blob/File,
   * a ReadableStream), read in chunks with the reader options of summarizeLogs(): a Reconciliation.
   */
  reconcile(options = {}) {
    return reconcileWithClient(this, options, () => clientConfigs.get(this.#handle)?.serverDate ?? null);
  }

  /** The rate-limit headers of the most recent response: {limit, remaining, reset, retry_after}. */
  get rateLimit() {
    if (this.#closed) return null;
    return JSON.parse(requireCore().clientRateLimit(this.#handle));
  }

  get userAgent() {
    return requireCore().clientUserAgent(this.#handle);
  }

  /** Releases the client's core state. In-flight calls still settle. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    clientConfigs.delete(this.#handle);
    requireCore().clientDestroy(this.#handle);
  }

  toString() {
    return '[keyscope Client]';
  }

  #call(op, keyId, days, concurrency, options) {
    return new Promise((resolve, reject) => {
      const instance = requireCore();
      if (options === null || typeof options !== 'object') {
        throw new ValidationError('options must be an object', { code: 'invalid_argument' });
      }
      const { signal } = options;
      checkSignal(signal);
      if (typeof keyId !== 'string') {
        throw new ValidationError(`key id must be a string, got ${typeof keyId}`, { code: 'invalid_key_id' });
      }
      const onError = options.onError ?? 'raise';
      if (onError !== 'raise' && onError !== 'collect') {
        throw new ValidationError(`onError must be 'raise' or 'collect', got ${String(onError)}`,
          { code: 'invalid_argument' });
      }
      const d = checkInt('days', days, 30);
      const c = checkInt('concurrency', concurrency, 8);
      const timeoutMs = checkInt('timeoutMs', options.timeoutMs, -1);
      const maxRetries = checkInt('maxRetries', options.maxRetries, -1);
      if (options.timeoutMs !== undefined && timeoutMs < 1) {
        throw new ValidationError('timeoutMs must be at least 1', { code: 'invalid_timeout' });
      }
      if (options.maxRetries !== undefined && maxRetries < 0) {
        throw new ValidationError('maxRetries must not be negative', { code: 'invalid_max_retries' });
      }
      if (this.#closed) {
        throw new ValidationError('the client was closed', { code: 'client_closed' });
      }
      if (signal?.aborted) {
        reject(cancelledError(signal));
        return;
      }
      const call = nextCall++;
      let onAbort = null;
      const cleanup = () => {
        if (onAbort) signal.removeEventListener('abort', onAbort);
      };
      calls.set(call, {
        resolve: (value) => { cleanup(); resolve(value); },
        reject: (error) => { cleanup(); reject(error); },
      });
      if (signal) {
        onAbort = () => {
          if (!calls.has(call)) return;
          calls.delete(call);
          cleanup();
          instance.callCancel(call);
          reject(cancelledError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }
      instance.clientCall(this.#handle, op, keyId, d, c, timeoutMs, maxRetries, call, onError === 'collect');
    });
  }
}

/**
 * Creates a client. Options:
 *   baseUrl       API root, may carry a path prefix (default https://socdefenders.ai; in a page,
 *                 relative URLs resolve against the page)
 *   credentials   fetch credentials mode: 'include' (default), 'same-origin' or 'omit'
 *   sessionToken  Node and other non-browser hosts only: sent as the sb-access-token cookie
 *   timeoutMs     per attempt (default 30000)
 *   maxRetries    retries of 429/5xx/timeouts/connection failures (default 2)
 *   retry         { initialBackoffMs, maxBackoffMs, maxServerWaitMs }
 *   fetch         a fetch implementation (default globalThis.fetch)
 *   maxResponseBytes  a larger body is a ConnectionError "response_too_large" (default 32 MiB)
 *   strict        false (default): any type-valid response decodes, implausible values are
 *                 checkUsage() findings; true: they are a DecodeError naming the JSON path
 *   wasmUrl, wasmBinary   passed to init()
 */
export async function createClient(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('createClient options must be an object', { code: 'invalid_argument' });
  }
  await init({ wasmUrl: options.wasmUrl, wasmBinary: options.wasmBinary });
  const instance = requireCore();
  const {
    credentials = 'include', sessionToken = '', timeoutMs = 30000, maxRetries = 2, retry = {},
    maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES, strict = false,
  } = options;
  if (typeof strict !== 'boolean') {
    throw new ValidationError('strict must be true or false', { code: 'invalid_argument' });
  }
  let baseUrl = options.baseUrl ?? 'https://socdefenders.ai';
  if (typeof baseUrl !== 'string' && !(baseUrl instanceof URL)) {
    throw new ValidationError('baseUrl must be a string', { code: 'invalid_base_url' });
  }
  baseUrl = String(baseUrl);
  if (isBrowserPage && typeof location !== 'undefined' && !/^[a-z][a-z0-9+.-]*:/i.test(baseUrl)) {
    baseUrl = new URL(baseUrl, location.href).href;
  }
  if (!['include', 'same-origin', 'omit'].includes(credentials)) {
    throw new ValidationError(`credentials must be 'include', 'same-origin' or 'omit', got ${String(credentials)}`,
      { code: 'invalid_credentials' });
  }
  if (typeof sessionToken !== 'string') {
    throw new ValidationError('sessionToken must be a string', { code: 'invalid_session_token' });
  }
  if (sessionToken && isBrowserPage) {
    throw new ValidationError('sessionToken cannot be used in a browser: fetch() may not set the Cookie header. ' +
      'Sign in so the browser holds the sb-access-token cookie, and use credentials: "include".',
    { code: 'invalid_session_token' });
  }
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1) {
    throw new ValidationError('maxResponseBytes must be a positive integer', { code: 'invalid_argument' });
  }
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImpl !== 'function') {
    throw new ValidationError('no fetch() available: pass options.fetch', { code: 'missing_transport' });
  }
  const ms = (value, name, fallback) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ValidationError(`${name} must be a number of milliseconds`, { code: 'invalid_argument' });
    }
    return value;
  };
  const created = JSON.parse(instance.clientCreate(
    baseUrl, sessionToken, !sessionToken,
    checkInt('timeoutMs', timeoutMs, 30000), checkInt('maxRetries', maxRetries, 2),
    ms(retry.initialBackoffMs, 'retry.initialBackoffMs', -1),
    ms(retry.maxBackoffMs, 'retry.maxBackoffMs', -1),
    ms(retry.maxServerWaitMs, 'retry.maxServerWaitMs', -1), strict));
  if (created.error) throw errorFromObject(created.error);
  clientConfigs.set(created.client, { fetch: fetchImpl, credentials, browser: isBrowserPage, maxResponseBytes });
  return new Client(created.client);
}

// ---- analytics (synchronous; the core must be loaded: await init() or createClient()) --------

// A fleet fetched with onError 'collect' ({keys, usages, errors: [{key_id, error}]}): the keys
// that failed are left out of the analytics input, so the helpers report the keys that answered.
function answeredOnly(input) {
  if (input === null || typeof input !== 'object' || !Array.isArray(input.keys) || !Array.isArray(input.errors)) {
    return input;
  }
  const failed = new Set(input.errors.map((e) => e?.key_id));
  const { errors, ...rest } = input; // eslint-disable-line no-unused-vars
  return { ...rest, keys: input.keys.filter((k) => !failed.has(k?.id)) };
}

function helper(name, input) {
  const instance = requireCore();
  input = answeredOnly(input);
  let text;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    throw new ValidationError(`${name}: input is not JSON-serialisable`, { code: 'invalid_argument', cause: error });
  }
  if (text === undefined) {
    throw new ValidationError(`${name}: input is required`, { code: 'invalid_argument' });
  }
  const result = JSON.parse(instance.runHelper(name, text));
  if (result.error) throw errorFromObject(result.error);
  return result.ok;
}

/** Runs an analytics helper by its vector name on an API-shaped input object. */
export function runHelper(name, input) {
  return helper(String(name), input);
}

/** {keys, usages} -> one row per active key, sorted by request_count desc, then name. */
export function usageByKey(input) { return helper('usage_by_key', input); }
/** {keys, usages, now?, options?} -> findings, each with its kind, severity and numbers. */
export function detectAnomalies(input) { return helper('detect_anomalies', input); }
/** {keys, usages} or {rows}, plus bill ("1234.56") or bill_cents, mapping? -> cost rows. */
export function chargeback(input) { return helper('chargeback', input); }
/** {usage, end_date?} -> integrity checks of one usage payload. */
export function checkUsage(input) { return helper('check_usage', input); }
/** {daily, window_days, end_date} -> the daily series with missing days as zeros. */
export function gapFill(input) { return helper('gap_fill', input); }
/** Exact percentiles (linear interpolation between order statistics); qs in [0, 1]. */
export function percentiles(samples, qs) {
  return helper('percentiles', { samples: Array.from(samples), qs: Array.from(qs) }).values;
}
export function percentile(samples, q) { return percentiles(samples, [q])[0]; }
/** 'live' | 'test' | 'unknown' from a key prefix. */
export function environmentOf(prefix) { return helper('environment_of', { prefix: String(prefix) }); }

/** The core's version string. */
export function version() { return requireCore().version(); }

/** Test and benchmark hooks; not part of the stable API. */
export const __internal = {
  // What a call does with a response body of `kind` ('keys', 'details', 'usage'): bytes in,
  // checked by the core, a plain object out. `body`: the bytes (as fetch() hands them over).
  decode(kind, body) {
    const error = requireCore().decodeBody(kind, body, false);
    if (error) throw errorFromObject(JSON.parse(error).error);
    return fromCheckedBody(SHAPE[kind], decoder.decode(body));
  },
  // The core's own JSON of the model it decodes from `body` (the reference for src/results.js).
  coreEncoding(kind, body) {
    const result = JSON.parse(requireCore().decodeBody(kind, body, true));
    if (result.error) throw errorFromObject(result.error);
    return result.ok;
  },
  heapBytes() { return requireCore().HEAPU8.length; },
  // Bytes in live allocations of the core's malloc (falls when memory is freed; heapBytes never does).
  heapInUse() { return requireCore()._ks_heap_in_use(); },
  compiledPatterns() { return requireCore().ksRegExps?.items.size ?? 0; },
  pendingCount() { return requireCore()._ks_pending_count() + calls.size + inflight.size; },
};

// ---- DDSketch: the core's mergeable quantile sketch ----------------------------------------

const sketchRegistry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((id) => { core?.sketchFree(id); })
  : null;

function unwrap(text) {
  const result = JSON.parse(text);
  if (result.error) throw errorFromObject(result.error);
  return result.ok;
}

function withDoubles(instance, values, fn) {
  const length = values.length;
  const pointer = instance._malloc(Math.max(8, length * 8));
  try {
    new Float64Array(instance.HEAPU8.buffer, pointer, length).set(values);
    return fn(pointer, length);
  } finally {
    instance._free(pointer);
  }
}

const BATCH = 4096;

/**
 * A DDSketch with relative accuracy `relativeAccuracy` (default 0.01) and at most `maxBuckets`
 * buckets per store (default 2048): the same sketch, byte for byte, as the C++ and Python ones.
 * Its buckets live in wasm memory; dispose() frees them at once, otherwise the garbage
 * collector does.
 */
export class DDSketch {
  #id;
  #buffer = new Float64Array(BATCH);
  #buffered = 0;

  constructor(relativeAccuracy = 0.01, maxBuckets = 2048, _fromId = undefined) {
    const instance = requireCore();
    this.#id = _fromId ?? unwrap(instance.sketchCreate(relativeAccuracy, maxBuckets));
    sketchRegistry?.register(this, this.#id, this);
  }

  static fromJSON(json) {
    const instance = requireCore();
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    const id = unwrap(instance.sketchFromJson(text));
    return new DDSketch(undefined, undefined, id);
  }

  /**
   * Reads the protobuf DDSketch message of DataDog's sketches-proto (what the Python `ddsketch`
   * package's DDSketchProto and sketches-go write): a Uint8Array, Buffer or ArrayBuffer. The
   * message has no max_buckets: `maxBuckets` (default 2048) bounds each store.
   */
  static fromProto(bytes, maxBuckets = 2048) {
    let view;
    if (bytes instanceof Uint8Array) view = bytes;
    else if (bytes instanceof ArrayBuffer) view = new Uint8Array(bytes);
    else if (ArrayBuffer.isView(bytes)) view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else {
      throw new ValidationError('DDSketch.fromProto expects a Uint8Array, Buffer or ArrayBuffer', { code: 'invalid_argument' });
    }
    const id = unwrap(requireCore().sketchFromProto(view, maxBuckets));
    return new DDSketch(undefined, undefined, id);
  }

  add(value, count = 1) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ValidationError(`DDSketch.add: value must be a finite number, got ${value}`, { code: 'invalid_argument' });
    }
    if (count !== 1) {
      this.#flush();
      const instance = requireCore();
      withDoubles(instance, [value], (p, n) => unwrap(instance.sketchAdd(this.#live(), p, n, count)));
      return this;
    }
    this.#buffer[this.#buffered++] = value;
    if (this.#buffered === BATCH) this.#flush();
    return this;
  }

  addMany(values) {
    for (let i = 0; i < values.length; i++) this.add(values[i]);
    return this;
  }

  merge(other) {
    if (!(other instanceof DDSketch)) {
      throw new ValidationError('DDSketch.merge expects a DDSketch', { code: 'invalid_argument' });
    }
    this.#flush();
    other.#flush();
    unwrap(requireCore().sketchMerge(this.#live(), other.#live()));
    return this;
  }

  quantile(q) { return this.quantiles([q])[0]; }

  quantiles(qs) {
    this.#flush();
    const instance = requireCore();
    const values = Array.from(qs, Number);
    return withDoubles(instance, values, (p, n) => unwrap(instance.sketchQuantiles(this.#live(), p, n)));
  }

  #summary() {
    this.#flush();
    return unwrap(requireCore().sketchSummary(this.#live()));
  }

  get count() { return this.#summary().count; }
  get sum() { return this.#summary().sum; }
  get min() { return this.#summary().min; }
  get max() { return this.#summary().max; }
  get bucketCount() { return this.#summary().bucket_count; }

  toJSON() {
    this.#flush();
    return unwrap(requireCore().sketchToJson(this.#live()));
  }

  /** The protobuf DDSketch message (sketches-proto) of this sketch, as a new Uint8Array. */
  toProto() {
    this.#flush();
    const instance = requireCore();
    const { pointer, length } = unwrap(instance.sketchToProto(this.#live()));
    return instance.HEAPU8.slice(pointer, pointer + length);
  }

  dispose() {
    if (this.#id === null) return;
    sketchRegistry?.unregister(this);
    requireCore().sketchFree(this.#id);
    this.#id = null;
  }

  #live() {
    if (this.#id === null) throw new ValidationError('the sketch was disposed', { code: 'disposed' });
    return this.#id;
  }

  #flush() {
    if (this.#buffered === 0) return;
    const instance = requireCore();
    const values = this.#buffer.subarray(0, this.#buffered);
    this.#buffered = 0;
    withDoubles(instance, values, (p, n) => unwrap(instance.sketchAdd(this.#live(), p, n, 1)));
  }
}
