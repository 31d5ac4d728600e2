// A response body decoded in JS, without the core, when JS can be sure the core would accept it.
//
// JSON.parse is the fastest parser a page has, but it accepts more than the core: invalid UTF-8
// (replaced), lone surrogate escapes, any depth, "1e400" (Infinity), integers it cannot hold. So
// the bytes are decoded strictly, surrogate escapes and numbers are looked at, and the models are
// checked member by member (src/model_checks.js, generated from schema/models.json). When all of
// that passes, the result is the one the core's decode would have led to (src/results.js);
// otherwise the answer is "not sure" (undefined) and the core decodes and names what is wrong.
// tests/js/host-check.test.js holds the two to agreeing.

import { isObject, plainValue, startAsIs, wasAsIs } from './json_checks.js';
import { checkAPIKeyDetails, checkKeyList, checkKeyUsage } from './model_checks.js';
import { keyDetails, keyList, keyUsage } from './models.js';

// fatal: invalid UTF-8 throws instead of becoming U+FFFD. A leading BOM is dropped, as the core does.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// "\uD800" to "\uDFFF": half of a surrogate pair, which the core refuses unless paired. Paired
// ones are rare in API bodies, so any of them sends the body to the core.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
// Offsets on the core's tape are 32-bit; far below that, a body this large is the core's to judge.
const MAX_BYTES = 256 * 1024 * 1024;

// The envelope {"data": <model>, ...} of a single key's details or usage.
function dataEnvelope(body, check) {
  for (const key in body) if (key !== 'data' && !plainValue(body[key], 1)) return false;
  return isObject(body.data) && check(body.data, 2);
}

/**
 * The result of a body of `kind` ('keys', 'details' or 'usage', as src/results.js) when the
 * core's non-strict decode surely accepts it; undefined when not sure.
 */
export function hostCheckedResult(kind, bytes) {
  if (bytes.length > MAX_BYTES) return undefined;
  let body;
  try {
    const text = strictUtf8.decode(bytes);
    if (text.includes('\\u') && SURROGATE_ESCAPE.test(text)) return undefined;
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(body)) return undefined;
  startAsIs();
  switch (kind) {
    case 'keys': return checkKeyList(body, 1) ? keyList(body) : undefined;
    case 'details': return dataEnvelope(body, checkAPIKeyDetails) ? { data: keyDetails(body.data) } : undefined;
    // A usage as the API sends it is already the result: no copy (src/json_checks.js, asIs).
    case 'usage': return dataEnvelope(body, checkKeyUsage) ? (wasAsIs() ? body.data : keyUsage(body.data)) : undefined;
    default: return undefined;
  }
}
