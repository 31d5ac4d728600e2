#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "keyscope/analytics.hpp"
#include "keyscope/error.hpp"

namespace keyscope::analytics {
namespace {

UsageRow row(std::string id, std::string name, std::int64_t requests) {
  UsageRow r;
  r.key_id = std::move(id);
  r.name = std::move(name);
  r.request_count = requests;
  return r;
}

std::int64_t total_cost(const std::vector<ChargebackRow>& rows) {
  std::int64_t sum = 0;
  for (const auto& r : rows) sum += r.cost_cents;
  return sum;
}

TEST(ParseBill, StrictDecimalText) {
  EXPECT_EQ(parse_bill_cents("1234.56"), 123456);
  EXPECT_EQ(parse_bill_cents("0.01"), 1);
  EXPECT_EQ(parse_bill_cents("7"), 700);
  EXPECT_EQ(parse_bill_cents("7.5"), 750);
  EXPECT_EQ(parse_bill_cents("0"), 0);
  for (const char* bad : {"", "-1", "1.234", "1.", ".5", "1,5", " 1", "1e3", "abc", "+1", "1.2x"}) {
    EXPECT_THROW(parse_bill_cents(bad), ValidationError) << bad;
  }
}

TEST(Chargeback, OneCentOverThreeCentersGoesToTheLargest) {
  CostCenterMap map;
  map.name_pattern = R"(\[(\w+)\])";
  const auto rows = chargeback({row("1", "a [x]", 10), row("2", "b [y]", 30), row("3", "c [z]", 20)},
                               std::string_view("0.01"), map);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].cost_center, "y");
  EXPECT_EQ(rows[0].cost_cents, 1);
  EXPECT_EQ(rows[1].cost_cents, 0);
  EXPECT_EQ(total_cost(rows), 1);
}

// A server's hostile key name must not make the pattern search take seconds (fuzzing found a
// 9 KB name and \S(\w+)\] taking 30 s): names past kMaxPatternNameBytes are not searched.
TEST(Chargeback, AnOverlongNameIsNotSearchedByThePattern) {
  CostCenterMap map;
  map.name_pattern = R"(\S(\w+)\])";
  const std::string at_limit = std::string(kMaxPatternNameBytes - 5, 'a') + "[ops]";
  const std::string hostile = std::string(20000, 'X') + " [ops]";
  map.by_key = {{"3", "secops"}};
  const auto rows = chargeback({row("1", at_limit, 10), row("2", hostile, 10), row("3", hostile, 10)},
                               std::string_view("30.00"), map);
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& r : rows) EXPECT_EQ(r.cost_cents, 1000) << r.cost_center;
  std::vector<std::string> centers;
  for (const auto& r : rows) centers.push_back(r.cost_center);
  std::sort(centers.begin(), centers.end());
  EXPECT_EQ(centers, (std::vector<std::string>{"ops", "secops", "unallocated"}));
}

TEST(Chargeback, HamiltonSumsExactlyWithDeterministicTies) {
  CostCenterMap map;
  map.by_key = {{"1", "a"}, {"2", "b"}, {"3", "c"}};
  // Equal requests: 100 cents / 3 = 33.33 each, remainders tie, requests tie -> by name.
  const auto rows = chargeback({row("1", "k1", 5), row("2", "k2", 5), row("3", "k3", 5)}, 100, map);
  EXPECT_EQ(rows[0].cost_center, "a");
  EXPECT_EQ(rows[0].cost_cents, 34);
  EXPECT_EQ(rows[1].cost_cents, 33);
  EXPECT_EQ(rows[2].cost_cents, 33);
  EXPECT_EQ(total_cost(rows), 100);
}

TEST(Chargeback, ExplicitMappingByIdThenNameThenPattern) {
  CostCenterMap map;
  map.by_key = {{"Shared [ops]", "platform"}, {"id-2", "finance"}};
  map.name_pattern = R"(\[(\w+)\])";
  const auto rows = chargeback(
      {row("id-1", "Shared [ops]", 10), row("id-2", "Billing [ops]", 10), row("id-3", "Other [ops]", 10),
       row("id-4", "no team", 10)},
      1000, map);
  ASSERT_EQ(rows.size(), 4u);
  std::map<std::string, std::vector<std::string>> keys;
  for (const auto& r : rows) keys[r.cost_center] = r.key_ids;
  EXPECT_EQ(keys["platform"], std::vector<std::string>{"id-1"});
  EXPECT_EQ(keys["finance"], std::vector<std::string>{"id-2"});
  EXPECT_EQ(keys["ops"], std::vector<std::string>{"id-3"});
  EXPECT_EQ(keys[kUnallocated], std::vector<std::string>{"id-4"});
  EXPECT_EQ(total_cost(rows), 1000);
}

TEST(Chargeback, UnmappedKeysNeverVanish) {
  const auto rows = chargeback({row("1", "a", 1), row("2", "b", 0)}, 999, CostCenterMap{});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cost_center, kUnallocated);
  EXPECT_EQ(rows[0].key_ids.size(), 2u);
  EXPECT_EQ(rows[0].cost_cents, 999);
}

TEST(Chargeback, ZeroTrafficSplitsEquallyAcrossCentersWithKeys) {
  CostCenterMap map;
  map.by_key = {{"1", "b"}, {"2", "a"}};
  const auto rows = chargeback({row("1", "x", 0), row("2", "y", 0), row("3", "z", 0)}, 100, map);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].cost_center, "a");
  EXPECT_EQ(rows[0].cost_cents, 34);
  EXPECT_DOUBLE_EQ(rows[0].share, 1.0 / 3);
  EXPECT_EQ(total_cost(rows), 100);
}

TEST(Chargeback, NoKeysAtAllBillsUnallocated) {
  const auto rows = chargeback({}, 4200, CostCenterMap{});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cost_center, kUnallocated);
  EXPECT_EQ(rows[0].cost_cents, 4200);
}

TEST(Chargeback, RejectsBadPatternsAndBills) {
  CostCenterMap no_group;
  no_group.name_pattern = R"(\[\w+\])";
  EXPECT_THROW(chargeback({row("1", "a", 1)}, 100, no_group), ValidationError);
  CostCenterMap broken;
  broken.name_pattern = "([";
  EXPECT_THROW(chargeback({row("1", "a", 1)}, 100, broken), ValidationError);
  EXPECT_THROW(chargeback({row("1", "a", 1)}, -1, CostCenterMap{}), ValidationError);
  EXPECT_THROW(chargeback({row("1", "a", 1)}, std::string_view("12.345"), CostCenterMap{}), ValidationError);
}

TEST(Chargeback, LargeBillsDoNotOverflow) {
  CostCenterMap map;
  map.by_key = {{"1", "a"}, {"2", "b"}};
  const std::int64_t bill = 9'000'000'000'000'000;  // cents
  const auto rows = chargeback({row("1", "x", 3'000'000'000), row("2", "y", 7'000'000'000)}, bill, map);
  EXPECT_EQ(total_cost(rows), bill);
  EXPECT_EQ(rows[0].cost_cents, 6'300'000'000'000'000);
}

}  // namespace
}  // namespace keyscope::analytics
