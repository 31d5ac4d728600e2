// The instance the offline helpers (analytics, DDSketch, log readers and reconciliation) run on:
// through the main entry, the one module the client runs on too (keyscope-core.wasm, loaded by
// src/core.js); through keyscope/client, whose module is the client alone, a second instance of
// keyscope-core.wasm, loaded when client.reconcile() first needs it (src/logs_reader.js).
import { coreIsFull, init as initCore, loadWasm, requireCore } from './core.js';
import { KeyscopeError } from './errors.js';

let analyticsPromise = null;
let analytics = null;
let fullModuleAt = {};

/**
 * keyscope/client's init() options reconcileWasmUrl / reconcileWasmBinary: where
 * client.reconcile() finds keyscope-core.wasm (default next to this file).
 */
export function placeFullModule({ reconcileWasmUrl, reconcileWasmBinary } = {}) {
  fullModuleAt = { url: reconcileWasmUrl, binary: reconcileWasmBinary };
}

async function loadFullModule() {
  let fullModule;
  try {
    ({ fullModule } = await import('./full_module.js'));
  } catch (error) {
    throw new KeyscopeError(`could not load the keyscope WebAssembly module (keyscope-core.js): ${error?.message ?? error}`,
      { code: 'wasm_load_failed', cause: error });
  }
  return loadWasm(fullModule.factory, fullModule.name, fullModuleAt.url ?? fullModule.url, fullModuleAt.binary);
}

/** Makes the offline helpers usable, once (after the entry's init(), for the main entry). */
export function initAnalytics() {
  if (!analyticsPromise) {
    const loading = coreIsFull() ? initCore().then(() => requireCore()) : loadFullModule();
    analyticsPromise = loading.then((instance) => {
      analytics = instance;
    }, (error) => {
      analyticsPromise = null;
      throw error;
    });
  }
  return analyticsPromise;
}

/** The instance the helpers run on; a KeyscopeError not_initialized before it has loaded. */
export function requireAnalytics() {
  if (!analytics) {
    throw new KeyscopeError("the keyscope WebAssembly module is not loaded yet: await init() from 'keyscope' first",
      { code: 'not_initialized' });
  }
  return analytics;
}

/** The instance the helpers run on, or null (finalizers, which must not throw). */
export function loadedAnalytics() {
  return analytics;
}
