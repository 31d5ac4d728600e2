#include "codec/json_writer.hpp"

#include <cmath>

// Only for nlohmann::detail::to_chars, the shortest round-trip double formatting (Grisu2) that
// nlohmann's dump() writes: the numbers keyscope writes are the numbers every consumer of
// nlohmann-written JSON (the CLI's) sees. No DOM, parser or serializer of nlohmann is used.
#include <nlohmann/json.hpp>

namespace keyscope::codec {
namespace {

bool needs_escaping(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\') return true;
  }
  return false;
}

bool in(unsigned char byte, unsigned char low, unsigned char high) { return byte >= low && byte <= high; }

// The length of the UTF-8 sequence at text[i] when it is valid; otherwise 0, with `invalid` set
// to the length of its maximal invalid subpart (at least 1), which becomes one U+FFFD (as
// nlohmann's error_handler_t::replace, WHATWG's decoder and JS's TextDecoder do).
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::size_t& invalid) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  else if (lead >= 0xE0 && lead <= 0xEF) length = 3, low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
  else if (lead >= 0xF0 && lead <= 0xF4) length = 4, low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
  if (length == 0) {
    invalid = 1;
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const bool fits = i + k < text.size() && in(static_cast<unsigned char>(text[i + k]), k == 1 ? low : 0x80,
                                                k == 1 ? high : 0xBF);
    if (!fits) {
      invalid = k;
      return 0;
    }
  }
  return length;
}

}  // namespace

void JsonWriter::append_string(std::string_view text) {
  put('"');
  if (!needs_escaping(text)) {
    append(text);
    put('"');
    return;
  }
  // nlohmann's escaping (dump() with ensure_ascii off): the two-character escapes, \u00xx for the
  // other control characters, UTF-8 as it is, and invalid UTF-8 replaced rather than refused:
  // the text may have come from a server we do not control.
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t invalid = 0;
      const std::size_t length = utf8_sequence(text, i, invalid);
      append(length ? text.substr(i, length) : std::string_view("\xEF\xBF\xBD"));
      i += length ? length : invalid;
      continue;
    }
    ++i;
    switch (c) {
      case '"': append("\\\""); break;
      case '\\': append("\\\\"); break;
      case '\b': append("\\b"); break;
      case '\f': append("\\f"); break;
      case '\n': append("\\n"); break;
      case '\r': append("\\r"); break;
      case '\t': append("\\t"); break;
      default:
        if (c < 0x20) {
          const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          append(std::string_view(escape, sizeof escape));
        } else {
          put(static_cast<char>(c));
        }
    }
  }
  put('"');
}

void JsonWriter::value(double d) {
  separate();
  if (!std::isfinite(d)) {
    append("null");  // as nlohmann writes it
    return;
  }
  char* at = room(64);
  size_ = static_cast<std::size_t>(nlohmann::detail::to_chars(at, at + 64, d) - out_.data());
}

}  // namespace keyscope::codec
