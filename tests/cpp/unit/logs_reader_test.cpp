// Log readers: JSON lines, CSV and nginx text logs -> the API's KeyUsage shape.
#include <gtest/gtest.h>

#include <string>

#include "keyscope/logs.hpp"
#include "keyscope/time.hpp"

namespace keyscope::logs {
namespace {

const std::string kSecret = "sk_live_zIc8Qm3vT9xLp2Wd7RkYb4NfHs6JgUa1Ce5";
const std::int64_t kDay = *parse_iso_date("2026-05-17");

LogSummary read_all(const ReaderOptions& options, const std::string& text, std::size_t chunk = 0,
                    const std::vector<APIKeyInfo>& keys = {}) {
  LogReader reader(options);
  if (chunk == 0) {
    reader.feed(text);
  } else {
    for (std::size_t i = 0; i < text.size(); i += chunk) reader.feed(std::string_view(text).substr(i, chunk));
  }
  reader.finish();
  return reader.aggregate().summary(keys, 7, kDay);
}

const KeyUsage* usage_of(const LogSummary& summary, const std::string& key) {
  for (const auto& usage : summary.usages) {
    if (usage.key_id == key) return &usage;
  }
  return nullptr;
}

std::int64_t bad_count(const LogSummary& summary, const std::string& kind) {
  for (const auto& bad : summary.bad_lines) {
    if (bad.kind == kind) return bad.count;
  }
  return 0;
}

TEST(LogKeys, AFullKeyIsCutToItsPrefixAndAUuidStaysAnId) {
  bool full = false;
  EXPECT_EQ(reduce_key("Bearer " + kSecret, 12, &full), "sk_live_zIc8");
  EXPECT_TRUE(full);
  EXPECT_EQ(reduce_key("  bearer " + kSecret + " ", 12, &full), "sk_live_zIc8");
  EXPECT_EQ(reduce_key("sk_live_zIc8", 12, &full), "sk_live_zIc8");
  EXPECT_FALSE(full);
  EXPECT_EQ(reduce_key("dc10088b-3545-4d32-8d72-319f978a26ec", 12, &full), "dc10088b-3545-4d32-8d72-319f978a26ec");
  EXPECT_FALSE(full);
}

TEST(LogReaderJsonl, DetectsCommonNamesDropsQueriesAndReducesKeys) {
  const std::string text =
      R"({"timestamp":"2026-05-17T09:42:11.500Z","authorization":"Bearer )" + kSecret +
      R"(","path":"/api/v1/iocs/search?q=evil.com","status":200,"duration_ms":12.5})" "\n"
      R"({"timestamp":"2026-05-16T23:59:59Z","authorization":"Bearer )" + kSecret +
      R"(","path":"https://api.socdefenders.ai/api/v1/iocs/search","status":503,"duration_ms":40})" "\n";
  ReaderOptions options;
  const LogSummary summary = read_all(options, text);
  ASSERT_EQ(summary.usages.size(), 1u);
  const KeyUsage& usage = summary.usages[0];
  EXPECT_EQ(usage.key_id, "sk_live_zIc8");
  EXPECT_EQ(usage.total_requests, 2);
  EXPECT_EQ(usage.successful, 1);
  EXPECT_EQ(usage.server_errors, 1);
  ASSERT_EQ(usage.top_endpoints.size(), 1u);
  EXPECT_EQ(usage.top_endpoints[0].path, "/api/v1/iocs/search");
  EXPECT_EQ(usage.top_endpoints[0].count, 2);
  EXPECT_EQ(usage.by_status.at("503"), 1);
  ASSERT_TRUE(usage.latency_p50_ms);
  EXPECT_DOUBLE_EQ(*usage.latency_p50_ms, 26.25);  // exact: numpy's linear interpolation
  EXPECT_DOUBLE_EQ(*usage.avg_response_time_ms, 26.25);
  ASSERT_EQ(usage.daily.size(), 7u);  // gap-filled to the window
  EXPECT_EQ(usage.daily[5].date.text, "2026-05-16");
  EXPECT_EQ(usage.daily[5].errors, 1);
  EXPECT_EQ(usage.daily[6].requests, 1);
  EXPECT_EQ(summary.full_keys_seen, 2);
  EXPECT_EQ(summary.records, 2);
}

TEST(LogReaderJsonl, ChunksSplitAnywhereGiveTheSameSummary) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += R"({"ts":)" + std::to_string(1778976000 + i * 601) + R"(,"api_key":"sk_test_Ab)" +
            std::to_string(i % 3) + R"(","endpoint":"/a/)" + std::to_string(i % 4) + R"(","code":)" +
            (i % 7 == 0 ? "429" : "200") + R"(,"latency":)" + std::to_string(i) + "}\r\n";
  }
  ReaderOptions options;
  const LogSummary whole = read_all(options, text);
  for (std::size_t chunk : {1u, 2u, 7u, 64u, 1000u}) {
    EXPECT_EQ(read_all(options, text, chunk).usages, whole.usages) << "chunk " << chunk;
  }
  EXPECT_EQ(whole.records, 40);
  EXPECT_EQ(whole.usages.size(), 3u);
  const KeyUsage* first = usage_of(whole, "sk_test_Ab0");
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->rate_limit_hits_by_hour.empty());
}

