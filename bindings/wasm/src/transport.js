// The transport host: fetch() on behalf of the C++ FetchTransport (src/fetch_transport.cpp).
// The core asks for a request (host.fetch), an abort (host.abort) or a timer (host.defer); the
// answer goes back through ks_complete / ks_timer_fire.
import * as codes from './codes.js';
import { host, requireCore } from './core.js';

const clientConfigs = new Map(); // client handle -> { fetch, credentials, browser, maxResponseBytes, serverDate }
const inflight = new Map();      // request id -> { controller, timer, timedOut, cancelled }
const encoder = new TextEncoder();

/** The fetch settings of a client handle (createClient), until forgetClient. */
export function configureClient(handle, config) { clientConfigs.set(handle, config); }
export function forgetClient(handle) { clientConfigs.delete(handle); }
/** The API's Date header of the client's latest response (for client.reconcile), or null. */
export function serverDateOf(handle) { return clientConfigs.get(handle)?.serverDate ?? null; }
export function inflightCount() { return inflight.size; }

host.fetch = (client, request, method, url, headerLines, timeoutMs) =>
  hostFetch(requireCore(), client, request, method, url, headerLines, timeoutMs);
host.abort = (request) => {
  const entry = inflight.get(request);
  if (entry) {
    entry.cancelled = true;
    entry.controller.abort();
  }
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

function hostFetch(instance, client, request, method, url, headerLines, timeoutMs) {
  const config = clientConfigs.get(client);
  const entry = { controller: new AbortController(), timer: null, timedOut: false, cancelled: false };
  inflight.set(request, entry);
  if (!config) {  // a retry of a call whose client was closed meanwhile: nothing to send it with
    queueMicrotask(() => finish(instance, request, entry, codes.COMPLETION_CONNECTION_FAILED, 0, '', null,
      'the client was closed'));
    return;
  }
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
        finish(instance, request, entry, codes.COMPLETION_REDIRECT_HIDDEN, 0, '', null, null); // the core words it
        return;
      }
      const body = await readBody(response, config.maxResponseBytes);
      if (body === null) {
        finish(instance, request, entry, codes.COMPLETION_TOO_LARGE, 0, '', null,
          `response larger than ${config.maxResponseBytes} bytes`);
        entry.controller.abort(); // stop the download
        return;
      }
      // The API's clock, for client.reconcile()'s window (null cross-origin unless exposed).
      config.serverDate = response.headers.get('date') ?? config.serverDate;
      // Only the headers the core reads: iterating them all costs more (undici sorts them).
      let headerText = '';
      for (const name of headerNamesOf(instance)) {
        const value = response.headers.get(name);
        if (value !== null) headerText += `${name}\n${value}\n`;
      }
      finish(instance, request, entry, codes.COMPLETION_RESPONSE, response.status, headerText, body, null);
    })
    .catch((error) => {
      const kind = entry.cancelled ? codes.COMPLETION_CANCELLED
        : entry.timedOut ? codes.COMPLETION_TIMED_OUT : codes.COMPLETION_CONNECTION_FAILED;
      const detail = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
      const message = kind === codes.COMPLETION_TIMED_OUT
        ? `no response within ${timeoutMs} ms`
        : `the request failed: ${detail}`;
      finish(instance, request, entry, kind, 0, '', null, message);
    });
}

let headerNames = null;
function headerNamesOf(instance) {
  if (headerNames) return headerNames;
  const at = instance._ks_response_header_names();
  const heap = instance.HEAPU8;
  return (headerNames = new TextDecoder().decode(heap.subarray(at, heap.indexOf(0, at))).split('\n').filter(Boolean));
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

// kind: a COMPLETION_* code (codes.hpp).
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
