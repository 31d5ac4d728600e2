#include "contenders.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <keyscope/time.hpp>

namespace bench {
namespace {

namespace od = simdjson::ondemand;
using keyscope::Date;
using keyscope::Timestamp;

Timestamp timestamp_of(std::string_view text) {
  const auto seconds = keyscope::parse_iso8601(text);
  if (!seconds) throw std::runtime_error("bad timestamp");
  return Timestamp{std::string(text), *seconds};
}

Date date_of(std::string_view text) {
  const auto days = keyscope::parse_iso_date(text);
  if (!days) throw std::runtime_error("bad date");
  return Date{std::string(text), *days};
}

std::optional<Timestamp> optional_timestamp(od::value value) {
  if (value.is_null()) return std::nullopt;
  return timestamp_of(std::string_view(value.get_string()));
}

std::optional<std::int64_t> optional_integer(od::value value) {
  if (value.is_null()) return std::nullopt;
  return std::int64_t(value.get_int64());
}

std::optional<double> optional_number(od::value value) {
  if (value.is_null()) return std::nullopt;
  return double(value.get_double());
}

keyscope::APIKeyInfo simdjson_key_info(od::object object) {
  keyscope::APIKeyInfo info;
  for (auto field : object) {
    const std::string_view key = field.unescaped_key();
    od::value value = field.value();
    if (key == "id") info.id = std::string_view(value.get_string());
    else if (key == "key_prefix" || key == "key_preview") info.key_prefix = std::string_view(value.get_string());
    else if (key == "name") info.name = std::string_view(value.get_string());
    else if (key == "tier") info.tier = std::string_view(value.get_string());
    else if (key == "scopes") {
      for (auto scope : value.get_array()) info.scopes.emplace_back(std::string_view(scope.get_string()));
    } else if (key == "rate_limit_per_minute") info.rate_limit_per_minute = optional_integer(value);
    else if (key == "rate_limit_per_day") info.rate_limit_per_day = optional_integer(value);
    else if (key == "total_requests") info.total_requests = value.get_int64();
    else if (key == "last_used_at") info.last_used_at = optional_timestamp(value);
    else if (key == "created_at") info.created_at = optional_timestamp(value);
    else if (key == "expires_at") info.expires_at = optional_timestamp(value);
    else if (key == "revoked_at") info.revoked_at = optional_timestamp(value);
  }
  return info;
}

template <class T>
std::optional<T> json_optional(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

std::optional<Timestamp> json_timestamp(const nlohmann::json& object, const char* key) {
  const auto text = json_optional<std::string>(object, key);
  if (!text) return std::nullopt;
  return timestamp_of(*text);
}

}  // namespace

keyscope::KeyList simdjson_key_list(const std::string& padded_body) {
  static thread_local od::parser parser;
  od::document doc = parser.iterate(padded_body.data(), padded_body.size() - simdjson::SIMDJSON_PADDING,
                                    padded_body.size());
  keyscope::KeyList list;
  for (auto field : doc.get_object()) {
    const std::string_view key = field.unescaped_key();
    if (key == "data") {
      for (auto element : field.value().get_array()) list.data.push_back(simdjson_key_info(element.get_object()));
    } else if (key == "meta") {
      for (auto meta : field.value().get_object()) {
        if (std::string_view(meta.unescaped_key()) == "total") list.total = optional_integer(meta.value());
      }
    }
  }
  return list;
}

keyscope::KeyUsage simdjson_key_usage(const std::string& padded_body) {
  static thread_local od::parser parser;
  od::document doc = parser.iterate(padded_body.data(), padded_body.size() - simdjson::SIMDJSON_PADDING,
                                    padded_body.size());
  keyscope::KeyUsage usage;
  od::object data = doc.get_object()["data"].get_object();
  for (auto field : data) {
    const std::string_view key = field.unescaped_key();
    od::value value = field.value();
    if (key == "key_id") usage.key_id = std::string_view(value.get_string());
    else if (key == "window_days") usage.window_days = value.get_int64();
    else if (key == "total_requests") usage.total_requests = value.get_int64();
    else if (key == "successful") usage.successful = value.get_int64();
    else if (key == "client_errors") usage.client_errors = value.get_int64();
    else if (key == "server_errors") usage.server_errors = value.get_int64();
    else if (key == "success_rate") usage.success_rate = optional_number(value);
    else if (key == "avg_response_time_ms") usage.avg_response_time_ms = optional_number(value);
    else if (key == "latency_p50_ms") usage.latency_p50_ms = optional_number(value);
    else if (key == "latency_p95_ms") usage.latency_p95_ms = optional_number(value);
    else if (key == "latency_p99_ms") usage.latency_p99_ms = optional_number(value);
    else if (key == "rate_limit_peak_per_minute") usage.rate_limit_peak_per_minute = optional_integer(value);
    else if (key == "rate_limit_peak_per_day") usage.rate_limit_peak_per_day = optional_integer(value);
    else if (key == "top_endpoints") {
      for (auto element : value.get_array()) {
        od::object endpoint = element.get_object();
        keyscope::EndpointCount count;
        count.path = std::string_view(endpoint["path"].get_string());
        count.count = endpoint["count"].get_int64();
        usage.top_endpoints.push_back(std::move(count));
      }
    } else if (key == "by_status") {
      for (auto status : value.get_object()) {
        const std::string name(std::string_view(status.unescaped_key()));
        usage.by_status[name] = status.value().get_int64();
      }
    } else if (key == "daily") {
      for (auto element : value.get_array()) {
        od::object day = element.get_object();
        keyscope::DailyBucket bucket;
        bucket.date = date_of(std::string_view(day["date"].get_string()));
        bucket.requests = day["requests"].get_int64();
        bucket.errors = day["errors"].get_int64();
        usage.daily.push_back(std::move(bucket));
      }
    } else if (key == "rate_limit_hits_by_hour") {
      for (auto element : value.get_array()) {
        od::object hour = element.get_object();
        keyscope::HourBucket bucket;
        bucket.hour = timestamp_of(std::string_view(hour["hour"].get_string()));
        bucket.count = hour["count"].get_int64();
        usage.rate_limit_hits_by_hour.push_back(std::move(bucket));
      }
    }
  }
  return usage;
}

keyscope::KeyList nlohmann_key_list(const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body);
  keyscope::KeyList list;
  for (const auto& element : doc.at("data")) {
    keyscope::APIKeyInfo info;
    info.id = element.at("id").get<std::string>();
    info.key_prefix = element.contains("key_prefix") ? element.at("key_prefix").get<std::string>()
                                                     : element.at("key_preview").get<std::string>();
    info.name = element.at("name").get<std::string>();
    info.tier = element.at("tier").get<std::string>();
    info.scopes = element.at("scopes").get<std::vector<std::string>>();
    info.rate_limit_per_minute = json_optional<std::int64_t>(element, "rate_limit_per_minute");
    info.rate_limit_per_day = json_optional<std::int64_t>(element, "rate_limit_per_day");
    info.total_requests = element.at("total_requests").get<std::int64_t>();
    info.last_used_at = json_timestamp(element, "last_used_at");
    info.created_at = json_timestamp(element, "created_at");
    info.expires_at = json_timestamp(element, "expires_at");
    info.revoked_at = json_timestamp(element, "revoked_at");
    list.data.push_back(std::move(info));
  }
  if (const auto meta = doc.find("meta"); meta != doc.end()) list.total = json_optional<std::int64_t>(*meta, "total");
  return list;
}

keyscope::KeyUsage nlohmann_key_usage(const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body);
  const nlohmann::json& data = doc.at("data");
  keyscope::KeyUsage usage;
  usage.key_id = data.at("key_id").get<std::string>();
  usage.window_days = data.at("window_days").get<std::int64_t>();
  usage.total_requests = data.at("total_requests").get<std::int64_t>();
  usage.successful = data.at("successful").get<std::int64_t>();
  usage.client_errors = data.at("client_errors").get<std::int64_t>();
  usage.server_errors = data.at("server_errors").get<std::int64_t>();
  usage.success_rate = json_optional<double>(data, "success_rate");
  usage.avg_response_time_ms = json_optional<double>(data, "avg_response_time_ms");
  usage.latency_p50_ms = json_optional<double>(data, "latency_p50_ms");
  usage.latency_p95_ms = json_optional<double>(data, "latency_p95_ms");
  usage.latency_p99_ms = json_optional<double>(data, "latency_p99_ms");
  usage.rate_limit_peak_per_minute = json_optional<std::int64_t>(data, "rate_limit_peak_per_minute");
  usage.rate_limit_peak_per_day = json_optional<std::int64_t>(data, "rate_limit_peak_per_day");
  for (const auto& e : data.at("top_endpoints")) {
    usage.top_endpoints.push_back({e.at("path").get<std::string>(), e.at("count").get<std::int64_t>()});
  }
  for (const auto& [status, count] : data.at("by_status").items()) usage.by_status[status] = count.get<std::int64_t>();
  for (const auto& d : data.at("daily")) {
    keyscope::DailyBucket bucket;
    bucket.date = date_of(d.at("date").get<std::string>());
    bucket.requests = d.at("requests").get<std::int64_t>();
    bucket.errors = d.at("errors").get<std::int64_t>();
    usage.daily.push_back(std::move(bucket));
  }
  for (const auto& h : data.at("rate_limit_hits_by_hour")) {
    keyscope::HourBucket bucket;
    bucket.hour = timestamp_of(h.at("hour").get<std::string>());
    bucket.count = h.at("count").get<std::int64_t>();
    usage.rate_limit_hits_by_hour.push_back(std::move(bucket));
  }
  return usage;
}

std::size_t simdjson_dom_parse_only(const std::string& padded_body) {
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::element root =
      parser.parse(padded_body.data(), padded_body.size() - simdjson::SIMDJSON_PADDING, false);
  return root.is_object() ? 1 : 0;
}

std::size_t nlohmann_parse_only(const std::string& body) { return nlohmann::json::parse(body).size(); }

}  // namespace bench