TEST(LogReaderJsonl, UserFieldNamesWalkIntoNestedObjects) {
  const std::string text =
      R"({"when":"2026-05-17 08:00:00","req":{"auth":{"key":"sk_live_AbCd"},"uri":"/x?y=1"},"res":{"code":"404"},"t_us":1500})" "\n";
  ReaderOptions options;
  options.fields = FieldMap{"when", "req.auth.key", "req.uri", "res.code", "t_us"};
  const LogSummary summary = read_all(options, text);
  ASSERT_EQ(summary.usages.size(), 1u);
  EXPECT_EQ(summary.usages[0].key_id, "sk_live_AbCd");
  EXPECT_EQ(summary.usages[0].client_errors, 1);
  EXPECT_EQ(summary.usages[0].top_endpoints.at(0).path, "/x");
  EXPECT_DOUBLE_EQ(*summary.usages[0].latency_p50_ms, 1.5);  // "_us": microseconds
}

TEST(LogReaderBadLines, EachKindIsCountedWithItsLineNumberAndNeverStopsTheReader) {
  const std::string good = R"({"time":"2026-05-17T01:00:00Z","key":"sk_live_AbCd","status":200})";
  const std::string text = good + "\n" +                                               // 1
                           "not json at all\n" +                                         // 2
                           R"({"time":"yesterday","key":"sk_live_AbCd","status":200})" "\n"  // 3
                           R"({"time":"2026-05-17T01:00:00Z","status":200})" "\n"         // 4
                           R"({"time":"2026-05-17T01:00:00Z","key":"sk_live_AbCd","status":"OK"})" "\n"  // 5
                           "\n" +                                                        // 6 (blank)
                           R"({"time":"2026-01-01T01:00:00Z","key":"sk_live_AbCd","status":200})" "\n" +  // 7
                           good;                                                          // 8, no newline
  ReaderOptions options;
  options.window_start_unix = *parse_iso8601("2026-05-11T00:00:00Z");
  const LogSummary summary = read_all(options, text);
  EXPECT_EQ(summary.lines, 7);
  EXPECT_EQ(summary.records, 2);
  ASSERT_EQ(summary.bad_lines.size(), 5u);
  std::map<std::string, std::vector<std::int64_t>> where;
  for (const auto& bad : summary.bad_lines) where[bad.kind] = bad.first_lines;
  EXPECT_EQ(where["unparseable"], std::vector<std::int64_t>{2});
  EXPECT_EQ(where["bad_time"], std::vector<std::int64_t>{3});
  EXPECT_EQ(where["missing_field"], std::vector<std::int64_t>{4});
  EXPECT_EQ(where["bad_status"], std::vector<std::int64_t>{5});
  EXPECT_EQ(where["out_of_window"], std::vector<std::int64_t>{7});
}

// Numbers beyond int64 were cast to integers (undefined behaviour, a fuzz finding under UBSan):
// they are bad lines like any other unreadable status or time.
TEST(LogReaderBadLines, NumbersBeyondSixtyFourBitsAreBadStatusesAndBadTimes) {
  const std::string text =
      R"({"time":"2026-05-17T01:00:00Z","key":"sk_live_AbCd","status":4.01667e32})" "\n"
      R"({"time":"2026-05-17T01:00:00Z","key":"sk_live_AbCd","status":-1e300})" "\n"
      R"({"time":"2026-05-17T01:00:00Z","key":"sk_live_AbCd","status":200.5})" "\n"
      R"({"time":1e30,"key":"sk_live_AbCd","status":200})" "\n"
      R"({"time":1.7e308,"key":"sk_live_AbCd","status":200})" "\n"
      R"({"time":1779004800.5,"key":"sk_live_AbCd","status":200.0})" "\n";
  const LogSummary summary = read_all(ReaderOptions{}, text);
  EXPECT_EQ(summary.lines, 6);
  EXPECT_EQ(summary.records, 1);
  EXPECT_EQ(bad_count(summary, "bad_status"), 3);
  EXPECT_EQ(bad_count(summary, "bad_time"), 2);
}

// A latency no request has (beyond a day, up to 1e300 ms) would overflow the microsecond sum: the
// line counts, its latency does not.
TEST(LogReaderLatency, ALatencyBeyondADayCountsTheLineButNotTheLatency) {
  std::string text;
  for (const char* latency : {"20", "1e300", "9.2e15", "30", "86400001"}) {
    text += std::string(R"({"time":"2026-05-17T01:00:00Z","key":"sk_live_AbCd","status":200,"latency_ms":)") +
            latency + "}\n";
  }
  const LogSummary summary = read_all(ReaderOptions{}, text);
  ASSERT_EQ(summary.usages.size(), 1u);
  EXPECT_EQ(summary.usages[0].total_requests, 5);
  ASSERT_TRUE(summary.usages[0].avg_response_time_ms);
  EXPECT_DOUBLE_EQ(*summary.usages[0].avg_response_time_ms, 25);
}

