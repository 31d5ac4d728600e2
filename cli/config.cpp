#include "config.hpp"

#include "config_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "network.hpp"

namespace keyscope_cli {
namespace {

std::string trim(std::string text) {
  const char* space = " \t\r\n";
  const auto first = text.find_first_not_of(space);
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(space);
  return text.substr(first, last - first + 1);
}

std::string read_session_file(const std::string& path, Console& console) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw UsageError("cannot read session file " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) throw UsageError("session file " + path + " is not a regular file");
  if (info.st_size > 64 * 1024) throw UsageError("session file " + path + " is too large for a token");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read session file " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string token = trim(buffer.str());
  if (token.empty()) throw UsageError("session file " + path + " is empty");
  if (token.find('\n') != std::string::npos) {
    throw UsageError("session file " + path + " must contain the session token alone, on one line");
  }
  if (info.st_mode & (S_IRGRP | S_IROTH)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    console.line("keyscope: warning: session file " + path + " is readable by other users (mode " +
                 mode + "); chmod 600 it");
  }
  return token;
}

// A setting's value and where it came from, for error messages: "--timeout", "KEYSCOPE_TIMEOUT"
// or "timeout in config file PATH".
struct Setting {
  std::string value;
  std::string source;
};

// Option > environment variable > config file.
std::optional<Setting> resolve(const std::optional<std::string>& flag, const char* flag_name,
                               const char* env_name, const ConfigFile& file, const char* key) {
  if (flag) return Setting{*flag, flag_name};
  if (const char* env = std::getenv(env_name); env && *env) return Setting{env, env_name};
  if (const auto it = file.values.find(key); it != file.values.end()) {
    return Setting{it->second, std::string(key) + " in config file " + file.path};
  }
  return std::nullopt;
}

std::chrono::milliseconds parse_timeout(const Setting& setting) {
  const std::string& text = setting.value;
  const std::string& source = setting.source;
  errno = 0;
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end == text.c_str() || *end != '\0' || !std::isfinite(seconds) ||
      seconds <= 0) {
    throw UsageError(source + " needs a positive number of seconds (decimals allowed), got '" + text + "'");
  }
  if (seconds > 3600) throw UsageError(source + " must be at most 3600 seconds, got '" + text + "'");
  const auto ms = static_cast<long long>(std::llround(seconds * 1000.0));
  return std::chrono::milliseconds(ms < 1 ? 1 : ms);
}

}  // namespace

std::optional<keyscope::Error> build_context(Context& ctx, const GlobalOptions& global) {
  ctx.global = global;
  if (!ctx.console) ctx.console = std::make_shared<Console>();

  const ConfigFile file = load_config_file();
  keyscope::ClientOptions options;
  const auto base_url = resolve(global.base_url, "--base-url", "KEYSCOPE_BASE_URL", file, "base_url");
  options.base_url = base_url ? base_url->value : kDefaultBaseUrl;
  ctx.base_url = options.base_url;

  // The token: --session-file, else KEYSCOPE_SESSION (the token itself), else a session file
  // named by KEYSCOPE_SESSION_FILE or the config file.
  const char* session_env = std::getenv("KEYSCOPE_SESSION");
  const auto session_file =
      global.session_file || !(session_env && *session_env)
          ? resolve(global.session_file, "--session-file", "KEYSCOPE_SESSION_FILE", file, "session_file")
          : std::nullopt;
  if (session_file) {
    options.session_token = read_session_file(session_file->value, *ctx.console);
  } else if (session_env && *session_env) {
    options.session_token = trim(session_env);
  } else {
    throw UsageError(
        "no session token: set KEYSCOPE_SESSION or use --session-file PATH (the value of your "
        "sb-access-token cookie)");
  }
  ctx.token = options.session_token;

  if (const auto timeout = resolve(global.timeout, "--timeout", "KEYSCOPE_TIMEOUT", file, "timeout")) {
    options.timeout = parse_timeout(*timeout);
  }
  if (const auto max_retries =
          resolve(global.max_retries, "--max-retries", "KEYSCOPE_MAX_RETRIES", file, "max_retries")) {
    const long long retries = parse_integer(max_retries->source, max_retries->value);
    if (retries < 0 || retries > 10) {
      throw UsageError(max_retries->source + " must be between 0 and 10, got " + std::to_string(retries));
    }
    options.retry.max_retries = static_cast<int>(retries);
  }
  const keyscope::CurlTransportOptions network = transport_options(global);
  if (auto error = keyscope::check_transport_options(network)) return error;
  for (const std::string& line : network_warnings(global)) ctx.console->line(line);
  if (global.verbose) {
    for (const std::string& line : describe_network(global, network, ctx.base_url)) {
      ctx.console->line(line);
    }
  }
  options.transport = std::make_shared<keyscope::CurlTransport>(network);
  options.user_agent_product = std::string("keyscope-cli/") + keyscope::kVersion;
  options.strict = global.strict;
  if (global.verbose) {
    auto console = ctx.console;
    const std::string token = ctx.token;
    // The core already redacts its lines; redacting again with the token is belt and braces.
    options.logger = [console, token](std::string_view line) {
      console->line(keyscope::redact(line, token));
    };
  }
  auto created = keyscope::Client::create(std::move(options));
  if (!created.ok()) return created.error();
  ctx.client.emplace(std::move(created).value());
  return std::nullopt;
}

std::int64_t reference_now(const std::optional<std::string>& now_option,
                           const keyscope::HttpResponse& raw) {
  if (now_option) {
    const auto parsed = keyscope::parse_iso8601(*now_option);
    if (!parsed) throw UsageError("--now needs an ISO-8601 instant such as 2026-05-17T12:00:00Z");
    return *parsed;
  }
  if (const auto date = raw.headers.get("Date")) {
    if (const auto parsed = keyscope::parse_http_date(*date)) return *parsed;
  }
  return static_cast<std::int64_t>(std::time(nullptr));
}

}  // namespace keyscope_cli
