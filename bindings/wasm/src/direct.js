// getUsage without the wasm core on its path, when nothing needs the core. Entering the core
// costs a Node call on loopback ~70 µs (bench/wasm/getusage_parts.mjs, docs/ARCHITECTURE.md), so
// for the call a dashboard makes most JS sends the first attempt the core planned
// (client_direct_plan, src/client_binding.cpp) and settles a 2xx whose body src/host_check.js
// accepts: what the core does with that answer. Any other answer (an error status, a body JS is
// not sure of, a timeout, a failed connection, a hidden redirect, a body too large) goes to the
// core as that attempt's outcome (preloadFetch): the core maps it, retries it and settles the
// call as if it had sent the attempt itself. tests/js/direct.test.js holds the two paths to the
// same results.
import * as codes from './codes.js';
import { hostCheckedResult } from './host_check.js';
import { cancelAttempt, newAttempt, noteHeaders, requestHeaders, send } from './transport.js';

// The core's key id rule (sdk/src/core/validation.cpp): any other id goes to the core, which
// names the error.
const KEY_ID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** The plan in client_direct_plan's text, or null: every call goes through the core. */
export function directPlan(text, browser) {
  if (!text) return null;
  const [method, timeoutMs, url] = text.split('\n', 3);
  const k = url.lastIndexOf('{key_id}');
  const d = url.lastIndexOf('{days}');
  return {
    method, timeoutMs: Number(timeoutMs),
    headers: requestHeaders(text.slice(method.length + timeoutMs.length + url.length + 3), browser),
    head: url.slice(0, k), middle: url.slice(k + 8, d), tail: url.slice(d + 6),
  };
}

/**
 * Whether getUsage(keyId, days, {timeoutMs, maxRetries}) can go direct (-1: the client's own).
 * The ranges are the core's (validate_days, validate_timeout_ms, validate_max_retries); a call
 * outside them goes to the core, which names the error with nothing sent.
 */
export const canGoDirect = (plan, keyId, days, timeoutMs, maxRetries) => plan !== null &&
  days >= 1 && days <= 90 && timeoutMs <= 3_600_000 && maxRetries <= 10 && KEY_ID.test(keyId);

/**
 * Sends the first attempt of getUsage(keyId, days), with the call's timeout (-1: the plan's).
 * Exactly one of: to.resolve(result) for a success JS settles; to.handOver(outcome) for any
 * other answer; to.cancel() when `signal` aborts first (the fetch is aborted).
 */
export function sendDirect(config, handle, plan, keyId, days, timeoutMs, signal, to) {
  const entry = newAttempt(handle);
  let open = true;
  const onAbort = () => {
    if (!open) return;
    open = false;
    clearTimeout(entry.timer);
    cancelAttempt(entry);
    to.cancel();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const url = plan.head + keyId + plan.middle + days + plan.tail;
  send(config, plan.method, url, plan.headers, timeoutMs < 0 ? plan.timeoutMs : timeoutMs, entry, (kind, status, headers, body, message) => {
    clearTimeout(entry.timer);
    if (!open) return;
    open = false;
    signal?.removeEventListener('abort', onAbort);
    if (kind === codes.COMPLETION_RESPONSE && status >= 200 && status < 300) {
      const result = hostCheckedResult('usage', body);
      if (result !== undefined) {
        noteHeaders(handle, headers);
        return to.resolve(result);
      }
    }
    to.handOver([kind, status, headers, body, message]);
  });
}
