// Partial aggregates merge exactly; reconciliation finds leaks, drift, unknown and revoked keys.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "keyscope/codec.hpp"
#include "keyscope/logs.hpp"
#include "keyscope/time.hpp"

namespace keyscope::logs {
namespace {

const std::int64_t kEndDay = *parse_iso_date("2026-05-17");

std::string line(int i, const std::string& key, int status) {
  return R"({"time":)" + std::to_string(1778976000 - 86400 * (i % 5) + i * 7) + R"(,"key":")" + key +
         R"(","path":"/p/)" + std::to_string(i % 13) + R"(","status":)" + std::to_string(status) +
         R"(,"latency_ms":)" + std::to_string((i * 37) % 1000) + "." + std::to_string(i % 10) + "}\n";
}

TEST(UsageAggregateMerge, PartitionsMergedInAnyOrderEqualOneReader) {
  // 25,000 lines on one key: past the exact-latency limit, so the sketch path is exercised too.
  std::vector<std::string> lines;
  for (int i = 0; i < 25000; ++i) {
    lines.push_back(line(i, i % 3 ? "sk_live_AAAA1" : "sk_test_BBBB", i % 11 ? 200 : 503));
  }
  std::string all;
  for (const auto& l : lines) all += l;
  LogReader whole{ReaderOptions{}};
  whole.feed(all);
  whole.finish();
  const LogSummary expected = whole.aggregate().summary({}, 7, kEndDay);

  std::vector<UsageAggregate> parts;
  for (int p = 0; p < 4; ++p) {
    LogReader reader{ReaderOptions{}};
    for (std::size_t i = static_cast<std::size_t>(p); i < lines.size(); i += 4) reader.feed(lines[i]);
    reader.finish();
    // Each partition travels as text, as between Dask workers.
    auto restored = UsageAggregate::deserialize(reader.aggregate().serialize());
    ASSERT_TRUE(restored.ok()) << restored.error().message;
    parts.push_back(std::move(restored.value()));
  }
  UsageAggregate merged;
  for (int p : {2, 0, 3, 1}) merged.merge(parts[static_cast<std::size_t>(p)]);
  const LogSummary got = merged.summary({}, 7, kEndDay);
  EXPECT_EQ(got.usages, expected.usages);
  EXPECT_EQ(got.lines, expected.lines);
  EXPECT_EQ(got.records, 25000);
  ASSERT_TRUE(expected.usages[0].latency_p99_ms);
}

// Found by the log_reader fuzzer: a key or path with invalid UTF-8 made serialize() throw.
TEST(UsageAggregateMerge, InvalidUtf8InKeysAndPathsBecomesReplacementCharacters) {
  ReaderOptions options;
  options.format = Format::csv;  // JSON lines refuse invalid UTF-8 as unparseable; CSV takes bytes
  LogReader reader{options};
  reader.feed("time,key,path,status\n1778976000,sk_\xff\xfe,/a\xc3,200\n");
  reader.finish();
  const LogSummary direct = reader.aggregate().summary({}, 7, kEndDay);
  ASSERT_EQ(direct.usages.size(), 1u);
  EXPECT_EQ(direct.usages[0].key_id, "sk_\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(direct.usages[0].top_endpoints.at(0).path, "/a\xEF\xBF\xBD");
  auto restored = UsageAggregate::deserialize(reader.aggregate().serialize());
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(restored->summary({}, 7, kEndDay).usages, direct.usages);
}

// Found by the analytics_json fuzzer (tests/fuzz/corpus/analytics_json/crash-timeout-log-lines-count):
// a log_lines run repeated a line 10^12 times.
TEST(LogsJson, LogLinesThatExpandPastOneMebibyteAreRefusedAtOnce) {
  auto huge = summarize_logs_json(R"({"log_lines":[[999999999999,"x"]],"end_date":"2026-05-17"})");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().kind, ErrorKind::validation);
  auto negative = summarize_logs_json(R"({"log_lines":[[-1,"x"]],"end_date":"2026-05-17"})");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().kind, ErrorKind::validation);
  EXPECT_TRUE(summarize_logs_json(R"({"log_lines":[[1000,"x"]],"end_date":"2026-05-17"})").ok());
}

TEST(UsageAggregateMerge, NotAnAggregateIsADecodeError) {
  auto bad = UsageAggregate::deserialize(R"({"keys":{}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::decode);
  auto truncated = UsageAggregate::deserialize(R"({"keyscope_usage_aggregate":1,"lines":3})");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().kind, ErrorKind::decode);
}

// --- reconciliation

APIKeyInfo key(const std::string& id, const std::string& prefix, const std::string& name) {
  APIKeyInfo k;
  k.id = id;
  k.key_prefix = prefix;
  k.name = name;
  return k;
}

KeyUsage usage(const std::string& id, std::vector<std::pair<std::int64_t, std::int64_t>> per_day) {
  KeyUsage u;
  u.key_id = id;
  u.window_days = static_cast<std::int64_t>(per_day.size());
  std::int64_t day = kEndDay - static_cast<std::int64_t>(per_day.size()) + 1;
  for (const auto& [requests, errors] : per_day) {
    u.daily.push_back(DailyBucket{Date{format_iso_date(day), day}, requests, errors});
    u.total_requests += requests;
    ++day;
  }
  return u;
}

