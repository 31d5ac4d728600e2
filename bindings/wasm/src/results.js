// Result objects from response bodies the core has already checked.
//
// The C++ core decodes every body (strict types, JSON paths in DecodeErrors) and, when it is
// valid, hands the original text back instead of re-encoding its models: JSON.parse is faster
// than anything the wasm can write. What re-encoding did, the mapping generated from
// schema/models.json (models.js) does. tests/js/results.test.js holds it to the core's own
// encoding on every sandbox payload.

import { keyDetails, keyList, keyUsage } from './models.js';

export { keyInfo, keyDetails, keyUsage, keyList } from './models.js';

/**
 * The result of a call from the text of the body the core checked. kind: 'keys' (a key list),
 * 'details' (one key's details) or 'usage'.
 */
export function fromCheckedBody(kind, text) {
  // A UTF-8 BOM is valid before JSON for the core, not for JSON.parse.
  const body = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  switch (kind) {
    case 'keys': return keyList(body);
    case 'details': return { data: keyDetails(body.data) };
    case 'usage': return keyUsage(body.data);
    default: throw new Error(`unknown body kind ${kind}`);
  }
}
