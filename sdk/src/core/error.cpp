#include "keyscope/error.hpp"

#include <cstdlib>
#include <utility>

namespace keyscope {

const char* error_class_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::validation: return "ValidationError";
    case ErrorKind::authentication: return "AuthenticationError";
    case ErrorKind::permission_denied: return "PermissionDeniedError";
    case ErrorKind::not_found: return "NotFoundError";
    case ErrorKind::rate_limit: return "RateLimitError";
    case ErrorKind::bad_request: return "BadRequestError";
    case ErrorKind::server: return "ServerError";
    case ErrorKind::timeout: return "TimeoutError";
    case ErrorKind::connection: return "ConnectionError";
    case ErrorKind::decode: return "DecodeError";
    case ErrorKind::cancelled: return "CancelledError";
    case ErrorKind::redirect: return "RedirectError";
  }
  return "KeyscopeError";
}

std::string to_string(const Error& error) {
  std::string text = error_class_name(error.kind);
  text += ": ";
  text += error.message;
  std::string context;
  auto append = [&context](const std::string& part) {
    if (!context.empty()) context += ", ";
    context += part;
  };
  if (error.status != 0) append("status " + std::to_string(error.status));
  if (!error.code.empty()) append("code " + error.code);
  if (!error.json_path.empty()) append("at " + error.json_path);
  if (error.retry_after_seconds) {
    std::string seconds = std::to_string(*error.retry_after_seconds);
    seconds.erase(seconds.find_last_not_of('0') + 1);
    if (!seconds.empty() && seconds.back() == '.') seconds.pop_back();
    append("retry after " + seconds + " s");
  }
  if (!error.request_id.empty()) append("request_id " + error.request_id);
  if (!context.empty()) text += " (" + context + ")";
  return text;
}

KeyscopeError::KeyscopeError(Error error)
    : std::runtime_error(to_string(error)), error_(std::move(error)) {}

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
void throw_error(const Error& error) {
  switch (error.kind) {
    case ErrorKind::validation: throw ValidationError(error);
    case ErrorKind::authentication: throw AuthenticationError(error);
    case ErrorKind::permission_denied: throw PermissionDeniedError(error);
    case ErrorKind::not_found: throw NotFoundError(error);
    case ErrorKind::rate_limit: throw RateLimitError(error);
    case ErrorKind::bad_request: throw BadRequestError(error);
    case ErrorKind::server: throw ServerError(error);
    case ErrorKind::timeout: throw TimeoutError(error);
    case ErrorKind::connection: throw ConnectionError(error);
    case ErrorKind::decode: throw DecodeError(error);
    case ErrorKind::cancelled: throw CancelledError(error);
    case ErrorKind::redirect: throw RedirectError(error);
  }
  throw KeyscopeError(error);
}
#else
// Built without C++ exceptions (the npm package's WebAssembly): only the Result API is used
// there, so reaching a throwing convenience is a bug in keyscope, and it stops the program.
void throw_error(const Error&) { std::abort(); }
#endif

Error validation_error(std::string message, std::string code) {
  Error error;
  error.kind = ErrorKind::validation;
  error.message = std::move(message);
  error.code = std::move(code);
  return error;
}

Error decode_error(std::string message, std::string json_path) {
  Error error;
  error.kind = ErrorKind::decode;
  error.code = "decode_error";
  error.message = std::move(message);
  error.json_path = std::move(json_path);
  return error;
}

Error transport_error(ErrorKind kind, std::string message, std::string code) {
  Error error;
  error.kind = kind;
  error.code = std::move(code);
  error.message = std::move(message);
  return error;
}

Error connection_error(std::string message, std::string code) {
  return transport_error(ErrorKind::connection, std::move(message), std::move(code));
}
Error timeout_error(std::string message) { return transport_error(ErrorKind::timeout, std::move(message), "timeout"); }
Error cancelled_error(std::string message) {
  return transport_error(ErrorKind::cancelled, std::move(message), "cancelled");
}

}  // namespace keyscope
