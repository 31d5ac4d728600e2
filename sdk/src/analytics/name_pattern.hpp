#pragma once
// A chargeback name pattern: a regular expression in ECMAScript syntax with exactly one capture
// group, the cost center inside a key name ("\[(\w+)\]" finds "soc" in "SIEM [soc]").
// Two engines behind one face, chosen by the build (sdk/CMakeLists.txt):
//   name_pattern/std_regex.cpp   std::regex, native builds;
//   name_pattern/js_regexp.cpp   the JS host's RegExp, WebAssembly builds: std::regex and the
//                                locale machinery it drags in were ~45 KB of the package's gzip.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace keyscope::analytics {

class NamePattern {
 public:
  // Throws the ValidationError KeyscopeError when `pattern` is not a valid regular expression or
  // does not have exactly one capture group.
  explicit NamePattern(const std::string& pattern);
  ~NamePattern();
  NamePattern(const NamePattern&) = delete;
  NamePattern& operator=(const NamePattern&) = delete;

  // The capture group of the first match in `text`, when that group matched something.
  std::optional<std::string> first_group(const std::string& text) const;

 private:
  // The errors both engines raise (name_pattern.cpp), so they read the same everywhere.
  [[noreturn]] static void refuse_syntax(const std::string& why);
  static void require_one_group(std::size_t groups);

  struct Engine;
  std::unique_ptr<Engine> engine_;
};

}  // namespace keyscope::analytics
