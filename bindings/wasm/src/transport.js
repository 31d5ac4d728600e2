// The transport host: fetch() on behalf of the C++ FetchTransport (src/fetch_transport.cpp).
// The core asks for a request (host.fetch), an abort (host.abort) or a timer (host.defer); the
// answer goes back through ks_complete / ks_timer_fire.
import * as codes from './codes.js';
import { host, requireCore } from './core.js';

const clientConfigs = new Map(); // client handle -> { fetch, credentials, browser, maxResponseBytes, serverDate }
const inflight = new Map();      // request id -> { controller, timer, timedOut, cancelled, client }
const encoder = new TextEncoder();

/** The fetch settings of a client handle (createClient), until forgetClient. */
export function configureClient(handle, config) { clientConfigs.set(handle, config); }
/** The fetch settings of a client handle (src/direct.js sends with them), or undefined. */
export function configOf(handle) { return clientConfigs.get(handle); }
export function forgetClient(handle) {
  clientConfigs.delete(handle);
  unrecorded.delete(handle);
}
/** The API's Date header of the client's latest response (for client.reconcile), or null. */
export function serverDateOf(handle) { return clientConfigs.get(handle)?.serverDate ?? null; }
export function inflightCount() { return inflight.size; }

/** One attempt's state, for send(): its abort controller, timer, and how it ended. */
export function newAttempt(client) {
  return { controller: new AbortController(), timer: null, timedOut: false, cancelled: false, client };
}
/** Cancels an attempt: send() reports it as COMPLETION_CANCELLED. */
export function cancelAttempt(entry) {
  entry.cancelled = true;
  entry.controller.abort();
}

host.fetch = (client, request, method, url, headerLines, timeoutMs) => {
  const instance = requireCore();
  const entry = newAttempt(client);
  inflight.set(request, entry);
  const done = (...outcome) => finish(instance, request, entry, ...outcome);
  const answered = preloaded;
  preloaded = null;
  if (answered) { // a direct call's first attempt, already answered (src/direct.js)
    queueMicrotask(() => done(...(entry.cancelled ? [codes.COMPLETION_CANCELLED, 0, null, null, null] : answered)));
    return;
  }
  const config = clientConfigs.get(client);
  if (!config) {  // a retry of a call whose client was closed meanwhile: nothing to send it with
    queueMicrotask(() => done(codes.COMPLETION_CONNECTION_FAILED, 0, null, null, 'the client was closed'));
    return;
  }
  send(config, method, url, requestHeaders(headerLines, config.browser), timeoutMs, entry, done, true);
};
host.abort = (request) => {
  const entry = inflight.get(request);
  if (entry) cancelAttempt(entry);
};
const timers = new Map();        // core timer id -> setTimeout handle, until it fires or is cleared
host.defer = (timer, delayMs) => {
  const instance = requireCore();
  timers.set(timer, setTimeout(() => {
    timers.delete(timer);
    instance._ks_timer_fire(timer);
  }, Math.max(0, delayMs)));
};
host.clearTimer = (timer) => {
  clearTimeout(timers.get(timer));
  timers.delete(timer);
};

// The outcome the next host.fetch gets instead of sending (the arguments of `done` below), for
// the call src/direct.js hands to the core right after; null again once that call has started.
let preloaded = null;
export function preloadFetch(outcome) { preloaded = outcome; }

// The response headers of a direct call's success (src/direct.js) for the core's rate-limit
// state, handed over lazily: before the core's next completion for that client and before
// client.rateLimit reads it, so the latest response always wins.
const unrecorded = new Map(); // client handle -> [response Headers, unix seconds received]
export function noteHeaders(client, headers) {
  if (clientConfigs.has(client)) unrecorded.set(client, [headers, Date.now() / 1000]);
}
export function recordHeaders(instance, client) {
  const noted = unrecorded.get(client);
  if (!noted) return;
  unrecorded.delete(client);
  instance.clientRecordHeaders(client, coreHeaderText(noted[0]), noted[1]);
}

// The response headers the core reads (keyscope::kResponseHeadersRead), as "name\nvalue\n" lines:
// only those, read when the core needs them (iterating all of them costs more: undici sorts them).
function coreHeaderText(headers) {
  let text = '';
  if (headers) {
    for (const name of headerNamesOf(requireCore())) {
      const value = headers.get(name);
      if (value !== null) text += `${name}\n${value}\n`;
    }
  }
  return text;
}

/**
 * A request's headers, [name, value] pairs, from the core's "name\nvalue\n" lines. A page cannot
 * set User-Agent or Cookie (the browser drops Cookie, and a custom User-Agent only triggers a
 * CORS preflight); the core never adds Cookie there because the page has no token.
 */
export function requestHeaders(headerLines, browser) {
  const pairs = [];
  const lines = headerLines.split('\n'); // name, value, name, value, ..., ''
  for (let i = 0; i + 1 < lines.length; i += 2) {
    if (!(browser && /^(user-agent|cookie)$/i.test(lines[i]))) pairs.push([lines[i], lines[i + 1]]);
  }
  return pairs;
}

