#pragma once
// One function per command (cmd_*.cpp). Each validates its own arguments first, so a bad
// argument never needs a token or the network, then builds the client from the context.
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "config.hpp"
#include "output.hpp"

#include <keyscope/analytics.hpp>

namespace keyscope_cli {

struct Command {
  const char* path;     // "keys list"
  const char* summary;  // one line for the overview
  const char* help;     // full help text
  int (*run)(const ParsedArgs& args, Context& ctx);
};

int run_keys_list(const ParsedArgs& args, Context& ctx);
int run_keys_show(const ParsedArgs& args, Context& ctx);
int run_usage(const ParsedArgs& args, Context& ctx);
int run_report(const ParsedArgs& args, Context& ctx);
int run_anomalies(const ParsedArgs& args, Context& ctx);
int run_chargeback(const ParsedArgs& args, Context& ctx);
int run_logs_summarize(const ParsedArgs& args, Context& ctx);
int run_reconcile(const ParsedArgs& args, Context& ctx);
int run_completion(const ParsedArgs& args, Context& ctx);

// The command table and the global options' help (main.cpp): the one source that the help,
// the completion scripts and "did you mean" read.
const std::vector<Command>& commands();
extern const char* const kGlobalHelp;
extern const char* const kExitCodes;
// Every --option that `help_text` names, in order of first appearance, once each.
std::vector<std::string> options_in(const std::string& help_text);
// The global options and every command's options.
std::vector<std::string> documented_options();

// Shared helpers.
// Builds the client; on failure prints the one error line and returns its exit code.
std::optional<int> connect(Context& ctx);
// Parses --days (default `fallback`) and validates it with the SDK (1..90). Throws UsageError.
int days_option(const ParsedArgs& args, int fallback);
// Number of positional words after the command path; throws UsageError when it differs.
void expect_positionals(const ParsedArgs& args, std::size_t command_words, std::size_t count,
                        const std::string& usage);
// Writes to stdout; exit code 6 with a message when stdout is gone.
int emit(const std::string& text);
// --concurrency (default 8, 1..256). Throws UsageError.
int concurrency_option(const ParsedArgs& args);
// The findings as a table (report and anomalies share it).
Table findings_table(const std::vector<keyscope::analytics::Finding>& findings);

}  // namespace keyscope_cli
