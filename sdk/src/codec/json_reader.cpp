#include "codec/json_reader.hpp"

namespace keyscope::codec {
namespace {

std::string describe_start(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
  if (i == text.size()) return "the body is empty";
  if (text[i] == '<') return "the body is HTML or XML, not JSON (a proxy or gateway page?)";
  return "the body is not valid JSON (truncated or malformed, " + std::to_string(text.size()) + " bytes)";
}

}  // namespace

std::optional<Error> parse_object(std::string_view text, Tape& out) {
  if (const auto failure = Tape::parse(text, out, kMaxDepth)) {
    if (*failure == Tape::Failure::too_deep) {
      return decode_error("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels", "$");
    }
    if (*failure == Tape::Failure::too_large) return decode_error("the body is too large to decode", "$");
    return decode_error(describe_start(text), "$");
  }
  if (!TapeValue(out, 0).is_object()) return decode_error("expected a JSON object at the top level", "$");
  return std::nullopt;
}

std::string type_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::null: return "null";
    case JsonKind::boolean: return "a boolean";
    case JsonKind::string: return "a string";
    case JsonKind::array: return "an array";
    case JsonKind::object: return "an object";
    case JsonKind::floating: return "a number with a fraction";
    case JsonKind::integer:
    case JsonKind::unsigned_integer: return "an integer";
  }
  return "an unsupported value";
}

}  // namespace keyscope::codec
