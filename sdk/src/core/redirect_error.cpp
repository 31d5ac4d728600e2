// The error of a 3xx answer. keyscope never follows a redirect: the API does not redirect, and
// following one could carry the session cookie to another origin (docs/DESIGN.md "Redirects").
#include <string>
#include <string_view>

#include "keyscope/error.hpp"
#include "keyscope/redact.hpp"

namespace keyscope {
namespace {

constexpr std::size_t kMaxShownLength = 200;

// scheme://user:pass@host/path?query#fragment -> scheme://host/path?[redacted]: where the
// server points, without what could carry a secret.
std::string shown_target(std::string_view location) {
  while (!location.empty() && (location.front() == ' ' || location.front() == '\t')) location.remove_prefix(1);
  while (!location.empty() && (location.back() == ' ' || location.back() == '\t')) location.remove_suffix(1);
  std::string_view tail;
  const std::size_t cut = location.find_first_of("?#");
  if (cut != std::string_view::npos) {
    tail = location[cut] == '?' ? "?[redacted]" : "";
    location = location.substr(0, cut);
  }
  std::string target(location);
  const std::size_t scheme = target.find("://");
  if (scheme != std::string::npos) {
    const std::size_t host = scheme + 3;
    const std::size_t path = target.find('/', host);
    const std::size_t at = target.rfind('@', path == std::string::npos ? std::string::npos : path);
    if (at != std::string::npos && at >= host) target.erase(host, at + 1 - host);
  }
  for (char& c : target) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (target.size() > kMaxShownLength) target = target.substr(0, kMaxShownLength) + "...";
  return redact(target + std::string(tail));
}

}  // namespace

Error redirect_error(int status, std::string_view location) {
  Error error;
  error.kind = ErrorKind::redirect;
  error.status = status;
  error.code = "redirect_refused";
  std::string what = status > 0 ? "the server answered " + std::to_string(status) + " with a redirect"
                                : std::string("the server answered with a redirect");
  if (!location.empty()) what += " to " + shown_target(location);
  what += "; keyscope does not follow redirects (is the base URL right?)";
  error.message = std::move(what);
  return error;
}

}  // namespace keyscope
