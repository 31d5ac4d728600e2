#include "json_out.hpp"

#include <keyscope/codec.hpp>

#include "output.hpp"

namespace keyscope_cli {

using json = nlohmann::ordered_json;

// The codec's canonical encoding is the source of truth for the API models.
json to_json(const keyscope::APIKeyInfo& info) { return json::parse(keyscope::encode_key_info_object(info)); }

json to_json(const keyscope::APIKeyDetails& details) {
  return json::parse(keyscope::encode_key_details(details)).at("data");
}

json to_json(const keyscope::KeyUsage& usage) {
  return json::parse(keyscope::encode_key_usage_object(usage));
}

namespace {
json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json optional_time(const std::optional<keyscope::Timestamp>& t) { return t ? json(t->text) : json(nullptr); }
}  // namespace

json to_json(const keyscope::analytics::UsageRow& row) {
  json distribution = json::array();
  for (const auto& e : row.endpoint_distribution) {
    distribution.push_back({{"path", e.path}, {"count", e.count}, {"share", e.share}});
  }
  return {{"key_id", row.key_id},
          {"name", row.name},
          {"prefix", row.prefix},
          {"environment", row.environment},
          {"tier", row.tier},
          {"request_count", row.request_count},
          {"error_count", row.error_count},
          {"error_rate", row.error_rate},
          {"endpoint_distribution", distribution},
          {"latency_p95_ms", optional_number(row.latency_p95_ms)},
          {"last_activity", optional_time(row.last_activity)}};
}

json to_json(const keyscope::analytics::Finding& finding) {
  json metrics = json::object();
  for (const auto& m : finding.metrics) metrics[m.name] = m.value;
  return {{"key_id", finding.key_id},
          {"key_name", finding.key_name},
          {"key_prefix", finding.key_prefix},
          {"kind", keyscope::analytics::to_string(finding.kind)},
          {"severity", keyscope::analytics::to_string(finding.severity)},
          {"metrics", metrics},
          {"reason", finding.reason}};
}

json to_json(const keyscope::analytics::ChargebackRow& row) {
  // Same fields, same order as analytics::chargeback_json.
  return {{"cost_center", row.cost_center},
          {"keys", row.key_ids.size()},
          {"key_ids", row.key_ids},
          {"requests", row.requests},
          {"share", row.share},
          {"cost_cents", row.cost_cents},
          {"cost", cents_text(row.cost_cents)}};
}

}  // namespace keyscope_cli
