#pragma once
// Pure decisions of the client pipeline: which responses are errors, which are retried, how long
// to wait. No I/O, no clock of their own: everything is passed in, so tests inject both.
#include <chrono>
#include <cstdint>
#include <optional>

#include "keyscope/error.hpp"
#include "keyscope/http.hpp"
#include "keyscope/models.hpp"
#include "keyscope/options.hpp"

namespace keyscope::client {

RateLimit parse_rate_limit(const Headers& headers, std::int64_t now_unix);

// Seconds from Retry-After (delta-seconds or HTTP-date), else — for 429 — from X-RateLimit-Reset.
std::optional<double> server_requested_wait(const HttpResponse& response, std::int64_t now_unix);

// The typed error for a non-2xx response, from its envelope when it has one; any 3xx is a
// RedirectError (never followed).
Error error_from_response(const HttpResponse& response);

// 429, 5xx other than 501, timeouts and connection failures.
bool is_retryable(const Error& error);

// Full jitter: uniform(0, min(max_backoff, initial * 2^retry_index)) with unit in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry_index, double unit);

}  // namespace keyscope::client
