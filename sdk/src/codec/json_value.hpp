#pragma once
// The small vocabulary BasicReader and the model readers read JSON through, over TapeValue (the
// codec's one JSON value type: response bodies and the analytics' input alike).
#include <cstdint>
#include <optional>
#include <string>

#include "codec/json_tape.hpp"

namespace keyscope::codec {

inline JsonKind kind_of(const TapeValue& v) { return v.kind(); }

// The member `key`, or nothing when absent.
inline std::optional<TapeValue> find_member(const TapeValue& object, const char* key) {
  return object.find(key);
}

// Where the last member lookup in an object ended, so that the next one (the model readers go
// in the contract's order) starts there.
struct MemberCursor {
  std::uint32_t object = UINT32_MAX;
  std::uint32_t position = 0;
};
inline std::optional<TapeValue> find_member(const TapeValue& object, const char* key, MemberCursor& cursor) {
  if (cursor.object != object.index()) cursor = MemberCursor{object.index(), 0};
  return object.find(key, cursor.position);
}

inline std::string string_of(const TapeValue& v) { return v.string(); }
inline std::int64_t integer_of(const TapeValue& v) { return v.integer(); }
inline std::uint64_t unsigned_of(const TapeValue& v) { return v.unsigned_integer(); }
inline double double_of(const TapeValue& v) { return v.as_double(); }
inline std::size_t size_of(const TapeValue& v) { return v.size(); }

inline bool is_number(const TapeValue& v) {
  return v.kind() == JsonKind::integer || v.kind() == JsonKind::unsigned_integer || v.kind() == JsonKind::floating;
}
// A JSON integer that fits in 64 bits (the tape keeps negative integers as `integer` and the
// others as `unsigned_integer`, as nlohmann does); nothing for any other value.
inline std::optional<std::int64_t> int64_of(const TapeValue& v) {
  if (v.kind() == JsonKind::integer) return v.integer();
  if (v.kind() == JsonKind::unsigned_integer && v.unsigned_integer() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.unsigned_integer());
  }
  return std::nullopt;
}

template <class Each>
void for_each_element(const TapeValue& array, Each each) {
  array.for_each_element([&](TapeValue element) { each(element); });
}
template <class Each>  // each(const std::string& key, const TapeValue& value)
void for_each_member(const TapeValue& object, Each each) {
  object.for_each_member([&](const std::string& key, TapeValue value) { each(key, value); });
}

}  // namespace keyscope::codec
