// keyscope for JavaScript: the C++ core (WebAssembly) with a fetch()-based transport.
//
// Field names of every result are snake_case, exactly as the API and the shared test vectors
// spell them (no conversion layer, no cost). Options of this JS API are camelCase.
// Results are plain objects: JSON text crosses the wasm boundary once and is JSON.parse'd
// (a response body the core has checked comes back as it arrived: src/results.js).
//
// One module per concern, as the core's bindings (src/binding.hpp): core.js loads the wasm module,
// analytics_core.js hands it to the offline helpers, transport.js is the fetch() host, client.js
// the client, analytics.js, sketch.js and logs_reader.js the offline helpers, errors.js the error
// classes, results.js and models.js the result objects. This entry loads keyscope-core.wasm, one
// module for all of them (src/full_module.js); src/client-only.js (`keyscope/client`) loads the
// client alone.
import { init as initCore, provideModule, requireCore, unwrap } from './core.js';
import { initAnalytics, loadedAnalytics } from './analytics_core.js';
import { fullModule } from './full_module.js';
import { createClient as createClientOnly, pendingCallCount, throughCore } from './client.js';
import { fromCheckedBody } from './results.js';
import { hostCheckedResult } from './host_check.js';
import { inflightCount } from './transport.js';

export * from './errors.js';
export {
  runHelper, usageByKey, detectAnomalies, chargeback, checkUsage, gapFill, percentiles, percentile, environmentOf,
} from './analytics.js';
export { DDSketch } from './sketch.js';
export { summarizeLogs, reconcile, LogReader } from './logs_reader.js';

/**
 * Loads keyscope-core.wasm once (options wasmUrl, wasmBinary: where it is, or its bytes). Needed
 * before the synchronous helpers (analytics, DDSketch, LogReader); createClient() calls it.
 */
export async function init(options = {}) {
  provideModule(fullModule);
  await initCore(options);
  await initAnalytics();
}

/** A client (src/client.js), the module loaded as init() does. */
export async function createClient(options = {}) {
  provideModule(fullModule);
  const client = await createClientOnly(options);
  await initAnalytics();
  return client;
}

const decoder = new TextDecoder();

/** The core's version string. */
export function version() { return requireCore().version(); }

/** Test and benchmark hooks; not part of the stable API. */
export const __internal = {
  // What a single call does with a response body of `kind` ('keys', 'details', 'usage'): bytes
  // in, checked in JS (src/host_check.js) or else by the core, a plain object out. `body`: the
  // bytes (as fetch() hands them over).
  decode(kind, body) {
    const checked = hostCheckedResult(kind, body);
    if (checked !== undefined) return checked;
    const error = requireCore().decodeBody(kind, body, false);
    if (error) unwrap(error);
    return fromCheckedBody(kind, decoder.decode(body));
  },
  // The core's own JSON of the model it decodes from `body` (the reference for src/results.js).
  coreEncoding(kind, body) {
    return unwrap(requireCore().decodeBody(kind, body, true));
  },
  heapBytes() { return requireCore().HEAPU8.length; },
  // Bytes in live allocations of the client core's malloc (falls when memory is freed; heapBytes never does).
  heapInUse() { return requireCore()._ks_heap_in_use(); },
  compiledPatterns() { return loadedAnalytics()?.ksRegExps?.items.size ?? 0; },
  pendingCount() { return requireCore()._ks_pending_count() + pendingCallCount() + inflightCount(); },
  // run() with the calls it starts run by the core, not getUsage's direct path (src/direct.js).
  throughCore,
};
