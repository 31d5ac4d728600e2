// The client: createClient() and the Client whose calls run in the core
// (src/client_binding.cpp) over the transport host (transport.js). A call is a Promise settled
// by the core through host.settle, exactly once; its AbortSignal cancels it.
import * as codes from './codes.js';
import { host, init, requireCore } from './core.js';
import { KeyscopeError, ValidationError, CancelledError, errorFromObject } from './errors.js';
import { fromCheckedBody } from './results.js';
import { hostCheckedResult } from './host_check.js';
import { reconcileWithClient } from './logs.js';
import { checkLogger, logCallbackError, logRequest } from './logger.js';
import { configOf, configureClient, forgetClient, preloadFetch, recordHeaders, serverDateOf } from './transport.js';
import { canGoDirect, directPlan, sendDirect } from './direct.js';

const isBrowserPage = typeof document !== 'undefined';

const calls = new Map();   // call id -> { resolve, reject, onProgress, logger }
const loggers = new Map(); // client handle -> its logger (createClient's option)
let nextCall = 1;

/** Calls not settled yet (the package's leak tests). */
export function pendingCallCount() { return calls.size + directCalls; }
let directCalls = 0; // getUsage calls on their direct first attempt (src/direct.js)
let directPathOn = true;

/**
 * run() with every call it starts (synchronously) run by the core, the direct path off: the
 * tests and benchmarks that hold the two paths side by side.
 */
export function throughCore(run) {
  directPathOn = false;
  try {
    return run();
  } finally {
    directPathOn = true;
  }
}

host.log = (client, text) => {
  const logger = loggers.get(client);
  if (logger) logRequest(logger, text);
};

// A fleet fetch's counts, from the core's FleetProgress (keyscope/client.hpp), handed to the
// call's onProgress from a microtask (never inside the wasm core). An exception it throws is
// reported to the client's logger (warn) and otherwise ignored: the fetch goes on.
host.progress = (call, done, total, failed) => {
  const pending = calls.get(call);
  if (!pending?.onProgress) return;
  const { onProgress, logger } = pending;
  queueMicrotask(() => {
    try {
      onProgress({ done, total, failed });
    } catch (error) {
      logCallbackError(logger, 'onProgress', error);
    }
  });
};

// The body kind (src/results.js) of a SHAPE_*_BODY code.
function bodyKind(shape) {
  switch (shape) {
    case codes.SHAPE_KEY_LIST_BODY: return 'keys';
    case codes.SHAPE_KEY_DETAILS_BODY: return 'details';
    case codes.SHAPE_USAGE_BODY: return 'usage';
    default: return `shape ${shape}`;
  }
}

// A fleet's pieces (src/client_binding.cpp hand_over): each kept usage body as it arrives, parsed
// at once (while other requests are in flight), then the key list's body (keyIndex -1). A usage
// body JS has just checked itself (host.checkBody) comes without text: its result is kept.
host.part = (call, keyIndex, text) => {
  const pending = calls.get(call);
  if (!pending) return;
  const parts = pending.parts ?? (pending.parts = { keys: null, usages: [] });
  try {
    if (keyIndex < 0) parts.keys = fromCheckedBody('keys', text).data;
    else parts.usages.push([keyIndex, text === null ? takeChecked(pending) : fromCheckedBody('usage', text)]);
  } catch (error) {
    parts.error = error;
  }
};

// The result host.checkBody kept for the body the core has just handed over.
function takeChecked(pending) {
  const result = pending.checked;
  if (result === undefined) throw new Error('a body checked in JS without its result');
  pending.checked = undefined;
  return result;
}

// {keys, usages, window_days, errors} from a fleet's parts and its settled text; usages in the
// keys' order.
function assembleFleet(parts, text) {
  if (!parts || parts.error || !parts.keys) throw parts?.error ?? new Error('a fleet without its key list');
  const { window_days, errors } = JSON.parse(text);
  const usages = parts.usages.sort((a, b) => a[0] - b[0]).map(([, usage]) => usage);
  return { keys: parts.keys, usages, window_days, errors };
}

// A single call's 2xx body, before the core decodes it: when src/host_check.js is sure the core
// would accept it, the call keeps the result made here and the core skips its decode (it settles
// with SHAPE_HOST_CHECKED). Never throws: it runs inside the wasm call.
host.checkBody = (call, shape, bytes) => {
  const pending = calls.get(call);
  if (!pending) return false;
  const result = hostCheckedResult(bodyKind(shape), bytes);
  if (result === undefined) return false;
  pending.checked = result;
  return true;
};

function parseSettled(shape, text, pending) {
  if (shape === codes.SHAPE_RESULT_JSON) return JSON.parse(text);
  if (shape === codes.SHAPE_FLEET) return assembleFleet(pending.parts, text);
  if (shape === codes.SHAPE_HOST_CHECKED) return takeChecked(pending);
  return fromCheckedBody(bodyKind(shape), text);
}

host.settle = (call, ok, shape, text) => {
  const pending = calls.get(call);
  if (!pending) return; // already rejected (cancelled by its AbortSignal)
  calls.delete(call);
  let parsed;
  try {
    parsed = parseSettled(shape, text, pending);
  } catch (error) {
    pending.reject(new KeyscopeError('internal error: unreadable result', { code: 'internal', cause: error }));
    return;
  }
  if (ok) pending.resolve(parsed);
  else pending.reject(errorFromObject(parsed));
};

