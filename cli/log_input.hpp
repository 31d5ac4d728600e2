#pragma once
// The log options shared by `logs summarize` and `reconcile`, and reading log files (plain, .gz
// or - for stdin) in chunks into the core's LogReader, with a progress line on a terminal.
#include <cstdint>
#include <string>
#include <vector>

#include <keyscope/logs.hpp>

#include "args.hpp"

namespace keyscope_cli {

// The option names a command that reads logs accepts (add them to require_only).
const std::vector<std::string>& log_option_names();

// --format, --nginx-format, --field NAME=SOURCE..., --latency-unit. Throws UsageError.
keyscope::logs::ReaderOptions log_reader_options(const ParsedArgs& args);

// Reads every file into one reader; an unreadable file is a UsageError naming it (exit 2).
// Returns the aggregate of all of them.
keyscope::logs::UsageAggregate read_log_files(const std::vector<std::string>& files,
                                              const keyscope::logs::ReaderOptions& options,
                                              bool verbose);

// The table and text lines that say what the reader saw: lines, records, bad lines by kind
// with their first line numbers, full keys cut to prefixes.
std::string describe_log_stats(const keyscope::LogSummary& summary);

}  // namespace keyscope_cli
