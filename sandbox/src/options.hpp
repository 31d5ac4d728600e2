// Command-line options of keyscope-sandbox.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace sandbox {

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::uint64_t seed = 42;
  int keys = 13;
  std::string token;  // empty: random
  std::string base_path;  // "" or "/prefix" (no trailing slash)
  std::optional<std::int64_t> now;  // pinned clock (unix seconds)
  std::string tier = "pro";
  std::optional<std::int64_t> rate_limit;  // per minute; 0 disables
  int latency_ms = 0;
  std::string static_dir;
  std::string cors_origin;
  std::string port_file;
  bool quiet = false;
  bool control = true;
  // --emit-logs DIR: write the demo organisation's egress logs and exit (log_emitter.hpp).
  std::string emit_logs_dir;
  std::string log_format = "jsonl";  // jsonl | nginx | csv
  int log_days = 7;                  // 1..90

  std::int64_t per_minute_limit() const {
    if (rate_limit) return *rate_limit;
    return tier == "free" ? 10 : 1000;
  }
};

// Parses argv. On --help/--version prints and sets exit_code 0; on error prints
// to stderr and sets exit_code 2. Returns nullopt in both cases.
std::optional<Options> parse_options(int argc, char** argv, int& exit_code);

std::string usage_text();

}  // namespace sandbox
