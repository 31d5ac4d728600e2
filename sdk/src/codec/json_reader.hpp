#pragma once
// Type-strict field access over a JSON value that records the first failure with its JSON path
// instead of throwing, so the codec also works where C++ exceptions are off (WebAssembly).
// Written over the vocabulary of json_value.hpp.
//
// Tolerant by default: an integer field takes any integer that fits in 64 bits, negative too (the
// contract says "integer"; an implausible value is a finding of analytics::check_usage, not a
// decode failure). Strict readers (DecodeOptions::strict) also refuse negative integers and
// integers beyond 2^53 - 1 (where JavaScript's doubles stop being exact).
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/json_path.hpp"
#include "codec/json_value.hpp"
#include "keyscope/error.hpp"
#include "keyscope/models.hpp"
#include "keyscope/time.hpp"

namespace keyscope::codec {

// Deeper than the contract's five levels is hostile or broken.
constexpr int kMaxDepth = 64;
// Counts stay exact in every front door, JavaScript's doubles included.
constexpr std::int64_t kMaxSafeInteger = 9007199254740991;

// Parses text into `out`; on failure returns a DecodeError (not JSON, truncated, nested too
// deeply, or not an object at the top).
std::optional<Error> parse_object(std::string_view text, Tape& out);

std::string type_name(JsonKind kind);  // "a string", "an integer", ...

template <class Value>
class BasicReader {
 public:
  explicit BasicReader(bool strict = false) : strict_(strict) {}
  bool ok() const noexcept { return !error_; }
  bool strict() const noexcept { return strict_; }
  std::optional<Error> take_error() { return std::move(error_); }
  void fail(const Path& path, const std::string& message) {
    if (error_) return;
    const std::string where = path.str();
    error_ = decode_error(message + " at " + where, where);
  }
  static std::string type_of(const Value& v) { return type_name(kind_of(v)); }

  // The member `key` of `object`, or nothing when missing or null. Records "expected an
  // object" when `object` is not one, or when the member is there but is not an object.
  auto object_member(const Value& object, const Path& path, const char* key)
      -> decltype(find_member(object, key)) {
    auto member = present(object, path, key);
    if (member && !(*member).is_object()) {
      fail(path.member(key), "expected an object, got " + type_of(*member));
      return {};
    }
    return member;
  }

  // Required members: missing or null is an error.
  template <class T>
  void required(const Value& object, const Path& path, const char* key, T& out) {
    auto v = present(object, path, key);
    if (!ok()) return;
    if (!v) return fail(path.member(key), "missing required field");
    value(*v, path.member(key), out);
  }

  // Optional members: missing or null leaves the default.
  template <class T>
  void optional(const Value& object, const Path& path, const char* key, T& out) {
    if (auto v = present(object, path, key)) value(*v, path.member(key), out);
  }
  template <class T>
  void optional(const Value& object, const Path& path, const char* key, std::optional<T>& out) {
    if (auto v = present(object, path, key)) {
      T parsed{};
      value(*v, path.member(key), parsed);
      if (ok()) out = std::move(parsed);
    }
  }

  // Value readers (the value is present and not null).
  void value(const Value& v, const Path& path, std::string& out) {
    if (kind_of(v) != JsonKind::string) return fail(path, "expected a string, got " + type_of(v));
    out = string_of(v);
  }
  void value(const Value& v, const Path& path, std::int64_t& out) {
    switch (kind_of(v)) {
      case JsonKind::unsigned_integer: {
        const std::uint64_t n = unsigned_of(v);
        if (strict_ && n > static_cast<std::uint64_t>(kMaxSafeInteger)) {
          return fail(path, "integer out of range (above 2^53-1)");
        }
        if (n > static_cast<std::uint64_t>(INT64_MAX)) return fail(path, "integer out of range (beyond 64 bits)");
        out = static_cast<std::int64_t>(n);
        return;
      }
      case JsonKind::integer: {
        const std::int64_t n = integer_of(v);
        if (strict_ && n < 0) return fail(path, "expected a non-negative integer, got " + std::to_string(n));
        out = n;
        return;
      }
      case JsonKind::floating: {
        const double d = double_of(v);
        if (!std::isfinite(d) || d != std::floor(d)) {
          return fail(path, "expected an integer, got a number with a fraction");
        }
        // A JSON integer too long for 64 bits arrives here as a double: out of range.
        if (strict_ ? (d < 0 || d > static_cast<double>(kMaxSafeInteger)) : (d <= -9.2233720368547758e18 || d >= 9.2233720368547758e18)) {
          return fail(path, strict_ ? "integer out of range" : "integer out of range (beyond 64 bits)");
        }
        out = static_cast<std::int64_t>(d);
        return;
      }
      default: fail(path, "expected an integer, got " + type_of(v));
    }
  }
  void value(const Value& v, const Path& path, double& out) {
    const JsonKind kind = kind_of(v);
    if (kind != JsonKind::integer && kind != JsonKind::unsigned_integer && kind != JsonKind::floating) {
      return fail(path, "expected a number, got " + type_of(v));
    }
    const double d = double_of(v);
    if (!std::isfinite(d)) return fail(path, "number out of range");
    out = d;
  }
  void value(const Value& v, const Path& path, Timestamp& out) {
    parsed_text(v, path, "an ISO-8601 timestamp string", "not an ISO-8601 timestamp", parse_iso8601, out);
  }
  void value(const Value& v, const Path& path, Date& out) {
    parsed_text(v, path, "a date string (YYYY-MM-DD)", "not a date (YYYY-MM-DD)", parse_iso_date, out);
  }
  void value(const Value& v, const Path& path, std::vector<std::string>& out) {
    if (kind_of(v) != JsonKind::array) return fail(path, "expected an array of strings, got " + type_of(v));
    out.clear();
    out.reserve(size_of(v));
    std::size_t index = 0;
    for_each_element(v, [&](const Value& element) {
      if (!ok()) return;
      std::string item;
      value(element, path.element(index++), item);
      if (ok()) out.push_back(std::move(item));
    });
  }

