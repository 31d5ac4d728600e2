#include <gtest/gtest.h>

#include "keyscope/codec.hpp"
#include "test_files.hpp"

namespace keyscope {
namespace {

using testing::read_test_file;

TEST(Codec, DecodesTheContractsListExample) {
  auto list = decode_key_list(read_test_file("fixtures/list_keys.json"));
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  ASSERT_EQ(list->data.size(), 2u);
  const APIKeyInfo& first = list->data[0];
  EXPECT_EQ(first.id, "00000000-0000-4000-8000-000000000123");
  EXPECT_EQ(first.key_prefix, "sk_live_zIc8");
  EXPECT_EQ(first.name, "Production SIEM");
  EXPECT_EQ(first.tier, "pro");
  EXPECT_EQ(first.scopes.size(), 4u);
  EXPECT_EQ(first.total_requests, 142587);
  ASSERT_TRUE(first.last_used_at.has_value());
  EXPECT_EQ(first.last_used_at->text, "2026-05-17T09:42:11Z");
  EXPECT_EQ(first.last_used_at->unix_seconds, 1779010931);
  EXPECT_FALSE(first.expires_at.has_value());
  EXPECT_FALSE(first.revoked());
  ASSERT_TRUE(list->data[1].expires_at.has_value());
  EXPECT_EQ(list->total, 2);
}

TEST(Codec, DecodesTheContractsKeyDetailsExample) {
  auto details = decode_key_details(read_test_file("fixtures/get_key.json"));
  ASSERT_TRUE(details.ok()) << to_string(details.error());
  EXPECT_EQ(details->rate_limit_per_minute, 1000);
  EXPECT_EQ(details->rate_limit_per_day, 1000000);
  EXPECT_FALSE(details->allowed_ips.has_value());
  EXPECT_TRUE(details->usage_daily.empty());
}

TEST(Codec, DecodesTheContractsUsageExample) {
  auto usage = decode_key_usage(read_test_file("fixtures/get_usage.json"));
  ASSERT_TRUE(usage.ok()) << to_string(usage.error());
  EXPECT_EQ(usage->window_days, 30);
  EXPECT_EQ(usage->successful + usage->client_errors + usage->server_errors, usage->total_requests);
  EXPECT_DOUBLE_EQ(*usage->success_rate, 0.9763);
  EXPECT_DOUBLE_EQ(*usage->latency_p95_ms, 612);
  EXPECT_EQ(usage->top_endpoints.size(), 3u);
  EXPECT_EQ(usage->by_status.at("429"), 206);
  ASSERT_EQ(usage->daily.size(), 2u);
  EXPECT_EQ(usage->daily[0].date.text, "2026-05-16");
  EXPECT_EQ(usage->daily[0].date.days_since_epoch + 0, 20589);
  EXPECT_EQ(usage->rate_limit_hits_by_hour[0].count, 12);
}

TEST(Codec, RoundTripIsLossless) {
  for (const char* file : {"fixtures/list_keys.json"}) {
    auto first = decode_key_list(read_test_file(file));
    ASSERT_TRUE(first.ok());
    auto second = decode_key_list(encode_key_list(*first));
    ASSERT_TRUE(second.ok()) << to_string(second.error());
    EXPECT_EQ(*first, *second);
  }
  auto details = decode_key_details(read_test_file("fixtures/get_key.json"));
  auto details_again = decode_key_details(encode_key_details(*details));
  ASSERT_TRUE(details_again.ok());
  EXPECT_EQ(*details, *details_again);
  auto usage = decode_key_usage(read_test_file("fixtures/get_usage.json"));
  auto usage_again = decode_key_usage(encode_key_usage(*usage));
  ASSERT_TRUE(usage_again.ok());
  EXPECT_EQ(*usage, *usage_again);
}

TEST(Codec, AcceptsKeyPreviewAndIgnoresUnknownFields) {
  auto list = decode_key_list(
      R"({"data":[{"id":"00000000-0000-4000-8000-000000000001","key_preview":"sk_live_••••",)"
      R"("name":"n","tier":"enterprise","future_field":{"x":[1,2]}}],"extra":true})");
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  EXPECT_EQ(list->data[0].key_prefix, "sk_live_••••");
  EXPECT_EQ(list->data[0].tier, "enterprise");
  EXPECT_FALSE(list->total.has_value());
}

// Found by the schema-driven mock (tests/contract/test_mock_front_doors.py): "" is a type-valid
// key_prefix, present though empty; key_preview fills it only when it has something to say.
TEST(Codec, AnEmptyKeyPrefixIsPresentNotMissing) {
  auto alone = decode_key_list(R"({"data":[{"id":"x","key_prefix":"","name":"a"}]})");
  ASSERT_TRUE(alone.ok()) << to_string(alone.error());
  EXPECT_EQ(alone->data[0].key_prefix, "");
  auto both_empty = decode_key_details(R"({"data":{"id":"x","key_prefix":"","key_preview":"","name":"a"}})");
  ASSERT_TRUE(both_empty.ok()) << to_string(both_empty.error());
  EXPECT_EQ(both_empty->key_prefix, "");
  auto preview = decode_key_list(R"({"data":[{"id":"x","key_prefix":"","key_preview":"sk_live_••••","name":"a"}]})");
  ASSERT_TRUE(preview.ok()) << to_string(preview.error());
  EXPECT_EQ(preview->data[0].key_prefix, "sk_live_••••");
  auto first = decode_key_list(R"({"data":[{"id":"x","key_prefix":"sk_live_ab12","key_preview":"sk_live_••••","name":"a"}]})");
  ASSERT_TRUE(first.ok()) << to_string(first.error());
  EXPECT_EQ(first->data[0].key_prefix, "sk_live_ab12");
}

// A member name is the body's: the path names all of it, an escaped NUL included (found by the
// schema-driven mock; the path was cut at the NUL).
TEST(Codec, APathNamesAMemberWithANulWhole) {
  auto usage = decode_key_usage(R"({"data":{"key_id":"k","total_requests":1,"by_status":{"a\u0000b.c":"x"}}})");
  ASSERT_FALSE(usage.ok());
  EXPECT_EQ(usage.error().json_path, std::string("data.by_status.a\0b.c", 20));
}

TEST(Codec, NullableFieldsDecodeToEmptyOptionals) {
  auto details = decode_key_details(
      R"({"data":{"id":"a","key_prefix":"sk_test_abcd","name":"n","allowed_ips":["10.0.0.0/8"],)"
      R"("last_used_at":null,"revoked_at":"2026-01-01T00:00:00+01:00","usage":{"daily":[)"
      R"({"date":"2026-05-01","requests":3,"errors":1}]}}})");
  ASSERT_TRUE(details.ok()) << to_string(details.error());
  EXPECT_FALSE(details->last_used_at.has_value());
  EXPECT_EQ(details->revoked_at->unix_seconds, 1767222000);
  EXPECT_EQ(details->allowed_ips->at(0), "10.0.0.0/8");
  EXPECT_EQ(details->usage_daily[0].requests, 3);
}

struct BadBody {
  const char* name;
  const char* body;
  const char* path;
};

class CodecRejects : public ::testing::TestWithParam<BadBody> {};

TEST_P(CodecRejects, WithADecodeErrorNamingThePath) {
  auto list = decode_key_list(GetParam().body);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::decode);
  EXPECT_EQ(list.error().json_path, GetParam().path) << list.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    HostileAndMalformed, CodecRejects,
    ::testing::Values(
        BadBody{"html_proxy_page", "<html><body>502 Bad Gateway</body></html>", "$"},
        BadBody{"empty", "", "$"},
        BadBody{"truncated", R"({"data":[{"id":"x","key_pre)", "$"},
        BadBody{"top_level_array", "[1,2]", "$"},
        BadBody{"data_missing", R"({"meta":{}})", "data"},
        BadBody{"data_not_array", R"({"data":{}})", "data"},
        BadBody{"element_not_object", R"({"data":[7]})", "data[0]"},
        BadBody{"id_missing", R"({"data":[{"key_prefix":"sk_live_abcd","name":"a"}]})", "data[0].id"},
        BadBody{"prefix_missing", R"({"data":[{"id":"x","name":"a"}]})", "data[0].key_prefix"},
        BadBody{"prefix_null", R"({"data":[{"id":"x","key_prefix":null,"name":"a"}]})", "data[0].key_prefix"},
        // The alias is type-checked even when key_prefix is there (found by the schema-driven mock).
        BadBody{"preview_wrong_type_beside_prefix", R"({"data":[{"id":"x","key_prefix":"p","key_preview":7,"name":"a"}]})", "data[0].key_preview"},
        BadBody{"total_is_string", R"({"data":[{"id":"x","key_prefix":"p","name":"a"},{"id":"y","key_prefix":"p","name":"b","total_requests":"12"}]})", "data[1].total_requests"},
        BadBody{"total_fraction", R"({"data":[{"id":"x","key_prefix":"p","name":"a","total_requests":1.5}]})", "data[0].total_requests"},
        BadBody{"total_huge", R"({"data":[{"id":"x","key_prefix":"p","name":"a","total_requests":1e300}]})", "data[0].total_requests"},
        BadBody{"total_beyond_64_bits", R"({"data":[{"id":"x","key_prefix":"p","name":"a","total_requests":18446744073709551615}]})", "data[0].total_requests"},
        BadBody{"total_beyond_64_bits_negative", R"({"data":[{"id":"x","key_prefix":"p","name":"a","total_requests":-9223372036854775809}]})", "data[0].total_requests"},
        BadBody{"bad_timestamp", R"({"data":[{"id":"x","key_prefix":"p","name":"a","created_at":"yesterday"}]})", "data[0].created_at"},
        BadBody{"scopes_wrong_type", R"({"data":[{"id":"x","key_prefix":"p","name":"a","scopes":[1]}]})", "data[0].scopes[0]"},
        BadBody{"meta_total_string", R"({"data":[],"meta":{"total":"2"}})", "meta.total"}),
    [](const ::testing::TestParamInfo<BadBody>& info) { return std::string(info.param.name); });

// Type-valid per the contract ("integer"), implausible: decoded by default, refused when strict.
TEST(CodecTolerance, AnyIntegerIn64BitsDecodesAndStrictRefusesTheImplausible) {
  const char* body = R"({"data":[{"id":"x","key_prefix":"p","name":"a","rate_limit_per_minute":-5,)"
                     R"("total_requests":9007199254740993}]})";
  auto list = decode_key_list(body);
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->data[0].rate_limit_per_minute, -5);
  EXPECT_EQ(list->data[0].total_requests, 9007199254740993);
  auto strict = decode_key_list(body, DecodeOptions{true});
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.error().kind, ErrorKind::decode);
  EXPECT_EQ(strict.error().json_path, "data[0].rate_limit_per_minute");
  auto min = decode_key_list(R"({"data":[{"id":"x","key_prefix":"p","name":"a","total_requests":-9223372036854775808}]})");
  ASSERT_TRUE(min.ok()) << min.error().message;
  EXPECT_EQ(min->data[0].total_requests, INT64_MIN);
}

