// Loading the WebAssembly analytics module (keyscope-analytics.wasm: analytics, DDSketch, log
// readers and reconciliation), once. The main entry's init() and createClient() load it next to
// the client core (src/index.js); the client-only entry (src/client-only.js) never does, unless a
// client.reconcile() needs it (src/logs.js).
import KeyscopeAnalytics from './keyscope-analytics.js';
import { loadWasm } from './core.js';
import { KeyscopeError } from './errors.js';

let analyticsPromise = null;
let analytics = null;

/**
 * Loads and instantiates the analytics module once. Options: analyticsWasmUrl (where
 * keyscope-analytics.wasm lives, default next to this file), analyticsWasmBinary (its bytes).
 */
export function initAnalytics(options = {}) {
  if (!analyticsPromise) {
    const { analyticsWasmUrl, analyticsWasmBinary } = options ?? {};
    const url = analyticsWasmUrl ?? new URL('./keyscope-analytics.wasm', import.meta.url);
    analyticsPromise = loadWasm(KeyscopeAnalytics, 'analytics module', url, analyticsWasmBinary)
      .then((instance) => {
        analytics = instance;
      }, (error) => {
        analyticsPromise = null;
        throw error;
      });
  }
  return analyticsPromise;
}

/** The loaded analytics module; a KeyscopeError not_initialized before it has loaded. */
export function requireAnalytics() {
  if (!analytics) {
    throw new KeyscopeError("the keyscope analytics module is not loaded yet: await init() from 'keyscope' first",
      { code: 'not_initialized' });
  }
  return analytics;
}

/** The loaded analytics module, or null (finalizers, which must not throw). */
export function loadedAnalytics() {
  return analytics;
}
