// The analytics' one error style: each try_ form returns the refusal as a value (the kind, code
// and message its throwing twin carries), never throws, and agrees with the throwing form on
// success. The npm package's WebAssembly (built without exceptions) uses only these.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "keyscope/analytics.hpp"
#include "keyscope/logs.hpp"

namespace keyscope::analytics {
namespace {

template <class T>
void expect_error(const Result<T>& result, ErrorKind kind, const std::string& says) {
  ASSERT_FALSE(result.ok()) << says;
  EXPECT_EQ(result.error().kind, kind) << result.error().message;
  EXPECT_NE(result.error().message.find(says), std::string::npos) << result.error().message;
}

void expect_error(const std::optional<Error>& error, ErrorKind kind, const std::string& says) {
  ASSERT_TRUE(error.has_value()) << says;
  EXPECT_EQ(error->kind, kind) << error->message;
  EXPECT_NE(error->message.find(says), std::string::npos) << error->message;
}

TEST(ResultApi, Percentiles) {
  expect_error(try_percentile({}, 0.5), ErrorKind::validation, "samples must not be empty");
  expect_error(try_percentile({1}, 1.5), ErrorKind::validation, "quantile must be within [0, 1]");
  expect_error(try_percentiles({1, std::nan("")}, {0.5}), ErrorKind::validation, "NaN");
  const auto ok = try_percentiles({4, 1, 3, 2}, {0.5, 1});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), percentiles({4, 1, 3, 2}, {0.5, 1}));
}

TEST(ResultApi, Chargeback) {
  const std::vector<UsageRow> rows = {UsageRow{"1", "SIEM [soc]", "", "", "", 10}};
  expect_error(try_parse_bill_cents("12.345"), ErrorKind::validation, "at most 2 decimals");
  expect_error(try_chargeback(rows, -1, CostCenterMap{}), ErrorKind::validation, "bill must not be negative");
  expect_error(try_chargeback(rows, std::string_view("x"), CostCenterMap{}), ErrorKind::validation, "bill must be");
  CostCenterMap lookbehind;
  lookbehind.name_pattern = "(?<=a)(b)";
  const auto refused = try_chargeback(rows, 100, lookbehind);
  expect_error(refused, ErrorKind::validation, "a lookbehind (?<= at offset 0");
  EXPECT_EQ(refused.error().code, "invalid_name_pattern");
  CostCenterMap pattern;
  pattern.name_pattern = R"(\[(\w+)\])";
  const auto charged = try_chargeback(rows, std::string_view("12.34"), pattern);
  ASSERT_TRUE(charged.ok()) << charged.error().message;
  ASSERT_EQ(charged->size(), 1u);
  EXPECT_EQ(charged->front().cost_center, "soc");
  EXPECT_EQ(charged->front().cost_cents, 1234);
}

TEST(ResultApi, DDSketch) {
  expect_error(DDSketch::create(1.5, 10), ErrorKind::validation, "relative_accuracy must be within (0, 1)");
  expect_error(DDSketch::create(0.01, 0), ErrorKind::validation, "max_buckets must be at least 1");
  auto created = DDSketch::create(0.01, 64);
  ASSERT_TRUE(created.ok());
  DDSketch sketch = std::move(created).value();
  expect_error(sketch.try_quantile(0.5), ErrorKind::validation, "quantile of an empty DDSketch");
  expect_error(sketch.try_add(INFINITY), ErrorKind::validation, "values must be finite");
  expect_error(sketch.try_add(1, 0), ErrorKind::validation, "counts must be positive");
  EXPECT_FALSE(sketch.try_add(2.5, 3));
  expect_error(sketch.try_merge(DDSketch(0.02, 64)), ErrorKind::validation, "cannot merge");
  EXPECT_EQ(sketch.count(), 3);
  expect_error(sketch.try_quantile(-1), ErrorKind::validation, "quantile must be within");
  EXPECT_EQ(sketch.try_quantile(0.5).value(), sketch.quantile(0.5));

  expect_error(DDSketch::try_from_json("[1]"), ErrorKind::decode, "not a JSON object");
  const auto bad_counts = DDSketch::try_from_json(
      R"({"relative_accuracy":0.01,"max_buckets":8,"count":1,"zero_count":0,"sum":1,"min":1,"max":1,)"
      R"("positive":{"offset":0,"counts":[-1]},"negative":{"offset":0,"counts":[]}})");
  expect_error(bad_counts, ErrorKind::decode, "positive.counts");
  EXPECT_EQ(bad_counts.error().json_path, "positive.counts");
  const auto again = DDSketch::try_from_json(sketch.to_json());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->has_same_buckets(sketch));

  // A mapping message whose gamma (a 64-bit field) stops after one byte.
  const auto truncated = DDSketch::try_from_proto(std::string("\x0a\x02\x09\x00", 4));
  expect_error(truncated, ErrorKind::decode, "invalid DDSketch protobuf at mapping: truncated 64-bit value");
  EXPECT_EQ(truncated.error().json_path, "mapping");
  const auto proto = sketch.try_to_proto();
  ASSERT_TRUE(proto.ok());
  const auto back = DDSketch::try_from_proto(proto.value(), 64);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->count(), 3);
  DDSketch tiny(1e-9, 4);
  ASSERT_FALSE(tiny.try_add(1e300));
  expect_error(tiny.try_to_proto(), ErrorKind::validation, "beyond the protobuf message's sint32");
}

TEST(ResultApi, AUsageAggregateWithASketchOfOtherParametersIsRefused) {
  // A log reader merges aggregates exactly only with its own sketch parameters; a document with
  // others is a DecodeError, not a merge that fails (or aborts) later.
  DDSketch other(0.05, 2048);
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(other.try_add(1 + i));
  const std::string text =
      R"({"keyscope_usage_aggregate":1,"lines":1,"full_keys_seen":0,"bad_lines":[],"keys":{"sk_live_ab12":)"
      R"({"total":1,"by_status":[[200,1]],"days":[[20500,1,0]],"paths":[["/a",1]],"minutes":[[29520000,1]],)"
      R"("hours_429":[],"latencies":[],"latency_sum_us":0,"latency_count":3,"sketch":)" +
      other.to_json() + "}}}";
  const auto refused = logs::UsageAggregate::deserialize(text);
  expect_error(refused, ErrorKind::decode, "relative_accuracy and max_buckets");
  const DDSketch own;
  std::string fine = text;
  fine.replace(fine.find(other.to_json()), other.to_json().size(), own.to_json());
  EXPECT_TRUE(logs::UsageAggregate::deserialize(fine).ok());
}

}  // namespace
}  // namespace keyscope::analytics
