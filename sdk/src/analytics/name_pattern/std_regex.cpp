// NamePattern over std::regex (native builds).
#include <regex>

#include "analytics/name_pattern.hpp"
#include "keyscope/error.hpp"

namespace keyscope::analytics {

struct NamePattern::Engine {
  std::regex regex;
};

NamePattern::NamePattern(const std::string& pattern) {
  try {
    engine_ = std::make_unique<Engine>(Engine{std::regex(pattern, std::regex::ECMAScript)});
  } catch (const std::regex_error& e) {
    throw_error(validation_error("name_pattern is not a valid regular expression: " + std::string(e.what())));
  }
  if (engine_->regex.mark_count() != 1) {
    throw_error(validation_error("name_pattern must have exactly one capture group, it has " +
                                 std::to_string(engine_->regex.mark_count())));
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
