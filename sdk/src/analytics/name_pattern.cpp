// What both NamePattern engines share: the dialect check, the one capture group, the errors.
#include "analytics/name_pattern.hpp"

#include "keyscope/error.hpp"

namespace keyscope::analytics {

Result<std::unique_ptr<NamePattern>> NamePattern::compile(const std::string& pattern) {
  Result<EngineSources> sources = translate_name_pattern(pattern);
  if (!sources.ok()) return sources.error();
  if (sources->groups != 1) {
    return validation_error("name_pattern must have exactly one capture group, it has " +
                                std::to_string(sources->groups),
                            "invalid_name_pattern");
  }
  std::unique_ptr<NamePattern> compiled(new NamePattern());
  if (std::optional<std::string> why = compiled->start(*sources)) {
    return validation_error("internal error: the regex engine refused a checked name_pattern: " + *why,
                            "internal_error");
  }
  return Result<std::unique_ptr<NamePattern>>(std::move(compiled));
}

}  // namespace keyscope::analytics
