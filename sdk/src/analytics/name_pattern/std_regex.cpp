// NamePattern over std::regex (native builds), on the dialect's byte-oriented source: one atom
// matches one UTF-8 code point, as RegExp with the u flag does in the WebAssembly build.
#include <locale>
#include <regex>

#include "analytics/name_pattern.hpp"

namespace keyscope::analytics {

struct NamePattern::Engine {
  std::regex regex;
};

NamePattern::NamePattern(const std::string& pattern) : engine_(std::make_unique<Engine>()) {
  const EngineSources sources = checked(pattern);
  try {
    engine_->regex.imbue(std::locale::classic());  // \b must not depend on the program's locale
    engine_->regex.assign(sources.bytes, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    engine_refused(e.what());
  }
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
