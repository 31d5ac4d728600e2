// What the help texts document, for completion scripts and "did you mean".
#include <algorithm>
#include <cctype>

#include "commands.hpp"

namespace keyscope_cli {

std::vector<std::string> options_in(const std::string& help_text) {
  std::vector<std::string> found;
  for (std::size_t i = help_text.find("--"); i != std::string::npos; i = help_text.find("--", i + 2)) {
    std::size_t end = i + 2;
    while (end < help_text.size() &&
           (std::islower(static_cast<unsigned char>(help_text[end])) ||
            std::isdigit(static_cast<unsigned char>(help_text[end])) ||
            (help_text[end] == '-' && end > i + 2))) {
      ++end;
    }
    if (end == i + 2) continue;
    const std::string name = help_text.substr(i, end - i);
    if (std::find(found.begin(), found.end(), name) == found.end()) found.push_back(name);
  }
  return found;
}

std::vector<std::string> documented_options() {
  std::string all = kGlobalHelp;
  for (const auto& c : commands()) all += c.help;
  return options_in(all);
}

}  // namespace keyscope_cli
