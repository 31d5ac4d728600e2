// keyscope/client: the client alone (src/client-only.js). Its init() and createClient() load
// keyscope-client.wasm; client.reconcile() loads keyscope-core.wasm on its first call.
import type { Client, ClientOptions, InitOptions } from './index.js';

export type * from './index.js';

export interface ReconcileModuleOptions {
  /** Where client.reconcile() loads keyscope-core.wasm from (default: next to client-only.js). */
  reconcileWasmUrl?: string | URL;
  /** keyscope-core.wasm's bytes, if you already have them. */
  reconcileWasmBinary?: ArrayBuffer | Uint8Array;
}
/** Loads keyscope-client.wasm (wasmUrl, wasmBinary: where it is, or its bytes). */
export function init(options?: InitOptions & ReconcileModuleOptions): Promise<void>;
export function createClient(options?: ClientOptions & ReconcileModuleOptions): Promise<Client>;
export {
  version,
  KeyscopeError, ValidationError, AuthenticationError, PermissionDeniedError, NotFoundError,
  RateLimitError, BadRequestError, ServerError, TimeoutError, ConnectionError, DecodeError,
  CancelledError, RedirectError, AbortError, errorFromObject,
} from './index.js';
