#include "codec/json_copy.hpp"

namespace keyscope::codec {

void copy_value(JsonWriter& out, const TapeValue& value) {
  switch (value.kind()) {
    case JsonKind::null: return out.null();
    case JsonKind::boolean: return out.value(value.boolean());
    case JsonKind::string: return out.value(value.string());
    case JsonKind::integer: return out.value(value.integer());
    case JsonKind::unsigned_integer: return out.raw(std::to_string(value.unsigned_integer()));
    case JsonKind::floating: return out.value(value.floating());
    case JsonKind::array:
      out.begin_array();
      value.for_each_element([&](TapeValue element) { copy_value(out, element); });
      return out.end_array();
    case JsonKind::object:
      out.begin_object();
      value.for_each_member([&](const std::string& key, TapeValue member) {
        out.key(key);
        copy_value(out, member);
      });
      return out.end_object();
  }
}

std::string to_text(const TapeValue& value) {
  JsonWriter out;
  copy_value(out, value);
  return out.take();
}

}  // namespace keyscope::codec
