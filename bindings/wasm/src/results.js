// Result objects from response bodies the core has already checked.
//
// The C++ core decodes every body (strict types, JSON paths in DecodeErrors) and, when it is
// valid, hands the original text back instead of re-encoding its models: JSON.parse is faster
// than anything the wasm can write. What re-encoding did, the mapping generated from
// schema/models.json (models.js) does. tests/js/results.test.js holds it to the core's own
// encoding on every sandbox payload.

import { keyDetails, keyList, keyUsage } from './models.js';

export { keyInfo, keyDetails, keyUsage, keyList } from './models.js';

/** The core's shape codes (keyscope_wasm.cpp, enum Shape) by body kind. */
export const SHAPE = Object.freeze({ keys: 1, details: 2, usage: 3 });

/** The result of a call from the text of the body the core checked, by the core's shape code. */
export function fromCheckedBody(shape, text) {
  // A UTF-8 BOM is valid before JSON for the core (as for nlohmann), not for JSON.parse.
  const body = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  switch (shape) {
    case 1: return keyList(body);
    case 2: return { data: keyDetails(body.data) };
    case 3: return keyUsage(body.data);
    default: throw new Error(`unknown result shape ${shape}`);
  }
}
