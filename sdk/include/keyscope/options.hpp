#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "keyscope/http.hpp"

namespace keyscope {

class Transport;

// Exponential backoff with full jitter: attempt n waits uniform(0, min(max_backoff,
// initial_backoff * 2^n)). A server-requested wait (Retry-After, X-RateLimit-Reset) is honoured
// as given; one longer than max_server_wait is not slept but returned as a RateLimitError.
struct RetryPolicy {
  int max_retries = 2;
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{8000};
  std::chrono::milliseconds max_server_wait{60000};
};

// One step of a call, for a structured logger (ClientOptions::on_request). Every string is
// already redacted (keyscope/redact.hpp, with the session token as the secret).
struct RequestEvent {
  enum class Kind {
    response,  // an attempt got a response (any status)
    failure,   // an attempt got none (timeout, connection failure, cancellation)
    retry,     // the call waits `wait_ms`, then sends attempt + 1
  };
  Kind kind = Kind::response;
  std::string method;           // "GET"
  std::string url;              // the full URL, redacted
  int attempt = 1;              // the attempt this event is about (retry: the one that failed)
  int status = 0;               // the response's status; 0 when there was none
  std::int64_t elapsed_ms = 0;  // response, failure: how long the attempt took
  std::int64_t wait_ms = 0;     // retry: the wait before the next attempt
  std::string request_id;       // the response's X-Request-Id, or ""
  std::string error_type;       // failure, retry: the error's class name ("ServerError", ...)
  std::string message;          // failure: the error's message
  std::string line;             // the line `logger` receives for this step
};
const char* to_string(RequestEvent::Kind kind) noexcept;  // "response", "failure", "retry"

struct ClientOptions {
  std::string base_url = "https://socdefenders.ai";  // may carry a path prefix
  std::string session_token;                         // sent as the sb-access-token cookie
  // Browser builds: no token, the browser attaches its own cookie (fetch credentials).
  bool ambient_credentials = false;
  std::chrono::milliseconds timeout{30000};          // per attempt
  RetryPolicy retry;
  // Default on native builds: a shared CurlTransport. Required in the browser build.
  std::shared_ptr<Transport> transport;
  // Extra User-Agent product, e.g. "keyscope-python/0.1.0".
  std::string user_agent_product;
  // Receives one redacted line per request, response and retry. Null: silent.
  std::function<void(std::string_view line)> logger;
  // Receives the same steps as fields (RequestEvent), on the transport's thread. Null: none.
  std::function<void(const RequestEvent& event)> on_request;
  // Strict decoding: a type-valid but implausible response (a negative count, an integer past
  // 2^53 - 1, more errors than requests on a day, a usage payload failing analytics::check_usage)
  // is a DecodeError instead of a value. Default: tolerant, the oddities are check_usage findings.
  bool strict = false;
  // Injectable for tests: jitter source in [0, 1) and wall clock in unix seconds.
  std::function<double()> random;
  std::function<std::int64_t()> now_unix;
};

// Per-call overrides.
struct CallOptions {
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<int> max_retries;
  std::shared_ptr<Cancellation> cancellation;
};

}  // namespace keyscope
