#include "codec/json_reader.hpp"

#include <cmath>

#include "keyscope/time.hpp"

namespace keyscope::codec {
namespace {

constexpr int kMaxDepth = 64;
// Counts stay exact in every front door, JavaScript's doubles included.
constexpr std::int64_t kMaxSafeInteger = 9007199254740991;

// nlohmann's parser is iterative, but a hostile body of a million '[' still costs memory and
// time for nothing; the contract nests five levels deep at most.
bool nesting_within_limit(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string describe_start(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
  if (i == text.size()) return "the body is empty";
  if (text[i] == '<') return "the body is HTML or XML, not JSON (a proxy or gateway page?)";
  return "the body is not valid JSON";
}

}  // namespace

std::optional<Error> parse_object(std::string_view text, json& out) {
  if (!nesting_within_limit(text)) {
    return decode_error("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels", "$");
  }
  out = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) {
    std::string reason = describe_start(text);
    if (reason == "the body is not valid JSON" && !text.empty()) {
      reason += " (truncated or malformed, " + std::to_string(text.size()) + " bytes)";
    }
    return decode_error(reason, "$");
  }
  if (!out.is_object()) return decode_error("expected a JSON object at the top level", "$");
  return std::nullopt;
}

void Reader::fail(const Path& path, const std::string& message) {
  if (error_) return;
  const std::string where = path.str();
  error_ = decode_error(message + " at " + where, where);
}

std::string Reader::type_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_float: return "a number with a fraction";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    default: return "an unsupported value";
  }
}

const json* Reader::present(const json& object, const Path& path, const char* key) {
  if (!ok()) return nullptr;
  if (!object.is_object()) {
    fail(path, "expected an object, got " + type_of(object));
    return nullptr;
  }
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const json* Reader::object_member(const json& object, const Path& path, const char* key) {
  const json* member = present(object, path, key);
  if (member && !member->is_object()) {
    fail(path.member(key), "expected an object, got " + type_of(*member));
    return nullptr;
  }
  return member;
}

#define KEYSCOPE_REQUIRED(Type)                                                           \
  void Reader::required(const json& object, const Path& path, const char* key,    \
                        Type& out) {                                                      \
    const json* v = present(object, path, key);                                           \
    if (!ok()) return;                                                                    \
    if (!v) return fail(path.member(key), "missing required field");                       \
    value(*v, path.member(key), out);                                                      \
  }
KEYSCOPE_REQUIRED(std::string)
KEYSCOPE_REQUIRED(std::int64_t)
KEYSCOPE_REQUIRED(Date)
KEYSCOPE_REQUIRED(Timestamp)
#undef KEYSCOPE_REQUIRED

#define KEYSCOPE_OPTIONAL_PLAIN(Type)                                                     \
  void Reader::optional(const json& object, const Path& path, const char* key,    \
                        Type& out) {                                                      \
    if (const json* v = present(object, path, key)) value(*v, path.member(key), out);      \
  }
KEYSCOPE_OPTIONAL_PLAIN(std::string)
KEYSCOPE_OPTIONAL_PLAIN(std::int64_t)
KEYSCOPE_OPTIONAL_PLAIN(std::vector<std::string>)
#undef KEYSCOPE_OPTIONAL_PLAIN

#define KEYSCOPE_OPTIONAL_WRAPPED(Type)                                                   \
  void Reader::optional(const json& object, const Path& path, const char* key,    \
                        std::optional<Type>& out) {                                       \
    if (const json* v = present(object, path, key)) {                                     \
      Type parsed{};                                                                      \
      value(*v, path.member(key), parsed);                                                 \
      if (ok()) out = std::move(parsed);                                                  \
    }                                                                                     \
  }
KEYSCOPE_OPTIONAL_WRAPPED(std::int64_t)
KEYSCOPE_OPTIONAL_WRAPPED(double)
KEYSCOPE_OPTIONAL_WRAPPED(Timestamp)
KEYSCOPE_OPTIONAL_WRAPPED(std::vector<std::string>)
#undef KEYSCOPE_OPTIONAL_WRAPPED

void Reader::value(const json& v, const Path& path, std::string& out) {
  if (!v.is_string()) return fail(path, "expected a string, got " + type_of(v));
  out = v.get_ref<const std::string&>();
}

void Reader::value(const json& v, const Path& path, std::int64_t& out) {
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(kMaxSafeInteger)) {
      return fail(path, "integer out of range (above 2^53-1)");
    }
    out = static_cast<std::int64_t>(n);
  } else if (v.is_number_integer()) {
    const auto n = v.get<std::int64_t>();
    if (n < 0) return fail(path, "expected a non-negative integer, got " + std::to_string(n));
    out = n;
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) {
      return fail(path, "expected an integer, got a number with a fraction");
    }
    if (d < 0 || d > static_cast<double>(kMaxSafeInteger)) {
      return fail(path, "integer out of range");
    }
    out = static_cast<std::int64_t>(d);
  } else {
    fail(path, "expected an integer, got " + type_of(v));
  }
}

void Reader::value(const json& v, const Path& path, double& out) {
  if (!v.is_number()) return fail(path, "expected a number, got " + type_of(v));
  const double d = v.get<double>();
  if (!std::isfinite(d)) return fail(path, "number out of range");
  out = d;
}

void Reader::value(const json& v, const Path& path, Timestamp& out) {
  if (!v.is_string()) return fail(path, "expected an ISO-8601 timestamp string, got " + type_of(v));
  const auto& text = v.get_ref<const std::string&>();
  const auto seconds = parse_iso8601(text);
  if (!seconds) return fail(path, "not an ISO-8601 timestamp");
  out = Timestamp{text, *seconds};
}

void Reader::value(const json& v, const Path& path, Date& out) {
  if (!v.is_string()) return fail(path, "expected a date string (YYYY-MM-DD), got " + type_of(v));
  const auto& text = v.get_ref<const std::string&>();
  const auto days = parse_iso_date(text);
  if (!days) return fail(path, "not a date (YYYY-MM-DD)");
  out = Date{text, *days};
}

void Reader::value(const json& v, const Path& path, std::vector<std::string>& out) {
  if (!v.is_array()) return fail(path, "expected an array of strings, got " + type_of(v));
  out.clear();
  out.reserve(v.size());
  std::size_t index = 0;
  for (const json& element : v) {
    std::string item;
    value(element, path.element(index++), item);
    if (!ok()) return;
    out.push_back(std::move(item));
  }
}

}  // namespace keyscope::codec
