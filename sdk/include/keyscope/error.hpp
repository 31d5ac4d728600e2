#pragma once
/// @file
/// One error taxonomy for every front door (docs/DESIGN.md "Errors").
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace keyscope {

/// What went wrong; each kind is one exception class (error_class_name) in every front door.
enum class ErrorKind {
  validation,         ///< a bad argument, caught before anything is sent
  authentication,     ///< 401
  permission_denied,  ///< 403
  not_found,          ///< 404
  rate_limit,         ///< 429, or a server-requested wait longer than the client accepts
  bad_request,        ///< any other 4xx
  server,             ///< 5xx
  timeout,            ///< no complete response in time
  connection,         ///< could not connect, or the connection dropped
  decode,             ///< body is not JSON or not the contract
  cancelled,          ///< the caller cancelled the call
  redirect,           ///< a 3xx: keyscope never follows redirects (see redirect_error)
};

/// "ValidationError", "NotFoundError", ... — the class name every binding uses.
const char* error_class_name(ErrorKind kind) noexcept;

/// A failed call: what Result<T> holds instead of a value, and what every exception carries.
struct Error {
  ErrorKind kind = ErrorKind::validation;
  std::string message;     ///< human readable, never contains a secret
  int status = 0;          ///< HTTP status, 0 when no response was received
  std::string code;        ///< API error code ("not_found") or SDK code ("invalid_argument")
  std::string request_id;  ///< from the error envelope or X-Request-Id, may be empty
  std::string details_json = "{}";          ///< the envelope's `details` object, as JSON text
  std::optional<double> retry_after_seconds;  ///< RateLimitError: when to try again
  std::string json_path;                    ///< DecodeError: where decoding failed ("data[3].name")
};

/// "NotFoundError: The requested resource was not found (status 404, code not_found,
/// request_id req_abc)". Safe to log.
std::string to_string(const Error& error);

/// Exceptions for the blocking C++ API (Result<T>::value()). Each carries the full Error.
class KeyscopeError : public std::runtime_error {
 public:
  explicit KeyscopeError(Error error);
  const Error& error() const noexcept { return error_; }
  ErrorKind kind() const noexcept { return error_.kind; }
  int status() const noexcept { return error_.status; }
  const std::string& code() const noexcept { return error_.code; }
  const std::string& request_id() const noexcept { return error_.request_id; }

 private:
  Error error_;
};

// One exception class per ErrorKind (error_class_name), thrown by throw_error.
#define KEYSCOPE_ERROR_CLASS(Name) \
  class Name : public KeyscopeError { \
   public: \
    using KeyscopeError::KeyscopeError; \
  };
KEYSCOPE_ERROR_CLASS(ValidationError)
KEYSCOPE_ERROR_CLASS(AuthenticationError)
KEYSCOPE_ERROR_CLASS(PermissionDeniedError)
KEYSCOPE_ERROR_CLASS(NotFoundError)
KEYSCOPE_ERROR_CLASS(RateLimitError)
KEYSCOPE_ERROR_CLASS(BadRequestError)
KEYSCOPE_ERROR_CLASS(ServerError)
KEYSCOPE_ERROR_CLASS(TimeoutError)
KEYSCOPE_ERROR_CLASS(ConnectionError)
KEYSCOPE_ERROR_CLASS(DecodeError)
KEYSCOPE_ERROR_CLASS(CancelledError)
KEYSCOPE_ERROR_CLASS(RedirectError)
#undef KEYSCOPE_ERROR_CLASS

/// Throws the exception class matching error.kind.
[[noreturn]] void throw_error(const Error& error);  ///< std::abort() in a build without exceptions

///@{
/// Convenience constructors used across the SDK.
Error validation_error(std::string message, std::string code = "invalid_argument");
Error decode_error(std::string message, std::string json_path);
///@}
/// A transport that got no response: ConnectionError "connection_failed" (or a more precise code),
/// TimeoutError "timeout", CancelledError "cancelled". Every transport (curl, fetch, a Python
/// object) builds its failures with these, so the codes are the same in every front door.
Error transport_error(ErrorKind kind, std::string message, std::string code);
/// ConnectionError, code "connection_failed" unless a more precise one is given.
Error connection_error(std::string message, std::string code = "connection_failed");
/// TimeoutError, code "timeout".
Error timeout_error(std::string message);
/// CancelledError, code "cancelled".
Error cancelled_error(std::string message = "the call was cancelled");
/// RedirectError "redirect_refused" for a 3xx answer (status 0 when the transport could not see
/// it: a browser's fetch with redirect 'manual'). `location` (the Location header, empty when
/// unknown) is named without its query, fragment or user info, and redacted.
Error redirect_error(int status, std::string_view location);

}  // namespace keyscope
