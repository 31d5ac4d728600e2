// The chargeback name pattern's dialect (analytics/name_pattern_dialect.hpp): what it refuses,
// with the construct and its offset, and what the native engine then matches. The same cases
// run in every front door through tests/vectors/name_pattern.json.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "analytics/name_pattern.hpp"
#include "keyscope/error.hpp"

namespace keyscope::analytics {
namespace {

std::string refusal(const std::string& pattern) {
  const auto compiled = NamePattern::compile(pattern);
  if (compiled.ok()) {
    ADD_FAILURE() << "accepted: " << pattern;
    return {};
  }
  EXPECT_EQ(compiled.error().kind, ErrorKind::validation) << pattern;
  EXPECT_EQ(compiled.error().code, "invalid_name_pattern") << pattern;
  return compiled.error().message;
}

std::optional<std::string> group(const std::string& pattern, const std::string& name) {
  const auto compiled = NamePattern::compile(pattern);
  if (!compiled.ok()) {
    ADD_FAILURE() << pattern << ": " << compiled.error().message;
    return std::nullopt;
  }
  return compiled.value()->first_group(name);
}

TEST(NamePatternDialect, RefusesWhatTheEnginesTreatDifferentlyNamingConstructAndOffset) {
  const struct {
    const char* pattern;
    const char* says;
  } cases[] = {
      {R"(x(?<=a)(\w))", "a lookbehind (?<= at offset 1"},
      {R"(x(?<!a)(\w))", "a negative lookbehind (?<! at offset 1"},
      {R"((?=a)(\w))", "a lookahead (?= at offset 0"},
      {R"((?!a)(\w))", "a negative lookahead (?! at offset 0"},
      {R"((?<team>\w+))", "a named group at offset 0"},
      {R"((\w)\1)", "a backreference or octal escape \\1 at offset 4"},
      {R"((?:\k<a>)(b))", "a named backreference \\k at offset 3"},
      {R"((\p{L}+))", "a Unicode property escape \\p at offset 1"},
      {R"((?i)(a))", "inline flags or a group modifier (? at offset 0"},
      {R"((\x41))", "the escape \\x (write the character itself) at offset 1"},
      {R"((\u0041))", "the escape \\u (write the character itself) at offset 1"},
      {R"((\cA))", "a control escape \\c at offset 1"},
      {R"((a{))", "a literal '{' (write \\{) at offset 2"},
      {R"((a{1,x}))", "a literal '{' (write \\{) at offset 2"},
      {R"((a}))", "a literal '}' (write \\}) at offset 2"},
      {R"((a]))", "a literal ']' (write \\]) at offset 2"},
      {R"(([[:alpha:]]+))", "an unescaped [ inside a class (write \\[) at offset 2"},
      {"([\xC3\xA9]+)", "a non-ASCII character inside a class at offset 2"},
      {R"(([a-z-0]))", "a '-' inside a class that is not a range (write \\-) at offset 5"},
      {R"(([\w-z]))", "a class escape as a range end at offset 2"},
      {R"(([\b]))", "\\b inside a class at offset 2"},
      {R"(([]a))", "an empty class [] or [^] at offset 1"},
      {R"(([^\s\S]))", "a class that matches nothing at offset 1"},
      {R"((a)+)", "repeating the capture group (its value would differ by engine) at offset 0"},
      {R"((?:(a)|b)*)", "repeating the capture group (its value would differ by engine) at offset 0"},
      {R"((a*+))", "a quantifier after a quantifier (possessive or nested) at offset 3"},
      {R"(^*(a))", "a quantifier after an anchor or \\b/\\B at offset 1"},
      {R"((a{2000}))", "a repeat count above 1000 at offset 2"},
      {R"((\e))", "the escape \\e at offset 1"},
  };
  for (const auto& c : cases) {
    const std::string message = refusal(c.pattern);
    EXPECT_NE(message.find(std::string("name_pattern: ") + c.says + " is not supported"), std::string::npos)
        << c.pattern << " -> " << message;
  }
}

TEST(NamePatternDialect, MalformedPatternsAndGroupCounts) {
  EXPECT_NE(refusal("([").find("a missing ] at offset 1"), std::string::npos);
  EXPECT_NE(refusal("(a").find("a missing ) at offset 0"), std::string::npos);
  EXPECT_NE(refusal("(a))").find("an unmatched ) at offset 3"), std::string::npos);
  EXPECT_NE(refusal("*(a)").find("nothing to repeat at offset 0"), std::string::npos);
  EXPECT_NE(refusal("(a)\\").find("a trailing backslash at offset 3"), std::string::npos);
  EXPECT_NE(refusal("([z-a])").find("a range out of order at offset 2"), std::string::npos);
  EXPECT_NE(refusal("(\xC3)").find("invalid UTF-8 at offset 1"), std::string::npos);
  EXPECT_NE(refusal(R"(\[\w+\])").find("exactly one capture group, it has 0"), std::string::npos);
  EXPECT_NE(refusal(R"((a)(b))").find("exactly one capture group, it has 2"), std::string::npos);
  EXPECT_NE(refusal(std::string(1001, 'a')).find("a pattern longer than 1000 bytes"), std::string::npos);
  EXPECT_NE(refusal(std::string(40, '(') + "a" + std::string(40, ')')).find("nesting deeper than 32"),
            std::string::npos);
}

TEST(NamePatternDialect, MatchesCodePointsNotBytes) {
  EXPECT_EQ(group(R"(\[(\w+)\])", "SIEM [soc]"), "soc");
  EXPECT_EQ(group(R"(\[(.)\])", "x [\xC3\xA9]"), "\xC3\xA9");                 // one code point
  EXPECT_EQ(group(R"(\[(.{2})\])", "x [\xF0\x9F\x98\x80!]"), "\xF0\x9F\x98\x80!");  // an emoji is one
  EXPECT_EQ(group(R"(\[([^\]]{3})\])", "[d\xC3\xA9v]"), "d\xC3\xA9v");
  EXPECT_EQ(group(R"(^(\W))", "\xC3\xA9t\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(group("(caf\xC3\xA9+)", "un caf\xC3\xA9\xC3\xA9"), "caf\xC3\xA9\xC3\xA9");  // + repeats é
  EXPECT_EQ(group(R"((\S+)$)", "a\xC2\xA0" "b"), "a\xC2\xA0" "b");  // U+00A0 is not \s
  EXPECT_EQ(group(R"((.+))", "a\nb"), "a");
  EXPECT_EQ(group(R"((\w+?)\d)", "abc123"), "abc");
  EXPECT_EQ(group(R"(\b(\w+)\b$)", "team alpha"), "alpha");
  EXPECT_EQ(group(R"((\.)\B)", "a.."), ".");
  EXPECT_EQ(group(R"((?:ops|sec)-(\d{2,3}))", "sec-1234"), "123");
  EXPECT_EQ(group(R"(([\-\]a-c]+))", "x-]ab"), "-]ab");
  EXPECT_EQ(group(R"(\[(\w*)\])", "empty []"), std::nullopt);
  EXPECT_EQ(group(R"(\[(\w+)\])", "no team"), std::nullopt);
}

}  // namespace
}  // namespace keyscope::analytics
