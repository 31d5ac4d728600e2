#include "codec/model_json.hpp"

namespace keyscope::codec {
namespace {

template <class T>
json optional_value(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

json to_json(const std::optional<Timestamp>& timestamp) {
  return timestamp ? json(timestamp->text) : json(nullptr);
}

json to_json(const DailyBucket& bucket) {
  return json{{"date", bucket.date.text}, {"requests", bucket.requests}, {"errors", bucket.errors}};
}

json to_json(const APIKeyInfo& info) {
  json out = json::object();
  out["id"] = info.id;
  out["key_prefix"] = info.key_prefix;
  out["name"] = info.name;
  out["tier"] = info.tier;
  out["scopes"] = info.scopes;
  if (info.rate_limit_per_minute) out["rate_limit_per_minute"] = *info.rate_limit_per_minute;
  if (info.rate_limit_per_day) out["rate_limit_per_day"] = *info.rate_limit_per_day;
  out["total_requests"] = info.total_requests;
  out["last_used_at"] = to_json(info.last_used_at);
  out["created_at"] = to_json(info.created_at);
  out["expires_at"] = to_json(info.expires_at);
  out["revoked_at"] = to_json(info.revoked_at);
  return out;
}

json to_json(const APIKeyDetails& details) {
  json out = to_json(static_cast<const APIKeyInfo&>(details));
  out["allowed_ips"] = optional_value(details.allowed_ips);
  json daily = json::array();
  for (const auto& bucket : details.usage_daily) daily.push_back(to_json(bucket));
  out["usage"] = json{{"daily", std::move(daily)}};
  return out;
}

json to_json(const KeyUsage& usage) {
  json out = json::object();
  out["key_id"] = usage.key_id;
  out["window_days"] = usage.window_days;
  out["total_requests"] = usage.total_requests;
  out["successful"] = usage.successful;
  out["client_errors"] = usage.client_errors;
  out["server_errors"] = usage.server_errors;
  out["success_rate"] = optional_value(usage.success_rate);
  out["avg_response_time_ms"] = optional_value(usage.avg_response_time_ms);
  out["latency_p50_ms"] = optional_value(usage.latency_p50_ms);
  out["latency_p95_ms"] = optional_value(usage.latency_p95_ms);
  out["latency_p99_ms"] = optional_value(usage.latency_p99_ms);
  out["rate_limit_peak_per_minute"] = optional_value(usage.rate_limit_peak_per_minute);
  out["rate_limit_peak_per_day"] = optional_value(usage.rate_limit_peak_per_day);
  json endpoints = json::array();
  for (const auto& endpoint : usage.top_endpoints) {
    endpoints.push_back(json{{"path", endpoint.path}, {"count", endpoint.count}});
  }
  out["top_endpoints"] = std::move(endpoints);
  out["by_status"] = json(usage.by_status);
  json daily = json::array();
  for (const auto& bucket : usage.daily) daily.push_back(to_json(bucket));
  out["daily"] = std::move(daily);
  json hours = json::array();
  for (const auto& hour : usage.rate_limit_hits_by_hour) {
    hours.push_back(json{{"hour", hour.hour.text}, {"count", hour.count}});
  }
  out["rate_limit_hits_by_hour"] = std::move(hours);
  return out;
}

}  // namespace keyscope::codec
