#pragma once
// Plain data for every schema of the API contract. No behaviour, no I/O.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace keyscope {

// An ISO-8601 instant as sent by the API, and the same instant in UTC seconds.
struct Timestamp {
  std::string text;              // "2026-05-17T09:42:11Z", exactly as received
  std::int64_t unix_seconds = 0;  // parsed, UTC
  friend bool operator==(const Timestamp& a, const Timestamp& b) { return a.text == b.text; }
  friend bool operator!=(const Timestamp& a, const Timestamp& b) { return !(a == b); }
};

// A calendar date ("2026-05-16") and its day number since 1970-01-01.
struct Date {
  std::string text;
  std::int64_t days_since_epoch = 0;
  friend bool operator==(const Date& a, const Date& b) { return a.text == b.text; }
  friend bool operator!=(const Date& a, const Date& b) { return !(a == b); }
};

struct DailyBucket {
  Date date;
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  friend bool operator==(const DailyBucket& a, const DailyBucket& b) {
    return a.date == b.date && a.requests == b.requests && a.errors == b.errors;
  }
};

struct EndpointCount {
  std::string path;
  std::int64_t count = 0;
  friend bool operator==(const EndpointCount& a, const EndpointCount& b) {
    return a.path == b.path && a.count == b.count;
  }
};

struct HourBucket {
  Timestamp hour;
  std::int64_t count = 0;
  friend bool operator==(const HourBucket& a, const HourBucket& b) {
    return a.hour == b.hour && a.count == b.count;
  }
};

// One key as listed. `key_prefix` is filled from `key_prefix` or, failing that, `key_preview`.
struct APIKeyInfo {
  std::string id;
  std::string key_prefix;
  std::string name;
  std::string tier;  // "free" | "pro" (other values are kept as sent)
  std::vector<std::string> scopes;
  std::optional<std::int64_t> rate_limit_per_minute;
  std::optional<std::int64_t> rate_limit_per_day;
  std::int64_t total_requests = 0;
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> created_at;
  std::optional<Timestamp> expires_at;
  std::optional<Timestamp> revoked_at;

  bool revoked() const noexcept { return revoked_at.has_value(); }
  friend bool operator==(const APIKeyInfo& a, const APIKeyInfo& b);
};

struct APIKeyDetails : APIKeyInfo {
  std::optional<std::vector<std::string>> allowed_ips;  // null: no IP restriction
  std::vector<DailyBucket> usage_daily;                 // `usage.daily`
  friend bool operator==(const APIKeyDetails& a, const APIKeyDetails& b);
};

struct KeyList {
  std::vector<APIKeyInfo> data;
  std::optional<std::int64_t> total;  // `meta.total`
  friend bool operator==(const KeyList& a, const KeyList& b) {
    return a.data == b.data && a.total == b.total;
  }
};

struct KeyUsage {
  std::string key_id;
  std::int64_t window_days = 0;
  std::int64_t total_requests = 0;
  std::int64_t successful = 0;
  std::int64_t client_errors = 0;
  std::int64_t server_errors = 0;
  std::optional<double> success_rate;
  std::optional<double> avg_response_time_ms;
  std::optional<double> latency_p50_ms;
  std::optional<double> latency_p95_ms;
  std::optional<double> latency_p99_ms;
  std::optional<std::int64_t> rate_limit_peak_per_minute;
  std::optional<std::int64_t> rate_limit_peak_per_day;
  std::vector<EndpointCount> top_endpoints;
  std::map<std::string, std::int64_t> by_status;  // "200" -> count
  std::vector<DailyBucket> daily;                 // in the order the API sent them
  std::vector<HourBucket> rate_limit_hits_by_hour;
  friend bool operator==(const KeyUsage& a, const KeyUsage& b);
};

// Rate-limit state from the X-RateLimit-* and Retry-After headers of one response.
struct RateLimit {
  std::optional<std::int64_t> limit;      // requests per minute
  std::optional<std::int64_t> remaining;  // left in the current window
  std::optional<std::int64_t> reset_unix;  // when the window resets
  std::optional<double> retry_after_seconds;
  friend bool operator==(const RateLimit& a, const RateLimit& b) {
    return a.limit == b.limit && a.remaining == b.remaining && a.reset_unix == b.reset_unix &&
           a.retry_after_seconds == b.retry_after_seconds;
  }
};

// The documented per-tier limits (free 10/min 1,000/day, pro 1,000/min 1,000,000/day).
struct TierLimits {
  std::int64_t per_minute = 0;
  std::int64_t per_day = 0;
};
std::optional<TierLimits> tier_limits(const std::string& tier);

// The key list plus each active key's usage over one window: the input of the analytics.
struct Fleet {
  std::vector<APIKeyInfo> keys;   // every key, as listed (revoked ones included)
  std::vector<KeyUsage> usages;   // one per non-revoked key, same order as those keys
  std::int64_t window_days = 0;
};

}  // namespace keyscope