  void value(const Value& v, const Path& path, std::vector<std::int64_t>& out) {
    if (kind_of(v) != JsonKind::array) return fail(path, "expected an array of integers, got " + type_of(v));
    out.clear();
    out.reserve(size_of(v));
    std::size_t index = 0;
    for_each_element(v, [&](const Value& element) {
      if (!ok()) return;
      std::int64_t item = 0;
      value(element, path.element(index++), item);
      if (ok()) out.push_back(item);
    });
  }

  // A string field that may come under several names, the contract's first (key_prefix or
  // key_preview): every name present is type-checked, the value is the first non-empty one (""
  // when all present are empty). Returns whether any name was present.
  bool aliased(const Value& object, const Path& path, std::initializer_list<const char*> names,
               std::string& out) {
    bool found = false;
    for (const char* name : names) {
      std::optional<std::string> value;
      optional(object, path, name, value);
      if (!value) continue;
      if (!found || (out.empty() && !value->empty())) out = std::move(*value);
      found = true;
    }
    return found;
  }

  // Reads every element of an optional array member into `out` (appended, room reserved first),
  // with read_item(element, element_path, item).
  template <class Item, class ReadItem>
  void for_each_element_of(const Value& object, const Path& path, const char* key, std::vector<Item>& out,
                           ReadItem read_item) {
    auto array = array_member(object, path, key);
    if (!array) return;
    out.reserve(out.size() + size_of(*array));
    each_element(*array, path.member(key), [&](const Value& element, const Path& element_path) {
      Item item;
      read_item(element, element_path, item);
      out.push_back(std::move(item));
    });
  }

  // Calls each(element, element_path) for every element of an optional array member.
  template <class Each>
  void for_each_element_of(const Value& object, const Path& path, const char* key, Each each) {
    if (auto array = array_member(object, path, key)) each_element(*array, path.member(key), each);
  }

 private:
  // A string that `parse` turns into a number: Timestamp and Date keep both, {text, number}.
  template <class Out, class Parse>
  void parsed_text(const Value& v, const Path& path, const char* expected, const char* invalid,
                   Parse parse, Out& out) {
    if (kind_of(v) != JsonKind::string) {
      return fail(path, std::string("expected ") + expected + ", got " + type_of(v));
    }
    std::string text = string_of(v);
    const auto parsed = parse(text);
    if (!parsed) return fail(path, invalid);
    out = Out{std::move(text), *parsed};
  }
  // The member `key` of `object` when it is there and an array; nothing when missing or null,
  // and "expected an array" recorded when it is something else.
  auto array_member(const Value& object, const Path& path, const char* key) -> decltype(find_member(object, key)) {
    auto array = present(object, path, key);
    if (!array || !ok()) return {};
    if (!(*array).is_array()) {
      fail(path.member(key), "expected an array, got " + type_of(*array));
      return {};
    }
    return array;
  }
  // each(element, element_path) for the elements of `array`, until the reader has failed.
  template <class Each>
  void each_element(const Value& array, const Path& array_path, Each&& each) {
    std::size_t index = 0;
    for_each_element(array, [&](const Value& element) {
      if (!ok()) return;
      each(element, array_path.element(index++));
    });
  }
  auto present(const Value& object, const Path& path, const char* key) -> decltype(find_member(object, key)) {
    if (!ok()) return {};
    if (!object.is_object()) {
      fail(path, "expected an object, got " + type_of(object));
      return {};
    }
    auto member = find_member(object, key, cursor_);
    if (!member || (*member).is_null()) return {};
    return member;
  }
  MemberCursor cursor_;
  std::optional<Error> error_;
  bool strict_ = false;
};

using Reader = BasicReader<TapeValue>;

}  // namespace keyscope::codec
