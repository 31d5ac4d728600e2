#pragma once
// Exit codes and the one-line error report.
#include <string>

#include <keyscope/error.hpp>
#include <keyscope/models.hpp>

namespace keyscope_cli {

enum ExitCode : int {
  kOk = 0,
  kUsage = 2,        // bad command line, validation (nothing was sent)
  kAuth = 3,         // 401, 403
  kNotFound = 4,     // 404
  kRateLimited = 5,  // 429
  kFailure = 6,      // 5xx, network, timeout, decode, a redirect (never followed)
};

int exit_code_for(const keyscope::Error& error);

// "keyscope: NotFoundError: ... (status 404, request_id req_abc)" on stderr, one line,
// redacted (with `secret` as well). Returns the exit code.
int report_error(const keyscope::Error& error, const std::string& secret);
// One stderr line per key whose usage failed (FleetErrors::collect); the exit code of the first,
// 0 when none failed.
int report_key_errors(const keyscope::Fleet& fleet, const std::string& secret);
int report_usage_error(const std::string& message);

}  // namespace keyscope_cli
