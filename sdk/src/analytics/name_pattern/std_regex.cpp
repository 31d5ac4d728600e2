// NamePattern over std::regex (native builds), on the dialect's byte-oriented source: one atom
// matches one UTF-8 code point, as RegExp with the u flag does in the WebAssembly build.
#include <locale>
#include <regex>

#include "analytics/name_pattern.hpp"

namespace keyscope::analytics {

struct NamePattern::Engine {
  std::regex regex;
};

NamePattern::NamePattern() : engine_(std::make_unique<Engine>()) {}

std::optional<std::string> NamePattern::start(const EngineSources& sources) {
  try {  // std::regex reports a refusal only by throwing
    engine_->regex.imbue(std::locale::classic());  // \b must not depend on the program's locale
    engine_->regex.assign(sources.bytes, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

NamePattern::~NamePattern() = default;

std::optional<std::string> NamePattern::first_group(const std::string& text) const {
  std::smatch match;
  if (!std::regex_search(text, match, engine_->regex) || !match[1].matched || match[1].length() == 0) {
    return std::nullopt;
  }
  return match[1].str();
}

}  // namespace keyscope::analytics
