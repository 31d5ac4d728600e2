// client.reconcile()'s way into the log readers (src/client.js imports it): the readers and the
// analytics module they run on (src/logs_reader.js) are loaded on the first call, so the
// client-only entry (src/client-only.js) neither bundles nor downloads them until then.
import { KeyscopeError } from './errors.js';

/** See reconcileWithClient in src/logs_reader.js. */
export async function reconcileWithClient(client, options, serverDate) {
  let readers;
  try {
    readers = await import('./logs_reader.js');
  } catch (error) {
    throw new KeyscopeError(`could not load the keyscope log readers: ${error?.message ?? error}`,
      { code: 'wasm_load_failed', cause: error });
  }
  return readers.reconcileWithClient(client, options, serverDate);
}
