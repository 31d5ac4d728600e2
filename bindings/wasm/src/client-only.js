// keyscope/client: the client alone. Its init() and createClient() load keyscope-client.wasm (the
// client without the offline helpers): a page that lists keys and fetches usage downloads nothing
// else. client.reconcile() loads keyscope-core.wasm when it is first called (src/analytics_core.js).
// The helpers (analytics, DDSketch, log readers) are in the main entry (src/index.js).
import KeyscopeClient from './keyscope-client.js';
import { init as initCore, provideModule, requireCore } from './core.js';
import { placeFullModule } from './analytics_core.js';
import { createClient as createClientOnly } from './client.js';

export * from './errors.js';

const clientModule = {
  factory: KeyscopeClient,
  url: new URL('./keyscope-client.wasm', import.meta.url),
  name: 'module (keyscope-client.wasm)',
  full: false,
};

function placeFullModuleFrom(options) {
  if (options?.reconcileWasmUrl !== undefined || options?.reconcileWasmBinary !== undefined) placeFullModule(options);
}

/**
 * Loads keyscope-client.wasm once (wasmUrl, wasmBinary: where it is, or its bytes); createClient()
 * calls it. reconcileWasmUrl / reconcileWasmBinary: where client.reconcile() finds keyscope-core.wasm.
 */
export function init(options = {}) {
  placeFullModuleFrom(options);
  provideModule(clientModule);
  return initCore(options);
}

/** A client (src/client.js) on keyscope-client.wasm; reconcileWasmUrl / reconcileWasmBinary as init()'s. */
export function createClient(options = {}) {
  placeFullModuleFrom(options);
  provideModule(clientModule);
  return createClientOnly(options);
}

/** The core's version string. */
export function version() { return requireCore().version(); }
