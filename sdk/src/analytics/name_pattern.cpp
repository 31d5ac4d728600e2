// What both NamePattern engines share: the dialect check and the errors.
#include "analytics/name_pattern.hpp"

#include "keyscope/error.hpp"

namespace keyscope::analytics {

EngineSources NamePattern::checked(const std::string& pattern) {
  EngineSources sources = translate_name_pattern(pattern);
  if (sources.groups != 1) {
    throw_error(validation_error("name_pattern must have exactly one capture group, it has " +
                                     std::to_string(sources.groups),
                                 "invalid_name_pattern"));
  }
  return sources;
}

void NamePattern::engine_refused(const std::string& why) {
  throw_error(validation_error("internal error: the regex engine refused a checked name_pattern: " + why,
                               "internal_error"));
}

}  // namespace keyscope::analytics
