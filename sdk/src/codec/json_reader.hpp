#pragma once
// Type-strict field access over nlohmann::json that records the first failure with its JSON path
// instead of throwing, so the codec also works where C++ exceptions are off (WebAssembly).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/json_path.hpp"
#include "keyscope/error.hpp"
#include "keyscope/models.hpp"

namespace keyscope::codec {

using nlohmann::json;

// Parses text into `out`; on failure returns a DecodeError (not JSON, truncated, nested too
// deeply, or not an object at the top).
std::optional<Error> parse_object(std::string_view text, json& out);

class Reader {
 public:
  bool ok() const noexcept { return !error_; }
  std::optional<Error> take_error() { return std::move(error_); }
  void fail(const Path& path, const std::string& message);

  // The member `key` of `object`, or null when missing. Records "expected an object" otherwise.
  const json* object_member(const json& object, const Path& path, const char* key);

  // Required members: missing or null is an error.
  void required(const json& object, const Path& path, const char* key, std::string& out);
  void required(const json& object, const Path& path, const char* key, std::int64_t& out);
  void required(const json& object, const Path& path, const char* key, Date& out);
  void required(const json& object, const Path& path, const char* key, Timestamp& out);

  // Optional members: missing or null leaves the default.
  void optional(const json& object, const Path& path, const char* key, std::string& out);
  void optional(const json& object, const Path& path, const char* key, std::int64_t& out);
  void optional(const json& object, const Path& path, const char* key,
                std::optional<std::int64_t>& out);
  void optional(const json& object, const Path& path, const char* key,
                std::optional<double>& out);
  void optional(const json& object, const Path& path, const char* key,
                std::optional<Timestamp>& out);
  void optional(const json& object, const Path& path, const char* key,
                std::vector<std::string>& out);
  void optional(const json& object, const Path& path, const char* key,
                std::optional<std::vector<std::string>>& out);

  // Value readers (the value is present and not null).
  void value(const json& v, const Path& path, std::string& out);
  void value(const json& v, const Path& path, std::int64_t& out);
  void value(const json& v, const Path& path, double& out);
  void value(const json& v, const Path& path, Timestamp& out);
  void value(const json& v, const Path& path, Date& out);
  void value(const json& v, const Path& path, std::vector<std::string>& out);

  // Calls each(element, element_path) for every element of an optional array member.
  template <class Each>
  void for_each_element(const json& object, const Path& path, const char* key, Each each) {
    const json* array = present(object, path, key);
    if (!array || !ok()) return;
    const Path array_path = path.member(key);
    if (!array->is_array()) return fail(array_path, "expected an array, got " + type_of(*array));
    std::size_t index = 0;
    for (const json& element : *array) {
      if (!ok()) return;
      each(element, array_path.element(index++));
    }
  }

  static std::string type_of(const json& v);

 private:
  const json* present(const json& object, const Path& path, const char* key);
  std::optional<Error> error_;
};

}  // namespace keyscope::codec
