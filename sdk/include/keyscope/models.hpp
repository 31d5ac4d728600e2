#pragma once
/// @file
/// Plain data for every schema of the API contract. No behaviour, no I/O. The payload models
/// (APIKeyInfo, KeyUsage, ...) are generated from schema/models.json into api_models.hpp.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "keyscope/api_models.hpp"
#include "keyscope/error.hpp"
#include "keyscope/model_values.hpp"

namespace keyscope {

/// Rate-limit state from the X-RateLimit-* and Retry-After headers of one response.
struct RateLimit {
  std::optional<std::int64_t> limit;      ///< requests per minute
  std::optional<std::int64_t> remaining;  ///< left in the current window
  std::optional<std::int64_t> reset_unix;  ///< when the window resets
  std::optional<double> retry_after_seconds;
  friend bool operator==(const RateLimit& a, const RateLimit& b) {
    return a.limit == b.limit && a.remaining == b.remaining && a.reset_unix == b.reset_unix &&
           a.retry_after_seconds == b.retry_after_seconds;
  }
};

/// The documented per-tier limits (free 10/min 1,000/day, pro 1,000/min 1,000,000/day).
struct TierLimits {
  std::int64_t per_minute = 0;
  std::int64_t per_day = 0;
};
/// The limits of "free" or "pro"; nothing for another tier.
std::optional<TierLimits> tier_limits(const std::string& tier);

/// A key whose usage could not be fetched (FleetErrors::collect).
struct KeyFetchError {
  std::string key_id;
  Error error;
};

/// The key list plus each active key's usage over one window: the input of the analytics.
struct Fleet {
  std::vector<APIKeyInfo> keys;   ///< every key, as listed (revoked ones included)
  std::vector<KeyUsage> usages;   ///< one per non-revoked key fetched, in the keys' order
  std::int64_t window_days = 0;
  std::vector<KeyFetchError> errors;  ///< FleetErrors::collect: the keys that failed, in key order
};

/// What a fleet fetch does when one key's usage fails: end the fetch with that error (calls in
/// flight are cancelled), or fetch every other key and list the failures in Fleet::errors
/// (errors every key would meet — 401, 403, rate limits — still end the fetch).
enum class FleetErrors { cancel_on_first, collect };

}  // namespace keyscope
