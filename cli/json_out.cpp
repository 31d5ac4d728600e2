#include "json_out.hpp"

#include <keyscope/analytics_json.hpp>
#include <keyscope/codec.hpp>


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

// Analytics results: the SDK's own encoders, so --json matches the npm package and the wheel.
json to_json(const std::vector<keyscope::analytics::UsageRow>& rows) {
  return json::parse(keyscope::analytics::encode_usage_rows(rows));
}

json to_json(const std::vector<keyscope::analytics::Finding>& findings) {
  return json::parse(keyscope::analytics::encode_findings(findings));
}

json to_json(const std::vector<keyscope::analytics::ChargebackRow>& rows) {
  return json::parse(keyscope::analytics::encode_chargeback(rows));
}

}  // namespace keyscope_cli
