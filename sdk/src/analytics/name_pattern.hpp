#pragma once
// A chargeback name pattern: a regular expression in keyscope's dialect of ECMAScript syntax
// (analytics/name_pattern_dialect.hpp) with exactly one capture group, the cost center inside a
// key name ("\[(\w+)\]" finds "soc" in "SIEM [soc]"). The dialect is checked first, then each
// engine gets the pattern written for it, so both match the same names the same way.
// Two engines behind one face, chosen by the build (sdk/CMakeLists.txt):
//   name_pattern/std_regex.cpp   std::regex, native builds;
//   name_pattern/js_regexp.cpp   the JS host's RegExp, WebAssembly builds: std::regex and the
//                                locale machinery it drags in were ~45 KB of the package's gzip.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "analytics/name_pattern_dialect.hpp"

namespace keyscope::analytics {

class NamePattern {
 public:
  // Throws the ValidationError KeyscopeError when `pattern` is not in the dialect (naming the
  // construct and its offset) or does not have exactly one capture group.
  explicit NamePattern(const std::string& pattern);
  ~NamePattern();
  NamePattern(const NamePattern&) = delete;
  NamePattern& operator=(const NamePattern&) = delete;

  // The capture group of the first match in `text`, when that group matched something.
  std::optional<std::string> first_group(const std::string& text) const;

 private:
  // Shared by both engines (name_pattern.cpp): the dialect check and one capture group, then
  // the pattern written for the engines; and the error of an engine refusing such a pattern
  // (a bug: the dialect accepts only what both compile).
  static EngineSources checked(const std::string& pattern);
  [[noreturn]] static void engine_refused(const std::string& why);

  struct Engine;

  std::unique_ptr<Engine> engine_;
};

}  // namespace keyscope::analytics
