#include <algorithm>

#include "analytics/fleet_join.hpp"
#include "keyscope/analytics.hpp"

namespace keyscope::analytics {
namespace {

std::vector<EndpointShare> endpoint_distribution(const KeyUsage& usage) {
  std::vector<EndpointShare> shares;
  std::int64_t listed = 0;
  for (const EndpointCount& endpoint : usage.top_endpoints) listed += endpoint.count;
  // top_endpoints lists only the busiest paths; share is of all requests, unless the payload
  // is inconsistent and the listed counts exceed the total.
  const std::int64_t denominator = std::max(usage.total_requests, listed);
  for (const EndpointCount& endpoint : usage.top_endpoints) {
    const double share =
        denominator > 0 ? static_cast<double>(endpoint.count) / static_cast<double>(denominator)
                        : 0.0;
    shares.push_back(EndpointShare{endpoint.path, endpoint.count, share});
  }
  std::stable_sort(shares.begin(), shares.end(), [](const EndpointShare& a, const EndpointShare& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.path < b.path;
  });
  return shares;
}

UsageRow make_row(const APIKeyInfo& key, const KeyUsage* usage) {
  UsageRow row;
  row.key_id = key.id;
  row.name = key.name;
  row.prefix = key.key_prefix;
  row.environment = environment_of(key.key_prefix);
  row.tier = key.tier;
  row.last_activity = key.last_used_at;
  if (!usage) return row;
  row.request_count = usage->total_requests;
  row.error_count = usage->client_errors + usage->server_errors;
  row.error_rate = row.request_count > 0 ? static_cast<double>(row.error_count) /
                                               static_cast<double>(row.request_count)
                                         : 0.0;
  row.endpoint_distribution = endpoint_distribution(*usage);
  row.latency_p95_ms = usage->latency_p95_ms;
  return row;
}

}  // namespace

std::vector<UsageRow> usage_by_key(const std::vector<APIKeyInfo>& keys,
                                   const std::vector<KeyUsage>& usages) {
  const detail::UsageIndex index(usages);
  std::vector<UsageRow> rows;
  for (const APIKeyInfo& key : keys) {
    if (key.revoked()) continue;
    rows.push_back(make_row(key, index.find(key.id)));
  }
  std::sort(rows.begin(), rows.end(), [](const UsageRow& a, const UsageRow& b) {
    if (a.request_count != b.request_count) return a.request_count > b.request_count;
    if (a.name != b.name) return a.name < b.name;
    return a.key_id < b.key_id;
  });
  return rows;
}

std::vector<UsageRow> usage_by_key(const Fleet& fleet) {
  return usage_by_key(fleet.keys, fleet.usages);
}

}  // namespace keyscope::analytics
