#pragma once
// A value of a parsed document written again, compactly: members in their order, strings
// re-escaped, numbers as read. How an error envelope's `details` travel on, and how a document
// embedded in another (a sketch in a usage aggregate) is read back into text.
#include <string>

#include "codec/json_tape.hpp"
#include "codec/json_writer.hpp"

namespace keyscope::codec {

void copy_value(JsonWriter& out, const TapeValue& value);
std::string to_text(const TapeValue& value);

}  // namespace keyscope::codec
