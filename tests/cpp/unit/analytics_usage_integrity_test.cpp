#include <gtest/gtest.h>

#include <cstdint>

#include "keyscope/analytics.hpp"
#include "keyscope/time.hpp"

namespace keyscope::analytics {
namespace {

DailyBucket bucket(const char* date, std::int64_t requests, std::int64_t errors) {
  return DailyBucket{Date{date, *parse_iso_date(date)}, requests, errors};
}

KeyUsage consistent_usage() {
  KeyUsage u;
  u.key_id = "k";
  u.window_days = 30;
  u.total_requests = 100;
  u.successful = 90;
  u.client_errors = 8;
  u.server_errors = 2;
  u.success_rate = 0.9;
  u.by_status = {{"200", 88}, {"204", 2}, {"404", 5}, {"429", 3}, {"500", 2}};
  u.daily = {bucket("2026-05-16", 60, 6), bucket("2026-05-15", 40, 4)};
  return u;
}

std::map<std::string, IntegrityCheck> by_name(const std::vector<IntegrityCheck>& checks) {
  std::map<std::string, IntegrityCheck> out;
  for (const auto& c : checks) out[c.check] = c;
  return out;
}

TEST(CheckUsage, ConsistentPayloadPassesEveryCheck) {
  const auto checks = check_usage(consistent_usage());
  EXPECT_EQ(checks.size(), 15u);
  for (const auto& c : checks) EXPECT_TRUE(c.ok) << c.check << ": " << c.message;
  EXPECT_EQ(checks.front().check, "non_negative");
}

// Any 64-bit count is type-valid (the tolerant reader): the sums are exact in 128 bits rather than
// overflowing (undefined behaviour; found by the schema-driven mock under UBSan).
TEST(CheckUsage, SumsOfExtremeCountsAreExact) {
  constexpr std::int64_t kMax = INT64_MAX, kMin = INT64_MIN;
  KeyUsage u = consistent_usage();
  u.total_requests = kMax;
  u.successful = kMax;
  u.client_errors = kMax;
  u.server_errors = kMin;
  u.window_days = kMin;
  u.by_status = {{"200", kMax}, {"201", kMax}, {"500", kMin}};
  u.daily = {bucket("2026-05-16", kMax, kMax), bucket("2026-05-15", kMax, kMin)};
  const auto checks = by_name(check_usage(u));
  EXPECT_EQ(checks.at("totals").actual, "9223372036854775806");  // max + max + min
  EXPECT_EQ(checks.at("by_status_sum").actual, "9223372036854775806");
  EXPECT_EQ(checks.at("status_2xx").actual, "18446744073709551614");
  EXPECT_EQ(checks.at("daily_requests_sum").actual, "18446744073709551614");
  EXPECT_EQ(checks.at("daily_errors_sum").expected, "-1");
  EXPECT_EQ(checks.at("daily_errors_sum").actual, "-1");
  EXPECT_TRUE(checks.at("daily_errors_sum").ok);
  EXPECT_EQ(checks.at("daily_window").actual, "2");  // a window of min days holds no day
  EXPECT_NE(checks.at("status_2xx").message.find("off by 9223372036854775807"), std::string::npos)
      << checks.at("status_2xx").message;
}

TEST(CheckUsage, DetectsEachInconsistency) {
  KeyUsage u = consistent_usage();
  u.total_requests = 101;
  u.success_rate = 0.95;
  u.by_status["500"] = 1;
  u.daily.push_back(bucket("2026-05-17", 1, 2));
  u.daily.push_back(bucket("2026-05-16", 0, 0));
  u.daily.push_back(bucket("2026-01-01", 0, 0));
  const auto checks = by_name(check_usage(u));
  EXPECT_FALSE(checks.at("totals").ok);
  EXPECT_EQ(checks.at("totals").expected, "101");
  EXPECT_EQ(checks.at("totals").actual, "100");
  EXPECT_FALSE(checks.at("by_status_sum").ok);
  EXPECT_FALSE(checks.at("status_5xx").ok);
  EXPECT_TRUE(checks.at("status_2xx").ok);
  EXPECT_FALSE(checks.at("success_rate").ok);
  EXPECT_FALSE(checks.at("daily_order").ok);
  EXPECT_FALSE(checks.at("daily_duplicates").ok);
  EXPECT_FALSE(checks.at("daily_window").ok);
  EXPECT_FALSE(checks.at("daily_errors_le_requests").ok);
  EXPECT_TRUE(checks.at("daily_length").ok);
  EXPECT_TRUE(checks.at("status_codes").ok);
}

TEST(CheckUsage, ByStatusKeysThatAreNotHttpStatusesAreAFinding) {
  KeyUsage u = consistent_usage();
  const std::int64_t ok_count = u.by_status.at("200");
  u.by_status.erase("200");
  u.by_status["2xx"] = ok_count;
  const auto checks = by_name(check_usage(u));
  EXPECT_FALSE(checks.at("status_codes").ok);
  EXPECT_EQ(checks.at("status_codes").actual, "1");
  auto error = implausible_usage(u);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::decode);
  EXPECT_EQ(error->json_path, "data.by_status");
  EXPECT_FALSE(implausible_usage(consistent_usage()));
}

TEST(CheckUsage, SuccessRateToleratesApiRounding) {
  KeyUsage u = consistent_usage();
  u.successful = 9763;
  u.total_requests = 10000;
  u.success_rate = 0.97634;  // within 1e-4 of 0.9763
  EXPECT_TRUE(by_name(check_usage(u)).at("success_rate").ok);
  u.success_rate = 0.9765;
  EXPECT_FALSE(by_name(check_usage(u)).at("success_rate").ok);
}

TEST(CheckUsage, OptionalPartsAreSkippedAndEndDateAnchorsTheWindow) {
  KeyUsage u = consistent_usage();
  u.by_status.clear();
  u.success_rate.reset();
  const auto checks = by_name(check_usage(u));
  EXPECT_EQ(checks.count("by_status_sum"), 0u);
  EXPECT_EQ(checks.count("success_rate"), 0u);
  EXPECT_TRUE(checks.at("daily_window").ok);
  const auto anchored = by_name(check_usage(u, *parse_iso_date("2026-06-30")));
  EXPECT_FALSE(anchored.at("daily_window").ok);
  EXPECT_EQ(anchored.at("daily_window").actual, "2");
}

TEST(CheckUsage, AscendingAndEmptySeriesAreOrdered) {
  KeyUsage u = consistent_usage();
  std::reverse(u.daily.begin(), u.daily.end());
  EXPECT_TRUE(by_name(check_usage(u)).at("daily_order").ok);
  KeyUsage empty;
  empty.window_days = 30;
  for (const auto& c : check_usage(empty)) EXPECT_TRUE(c.ok) << c.check;
}

}  // namespace
}  // namespace keyscope::analytics
