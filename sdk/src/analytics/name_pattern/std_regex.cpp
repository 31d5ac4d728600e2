// NamePattern over std::regex (native builds).
#include <regex>

#include "analytics/name_pattern.hpp"

namespace keyscope::analytics {

struct NamePattern::Engine {
  std::regex regex;
};

NamePattern::NamePattern(const std::string& pattern) {
  try {
    engine_ = std::make_unique<Engine>(Engine{std::regex(pattern, std::regex::ECMAScript)});
  } catch (const std::regex_error& e) {
    refuse_syntax(e.what());
  }
  require_one_group(engine_->regex.mark_count());
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
