#include "errors.hpp"

#include <cstdio>

#include <keyscope/redact.hpp>

#include "output.hpp"

namespace keyscope_cli {
namespace {

// Server text reaches this line (an error message, a request id): no control byte or
// bidirectional override of it may reach the terminal (an escape sequence could rewrite what the
// user sees), the same rule as table cells.
void write_line(std::string line) {
  for (char& c : line) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  line = sanitize(line);
  line = "keyscope: " + line + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

int exit_code_for(const keyscope::Error& error) {
  using keyscope::ErrorKind;
  switch (error.kind) {
    case ErrorKind::validation:
    case ErrorKind::bad_request: return kUsage;
    case ErrorKind::authentication:
    case ErrorKind::permission_denied: return kAuth;
    case ErrorKind::not_found: return kNotFound;
    case ErrorKind::rate_limit: return kRateLimited;
    case ErrorKind::server:
    case ErrorKind::timeout:
    case ErrorKind::connection:
    case ErrorKind::decode:
    case ErrorKind::cancelled:
    case ErrorKind::redirect: return kFailure;
  }
  return kFailure;
}

int report_error(const keyscope::Error& error, const std::string& secret) {
  std::string line = keyscope::to_string(error);
  if (error.code == "tls_failed") {
    line += "; a server signed by your organisation's CA: --ca-bundle PATH or KEYSCOPE_CA_BUNDLE";
  }
  write_line(keyscope::redact(line, secret));
  return exit_code_for(error);
}

int report_key_errors(const keyscope::Fleet& fleet, const std::string& secret) {
  for (const auto& failure : fleet.errors) {
    write_line(keyscope::redact("usage of key " + failure.key_id + " failed: " + keyscope::to_string(failure.error), secret));
  }
  return fleet.errors.empty() ? kOk : exit_code_for(fleet.errors.front().error);
}

int report_usage_error(const std::string& message) {
  write_line(keyscope::redact(message));
  return kUsage;
}

}  // namespace keyscope_cli
