// Turns the fleet's per-day figures into the contract's JSON documents.
// Every aggregate is a sum of the same per-day status counts, so the figures
// are internally consistent by construction.
#pragma once
#include <nlohmann/json.hpp>

#include "demo_data.hpp"

namespace sandbox {

using ojson = nlohmann::ordered_json;

// One day with traffic in a usage window.
struct DayBucket {
  std::int64_t day = 0;
  DayStats stats;
};
// The days with traffic among the `days` dates ending today (inclusive), newest
// first: the source of `daily` and of every window aggregate (and of the
// sandbox's emitted logs, so that they agree with the API by construction).
std::vector<DayBucket> window_days(const Fleet& fleet, const KeyProfile& k, int days);
// Largest-remainder split of `total` by the key's endpoint weights (exact sum,
// indexes parallel to kEndpointPaths): the source of `top_endpoints`.
std::array<std::int64_t, kEndpointCount> split_endpoints(const KeyProfile& k, std::int64_t total);

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
