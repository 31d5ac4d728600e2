#pragma once
// Command-line parsing: global options may appear anywhere on the line, before or after the
// command words. Parsing never echoes an option's value (it might be a secret).
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace keyscope_cli {

// A usage error: exit code 2, one line on stderr.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An option nobody declared: the caller adds "did you mean" from the documented options.
struct UnknownOptionError : UsageError {
  explicit UnknownOptionError(const std::string& name)
      : UsageError("unknown option " + name), option(name) {}
  std::string option;
};

enum class Format { table, json, csv };

struct GlobalOptions {
  std::optional<std::string> base_url;
  std::optional<std::string> session_file;
  std::optional<std::string> timeout;      // seconds, decimal
  std::optional<std::string> max_retries;
  std::optional<std::string> ca_bundle;   // PEM file of the CAs to trust
  std::optional<std::string> proxy;       // proxy URL
  std::optional<std::string> no_proxy;    // hosts reached without the proxy
  bool insecure = false;                  // TLS certificates not verified
  bool verbose = false;
  bool strict = false;  // implausible responses are errors (ClientOptions::strict)
  bool help = false;
  bool version = false;
  Format format = Format::table;
};

struct ParsedArgs {
  GlobalOptions global;
  std::vector<std::string> words;                     // command words and positionals
  std::map<std::string, std::string> options;         // command options: "--days" -> "7"
  std::map<std::string, std::vector<std::string>> repeated;  // "--field" -> {"time=ts", ...}
};

// Throws UsageError (UnknownOptionError for an unknown option). Refuses --token/--session (and
// similar) with an explanation. KEYSCOPE_DEBUG=1 (or true, yes, on) is --verbose.
ParsedArgs parse_args(int argc, char** argv);

// Every option that takes a value ("--days 7"), global or of a command.
std::vector<std::string> options_taking_values();

// Options a command accepts; anything else is a UsageError naming the command.
void require_only(const ParsedArgs& args, const std::string& command,
                  const std::vector<std::string>& allowed);

// Strict integer parsing for option values ("7", not "7x" or ""). Throws UsageError.
long long parse_integer(const std::string& option, const std::string& text);

}  // namespace keyscope_cli
