#include "keyscope/models.hpp"

namespace keyscope {

bool operator==(const APIKeyInfo& a, const APIKeyInfo& b) {
  return a.id == b.id && a.key_prefix == b.key_prefix && a.name == b.name && a.tier == b.tier &&
         a.scopes == b.scopes && a.rate_limit_per_minute == b.rate_limit_per_minute &&
         a.rate_limit_per_day == b.rate_limit_per_day && a.total_requests == b.total_requests &&
         a.last_used_at == b.last_used_at && a.created_at == b.created_at &&
         a.expires_at == b.expires_at && a.revoked_at == b.revoked_at;
}

bool operator==(const APIKeyDetails& a, const APIKeyDetails& b) {
  return static_cast<const APIKeyInfo&>(a) == static_cast<const APIKeyInfo&>(b) &&
         a.allowed_ips == b.allowed_ips && a.usage_daily == b.usage_daily;
}

bool operator==(const KeyUsage& a, const KeyUsage& b) {
  return a.key_id == b.key_id && a.window_days == b.window_days &&
         a.total_requests == b.total_requests && a.successful == b.successful &&
         a.client_errors == b.client_errors && a.server_errors == b.server_errors &&
         a.success_rate == b.success_rate && a.avg_response_time_ms == b.avg_response_time_ms &&
         a.latency_p50_ms == b.latency_p50_ms && a.latency_p95_ms == b.latency_p95_ms &&
         a.latency_p99_ms == b.latency_p99_ms &&
         a.rate_limit_peak_per_minute == b.rate_limit_peak_per_minute &&
         a.rate_limit_peak_per_day == b.rate_limit_peak_per_day &&
         a.top_endpoints == b.top_endpoints && a.by_status == b.by_status && a.daily == b.daily &&
         a.rate_limit_hits_by_hour == b.rate_limit_hits_by_hour;
}

std::optional<TierLimits> tier_limits(const std::string& tier) {
  if (tier == "free") return TierLimits{10, 1000};
  if (tier == "pro") return TierLimits{1000, 1000000};
  return std::nullopt;
}

}  // namespace keyscope
