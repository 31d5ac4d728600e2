// keyscope/client: the client alone. Its init() and createClient() load only the client core
// (keyscope-core.wasm), never the analytics module: a page that lists keys and fetches usage
// downloads nothing else. client.reconcile() loads the analytics module when it is called.
// The helpers (analytics, DDSketch, log readers) are in the main entry (src/index.js).
import { requireCore } from './core.js';

export { init } from './core.js';
export { createClient } from './client.js';
export * from './errors.js';

/** The core's version string. */
export function version() { return requireCore().version(); }
