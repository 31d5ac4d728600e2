// The codec's JSON writer writes what nlohmann's dump() writes for the same values (the text the
// analytics and errors had when they were built with nlohmann): escapes, invalid UTF-8 replaced
// by U+FFFD per maximal invalid subpart, shortest round-trip doubles. And a parsed document
// copied through the writer reads back as the same value.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "codec/json_copy.hpp"
#include "codec/json_reader.hpp"
#include "codec/json_writer.hpp"
#include "keyscope/codec.hpp"

namespace keyscope::codec {
namespace {

std::string written(const std::string& text) {
  JsonWriter out;
  out.value(text);
  return out.take();
}

std::string nlohmann_dump(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonWriter, StringsAsNlohmannWritesThem) {
  const std::string cases[] = {
      "plain", "quote \" backslash \\ slash /", std::string("nul \0 and \x01\x1f\x7f", 14),
      "\b\f\n\r\t", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x91",
      "\xFF", "\x80", "\xC3", "\xE2\x82", "\xE2\x82" "A", "\xE0\x80\xAF", "\xED\xA0\x80",  // surrogate
      "\xF4\x90\x80\x80", "\xF0\x9F\x94", "\xC0\xAF", "ok\xC3\xA9\xC3", "\xF5\x80"};
  for (const std::string& text : cases) EXPECT_EQ(written(text), nlohmann_dump(text)) << text;
}

TEST(JsonWriter, RandomBytesAsNlohmannWritesThem) {
  std::mt19937 rng(7);
  const char alphabet[] = {'a', '"', '\\', '\n', '\x01', '\x7f', '\x80', '\xBF', '\xC2', '\xC3', '\xDF', '\xE0',
                           '\xE2', '\xED', '\xEF', '\xF0', '\xF4', '\xF5', '\xFF', '\xA0', '\x9F', '\x90', '\x8F'};
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 12, ' ');
    for (char& c : text) c = alphabet[rng() % sizeof alphabet];
    ASSERT_EQ(written(text), nlohmann_dump(text)) << ::testing::PrintToString(text);
  }
}

TEST(JsonWriter, NumbersAsNlohmannWritesThem) {
  std::mt19937_64 rng(11);
  for (double d : {0.0, -0.0, 1.0, 0.1, 1e15, 1e16, 1e-5, 123456.789, -2.5e-300, 1.7976931348623157e308}) {
    JsonWriter out;
    out.value(d);
    EXPECT_EQ(out.take(), nlohmann::json(d).dump()) << d;
  }
  for (int round = 0; round < 20000; ++round) {
    const std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    JsonWriter out;
    out.value(d);
    ASSERT_EQ(out.take(), std::isfinite(d) ? nlohmann::json(d).dump() : "null");
  }
}

TEST(JsonCopy, APartOfADocumentReadsBackAsTheSameValue) {
  const std::string text = R"({"a":[1,-2,18446744073709551615,0.5,"x\u00e9\n",true,false,null,{"b":{}}],"c":[]})";
  Tape tape;
  ASSERT_FALSE(parse_object(text, tape));
  EXPECT_EQ(nlohmann::json::parse(to_text(TapeValue(tape, 0))), nlohmann::json::parse(text));
}

TEST(ErrorObject, DetailsOfAnyShapeAndInvalidTextStayJson) {
  Error error = validation_error("bad \xFF input");
  error.details_json = R"({"field":"days","allowed":[1,90]})";
  error.retry_after_seconds = 1.5;
  const auto parsed = nlohmann::json::parse(encode_error_object(error));
  EXPECT_EQ(parsed["type"], "ValidationError");
  EXPECT_EQ(parsed["message"], "bad \xEF\xBF\xBD input");
  EXPECT_EQ(parsed["details"]["allowed"][1], 90);
  EXPECT_EQ(parsed["retry_after"], 1.5);
  EXPECT_FALSE(parsed.contains("json_path"));
  error.details_json = "not json";
  EXPECT_EQ(nlohmann::json::parse(encode_error_object(error))["details"], nlohmann::json::object());
}

}  // namespace
}  // namespace keyscope::codec
