#include "args.hpp"

#include "suggest.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <set>

namespace keyscope_cli {
namespace {

// Command options that take a value. Flags of commands (none yet) would go in a second set.
const std::set<std::string> kValueOptions = {"--days", "--concurrency", "--bill", "--map",
                                             "--pattern", "--now", "--format", "--nginx-format",
                                             "--tolerance", "--min-diff", "--latency-unit"};
// Global options that take a value.
const std::set<std::string> kGlobalValueOptions = {"--base-url", "--session-file", "--timeout",
                                                   "--max-retries", "--ca-bundle", "--proxy",
                                                   "--no-proxy"};
// Command options that may be given several times ("--field time=ts --field key=auth").
const std::set<std::string> kRepeatedOptions = {"--field", "--logs"};

// Names that would put a credential on the command line.
const std::set<std::string> kRefused = {"--token", "--session", "--session-token", "--cookie",
                                        "--api-key", "--key", "--password"};

std::string refusal(const std::string& name) {
  return name +
         " is not accepted: a session token given on the command line is visible to every user "
         "of this machine (ps, /proc) and is saved in shell history. Set KEYSCOPE_SESSION or "
         "use --session-file PATH instead";
}

bool debug_from_environment() {
  const char* value = std::getenv("KEYSCOPE_DEBUG");
  if (!value) return false;
  std::string text(value);
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text == "1" || text == "true" || text == "yes" || text == "on" || text == "debug";
}

}  // namespace

ParsedArgs parse_args(int argc, char** argv) {
  ParsedArgs out;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      out.words.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    if (kRefused.count(name)) throw UsageError(refusal(name));

    auto take_value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) throw UsageError(name + " needs a value");
      return argv[++i];
    };
    auto flag = [&]() {
      if (inline_value) throw UsageError(name + " takes no value");
    };

    if (name == "--base-url") {
      out.global.base_url = take_value();
    } else if (name == "--session-file") {
      out.global.session_file = take_value();
    } else if (name == "--timeout") {
      out.global.timeout = take_value();
    } else if (name == "--max-retries") {
      out.global.max_retries = take_value();
    } else if (name == "--ca-bundle") {
      out.global.ca_bundle = take_value();
    } else if (name == "--proxy") {
      out.global.proxy = take_value();
    } else if (name == "--no-proxy") {
      out.global.no_proxy = take_value();
    } else if (name == "--insecure" || name == "-k") {
      flag();
      out.global.insecure = true;
    } else if (name == "--verbose" || name == "-v") {
      flag();
      out.global.verbose = true;
    } else if (name == "--strict") {
      flag();
      out.global.strict = true;
    } else if (name == "--help" || name == "-h") {
      flag();
      out.global.help = true;
    } else if (name == "--version") {
      flag();
      out.global.version = true;
    } else if (name == "--json" || name == "--csv") {
      flag();
      const Format wanted = name == "--json" ? Format::json : Format::csv;
      if (out.global.format != Format::table && out.global.format != wanted) {
        throw UsageError("--json and --csv cannot be combined");
      }
      out.global.format = wanted;
    } else if (kRepeatedOptions.count(name)) {
      out.repeated[name].push_back(take_value());
    } else if (kValueOptions.count(name)) {
      if (out.options.count(name)) throw UsageError(name + " given more than once");
      out.options[name] = take_value();
    } else {
      throw UnknownOptionError(name);
    }
  }
  if (!out.global.verbose) out.global.verbose = debug_from_environment();
  return out;
}

std::vector<std::string> options_taking_values() {
  std::vector<std::string> names(kGlobalValueOptions.begin(), kGlobalValueOptions.end());
  names.insert(names.end(), kValueOptions.begin(), kValueOptions.end());
  names.insert(names.end(), kRepeatedOptions.begin(), kRepeatedOptions.end());
  return names;
}

void require_only(const ParsedArgs& args, const std::string& command,
                  const std::vector<std::string>& allowed) {
  std::vector<std::string> given;
  for (const auto& [name, value] : args.options) given.push_back(name);
  for (const auto& [name, values] : args.repeated) given.push_back(name);
  for (const auto& name : given) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == name;
    if (!ok) {
      throw UsageError(name + " is not an option of 'keyscope " + command + "'" +
                       did_you_mean(name, allowed) + " (see keyscope " + command + " --help)");
    }
  }
}

long long parse_integer(const std::string& option, const std::string& text) {
  if (text.empty()) throw UsageError(option + " needs an integer, got an empty value");
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || *end != '\0' || text.find_first_of(" \t") != std::string::npos) {
    throw UsageError(option + " needs an integer, got '" + text + "'");
  }
  return value;
}

}  // namespace keyscope_cli
