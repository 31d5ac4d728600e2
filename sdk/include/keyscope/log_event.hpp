#pragma once
// What the client did, as a record with fields: one per HTTP attempt and one per retry wait.
// Front doors whose loggers take fields (Python's logging `extra`) use it instead of parsing
// the line that ClientOptions::logger receives; the line is in it too.
#include <chrono>
#include <string>

namespace keyscope {

/// One request, response, failure or retry of a call, as ClientOptions::log_event receives it.
struct LogEvent {
  /// What happened.
  enum class Kind {
    response,  ///< an attempt got an HTTP response (any status)
    failure,   ///< an attempt ended without one (timeout, connection, TLS, cancelled)
    retry,     ///< the call waits `wait`, then sends attempt + 1
  };
  Kind kind = Kind::response;  ///< what happened
  std::string method;  ///< "GET"
  /// The API path and query after the base URL, e.g. "/api/v1/keys/ID/usage?days=30".
  std::string path;
  std::string url;  ///< the full URL of the request (base URL, path and query), redacted
  int status = 0;   ///< the response's HTTP status; 0 when none was received
  int attempt = 0;  ///< 1 for the first attempt; for a retry, the attempt that failed
  std::chrono::milliseconds elapsed{0};  ///< response, failure: how long that attempt took
  std::chrono::milliseconds wait{0};     ///< retry: the delay before the next attempt
  std::string request_id;  ///< the response's X-Request-Id; empty when none
  std::string error;       ///< failure, retry: the error class, e.g. "RateLimitError"
  std::string message;     ///< failure: the error's message, redacted
  std::string line;        ///< the text ClientOptions::logger receives
};

}  // namespace keyscope
