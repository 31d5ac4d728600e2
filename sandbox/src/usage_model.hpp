// Turns the fleet's per-day figures into the contract's JSON documents.
// Every aggregate is a sum of the same per-day status counts, so the figures
// are internally consistent by construction.
#pragma once
#include <nlohmann/json.hpp>

#include "demo_data.hpp"

namespace sandbox {

using ojson = nlohmann::ordered_json;

// APIKeyInfo (list entries).
ojson key_info_json(const KeyProfile& k);
// APIKeyDetails: info + rate limits, allowed_ips and usage.daily for 7 days.
ojson key_details_json(const Fleet& fleet, const KeyProfile& k);
// KeyUsage for the `days` dates ending today (inclusive).
ojson key_usage_json(const Fleet& fleet, const KeyProfile& k, int days);
// Sparse daily buckets, newest first.
ojson daily_json(const Fleet& fleet, const KeyProfile& k, int days);
// {"data":[...],"meta":{"total":N}}
std::string key_list_body(const Fleet& fleet);

}  // namespace sandbox
