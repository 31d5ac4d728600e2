#pragma once
// One small vocabulary over the two JSON value types the codec reads: nlohmann::json (the
// analytics' JSON input) and TapeValue (response bodies), so BasicReader and the model readers
// are written once for both.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "codec/json_tape.hpp"

namespace keyscope::codec {

using nlohmann::json;

inline JsonKind kind_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return JsonKind::null;
    case json::value_t::boolean: return JsonKind::boolean;
    case json::value_t::string: return JsonKind::string;
    case json::value_t::array: return JsonKind::array;
    case json::value_t::object: return JsonKind::object;
    case json::value_t::number_integer: return JsonKind::integer;
    case json::value_t::number_unsigned: return JsonKind::unsigned_integer;
    default: return JsonKind::floating;  // number_float (binary never comes out of parse())
  }
}
inline JsonKind kind_of(const TapeValue& v) { return v.kind(); }

// The member `key`, or nothing when absent. (Pointer for json, optional for the tape: both test
// as bool and dereference with *.)
inline const json* find_member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}
inline std::optional<TapeValue> find_member(const TapeValue& object, const char* key) {
  return object.find(key);
}

// Where the last member lookup in an object ended, so that the next one (the model readers go
// in the contract's order) starts there. Only the tape uses it; json's lookup is a map's.
struct MemberCursor {
  std::uint32_t object = UINT32_MAX;
  std::uint32_t position = 0;
};
inline const json* find_member(const json& object, const char* key, MemberCursor&) {
  return find_member(object, key);
}
inline std::optional<TapeValue> find_member(const TapeValue& object, const char* key, MemberCursor& cursor) {
  if (cursor.object != object.index()) cursor = MemberCursor{object.index(), 0};
  return object.find(key, cursor.position);
}

inline std::string string_of(const json& v) { return v.get<std::string>(); }
inline std::string string_of(const TapeValue& v) { return v.string(); }
inline std::int64_t integer_of(const json& v) { return v.get<std::int64_t>(); }
inline std::int64_t integer_of(const TapeValue& v) { return v.integer(); }
inline std::uint64_t unsigned_of(const json& v) { return v.get<std::uint64_t>(); }
inline std::uint64_t unsigned_of(const TapeValue& v) { return v.unsigned_integer(); }
inline double double_of(const json& v) { return v.get<double>(); }
inline double double_of(const TapeValue& v) { return v.as_double(); }
inline std::size_t size_of(const json& v) { return v.size(); }
inline std::size_t size_of(const TapeValue& v) { return v.size(); }

template <class Each>
void for_each_element(const json& array, Each each) {
  for (const json& element : array) each(element);
}
template <class Each>
void for_each_element(const TapeValue& array, Each each) {
  array.for_each_element([&](TapeValue element) { each(element); });
}
template <class Each>  // each(const std::string& key, const Value& value)
void for_each_member(const json& object, Each each) {
  for (const auto& [key, value] : object.items()) each(key, value);
}
template <class Each>
void for_each_member(const TapeValue& object, Each each) {
  object.for_each_member([&](const std::string& key, TapeValue value) { each(key, value); });
}

}  // namespace keyscope::codec
