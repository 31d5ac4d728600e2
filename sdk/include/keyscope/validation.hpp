#pragma once
/// @file
/// Checks made before a request leaves: a bad argument never reaches the network.
#include <optional>
#include <string_view>

#include "keyscope/error.hpp"

namespace keyscope {

std::optional<Error> validate_key_id(std::string_view key_id);        ///< canonical UUID text
std::optional<Error> validate_days(long long days);                   ///< 1..90
std::optional<Error> validate_base_url(std::string_view base_url);    ///< http(s)://host[:port][/prefix]
/// A session token: non-empty, printable, no whitespace or ';'. API keys (sk_live_..., sk_test_...)
/// and "Bearer ..." strings are refused: these endpoints take the session cookie.
std::optional<Error> validate_session_token(std::string_view token);
std::optional<Error> validate_max_retries(long long max_retries);     ///< 0..10
std::optional<Error> validate_timeout_ms(long long timeout_ms);       ///< 1 ms .. 1 hour
/// Usage requests in flight at once for a fleet fetch, 1..kMaxConcurrency.
constexpr int kMaxConcurrency = 256;
std::optional<Error> validate_concurrency(long long concurrency);

}  // namespace keyscope