// As the native transport: a larger body is a ConnectionError "response_too_large".
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

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
  #plan;              // src/direct.js's, or null
  #directInFlight = 0;

  constructor(handle, plan) {
    this.#handle = handle;
    this.#plan = plan;
  }

  /** The API keys of the session's user (every key, revoked ones included). */
  async listKeys(options = {}) {
    const result = await this.#call(codes.OP_LIST_KEYS, '', 0, 0, options);
    return result.data;
  }

  /** One key's metadata, with `allowed_ips` and `usage: {daily}` (empty when the API sent none). */
  async getKey(keyId, options = {}) {
    const result = await this.#call(codes.OP_GET_KEY, keyId, 0, 0, options);
    return result.data;
  }

  /** One key's usage over the last `days` (1..90, default 30). */
  getUsage(keyId, options = {}) {
    return this.#call(codes.OP_GET_USAGE, keyId, options.days ?? 30, 0, options);
  }

  /**
   * The key list plus every active key's usage: {keys, usages, window_days, errors}.
   * onError 'raise' (default): the first key that fails rejects the call. 'collect': every other
   * key is still fetched, `usages` holds the keys that answered and `errors` lists the failures
   * as {key_id, error} (error: a KeyscopeError subclass instance). 401, 403, rate limits and a
   * failed key list reject in both modes. onProgress({done, total, failed}): once the key list
   * has arrived (done 0), then after each key's usage request (failures counted in `failed`).
   */
  async fetchFleet(options = {}) {
    const fleet = await this.#call(codes.OP_FETCH_FLEET, '', options?.days ?? 30, options?.concurrency ?? 8, options);
    fleet.errors = keyErrors(fleet.errors);
    return fleet;
  }

  /**
   * One row per active key (list + bounded-concurrency usage fetches + usage_by_key). With
   * onError 'collect' the keys whose usage failed have no row; the returned array's `errors`
   * property lists them as {key_id, error} (always [] with the default 'raise'). onProgress as
   * for fetchFleet().
   */
  async usageByKey(options = {}) {
    const result = await this.#call(codes.OP_USAGE_BY_KEY, '', options?.days ?? 30, options?.concurrency ?? 8, options);
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
    return reconcileWithClient(this, options, () => serverDateOf(this.#handle));
  }

  /** The rate-limit headers of the most recent response: {limit, remaining, reset, retry_after}. */
  get rateLimit() {
    if (this.#closed) return null;
    const instance = requireCore();
    recordHeaders(instance, this.#handle);
    return JSON.parse(instance.clientRateLimit(this.#handle));
  }

  get userAgent() {
    return requireCore().clientUserAgent(this.#handle);
  }

  /** Releases the client's core state. In-flight calls still settle. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    forgetClient(this.#handle);
    loggers.delete(this.#handle);
    if (this.#directInFlight === 0) requireCore().clientDestroy(this.#handle);
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
      const { onProgress } = options;
      if (onProgress !== undefined && onProgress !== null && typeof onProgress !== 'function') {
        throw new ValidationError('onProgress must be a function', { code: 'invalid_argument' });
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
      const start = () => {
        const call = nextCall++;
        let onAbort = null;
        const cleanup = () => {
          if (onAbort) signal.removeEventListener('abort', onAbort);
        };
        calls.set(call, {
          resolve: (value) => { cleanup(); resolve(value); },
          reject: (error) => { cleanup(); reject(error); },
          onProgress,
          logger: loggers.get(this.#handle),
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
        instance.clientCall(this.#handle, op, keyId, d, c, timeoutMs, maxRetries, call, onError === 'collect',
          typeof onProgress === 'function');
      };
      if (directPathOn && op === codes.OP_GET_USAGE && canGoDirect(this.#plan, keyId, d, timeoutMs, maxRetries)) {
        this.#direct(keyId, d, timeoutMs, signal, resolve, reject, start);
      } else {
        start();
      }
    });
  }

  // getUsage's first attempt sent from JS (src/direct.js); the core gets the call only when the
  // answer is not a success JS can settle, with that answer as its first attempt's. The core's
  // client outlives close() until then.
  #direct(keyId, days, timeoutMs, signal, resolve, reject, start) {
    directCalls++;
    this.#directInFlight++;
    const end = () => {
      directCalls--;
      if (--this.#directInFlight === 0 && this.#closed) requireCore().clientDestroy(this.#handle);
    };
    sendDirect(configOf(this.#handle), this.#handle, this.#plan, keyId, days, timeoutMs, signal, {
      resolve: (result) => { end(); resolve(result); },
      cancel: () => { end(); reject(cancelledError(signal)); },
      handOver: (outcome) => {
        preloadFetch(outcome);
        try {
          start();
        } catch (error) {
          reject(error);
        } finally {
          preloadFetch(null);
          end();
        }
      },
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
 *   logger        console or any object with debug/info/warn/error: every request (debug), retry
 *                 and its wait (info), with the core's redaction (src/logger.js)
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
  const logger = checkLogger(options.logger);
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
    ms(retry.maxServerWaitMs, 'retry.maxServerWaitMs', -1), strict, logger !== null));
  if (created.error) throw errorFromObject(created.error);
  if (logger) loggers.set(created.client, logger);
  configureClient(created.client, { fetch: fetchImpl, credentials, browser: isBrowserPage, maxResponseBytes });
  return new Client(created.client, directPlan(instance.clientDirectPlan(created.client), isBrowserPage));
}
