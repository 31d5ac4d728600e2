#include "options.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "timeutil.hpp"

namespace sandbox {

std::string usage_text() {
  return R"(usage: keyscope-sandbox [options]

  --host HOST          address to bind (default 127.0.0.1)
  --port N             port, 0 picks a free one (default 0)
  --seed N             demo data seed (default 42)
  --keys N             number of keys, 13..100000 (default 13)
  --token TOKEN        session token (default: random, printed on start)
  --base-path /PREFIX  serve the API under a path prefix (default none)
  --now TIMESTAMP      pin the clock, e.g. 2026-05-17T12:00:00Z (default: real UTC time)
  --tier pro|free      session rate-limit tier: free 10/min, pro 1000/min (default pro)
  --rate-limit N       override the per-minute limit; 0 disables limiting
  --latency-ms N       add N ms to every API response
  --static DIR         serve files from DIR at / (outside the API paths)
  --cors-origin ORIGIN allow credentialed cross-origin requests from ORIGIN
  --port-file PATH     also write the bound port number to PATH
  --no-control         disable the /__sandbox/* test control endpoints
  --quiet              no request log on stderr
  --emit-logs DIR      write the demo organisation's egress logs to DIR and exit
                       (does not serve; honours --now, --seed and --keys)
  --log-format F       jsonl|nginx|csv (default jsonl): DIR/egress.jsonl|.log|.csv
  --log-days N         days of logs ending on --now's day, 1..90 (default 7)
  --help, --version
)";
}

namespace {

bool parse_int(const std::string& s, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end == nullptr || *end != '\0' || v < lo || v > hi) return false;
  out = v;
  return true;
}

bool token_ok(const std::string& t) {
  if (t.empty() || t.size() > 512) return false;
  for (unsigned char c : t)
    if (c <= 0x20 || c >= 0x7f || c == ';' || c == ',' || c == '"' || c == '\\') return false;
  return true;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  Options o;
  bool log_option = false;  // --log-format/--log-days need --emit-logs
  std::vector<std::string> args(argv + 1, argv + argc);
  auto fail = [&](const std::string& msg) -> std::optional<Options> {
    std::cerr << "keyscope-sandbox: " << msg << "\n" << usage_text();
    exit_code = 2;
    return std::nullopt;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    bool has_value = false;
    const auto eq = name.find('=');
    if (name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto need = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    std::int64_t n = 0;
    if (name == "--help" || name == "-h") {
      std::cout << usage_text();
      exit_code = 0;
      return std::nullopt;
    } else if (name == "--version") {
      std::cout << "keyscope-sandbox " KEYSCOPE_SANDBOX_VERSION "\n";
      exit_code = 0;
      return std::nullopt;
    } else if (name == "--quiet") {
      o.quiet = true;
    } else if (name == "--no-control") {
      o.control = false;
    } else if (name == "--host") {
      if (!need() || value.empty()) return fail("--host needs an address");
      o.host = value;
    } else if (name == "--port") {
      if (!need() || !parse_int(value, 0, 65535, n)) return fail("--port needs 0..65535");
      o.port = static_cast<int>(n);
    } else if (name == "--seed") {
      if (!need()) return fail("--seed needs a number");
      char* end = nullptr;
      errno = 0;
      const unsigned long long v = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || value[0] == '-' || errno != 0 || *end != '\0')
        return fail("--seed needs a non-negative integer");
      o.seed = v;
    } else if (name == "--keys") {
      if (!need() || !parse_int(value, 13, 100000, n)) return fail("--keys needs 13..100000");
      o.keys = static_cast<int>(n);
    } else if (name == "--token") {
      if (!need() || !token_ok(value))
        return fail("--token needs 1..512 printable characters without spaces, ';', ',', quotes or backslashes");
      o.token = value;
    } else if (name == "--base-path") {
      if (!need()) return fail("--base-path needs a path");
      std::string p = value;
      while (!p.empty() && p.back() == '/') p.pop_back();
      if (!p.empty() && p[0] != '/') p = "/" + p;
      for (unsigned char c : p)
        if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#') return fail("--base-path has invalid characters");
      o.base_path = p;
    } else if (name == "--now") {
      if (!need()) return fail("--now needs a timestamp");
      auto t = parse_timestamp(value);
      if (!t) return fail("--now needs an ISO-8601 UTC timestamp like 2026-05-17T12:00:00Z");
      o.now = *t;
    } else if (name == "--tier") {
      if (!need() || (value != "pro" && value != "free")) return fail("--tier needs pro or free");
      o.tier = value;
    } else if (name == "--rate-limit") {
      if (!need() || !parse_int(value, 0, 1000000000, n)) return fail("--rate-limit needs 0..1000000000");
      o.rate_limit = n;
    } else if (name == "--latency-ms") {
      if (!need() || !parse_int(value, 0, 600000, n)) return fail("--latency-ms needs 0..600000");
      o.latency_ms = static_cast<int>(n);
    } else if (name == "--static") {
      if (!need() || value.empty()) return fail("--static needs a directory");
      o.static_dir = value;
    } else if (name == "--cors-origin") {
      if (!need() || value.empty()) return fail("--cors-origin needs an origin");
      o.cors_origin = value;
    } else if (name == "--port-file") {
      if (!need() || value.empty()) return fail("--port-file needs a path");
      o.port_file = value;
    } else if (name == "--emit-logs") {
      if (!need() || value.empty()) return fail("--emit-logs needs a directory");
      o.emit_logs_dir = value;
    } else if (name == "--log-format") {
      if (!need() || (value != "jsonl" && value != "nginx" && value != "csv"))
        return fail("--log-format needs jsonl, nginx or csv");
      o.log_format = value;
      log_option = true;
    } else if (name == "--log-days") {
      if (!need() || !parse_int(value, 1, 90, n)) return fail("--log-days needs 1..90");
      o.log_days = static_cast<int>(n);
      log_option = true;
    } else {
      return fail("unknown option " + name);
    }
  }
  if (log_option && o.emit_logs_dir.empty()) return fail("--log-format and --log-days need --emit-logs DIR");
  return o;
}

}  // namespace sandbox