/**
 * One attempt: fetch() with the headers (requestHeaders) and timeout, the body read up to the
 * client's limit, then done(kind, status, responseHeaders, body, message), kind a COMPLETION_*
 * code (codes.hpp), responseHeaders the response's Headers or null. entry: newAttempt()'s;
 * `done` clears its timer.
 */
export function send(config, method, url, headers, timeoutMs, entry, done, fromCore = false) {
  entry.timer = setTimeout(() => {
    entry.timedOut = true;
    entry.controller.abort();
  }, timeoutMs);
  const init = {
    // A Headers of its own each time: a fetch option may read it, or change it.
    method, headers: new Headers(headers), credentials: config.credentials, signal: entry.controller.signal,
    // Never follow a redirect (the API does not redirect, and following one could carry the
    // session to another origin): Node's fetch hands back the 3xx itself, which the core turns
    // into a RedirectError naming the target; a browser hands back an opaque response
    // (type 'opaqueredirect', status 0, no Location), reported below.
    redirect: 'manual', cache: 'no-store',
  };
  // Asked by the core, fetch() runs from a microtask, not inside the wasm call: with DevTools (or
  // any CDP client) attached, Chromium records each request's initiator stack, and a stack through
  // the wasm core cost ~0.2 ms a request (bench:wasm). An abort before then still wins: the signal
  // is already aborted when fetch() sees it. A direct call (src/direct.js) starts it at once.
  const start = () => config.fetch(url, init);
  (fromCore ? Promise.resolve().then(start) : startNow(start))
    .then((response) => {
      if (response.type === 'opaqueredirect') {
        done(codes.COMPLETION_REDIRECT_HIDDEN, 0, null, null, null); // the core words it
        return undefined;
      }
      return readBody(response, config.maxResponseBytes).then((body) => {
        if (body === null) {
          done(codes.COMPLETION_TOO_LARGE, 0, null, null, `response larger than ${config.maxResponseBytes} bytes`);
          entry.controller.abort(); // stop the download
          return;
        }
        // The API's clock, for client.reconcile()'s window (null cross-origin unless exposed).
        config.serverDate = response.headers.get('date') ?? config.serverDate;
        done(codes.COMPLETION_RESPONSE, response.status, response.headers, body, null);
      });
    })
    .catch((error) => {
      const kind = entry.cancelled ? codes.COMPLETION_CANCELLED
        : entry.timedOut ? codes.COMPLETION_TIMED_OUT : codes.COMPLETION_CONNECTION_FAILED;
      const detail = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
      const message = kind === codes.COMPLETION_TIMED_OUT
        ? `no response within ${timeoutMs} ms`
        : `the request failed: ${detail}`;
      done(kind, 0, null, null, message);
    });
}

let headerNames = null;
function headerNamesOf(instance) {
  if (headerNames) return headerNames;
  const at = instance._ks_response_header_names();
  const heap = instance.HEAPU8;
  return (headerNames = new TextDecoder().decode(heap.subarray(at, heap.indexOf(0, at))).split('\n').filter(Boolean));
}

// A promise, as fetch() would give: a fetch option that throws is a failed request.
function startNow(start) {
  try {
    return Promise.resolve(start());
  } catch (error) {
    return Promise.reject(error);
  }
}

// The body's bytes, or null when it is larger than `limit`. A declared length is trusted only
// to refuse early: what arrives is counted either way, and a body without a declared length is
// read piece by piece so that an endless one stops at the limit.
function readBody(response, limit) {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return Promise.resolve(null);
  if (declared !== null || !response.body) {
    return response.arrayBuffer().then((buffer) => (buffer.byteLength > limit ? null : new Uint8Array(buffer)));
  }
  return readPieces(response, limit);
}

async function readPieces(response, limit) {
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

// kind: a COMPLETION_* code (codes.hpp).
function finish(instance, request, entry, kind, status, headers, body, message) {
  clearTimeout(entry.timer);
  if (inflight.get(request) !== entry) return;
  inflight.delete(request);
  recordHeaders(instance, entry.client);
  const headerBytes = encoder.encode(coreHeaderText(headers));
  const messageBytes = message === null ? null : encoder.encode(`${message}\0`);
  const bodyLength = body ? body.length : 0;
  const headersPtr = instance._malloc(headerBytes.length + 1);
  const bodyPtr = instance._malloc(bodyLength + 1);
  const messagePtr = messageBytes ? instance._malloc(messageBytes.length) : 0;
  if (!headersPtr || !bodyPtr || (messageBytes && !messagePtr)) {
    // The wasm memory cannot grow that far: a too-large response, not a write to address 0.
    for (const ptr of [headersPtr, bodyPtr, messagePtr]) if (ptr) instance._free(ptr);
    instance._ks_complete(request, codes.COMPLETION_TOO_LARGE, 0, 0, 0, 0, 0, 0);
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