TEST(CodecTolerance, MoreErrorsThanRequestsOnADayIsAFindingNotAFailure) {
  const char* body = R"({"data":{"key_id":"k","total_requests":1,"by_status":{"teapot":1},)"
                     R"("daily":[{"date":"2026-05-16","requests":1,"errors":3}]}})";
  auto usage = decode_key_usage(body);
  ASSERT_TRUE(usage.ok()) << usage.error().message;
  EXPECT_EQ(usage->daily[0].errors, 3);
  auto strict = decode_key_usage(body, DecodeOptions{true});
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.error().json_path, "data.daily[0].errors");
}

TEST(Codec, ListDataOfTheWrongTypeSaysWhatItGot) {
  auto list = decode_key_list(R"({"data":{}})");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message, "expected an array, got an object at data");
  EXPECT_EQ(list.error().json_path, "data");
}

TEST(Codec, UsageErrorsNameNestedPaths) {
  auto usage = decode_key_usage(
      R"({"data":{"key_id":"k","total_requests":1,"by_status":{"200":"1"}}})");
  ASSERT_FALSE(usage.ok());
  EXPECT_EQ(usage.error().json_path, "data.by_status.200");
  auto daily = decode_key_usage(
      R"({"data":{"key_id":"k","total_requests":1,"daily":[{"date":"2026-02-30","requests":1}]}})");
  ASSERT_FALSE(daily.ok());
  EXPECT_EQ(daily.error().json_path, "data.daily[0].date");
  auto requests = decode_key_usage(
      R"({"data":{"key_id":"k","total_requests":1,"daily":[{"date":"2026-02-03","requests":1.5}]}})");
  ASSERT_FALSE(requests.ok());
  EXPECT_EQ(requests.error().json_path, "data.daily[0].requests");
}

