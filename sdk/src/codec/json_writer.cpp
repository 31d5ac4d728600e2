#include "codec/json_writer.hpp"

#include <cmath>

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

}  // namespace

void JsonWriter::append_string(std::string_view text) {
  if (!needs_escaping(text)) {
    put('"');
    append(text);
    put('"');
    return;
  }
  // Escapes, and invalid UTF-8 replaced (U+FFFD) rather than thrown: the text may have come
  // from a server we do not control.
  append(nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void JsonWriter::value(double d) {
  separate();
  if (!std::isfinite(d)) {
    append("null");  // as nlohmann writes it
    return;
  }
  // nlohmann's own shortest round-trip formatting (Grisu2), so the text matches its dump().
  char* at = room(64);
  size_ = static_cast<std::size_t>(nlohmann::detail::to_chars(at, at + 64, d) - out_.data());
}

}  // namespace keyscope::codec
