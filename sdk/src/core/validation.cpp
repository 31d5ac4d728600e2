#include "keyscope/validation.hpp"

#include <string>

#include "core/ascii.hpp"

namespace keyscope {
namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Shows a bad argument without echoing arbitrary amounts of it (it may be a pasted secret).
std::string quoted_excerpt(std::string_view text) {
  if (text.size() > 40) return "a " + std::to_string(text.size()) + "-character string";
  std::string out = "\"";
  for (char c : text) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out + "\"";
}

}  // namespace

std::optional<Error> validate_key_id(std::string_view key_id) {
  bool ok = key_id.size() == 36;
  for (std::size_t i = 0; ok && i < key_id.size(); ++i) {
    const bool dash_slot = i == 8 || i == 13 || i == 18 || i == 23;
    ok = dash_slot ? key_id[i] == '-' : is_hex(key_id[i]);
  }
  if (ok) return std::nullopt;
  return validation_error("key id must be a UUID like 00000000-0000-4000-8000-000000000123, got " +
                              quoted_excerpt(key_id),
                          "invalid_key_id");
}

std::optional<Error> validate_days(long long days) {
  if (days >= 1 && days <= 90) return std::nullopt;
  return validation_error("days must be between 1 and 90, got " + std::to_string(days),
                          "invalid_days");
}

std::optional<Error> validate_base_url(std::string_view base_url) {
  std::string_view rest;
  if (istarts_with(base_url, "https://")) {
    rest = base_url.substr(8);
  } else if (istarts_with(base_url, "http://")) {
    rest = base_url.substr(7);
  } else {
    return validation_error("base URL must start with http:// or https://, got " +
                                quoted_excerpt(base_url),
                            "invalid_base_url");
  }
  const std::size_t host_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, host_end);
  bool ok = !authority.empty() && authority.find('@') == std::string_view::npos;
  for (char c : base_url) ok = ok && c > 0x20 && c < 0x7f;
  if (host_end != std::string_view::npos && rest[host_end] != '/') ok = false;  // no query/fragment
  if (ok) return std::nullopt;
  return validation_error(
      "base URL must be http(s)://host[:port][/path] without credentials, query or spaces",
      "invalid_base_url");
}

std::optional<Error> validate_session_token(std::string_view token) {
  const std::string_view trimmed = trim(token);
  if (trimmed.empty()) {
    return validation_error(
        "a session token is required: the key-management endpoints authenticate with the "
        "sb-access-token session cookie",
        "missing_session_token");
  }
  if (istarts_with(trimmed, "bearer ") || istarts_with(trimmed, "sk_live_") ||
      istarts_with(trimmed, "sk_test_")) {
    return validation_error(
        "an API key (Bearer sk_...) cannot be used here: the key-management endpoints take the "
        "sb-access-token session cookie of a signed-in user, not an API key",
        "api_key_not_accepted");
  }
  for (char c : token) {
    if (c <= 0x20 || c >= 0x7f || c == ';' || c == ',' || c == '"' || c == '\\') {
      return validation_error(
          "session token contains characters a cookie value cannot carry (whitespace, ';', ',', "
          "quotes or non-ASCII)",
          "invalid_session_token");
    }
  }
  if (token.size() > 8192) {
    return validation_error("session token is longer than 8192 characters",
                            "invalid_session_token");
  }
  return std::nullopt;
}

std::optional<Error> validate_max_retries(long long max_retries) {
  if (max_retries >= 0 && max_retries <= 10) return std::nullopt;
  return validation_error("max_retries must be between 0 and 10, got " +
                              std::to_string(max_retries),
                          "invalid_max_retries");
}

std::optional<Error> validate_timeout_ms(long long timeout_ms) {
  if (timeout_ms >= 1 && timeout_ms <= 3600 * 1000) return std::nullopt;
  return validation_error("timeout must be between 1 ms and 1 hour, got " +
                              std::to_string(timeout_ms) + " ms",
                          "invalid_timeout");
}

std::optional<Error> validate_concurrency(long long concurrency) {
  if (concurrency < 1 || concurrency > kMaxConcurrency) {
    return validation_error("concurrency must be between 1 and " + std::to_string(kMaxConcurrency) +
                                ", got " + std::to_string(concurrency),
                            "invalid_concurrency");
  }
  return std::nullopt;
}

}  // namespace keyscope
