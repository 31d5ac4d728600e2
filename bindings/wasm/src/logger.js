// The client's `logger` option: every request, retry and wait of a call, as the core reports it
// (ClientOptions::on_request in keyscope/options.hpp), with every secret already redacted by the
// core. Delivered from a microtask, so that the logger never runs inside the wasm core; a logger
// that throws is ignored.

import { ValidationError } from './errors.js';

const LEVELS = ['debug', 'info', 'warn', 'error'];

/** The logger option, checked: undefined, or an object with debug/info/warn/error methods. */
export function checkLogger(logger) {
  if (logger === undefined || logger === null) return null;
  if (typeof logger !== 'object' && typeof logger !== 'function') {
    throw new ValidationError('logger must be an object with debug, info, warn and error methods (console works)',
      { code: 'invalid_argument' });
  }
  const missing = LEVELS.filter((level) => typeof logger[level] !== 'function');
  if (missing.length) {
    throw new ValidationError(`logger has no ${missing.join(', ')} method (console works)`, { code: 'invalid_argument' });
  }
  return logger;
}

function emit(logger, level, message, fields) {
  queueMicrotask(() => {
    try {
      logger[level](message, fields);
    } catch { /* a broken logger must not break a call */ }
  });
}

/**
 * One step of a call, from the core's JSON: debug for each response and each attempt that got
 * none, info for each retry (with the wait before it).
 */
export function logRequest(logger, text) {
  const e = JSON.parse(text);
  const pathAt = e.url.indexOf('/', e.url.indexOf('//') + 2);
  const fields = {
    event: e.event, method: e.method, url: e.url, path: pathAt < 0 ? '/' : e.url.slice(pathAt),
    attempt: e.attempt, status: e.status, requestId: e.request_id,
  };
  if (e.event === 'retry') {
    fields.waitMs = e.wait_ms;
    fields.error = e.error;
  } else {
    fields.elapsedMs = e.elapsed_ms;
    if (e.event === 'failure') {
      fields.error = e.error;
      fields.message = e.message;
    }
  }
  emit(logger, e.event === 'retry' ? 'info' : 'debug', e.line, fields);
}

/** A user callback (onProgress) that threw: a warning, and the call goes on. */
export function logCallbackError(logger, name, error) {
  if (logger) emit(logger, 'warn', `keyscope: ${name} threw, ignored: ${error?.message ?? error}`, { error });
}
