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
    out_ += '"';
    out_ += text;
    out_ += '"';
    return;
  }
  // Escapes, and invalid UTF-8 replaced (U+FFFD) rather than thrown: the text may have come
  // from a server we do not control.
  out_ += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonWriter::value(double d) {
  separate();
  if (!std::isfinite(d)) {
    out_ += "null";  // as nlohmann writes it
    return;
  }
  char buffer[64];
  // nlohmann's own shortest round-trip formatting (Grisu2), so the text matches its dump().
  out_.append(buffer, nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, d));
}

}  // namespace keyscope::codec