TEST(Codec, DeepNestingIsRefusedNotRecursedInto) {
  std::string body = "{\"data\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto list = decode_key_list(body);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::decode);
}

TEST(Codec, InvalidUtf8InStringsDoesNotCrashEncoding) {
  auto list = decode_key_list("{\"data\":[{\"id\":\"x\",\"key_prefix\":\"p\",\"name\":\"\xff\xfe\"}]}");
  if (list.ok()) {
    EXPECT_NO_THROW(encode_key_list(*list));
  } else {
    EXPECT_EQ(list.error().kind, ErrorKind::decode);
  }
}

TEST(Codec, ErrorEnvelopeCarriesCodeMessageRequestIdAndDetails) {
  Error error;
  ASSERT_TRUE(decode_error_envelope(read_test_file("fixtures/error_BadRequest.json"), error));
  EXPECT_EQ(error.code, "invalid_parameter");
  EXPECT_EQ(error.message, "days must be between 1 and 90");
  EXPECT_EQ(error.request_id, "req_abc124");
  EXPECT_EQ(error.details_json, R"({"param":"days"})");
  Error untouched;
  EXPECT_FALSE(decode_error_envelope("<html>oops</html>", untouched));
  EXPECT_TRUE(untouched.code.empty());
}

// A fuzzer-found SIGSEGV: the reader's error path pointed at a destroyed temporary root
// (tests/fuzz/corpus/error_code_object.json).
TEST(Codec, ErrorEnvelopeWithAnObjectCodeKeepsTheOtherMembers) {
  Error error;
  error.code = "before";
  ASSERT_TRUE(decode_error_envelope(read_test_file("fuzz/corpus/error_code_object.json"), error));
  EXPECT_EQ(error.code, "");
  EXPECT_EQ(error.request_id, "req_abc124");
  Error typed;
  ASSERT_TRUE(decode_error_envelope(R"({"error":{"code":7,"message":["x"],"request_id":{"a":1}}})", typed));
  EXPECT_EQ(typed.code, "");
  EXPECT_EQ(typed.message, "");
  EXPECT_EQ(typed.request_id, "");
}

// Every path level below a named parent: the message names the full path, read after the
// reader returned (a dangling parent shows up here under ASan and as garbage without it).
TEST(Codec, ErrorPathsOfNestedMembersSurviveTheirReaders) {
  auto usage = decode_key_usage(R"({"data":{"key_id":"k","total_requests":1,"by_status":{"200":"x"}}})");
  ASSERT_FALSE(usage.ok());
  EXPECT_EQ(usage.error().json_path, "data.by_status.200");
  auto list = decode_key_list(R"({"data":[],"meta":{"total":"many"}})");
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().json_path, "meta.total");
  auto details = decode_key_details(R"({"data":{"id":"k","key_prefix":"p","name":"n","usage":{"daily":[{"date":"2026-01-01","requests":{}}]}}})");
  ASSERT_FALSE(details.ok());
  EXPECT_EQ(details.error().json_path, "data.usage.daily[0].requests");
}

}  // namespace
}  // namespace keyscope
