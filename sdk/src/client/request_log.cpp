// The client's log of each step of a call: one redacted line (ClientOptions::logger) and the same
// step as redacted fields (ClientOptions::on_request).
#include "client/client_impl.hpp"

namespace keyscope {
namespace {

std::string line_of(const RequestEvent& e) {
  const std::string target = e.method + " " + e.url;
  switch (e.kind) {
    case RequestEvent::Kind::response:
      return "keyscope: " + target + " -> " + std::to_string(e.status) + " in " + std::to_string(e.elapsed_ms) +
             " ms (attempt " + std::to_string(e.attempt) + ")" +
             (e.request_id.empty() ? std::string() : " request_id " + e.request_id);
    case RequestEvent::Kind::failure:
      return "keyscope: " + target + " failed after " + std::to_string(e.elapsed_ms) + " ms (attempt " +
             std::to_string(e.attempt) + "): " + e.message;
    case RequestEvent::Kind::retry:
      return "keyscope: retrying " + target + " in " + std::to_string(e.wait_ms) + " ms after " + e.error_type +
             (e.status ? " " + std::to_string(e.status) : std::string());
  }
  return {};
}

}  // namespace

const char* to_string(RequestEvent::Kind kind) noexcept {
  switch (kind) {
    case RequestEvent::Kind::response: return "response";
    case RequestEvent::Kind::failure: return "failure";
    case RequestEvent::Kind::retry: return "retry";
  }
  return "response";
}

void Client::Impl::report(RequestEvent event) const {
  const std::string& secret = options.session_token;
  // The line is redacted whole, as written (a secret split across two fields is still caught).
  event.line = redact(line_of(event), secret);
  event.url = redact(event.url, secret);
  event.request_id = redact(event.request_id, secret);
  event.message = redact(event.message, secret);
  if (options.logger) options.logger(event.line);
  if (options.on_request) options.on_request(event);
}

}  // namespace keyscope
