// The tape parser must accept exactly what nlohmann's parser accepts and read the same values:
// the response decoders switched to it for speed, not for a different notion of JSON.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/json_reader.hpp"
#include "codec/json_tape.hpp"

namespace keyscope::codec {
namespace {

bool tape_accepts(const std::string& text) {
  Tape tape;
  return !Tape::parse(text, tape, kMaxDepth).has_value();
}

bool nlohmann_accepts(const std::string& text) {
  return !nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false).is_discarded();
}

class TapeAgreesWithNlohmann : public testing::TestWithParam<std::string> {};

TEST_P(TapeAgreesWithNlohmann, OnAcceptance) {
  EXPECT_EQ(tape_accepts(GetParam()), nlohmann_accepts(GetParam())) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, TapeAgreesWithNlohmann,
    testing::Values(
        // accepted
        "{}", "[]", " {\"a\" : [1, -2, 3.5e-3, 1E+2, -0, 0.0, true, false, null]} ", "\"x\"", "0",
        "\xEF\xBB\xBF{\"bom\":1}", "{\"a\":\"\\u00e9\\ud83d\\ude00\\n\\t\\\\\\\"\\/\"}",
        "{\"a\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}", "18446744073709551615",
        "18446744073709551616", "-9223372036854775809", "1e400", "-1e400", "1e308", "{\"a\":1,\"a\":2}",
        // rejected
        "", " ", "{", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "[01]", "[1.]", "[.5]", "[-]",
        "[1e]", "[+1]", "[NaN]", "[Infinity]", "{'a':1}", "{a:1}", "{\"a\":1}x", "{}{}", "[tru]",
        "[nul]", "\"unterminated", "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\xC3\"", "\"\xC0\xAF\"",
        "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xE0\x80\xAF\"", "\"\xFF\"", "<html>",
        std::string("{\"a\":\"nul\0byte\"}", 16)));

TEST(Tape, ReadsTheSameValuesAsNlohmann) {
  const std::string text =
      "{\"s\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\",\"u\":18446744073709551615,"
      "\"i\":-9223372036854775808,\"f\":2.5e-3,\"big\":18446744073709551616,\"t\":true,\"n\":null,"
      "\"arr\":[1,[2,{\"x\":3}],4],\"dup\":1,\"dup\":2}";
  Tape tape;
  ASSERT_FALSE(Tape::parse(text, tape, kMaxDepth).has_value());
  const TapeValue root(tape, 0);
  const auto expected = nlohmann::json::parse(text);
  EXPECT_EQ(root.find("s")->string(), expected["s"].get<std::string>());
  EXPECT_EQ(root.find("u")->kind(), JsonKind::unsigned_integer);
  EXPECT_EQ(root.find("u")->unsigned_integer(), expected["u"].get<std::uint64_t>());
  EXPECT_EQ(root.find("i")->kind(), JsonKind::integer);
  EXPECT_EQ(root.find("i")->integer(), expected["i"].get<std::int64_t>());
  EXPECT_EQ(root.find("f")->floating(), expected["f"].get<double>());
  EXPECT_EQ(root.find("big")->kind(), JsonKind::floating);
  EXPECT_EQ(root.find("big")->floating(), expected["big"].get<double>());
  EXPECT_EQ(root.find("t")->kind(), JsonKind::boolean);
  EXPECT_TRUE(root.find("n")->is_null());
  EXPECT_FALSE(root.find("missing").has_value());
  EXPECT_EQ(root.find("dup")->unsigned_integer(), 2u);  // the last one, like JSON.parse
  EXPECT_EQ(root.find("arr")->size(), 3u);
  std::vector<std::uint64_t> firsts;
  root.find("arr")->for_each_element([&](TapeValue v) {
    if (v.kind() == JsonKind::unsigned_integer) firsts.push_back(v.unsigned_integer());
  });
  EXPECT_EQ(firsts, (std::vector<std::uint64_t>{1, 4}));
}

// The string scan reads eight bytes a step and jumps to the first byte that ends a plain run:
// a quote, an escape, a control byte or a non-ASCII byte at any offset within or across the
// eight must be found, and read, as nlohmann does.
TEST(Tape, FindsTheEndOfAPlainRunAtEveryOffset) {
  const std::vector<std::string> stops = {"", "\\n", "\\u00e9", "\xC3\xA9", "\xF0\x9F\x98\x80", "\t", "\x7F", "\xC3"};
  for (std::size_t length = 0; length <= 20; ++length) {
    for (const std::string& stop : stops) {
      std::string plain;
      for (std::size_t i = 0; i < length; ++i) plain += static_cast<char>('a' + i % 26);
      const std::string text = "{\"k" + plain + "\":\"" + plain + stop + plain + "\",\"n\":1}";
      Tape tape;
      const bool accepted = !Tape::parse(text, tape, kMaxDepth).has_value();
      const auto expected = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      ASSERT_EQ(accepted, !expected.is_discarded()) << text;
      if (!accepted) continue;
      const TapeValue root(tape, 0);
      EXPECT_EQ(root.find("k" + plain)->string(), expected["k" + plain].get<std::string>()) << text;
      EXPECT_EQ(root.find("n")->unsigned_integer(), 1u) << text;
    }
  }
}

// Integers of up to 19 digits are read while they are scanned; longer ones, and the edges of
// 64 bits, take the checked path. Kinds and values are nlohmann's.
TEST(Tape, ReadsIntegersAtTheEdgesOfSixtyFourBits) {
  for (const std::string number :
       {"0", "-0", "7", "-7", "1000000000000000000", "9999999999999999999", "-9999999999999999999",
        "10000000000000000000", "18446744073709551615", "18446744073709551616", "-9223372036854775807",
        "-9223372036854775808", "-9223372036854775809", "00000000000000000001", "12345678901234567890123"}) {
    const std::string text = "[" + number + "]";
    Tape tape;
    const bool accepted = !Tape::parse(text, tape, kMaxDepth).has_value();
    const auto expected = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    ASSERT_EQ(accepted, !expected.is_discarded()) << number;
    if (!accepted) continue;
    const TapeValue value(tape, 1);
    const auto& want = expected[0];
    if (want.is_number_unsigned()) {
      ASSERT_EQ(value.kind(), JsonKind::unsigned_integer) << number;
      EXPECT_EQ(value.unsigned_integer(), want.get<std::uint64_t>()) << number;
    } else if (want.is_number_integer()) {
      ASSERT_EQ(value.kind(), JsonKind::integer) << number;
      EXPECT_EQ(value.integer(), want.get<std::int64_t>()) << number;
    } else {
      ASSERT_EQ(value.kind(), JsonKind::floating) << number;
      EXPECT_EQ(value.floating(), want.get<double>()) << number;
    }
  }
}

// Decimals take an exact fast path where one IEEE operation rounds correctly; everything else
// goes to strtod. Either way the double must be strtod's, bit for bit.
// The in-order lookup stops at its first match only where names are distinct; a repeated name,
// plainly or through an escape, still gives the last member, in any lookup order.
TEST(Tape, InOrderLookupGivesTheLastOfARepeatedNameAndFindsMembersInAnyOrder) {
  const char* cases[][2] = {
      {R"({"a":1,"b":2,"c":3,"a":4})", "4"},
      {R"({"a":1,"b":2,"c":3,"\u0061":4})", "4"},
      {R"({"\u0061":1,"b":2,"c":3,"a":4})", "4"},
      {R"({"b":2,"c":3,"a":4})", "4"},
  };
  for (const auto& c : cases) {
    Tape tape;
    ASSERT_FALSE(Tape::parse(c[0], tape, 8)) << c[0];
    const TapeValue root(tape, 0);
    for (const char* order : {"abc", "cba", "bca", "aab"}) {
      std::uint32_t cursor = 0;
      for (const char* k = order; *k; ++k) {
        const auto found = root.find(std::string_view(k, 1), cursor);
        ASSERT_TRUE(found) << c[0] << " " << *k;
        const std::uint64_t expected = *k == 'a' ? std::stoull(c[1]) : static_cast<std::uint64_t>(*k - 'a' + 1);
        EXPECT_EQ(found->unsigned_integer(), expected) << c[0] << " order " << order;
      }
      EXPECT_FALSE(root.find("z", cursor).has_value());
    }
  }
  // Many distinct names (Bloom filter collisions) are still distinct.
  std::string many = "{";
  for (int i = 0; i < 200; ++i) many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  many += "}";
  Tape tape;
  ASSERT_FALSE(Tape::parse(many, tape, 8));
  const TapeValue root(tape, 0);
  EXPECT_TRUE(tape.node(0).unique_names);
  std::uint32_t cursor = 0;
  for (int i = 199; i >= 0; i -= 3) EXPECT_EQ(root.find("k" + std::to_string(i), cursor)->unsigned_integer(), static_cast<std::uint64_t>(i));
}

TEST(Tape, ReadsDecimalsExactlyAsStrtod) {
  std::mt19937_64 random(20261130);
  std::vector<std::string> numbers = {"0.1", "-0.0", "0.5", "99.95", "0.9876", "1e22", "1e23", "9007199254740991.5",
                                      "9007199254740993", "123456789012345678e-5", "1.7976931348623157e308",
                                      "4.9e-324", "2.2250738585072014e-308", "0.000000000000000000000001",
                                      "1E-22", "1e-23", "3.14159265358979323846", "-12.5E+3"};
  for (int i = 0; i < 20000; ++i) {
    const int digit_count = 1 + static_cast<int>(random() % 19);
    std::string digits = std::to_string(1 + random() % 9);
    while (static_cast<int>(digits.size()) < digit_count) digits += static_cast<char>('0' + random() % 10);
    const std::size_t point = random() % (digits.size() + 1);
    std::string number = (random() % 4 == 0 ? "-" : "") + digits.substr(0, point);
    if (point == 0) number += "0";
    if (point < digits.size()) number += "." + digits.substr(point);
    if (random() % 2) number += "e" + std::to_string(static_cast<int>(random() % 61) - 30);
    numbers.push_back(number);
  }
  for (const std::string& number : numbers) {
    Tape tape;
    ASSERT_FALSE(Tape::parse(number, tape, kMaxDepth).has_value()) << number;
    const double expected = std::strtod(number.c_str(), nullptr);
    const double read = TapeValue(tape, 0).as_double();
    EXPECT_EQ(std::memcmp(&read, &expected, sizeof read), 0) << number << ": " << read << " != " << expected;
  }
}

TEST(Tape, RefusesANulByteOutsideStringsUnlikeNlohmann) {
  // nlohmann treats NUL as the end of input; JSON.parse and RFC 8259 do not.
  const std::string text("{\"a\":1}\0garbage", 16);
  EXPECT_TRUE(nlohmann_accepts(text));
  EXPECT_FALSE(tape_accepts(text));
}

TEST(Tape, CapsNestingDepth) {
  Tape tape;
  EXPECT_FALSE(Tape::parse(std::string(64, '[') + std::string(64, ']'), tape, kMaxDepth).has_value());
  EXPECT_EQ(Tape::parse(std::string(65, '[') + std::string(65, ']'), tape, kMaxDepth),
            Tape::Failure::too_deep);
  // A million '[' is refused at the cap, without recursing a million times.
  EXPECT_EQ(Tape::parse(std::string(1000000, '['), tape, kMaxDepth), Tape::Failure::too_deep);
}

}  // namespace
}  // namespace keyscope::codec
