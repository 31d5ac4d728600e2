#pragma once
// JSON values of the SDK's models and analytics results, with the SDK's snake_case field names.
#include <vector>

#include <nlohmann/json.hpp>

#include <keyscope/analytics.hpp>
#include <keyscope/models.hpp>

namespace keyscope_cli {

nlohmann::ordered_json to_json(const keyscope::APIKeyInfo& info);
nlohmann::ordered_json to_json(const keyscope::APIKeyDetails& details);
nlohmann::ordered_json to_json(const keyscope::KeyUsage& usage);
nlohmann::ordered_json to_json(const std::vector<keyscope::analytics::UsageRow>& rows);
nlohmann::ordered_json to_json(const std::vector<keyscope::analytics::Finding>& findings);
nlohmann::ordered_json to_json(const std::vector<keyscope::analytics::ChargebackRow>& rows);

}  // namespace keyscope_cli
