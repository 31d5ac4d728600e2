#include "client/response_policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/ascii.hpp"
#include "core/c_number.hpp"
#include "keyscope/codec.hpp"
#include "keyscope/time.hpp"

namespace keyscope::client {
namespace {

std::optional<std::int64_t> parse_integer(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  const std::string_view trimmed = trim(*text);
  if (trimmed.empty() || trimmed.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : trimmed) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<double> parse_seconds(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.size() > 24) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  const double value = detail::strtod_c(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

ErrorKind kind_for_status(int status) {
  switch (status) {
    case 401: return ErrorKind::authentication;
    case 403: return ErrorKind::permission_denied;
    case 404: return ErrorKind::not_found;
    case 429: return ErrorKind::rate_limit;
    default: return status >= 500 ? ErrorKind::server : ErrorKind::bad_request;
  }
}

const char* default_message(int status) {
  switch (status) {
    case 401: return "authentication required or the session is invalid";
    case 403: return "the session is not allowed to do this";
    case 404: return "the requested resource was not found";
    case 429: return "rate limit exceeded";
    default: return status >= 500 ? "the server failed to handle the request"
                                  : "the server rejected the request";
  }
}

}  // namespace

RateLimit parse_rate_limit(const Headers& headers, std::int64_t now_unix) {
  RateLimit out;
  out.limit = parse_integer(headers.get(header::kRateLimitLimit));
  out.remaining = parse_integer(headers.get(header::kRateLimitRemaining));
  out.reset_unix = parse_integer(headers.get(header::kRateLimitReset));
  if (auto retry_after = headers.get(header::kRetryAfter)) {
    out.retry_after_seconds = parse_seconds(*retry_after);
    if (!out.retry_after_seconds) {
      if (auto date = parse_http_date(*retry_after)) {
        out.retry_after_seconds = static_cast<double>(std::max<std::int64_t>(0, *date - now_unix));
      }
    }
  }
  return out;
}

std::optional<double> server_requested_wait(const HttpResponse& response, std::int64_t now_unix) {
  const RateLimit rate_limit = parse_rate_limit(response.headers, now_unix);
  if (rate_limit.retry_after_seconds) return rate_limit.retry_after_seconds;
  if (response.status == 429 && rate_limit.reset_unix) {
    return static_cast<double>(std::max<std::int64_t>(0, *rate_limit.reset_unix - now_unix));
  }
  return std::nullopt;
}

Error error_from_response(const HttpResponse& response) {
  if (response.status >= 300 && response.status < 400) {
    Error error = redirect_error(response.status, response.headers.get(header::kLocation).value_or(""));
    if (auto request_id = response.headers.get(header::kRequestId)) error.request_id = *request_id;
    return error;
  }
  Error error;
  error.kind = kind_for_status(response.status);
  error.status = response.status;
  if (auto request_id = response.headers.get(header::kRequestId)) error.request_id = *request_id;
  if (!decode_error_envelope(response.body, error) || error.message.empty()) {
    error.message = default_message(response.status);
  }
  if (error.code.empty()) error.code = "http_" + std::to_string(response.status);
  return error;
}

bool is_retryable(const Error& error) {
  switch (error.kind) {
    case ErrorKind::rate_limit:
      return error.status == 429;
    case ErrorKind::server:
      return error.status != 501;
    case ErrorKind::timeout:
      return true;
    case ErrorKind::connection:
      // It would be as large again; the same CA bundle would fail again; an untrusted
      // certificate stays untrusted.
      return error.code != "response_too_large" && error.code != "invalid_ca_bundle" &&
             error.code != "tls_failed";
    default:
      return false;
  }
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry_index, double unit) {
  const double initial = static_cast<double>(policy.initial_backoff.count());
  const double cap = static_cast<double>(policy.max_backoff.count());
  const double ceiling = std::min(cap, initial * std::ldexp(1.0, std::min(retry_index, 30)));
  const double clamped_unit = std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(ceiling * clamped_unit));
}

}  // namespace keyscope::client
