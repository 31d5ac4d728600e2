#include "logs/field_names.hpp"

#include <cctype>

namespace keyscope::logs {

const char* field_name(Field field) noexcept {
  switch (field) {
    case Field::time: return "time";
    case Field::key: return "key";
    case Field::path: return "path";
    case Field::status: return "status";
    case Field::latency: return "latency";
  }
  return "time";
}

const std::vector<std::string>& candidate_names(Field field) {
  static const std::vector<std::string> time = {
      "timestamp", "time", "ts", "@timestamp", "time_iso8601", "time_local", "datetime", "date",
      "start_time", "request_time_iso", "EdgeStartTimestamp", "eventTime", "requestTime", "msec"};
  static const std::vector<std::string> key = {
      "api_key", "apikey", "key_prefix", "key_id", "key", "authorization", "http_authorization",
      "x_api_key", "http_x_api_key", "auth", "token", "api_key_prefix", "credential"};
  static const std::vector<std::string> path = {
      "path", "request_path", "endpoint", "uri", "request_uri", "url", "ClientRequestPath",
      "ClientRequestURI", "route", "request"};
  static const std::vector<std::string> status = {
      "status", "status_code", "response_code", "http_status", "response_status", "statusCode",
      "EdgeResponseStatus", "OriginResponseStatus", "code"};
  static const std::vector<std::string> latency = {
      "latency_ms", "duration_ms", "response_time_ms", "elapsed_ms", "request_duration_ms",
      "OriginResponseDurationMs", "latency", "duration", "response_time", "request_time",
      "upstream_response_time", "elapsed", "took"};
  switch (field) {
    case Field::time: return time;
    case Field::key: return key;
    case Field::path: return path;
    case Field::status: return status;
    case Field::latency: return latency;
  }
  return time;
}

bool names_match(std::string_view a, std::string_view b) {
  auto norm = [](char c) {
    if (c == '-' || c == '.') return '_';
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (norm(a[i]) != norm(b[i])) return false;
  }
  return true;
}

std::string& field_of(FieldMap& map, Field field) {
  switch (field) {
    case Field::time: return map.time;
    case Field::key: return map.key;
    case Field::path: return map.path;
    case Field::status: return map.status;
    case Field::latency: return map.latency;
  }
  return map.time;
}

const std::string& field_of(const FieldMap& map, Field field) {
  return field_of(const_cast<FieldMap&>(map), field);
}

double latency_scale_ms(std::string_view name, LatencyUnit unit) {
  switch (unit) {
    case LatencyUnit::seconds: return 1000;
    case LatencyUnit::milliseconds: return 1;
    case LatencyUnit::microseconds: return 0.001;
    case LatencyUnit::automatic: break;
  }
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!lower.empty() && lower[0] == '$') lower.erase(0, 1);
  auto ends_with = [&](std::string_view suffix) {
    return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (lower == "request_time" || lower == "upstream_response_time" || lower == "upstream_connect_time" ||
      lower == "upstream_header_time" || ends_with("_s") || ends_with("_seconds") || ends_with("_sec")) {
    return 1000;
  }
  if (ends_with("_us") || ends_with("_micros") || ends_with("_microseconds")) return 0.001;
  return 1;
}

}  // namespace keyscope::logs
