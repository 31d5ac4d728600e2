// The keyscope error taxonomy (docs/DESIGN.md "Errors"), as subclasses of Error.
// Every error carries status (0 when no response), code, requestId, details; RateLimitError also
// retryAfter (seconds, or null). Messages never contain a token: the core redacts them.

export class KeyscopeError extends Error {
  constructor(message, { status = 0, code = '', requestId = '', details = {}, retryAfter = null,
                         jsonPath, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details ?? {};
    if (retryAfter !== null && retryAfter !== undefined) this.retryAfter = retryAfter;
    if (jsonPath) this.jsonPath = jsonPath;
  }

  toJSON() {
    const out = { type: this.name, message: this.message, status: this.status, code: this.code,
                  requestId: this.requestId, details: this.details };
    if (this.retryAfter !== undefined) out.retryAfter = this.retryAfter;
    if (this.jsonPath !== undefined) out.jsonPath = this.jsonPath;
    return out;
  }
}

export class ValidationError extends KeyscopeError {}
export class AuthenticationError extends KeyscopeError {}
export class PermissionDeniedError extends KeyscopeError {}
export class NotFoundError extends KeyscopeError {}
export class RateLimitError extends KeyscopeError {
  constructor(message, fields = {}) {
    super(message, fields);
    this.retryAfter = fields.retryAfter ?? null;
  }
}
export class BadRequestError extends KeyscopeError {}
export class ServerError extends KeyscopeError {}
export class TimeoutError extends KeyscopeError {}
export class ConnectionError extends KeyscopeError {}
export class DecodeError extends KeyscopeError {}
export class CancelledError extends KeyscopeError {}
/** A 3xx answer: keyscope never follows redirects (status 0 in a browser, which hides it). */
export class RedirectError extends KeyscopeError {}
/** Alias: a call aborted through its AbortSignal rejects with CancelledError. */
export const AbortError = CancelledError;

const classes = {
  KeyscopeError, ValidationError, AuthenticationError, PermissionDeniedError, NotFoundError,
  RateLimitError, BadRequestError, ServerError, TimeoutError, ConnectionError, DecodeError,
  CancelledError, RedirectError,
};
// Names survive minification of user bundles.
for (const [name, cls] of Object.entries(classes)) {
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** Builds the error for the core's error object {type, message, status, code, request_id, ...}. */
export function errorFromObject(object, cause) {
  const Class = classes[object.type] ?? KeyscopeError;
  return new Class(object.message ?? 'unknown error', {
    status: object.status ?? 0,
    code: object.code ?? '',
    requestId: object.request_id ?? '',
    details: object.details ?? {},
    retryAfter: object.retry_after ?? null,
    jsonPath: object.json_path,
    cause,
  });
}
