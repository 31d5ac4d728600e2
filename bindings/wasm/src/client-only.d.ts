// keyscope/client: the client alone (src/client-only.js). Its init() and createClient() load
// only keyscope-core.wasm; the analytics options of InitOptions are not used here.
export type * from './index.js';
export {
  init, createClient, version,
  KeyscopeError, ValidationError, AuthenticationError, PermissionDeniedError, NotFoundError,
  RateLimitError, BadRequestError, ServerError, TimeoutError, ConnectionError, DecodeError,
  CancelledError, RedirectError, AbortError, errorFromObject,
} from './index.js';
