#pragma once
/// @file
/// UTF-8 and JSON string text, shared by the core's parser and the front doors' readers.
#include <string>
#include <string_view>

namespace keyscope {

/// Appends `code_point` (at most U+10FFFF) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

/// A JSON string's text: `raw` is the content between its quotes, escapes decoded. `raw` must
/// be valid JSON string content, its escapes and surrogate pairs already checked (as a parser
/// that accepted it did); it is not checked again.
std::string unescape_json_string(std::string_view raw);

}  // namespace keyscope
