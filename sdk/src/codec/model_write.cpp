#include "codec/model_json.hpp"

namespace keyscope::codec {
namespace {

void write_timestamp(JsonWriter& out, const std::optional<Timestamp>& timestamp) {
  if (timestamp) out.value(timestamp->text);
  else out.null();
}

void write_info_fields(JsonWriter& out, const APIKeyInfo& info) {
  out.key("id").value(info.id);
  out.key("key_prefix").value(info.key_prefix);
  out.key("name").value(info.name);
  out.key("tier").value(info.tier);
  out.key("scopes").value(info.scopes);
  if (info.rate_limit_per_minute) out.key("rate_limit_per_minute").value(*info.rate_limit_per_minute);
  if (info.rate_limit_per_day) out.key("rate_limit_per_day").value(*info.rate_limit_per_day);
  out.key("total_requests").value(info.total_requests);
  write_timestamp(out.key("last_used_at"), info.last_used_at);
  write_timestamp(out.key("created_at"), info.created_at);
  write_timestamp(out.key("expires_at"), info.expires_at);
  write_timestamp(out.key("revoked_at"), info.revoked_at);
}

void write_daily(JsonWriter& out, const std::vector<DailyBucket>& daily) {
  out.begin_array();
  for (const auto& bucket : daily) {
    out.begin_object();
    out.key("date").value(bucket.date.text);
    out.key("requests").value(bucket.requests);
    out.key("errors").value(bucket.errors);
    out.end_object();
  }
  out.end_array();
}

}  // namespace

void write(JsonWriter& out, const APIKeyInfo& info) {
  out.begin_object();
  write_info_fields(out, info);
  out.end_object();
}

void write(JsonWriter& out, const APIKeyDetails& details) {
  out.begin_object();
  write_info_fields(out, details);
  out.key("allowed_ips").value(details.allowed_ips);
  out.key("usage").begin_object();
  write_daily(out.key("daily"), details.usage_daily);
  out.end_object();
  out.end_object();
}

void write(JsonWriter& out, const KeyUsage& usage) {
  out.begin_object();
  out.key("key_id").value(usage.key_id);
  out.key("window_days").value(usage.window_days);
  out.key("total_requests").value(usage.total_requests);
  out.key("successful").value(usage.successful);
  out.key("client_errors").value(usage.client_errors);
  out.key("server_errors").value(usage.server_errors);
  out.key("success_rate").value(usage.success_rate);
  out.key("avg_response_time_ms").value(usage.avg_response_time_ms);
  out.key("latency_p50_ms").value(usage.latency_p50_ms);
  out.key("latency_p95_ms").value(usage.latency_p95_ms);
  out.key("latency_p99_ms").value(usage.latency_p99_ms);
  out.key("rate_limit_peak_per_minute").value(usage.rate_limit_peak_per_minute);
  out.key("rate_limit_peak_per_day").value(usage.rate_limit_peak_per_day);
  out.key("top_endpoints").begin_array();
  for (const auto& endpoint : usage.top_endpoints) {
    out.begin_object();
    out.key("path").value(endpoint.path);
    out.key("count").value(endpoint.count);
    out.end_object();
  }
  out.end_array();
  out.key("by_status").begin_object();
  for (const auto& [status, count] : usage.by_status) {
    out.key(status).value(count);
  }
  out.end_object();
  write_daily(out.key("daily"), usage.daily);
  out.key("rate_limit_hits_by_hour").begin_array();
  for (const auto& hour : usage.rate_limit_hits_by_hour) {
    out.begin_object();
    out.key("hour").value(hour.hour.text);
    out.key("count").value(hour.count);
    out.end_object();
  }
  out.end_array();
  out.end_object();
}

}  // namespace keyscope::codec
