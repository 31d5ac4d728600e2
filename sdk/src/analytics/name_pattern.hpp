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
#include "keyscope/result.hpp"

namespace keyscope::analytics {

class NamePattern {
 public:
  // A ValidationError (code invalid_name_pattern) when `pattern` is not in the dialect (naming
  // the construct and its offset) or does not have exactly one capture group.
  static Result<std::unique_ptr<NamePattern>> compile(const std::string& pattern);
  ~NamePattern();
  NamePattern(const NamePattern&) = delete;
  NamePattern& operator=(const NamePattern&) = delete;

  // The capture group of the first match in `text`, when that group matched something.
  std::optional<std::string> first_group(const std::string& text) const;

 private:
  NamePattern();
  // Each engine's (name_pattern/*.cpp): compiles the sources written for it, or says why it
  // refused them (a bug: the dialect accepts only what both engines compile).
  std::optional<std::string> start(const EngineSources& sources);

  struct Engine;

  std::unique_ptr<Engine> engine_;
};

}  // namespace keyscope::analytics
