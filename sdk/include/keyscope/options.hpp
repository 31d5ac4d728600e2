#pragma once
/// @file
/// What a Client is created with (ClientOptions, RetryPolicy) and per-call overrides (CallOptions).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "keyscope/http.hpp"
#include "keyscope/log_event.hpp"

namespace keyscope {

class Transport;

/// Exponential backoff with full jitter: attempt n waits uniform(0, min(max_backoff,
/// initial_backoff * 2^n)). A server-requested wait (Retry-After, X-RateLimit-Reset) is honoured
/// as given; one longer than max_server_wait is not slept but returned as a RateLimitError.
struct RetryPolicy {
  int max_retries = 2;
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{8000};
  std::chrono::milliseconds max_server_wait{60000};
};

/// Everything a Client is created with; Client::create validates it.
struct ClientOptions {
  std::string base_url = "https://socdefenders.ai";  ///< may carry a path prefix
  std::string session_token;                         ///< sent as the sb-access-token cookie
  /// Browser builds: no token, the browser attaches its own cookie (fetch credentials).
  bool ambient_credentials = false;
  std::chrono::milliseconds timeout{30000};          ///< per attempt
  RetryPolicy retry;
  /// Default on native builds: a shared CurlTransport. Required in the browser build.
  std::shared_ptr<Transport> transport;
  /// Extra User-Agent product, e.g. "keyscope-python/0.1.0".
  std::string user_agent_product;
  /// Receives one redacted line per request, response and retry. Null: silent.
  std::function<void(std::string_view line)> logger;
  /// The same, as records with fields (method, path, status, attempt, wait, request id), every
  /// text in them redacted as the lines are. Null: no record is built.
  std::function<void(const LogEvent& event)> log_event;
  /// Strict decoding: a type-valid but implausible response (a negative count, an integer past
  /// 2^53 - 1, more errors than requests on a day, a usage payload failing analytics::check_usage)
  /// is a DecodeError instead of a value. Default: tolerant, the oddities are check_usage findings.
  bool strict = false;
  ///@{
  /// Injectable for tests: jitter source in [0, 1) and wall clock in unix seconds.
  std::function<double()> random;
  std::function<std::int64_t()> now_unix;
  ///@}
};

/// Per-call overrides.
struct CallOptions {
  std::optional<std::chrono::milliseconds> timeout;  ///< instead of ClientOptions::timeout
  std::optional<int> max_retries;                    ///< instead of RetryPolicy::max_retries
  std::shared_ptr<Cancellation> cancellation;        ///< may be null
  /// For a front door that builds results from the response body in its own language (the npm
  /// package does, in JS): asked with a 2xx body of list_keys, get_key or get_usage (and of
  /// fetch_fleet's usage calls, not its key list) before the core decodes it. True says the host
  /// has checked the body and the core's own decode surely accepts it; the call then skips that
  /// decode, and its Result (or that key's Fleet::usages entry) holds a default-constructed
  /// value beside the raw response, whose body the host turns into its result. Strict clients'
  /// checks are the core's alone: they never ask. Unset (the default): the core always decodes.
  std::function<bool(std::string_view body)> host_checked_body;
};

}  // namespace keyscope