TEST(LogReaderCsv, QuotedCommasAndLineBreaksStayInTheirCell) {
  const std::string text =
      "ts,api_key,endpoint,status_code,latency_ms,note\r\n"
      "2026-05-17T10:00:00Z,Bearer " + kSecret + ",/api/v1/a,200,5,\"one, two\"\r\n"
      "2026-05-17T10:00:01Z,sk_live_zIc8,\"/api/v1/b?x=1\",500,7,\"multi\nline \"\"quoted\"\"\"\r\n"
      "2026-05-17T10:00:02Z,sk_live_zIc8,/api/v1/a,200\r\n";  // too few cells: unparseable, line 5
  ReaderOptions options;
  options.format = Format::csv;
  for (std::size_t chunk : {0u, 1u, 3u}) {
    const LogSummary summary = read_all(options, text, chunk);
    ASSERT_EQ(summary.usages.size(), 1u) << "chunk " << chunk;
    EXPECT_EQ(summary.usages[0].key_id, "sk_live_zIc8");
    EXPECT_EQ(summary.usages[0].total_requests, 2);
    EXPECT_EQ(summary.usages[0].server_errors, 1);
    EXPECT_EQ(bad_count(summary, "unparseable"), 1);
    ASSERT_EQ(summary.bad_lines.size(), 1u);
    EXPECT_EQ(summary.bad_lines[0].first_lines, std::vector<std::int64_t>{5}) << "chunk " << chunk;
  }
}

TEST(LogReaderNginx, TheUsersLogFormatReadsTheCombinedFormatWithRequestTime) {
  ReaderOptions options;
  options.format = Format::nginx;
  options.nginx_format =
      R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time "$http_authorization")";
  ASSERT_FALSE(validate(options));
  const std::string text =
      R"L(10.0.0.1 - - [17/May/2026:11:42:11 +0200] "GET /api/v1/iocs/search?q=1 HTTP/1.1" 200 512 "-" "curl/8.0 (x; y)" 0.025 "Bearer )L" + kSecret + "\"\n" +
      R"(10.0.0.2 - - [17/May/2026:09:43:00 +0000] "POST /api/v1/feeds HTTP/1.1" 429 0 "-" "py" 0.001 "-")" "\n"
      R"(garbage line)" "\n";
  LogReader reader(options);
  reader.feed(text);
  reader.finish();
  const LogSummary summary = reader.aggregate().summary({}, 7, kDay);
  ASSERT_EQ(summary.usages.size(), 1u);
  const KeyUsage& usage = summary.usages[0];
  EXPECT_EQ(usage.key_id, "sk_live_zIc8");
  EXPECT_EQ(usage.top_endpoints.at(0).path, "/api/v1/iocs/search");
  EXPECT_DOUBLE_EQ(*usage.latency_p50_ms, 25);  // $request_time is in seconds
  EXPECT_EQ(usage.daily.back().requests, 1);
  EXPECT_EQ(bad_count(summary, "missing_field"), 1);  // the key is "-"
  EXPECT_EQ(bad_count(summary, "unparseable"), 1);
  EXPECT_EQ(reader.resolved_fields().time, "$time_local");
  EXPECT_EQ(reader.resolved_fields().latency, "$request_time");
}

TEST(LogReaderNginx, AFormatWithoutTimeStatusOrKeyIsAValidationError) {
  ReaderOptions options;
  options.format = Format::nginx;
  options.nginx_format = R"($remote_addr "$request" $status)";
  auto error = validate(options);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::validation);
  EXPECT_NE(error->message.find("time"), std::string::npos);
  options.nginx_format = R"([$time_local] $status$body_bytes_sent "$http_authorization")";
  error = validate(options);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("followed directly"), std::string::npos);
  options.nginx_format = R"([$time_local] $status "$http_x_key")";
  options.fields.key = "$http_x_key";
  EXPECT_FALSE(validate(options));
}

TEST(LogSummaryKeys, APrefixTheKeyListKnowsBecomesItsKeyId) {
  APIKeyInfo key;
  key.id = "dc10088b-3545-4d32-8d72-319f978a26ec";
  key.key_prefix = "sk_live_zIc8";
  const std::string text =
      R"({"time":"2026-05-17T01:00:00Z","key":"Bearer )" + kSecret + R"(","status":200})" "\n"
      R"({"time":"2026-05-17T01:00:00Z","key":"dc10088b-3545-4d32-8d72-319f978a26ec","status":200})" "\n"
      R"({"time":"2026-05-17T01:00:00Z","key":"sk_live_Other","status":200})" "\n";
  const LogSummary summary = read_all(ReaderOptions{}, text, 0, {key});
  ASSERT_EQ(summary.usages.size(), 2u);
  const KeyUsage* known = usage_of(summary, key.id);
  ASSERT_NE(known, nullptr);
  EXPECT_EQ(known->total_requests, 2);
  EXPECT_NE(usage_of(summary, "sk_live_Othe"), nullptr);  // cut to the prefix length
}

}  // namespace
}  // namespace keyscope::logs
