#pragma once
// Configuration from the environment, the session file and the global options, and the
// Client built from it. The session token is never taken from the command line.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <keyscope/keyscope.hpp>

#include "args.hpp"
#include "console.hpp"

namespace keyscope_cli {

inline constexpr const char* kDefaultBaseUrl = "https://socdefenders.ai";

struct Context {
  GlobalOptions global;
  std::string base_url;
  std::string token;  // for redaction only
  std::shared_ptr<Console> console;
  std::optional<keyscope::Client> client;
};

// Resolves each setting (option > environment > config file, see config_file.hpp), reads the
// session token, applies the network options (network.hpp) and builds the client. Throws
// UsageError for bad options, or returns the SDK's validation error.
// `need_client` false skips the token (help, version).
std::optional<keyscope::Error> build_context(Context& ctx, const GlobalOptions& global);

// The reference instant for time-based findings: --now, else the API's Date header, else the
// local clock.
std::int64_t reference_now(const std::optional<std::string>& now_option,
                           const keyscope::HttpResponse& raw);

}  // namespace keyscope_cli
