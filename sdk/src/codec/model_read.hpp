#pragma once
// The model readers' definitions, instantiated once per JSON value type:
// model_read_tape.cpp (response bodies) and model_read_json.cpp (the analytics' input).
#include "codec/model_json.hpp"

namespace keyscope::codec {

template <class Value>
void read_daily_bucket(BasicReader<Value>& reader, const Value& object, const Path& path,
                       DailyBucket& out) {
  reader.required(object, path, "date", out.date);
  reader.required(object, path, "requests", out.requests);
  reader.optional(object, path, "errors", out.errors);
  if (reader.ok() && out.errors > out.requests) {
    reader.fail(path.member("errors"), "more errors than requests");
  }
}

template <class Value>
void read_key_info(BasicReader<Value>& reader, const Value& object, const Path& path, APIKeyInfo& out) {
  reader.required(object, path, "id", out.id);
  // The documented schema says key_preview, every documented example sends key_prefix.
  reader.optional(object, path, "key_prefix", out.key_prefix);
  if (out.key_prefix.empty()) reader.optional(object, path, "key_preview", out.key_prefix);
  if (reader.ok() && out.key_prefix.empty()) {
    reader.fail(path.member("key_prefix"), "missing required field (key_prefix or key_preview)");
  }
  reader.required(object, path, "name", out.name);
  reader.optional(object, path, "tier", out.tier);
  reader.optional(object, path, "scopes", out.scopes);
  reader.optional(object, path, "rate_limit_per_minute", out.rate_limit_per_minute);
  reader.optional(object, path, "rate_limit_per_day", out.rate_limit_per_day);
  reader.optional(object, path, "total_requests", out.total_requests);
  reader.optional(object, path, "last_used_at", out.last_used_at);
  reader.optional(object, path, "created_at", out.created_at);
  reader.optional(object, path, "expires_at", out.expires_at);
  reader.optional(object, path, "revoked_at", out.revoked_at);
}

template <class Value>
void read_key_details(BasicReader<Value>& reader, const Value& object, const Path& path,
                      APIKeyDetails& out) {
  read_key_info(reader, object, path, out);
  reader.optional(object, path, "allowed_ips", out.allowed_ips);
  if (const auto usage = reader.object_member(object, path, "usage")) {
    reader.for_each_element_of(*usage, path.member("usage"), "daily",
                               [&](const Value& element, const Path& element_path) {
                                 DailyBucket bucket;
                                 read_daily_bucket(reader, element, element_path, bucket);
                                 out.usage_daily.push_back(std::move(bucket));
                               });
  }
}

template <class Value>
void read_key_usage(BasicReader<Value>& reader, const Value& object, const Path& path, KeyUsage& out) {
  reader.required(object, path, "key_id", out.key_id);
  reader.optional(object, path, "window_days", out.window_days);
  reader.required(object, path, "total_requests", out.total_requests);
  reader.optional(object, path, "successful", out.successful);
  reader.optional(object, path, "client_errors", out.client_errors);
  reader.optional(object, path, "server_errors", out.server_errors);
  reader.optional(object, path, "success_rate", out.success_rate);
  reader.optional(object, path, "avg_response_time_ms", out.avg_response_time_ms);
  reader.optional(object, path, "latency_p50_ms", out.latency_p50_ms);
  reader.optional(object, path, "latency_p95_ms", out.latency_p95_ms);
  reader.optional(object, path, "latency_p99_ms", out.latency_p99_ms);
  reader.optional(object, path, "rate_limit_peak_per_minute", out.rate_limit_peak_per_minute);
  reader.optional(object, path, "rate_limit_peak_per_day", out.rate_limit_peak_per_day);
  reader.for_each_element_of(object, path, "top_endpoints",
                             [&](const Value& element, const Path& element_path) {
                               EndpointCount endpoint;
                               reader.required(element, element_path, "path", endpoint.path);
                               reader.required(element, element_path, "count", endpoint.count);
                               out.top_endpoints.push_back(std::move(endpoint));
                             });
  if (const auto by_status = reader.object_member(object, path, "by_status")) {
    const Path status_path = path.member("by_status");
    for_each_member(*by_status, [&](const std::string& status, const Value& count) {
      if (!reader.ok()) return;
      std::int64_t value = 0;
      reader.value(count, status_path.member(status.c_str()), value);
      if (reader.ok()) out.by_status[status] = value;
    });
  }
  reader.for_each_element_of(object, path, "daily",
                             [&](const Value& element, const Path& element_path) {
                               DailyBucket bucket;
                               read_daily_bucket(reader, element, element_path, bucket);
                               out.daily.push_back(std::move(bucket));
                             });
  reader.for_each_element_of(object, path, "rate_limit_hits_by_hour",
                             [&](const Value& element, const Path& element_path) {
                               HourBucket bucket;
                               reader.required(element, element_path, "hour", bucket.hour);
                               reader.required(element, element_path, "count", bucket.count);
                               out.rate_limit_hits_by_hour.push_back(std::move(bucket));
                             });
}

}  // namespace keyscope::codec

// Explicit instantiation, one line per value type.
#define KEYSCOPE_INSTANTIATE_READERS(Value)                                                      \
  template void read_key_info(BasicReader<Value>&, const Value&, const Path&, APIKeyInfo&);        \
  template void read_key_details(BasicReader<Value>&, const Value&, const Path&, APIKeyDetails&);  \
  template void read_key_usage(BasicReader<Value>&, const Value&, const Path&, KeyUsage&);         \
  template void read_daily_bucket(BasicReader<Value>&, const Value&, const Path&, DailyBucket&);
