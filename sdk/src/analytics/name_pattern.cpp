// What both NamePattern engines share: the errors.
#include "analytics/name_pattern.hpp"

#include "keyscope/error.hpp"

namespace keyscope::analytics {

void NamePattern::refuse_syntax(const std::string& why) {
  throw_error(validation_error("name_pattern is not a valid regular expression: " + why));
}

void NamePattern::require_one_group(std::size_t groups) {
  if (groups == 1) return;
  throw_error(validation_error("name_pattern must have exactly one capture group, it has " +
                               std::to_string(groups)));
}

}  // namespace keyscope::analytics