ReconcileOptions seven_days() {
  ReconcileOptions options;
  options.window_days = 7;
  options.end_day = kEndDay;
  options.now_unix = (kEndDay + 1) * 86400 - 3600;
  return options;
}

TEST(Reconcile, AgreementWithinToleranceIsClean) {
  const std::vector<APIKeyInfo> keys = {key("k1", "sk_live_AAAA", "Steady")};
  // 2% of 1,000 is 20; 5 requests is the floor for small days.
  const auto api = usage("k1", {{1000, 10}, {1000, 10}, {10, 0}, {0, 0}, {1000, 10}, {1000, 10}, {1000, 10}});
  const auto logs = usage("k1", {{980, 10}, {1020, 10}, {15, 0}, {5, 0}, {1000, 15}, {1000, 10}, {1000, 10}});
  auto result = reconcile(keys, {api}, {logs}, seven_days());
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->findings.size(), 0u) << result->findings[0].reason;
  EXPECT_FALSE(has_discrepancy(*result));
  ASSERT_EQ(result->keys.size(), 1u);
  EXPECT_EQ(result->keys[0].days_compared, 7);
  EXPECT_DOUBLE_EQ(result->keys[0].agreement, 1.0);
}

TEST(Reconcile, FindsTheLeakTheDriftTheUnknownAndTheRevokedKey) {
  APIKeyInfo revoked = key("k3", "sk_live_CCCC", "Old integration");
  revoked.revoked_at = Timestamp{"2026-05-12T16:00:00Z", *parse_iso8601("2026-05-12T16:00:00Z")};
  const std::vector<APIKeyInfo> keys = {key("k1", "sk_live_AAAA", "Leaked"), key("k2", "sk_live_BBBB", "Drifting"),
                                        revoked, key("k4", "sk_live_DDDD", "Elsewhere")};
  const std::vector<KeyUsage> api = {
      usage("k1", {{900, 9}, {900, 9}, {900, 9}, {900, 9}, {9000, 9}, {9000, 9}, {900, 9}}),
      usage("k2", {{500, 0}, {500, 0}, {500, 0}, {500, 0}, {500, 0}, {500, 0}, {500, 0}}),
      usage("k4", {{100, 0}, {100, 0}, {100, 0}, {100, 0}, {100, 0}, {100, 0}, {100, 0}})};
  std::vector<KeyUsage> logs = {
      usage("k1", {{900, 9}, {900, 9}, {900, 9}, {900, 9}, {3000, 9}, {3000, 9}, {900, 9}}),
      usage("k2", {{500, 0}, {500, 0}, {550, 0}, {500, 0}, {500, 0}, {500, 0}, {500, 0}}),
      usage("k3", {{0, 0}, {0, 0}, {40, 40}, {40, 40}, {40, 40}, {40, 40}, {40, 40}}),
      usage("sk_live_ZZZZ", {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {300, 0}, {300, 0}})};
  auto result = reconcile(keys, api, logs, seven_days());
  ASSERT_TRUE(result.ok());
  std::vector<std::string> got;
  for (const auto& f : result->findings) got.push_back(f.kind + " " + f.key_prefix + " " + (f.day ? f.day->text : "-"));
  const std::vector<std::string> expected = {
      "api_exceeds_logs sk_live_AAAA 2026-05-15", "api_exceeds_logs sk_live_AAAA 2026-05-16",
      "logs_exceed_api sk_live_BBBB 2026-05-13", "key_silent_in_logs sk_live_DDDD -",
      "revoked_key_in_use sk_live_CCCC 2026-05-13", "unknown_key sk_live_ZZZZ 2026-05-16"};
  EXPECT_EQ(got, expected);
  EXPECT_TRUE(has_discrepancy(*result));
  const ReconcileFinding& leak = result->findings[0];
  EXPECT_EQ(leak.severity, "critical");
  EXPECT_EQ(leak.api_requests, 9000);
  EXPECT_EQ(leak.log_requests, 3000);
  EXPECT_NE(leak.reason.find("6000"), std::string::npos);
  EXPECT_EQ(result->findings[4].log_requests, 200);
  EXPECT_EQ(result->findings[5].log_requests, 600);
  // Per-key summaries of the keys the API meters.
  ASSERT_EQ(result->keys.size(), 3u);
  EXPECT_EQ(result->keys[0].days_agreeing, 5);
  EXPECT_NEAR(*result->keys[0].drift, (10500.0 - 22500.0) / 22500.0, 1e-12);
}

TEST(Reconcile, BadOptionsAreValidationErrors) {
  ReconcileOptions options = seven_days();
  options.tolerance = 2;  // "2" meant 2%: refused, not silently 200%
  auto result = reconcile({}, {}, {}, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::validation);
}

}  // namespace
}  // namespace keyscope::logs
