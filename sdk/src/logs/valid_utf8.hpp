#pragma once
// Log fields are bytes; what keyscope keeps of them (key prefixes, paths) is text that every
// front door and every JSON document must carry. Invalid UTF-8 becomes U+FFFD at read time, so a
// single reader, merged Dask partitions and every output agree on the same text.
#include <string>

namespace keyscope::logs {

inline void make_valid_utf8(std::string& text) {
  std::size_t i = 0;
  for (; i < text.size() && static_cast<unsigned char>(text[i]) < 0x80; ++i) {}
  if (i == text.size()) return;  // ASCII: the common case
  std::string out = text.substr(0, i);
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; ok && k < length; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (ok && length > 1) {  // no overlong forms, surrogates or code points past U+10FFFF
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      ok = !(length == 2 && c < 0xC2) && !(length == 3 && c == 0xE0 && c1 < 0xA0) &&
           !(length == 3 && c == 0xED && c1 >= 0xA0) && !(length == 4 && c == 0xF0 && c1 < 0x90) &&
           !(length == 4 && (c > 0xF4 || (c == 0xF4 && c1 >= 0x90)));
    }
    if (ok) {
      out.append(text, i, length);
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  text = std::move(out);
}

}  // namespace keyscope::logs
