#include <gtest/gtest.h>

#include "keyscope/analytics.hpp"

namespace keyscope::analytics {
namespace {

APIKeyInfo key(std::string id, std::string name, std::string prefix = "sk_live_abcd") {
  APIKeyInfo k;
  k.id = std::move(id);
  k.name = std::move(name);
  k.key_prefix = std::move(prefix);
  k.tier = "pro";
  return k;
}

KeyUsage usage(std::string id, std::int64_t total, std::int64_t client, std::int64_t server) {
  KeyUsage u;
  u.key_id = std::move(id);
  u.total_requests = total;
  u.client_errors = client;
  u.server_errors = server;
  u.successful = total - client - server;
  return u;
}

TEST(UsageByKey, OneRowPerActiveKeyIncludingZeroTraffic) {
  APIKeyInfo revoked = key("r", "Revoked");
  revoked.revoked_at = Timestamp{"2026-05-01T00:00:00Z", 1777593600};
  const auto rows = usage_by_key({key("a", "Alpha"), revoked, key("b", "Beta", "sk_test_x")},
                                 {usage("a", 100, 3, 2), usage("r", 50, 0, 0)});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].key_id, "a");
  EXPECT_EQ(rows[0].request_count, 100);
  EXPECT_EQ(rows[0].error_count, 5);
  EXPECT_DOUBLE_EQ(rows[0].error_rate, 0.05);
  EXPECT_EQ(rows[0].environment, "live");
  EXPECT_EQ(rows[1].key_id, "b");
  EXPECT_EQ(rows[1].request_count, 0);
  EXPECT_EQ(rows[1].error_rate, 0);
  EXPECT_EQ(rows[1].environment, "test");
  EXPECT_FALSE(rows[1].latency_p95_ms.has_value());
}

TEST(UsageByKey, SortedByRequestsThenNameThenId) {
  const auto rows = usage_by_key({key("3", "b"), key("2", "a"), key("1", "a"), key("4", "z")},
                                 {usage("4", 10, 0, 0)});
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.key_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"4", "1", "2", "3"}));
}

TEST(UsageByKey, EndpointSharesAndKeyOwnP95) {
  KeyUsage u = usage("a", 200, 0, 0);
  u.top_endpoints = {{"/api/v1/iocs", 50}, {"/api/v1/articles", 100}, {"/api/v1/b", 50}};
  u.latency_p95_ms = 612;
  APIKeyInfo k = key("a", "A");
  k.last_used_at = Timestamp{"2026-05-17T09:42:11Z", 1779010931};
  const auto rows = usage_by_key({k}, {u});
  ASSERT_EQ(rows[0].endpoint_distribution.size(), 3u);
  EXPECT_EQ(rows[0].endpoint_distribution[0].path, "/api/v1/articles");
  EXPECT_DOUBLE_EQ(rows[0].endpoint_distribution[0].share, 0.5);
  EXPECT_EQ(rows[0].endpoint_distribution[1].path, "/api/v1/b");  // tie on count: by path
  EXPECT_DOUBLE_EQ(rows[0].endpoint_distribution[2].share, 0.25);
  EXPECT_EQ(rows[0].latency_p95_ms, 612);
  EXPECT_EQ(rows[0].last_activity->text, "2026-05-17T09:42:11Z");
}

TEST(UsageByKey, FirstUsageOfAKeyWins) {
  const auto rows = usage_by_key({key("a", "A")}, {usage("a", 7, 0, 0), usage("a", 9, 0, 0)});
  EXPECT_EQ(rows[0].request_count, 7);
}

TEST(GapFill, FillsSortsAndTrims) {
  const auto d = [](std::int64_t n) { return Date{"", n}; };
  const auto series = gap_fill({{d(105), 5, 1}, {d(101), 1, 0}, {d(50), 9, 9}, {d(105), 2, 0}}, 5, 105);
  ASSERT_EQ(series.size(), 5u);
  EXPECT_EQ(series[0].date.days_since_epoch, 101);
  EXPECT_EQ(series[0].requests, 1);
  EXPECT_EQ(series[1].requests, 0);
  EXPECT_EQ(series[4].requests, 7);  // duplicates summed
  EXPECT_EQ(series[4].errors, 1);
  EXPECT_EQ(series[4].date.text, "1970-04-16");
  EXPECT_TRUE(gap_fill({}, 0, 105).empty());
  EXPECT_EQ(gap_fill({}, 3, 105).size(), 3u);
}

}  // namespace
}  // namespace keyscope::analytics
