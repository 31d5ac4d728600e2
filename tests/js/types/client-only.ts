// Compile-only (tests/js/types.test.js: tsc --noEmit --strict): every export of the client-only
// entry (keyscope/client, bindings/wasm/src/client-only.d.ts) used as a dashboard would. Not executed.
import {
  init, createClient, version, errorFromObject,
  KeyscopeError, ValidationError, AuthenticationError, PermissionDeniedError, NotFoundError,
  RateLimitError, BadRequestError, ServerError, TimeoutError, ConnectionError, DecodeError,
  CancelledError, AbortError, RedirectError,
} from 'keyscope/client';
import type { APIKeyInfo, Client, ClientOptions, KeyUsage, InitOptions, ReconcileModuleOptions } from 'keyscope/client';

const errorClasses = [KeyscopeError, ValidationError, AuthenticationError, PermissionDeniedError, NotFoundError,
  RateLimitError, BadRequestError, ServerError, TimeoutError, ConnectionError, DecodeError, CancelledError,
  AbortError, RedirectError];

export async function dashboard(options: ClientOptions, load: InitOptions): Promise<[APIKeyInfo[], KeyUsage[]]> {
  const reconcileAt: ReconcileModuleOptions = { reconcileWasmUrl: '/static/keyscope-core.wasm' };
  await init({ ...load, ...reconcileAt });
  const client: Client = await createClient({ ...options, reconcileWasmBinary: new Uint8Array(0) });
  const keys = await client.listKeys();
  try {
    const usages = await Promise.all(keys.map((key) => client.getUsage(key.id, { days: 30 })));
    return [keys, usages];
  } catch (error) {
    if (error instanceof RateLimitError) console.log(error.retryAfter, version());
    if (errorClasses.some((Class) => error instanceof Class)) throw error;
    throw errorFromObject({ type: 'KeyscopeError', message: String(error) });
  }
}
