// keyscope-core.wasm, the whole package in one module: the client and the offline helpers
// (analytics, DDSketch, log readers and reconciliation). The main entry (src/index.js) runs on
// it; keyscope/client loads it only for client.reconcile() (src/analytics_core.js).
import KeyscopeCore from './keyscope-core.js';

export const fullModule = {
  factory: KeyscopeCore,
  url: new URL('./keyscope-core.wasm', import.meta.url),
  name: 'module (keyscope-core.wasm)',
  full: true,
};
