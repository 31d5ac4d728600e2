// The analytics helpers: synchronous, over API-shaped input objects, through the core's JSON
// entry points (src/analytics_binding.cpp), the ones the shared vectors run. The core must be
// loaded first: await init() or createClient().
import { unwrap } from './core.js';
import { requireAnalytics } from './analytics_core.js';
import { ValidationError } from './errors.js';

// A fleet fetched with onError 'collect' ({keys, usages, errors: [{key_id, error}]}): the keys
// that failed are left out of the analytics input, so the helpers report the keys that answered.
function answeredOnly(input) {
  if (input === null || typeof input !== 'object' || !Array.isArray(input.keys) || !Array.isArray(input.errors)) {
    return input;
  }
  const failed = new Set(input.errors.map((e) => e?.key_id));
  const { errors, ...rest } = input; // eslint-disable-line no-unused-vars
  return { ...rest, keys: input.keys.filter((k) => !failed.has(k?.id)) };
}

function helper(name, input) {
  const instance = requireAnalytics();
  input = answeredOnly(input);
  let text;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    throw new ValidationError(`${name}: input is not JSON-serialisable`, { code: 'invalid_argument', cause: error });
  }
  if (text === undefined) {
    throw new ValidationError(`${name}: input is required`, { code: 'invalid_argument' });
  }
  return unwrap(instance.runHelper(name, text));
}

/** Runs an analytics helper by its vector name on an API-shaped input object. */
export function runHelper(name, input) {
  return helper(String(name), input);
}

/** {keys, usages} -> one row per active key, sorted by request_count desc, then name. */
export function usageByKey(input) { return helper('usage_by_key', input); }
/** {keys, usages, now?, options?} -> findings, each with its kind, severity and numbers. */
export function detectAnomalies(input) { return helper('detect_anomalies', input); }
/** {keys, usages} or {rows}, plus bill ("1234.56") or bill_cents, mapping? -> cost rows. */
export function chargeback(input) { return helper('chargeback', input); }
/** {usage, end_date?} -> integrity checks of one usage payload. */
export function checkUsage(input) { return helper('check_usage', input); }
/** {daily, window_days, end_date} -> the daily series with missing days as zeros. */
export function gapFill(input) { return helper('gap_fill', input); }
/** Exact percentiles (linear interpolation between order statistics); qs in [0, 1]. */
export function percentiles(samples, qs) {
  return helper('percentiles', { samples: Array.from(samples), qs: Array.from(qs) }).values;
}
export function percentile(samples, q) { return percentiles(samples, [q])[0]; }
/** 'live' | 'test' | 'unknown' from a key prefix. */
export function environmentOf(prefix) { return helper('environment_of', { prefix: String(prefix) }); }
