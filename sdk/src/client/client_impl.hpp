#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "keyscope/client.hpp"
#include "keyscope/redact.hpp"
#include "keyscope/transport.hpp"

namespace keyscope {

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  ClientOptions options;
  std::string base_url;  // without a trailing slash
  std::string user_agent;

  // Sends GET base_url + path with auth and retries; `done` gets the final 2xx response or the
  // typed error (with the last raw response). `blocking`: the caller waits for `done` anyway, so
  // the attempts and waits run on its thread when the transport has a blocking path (`done` has
  // then run when execute returns).
  void execute(std::string path, const CallOptions& call,
               std::function<void(Result<HttpResponse>)> done, bool blocking = false);
  // What execute() sends first: GET base_url + path with the client's headers and timeout.
  HttpRequest first_request(const std::string& path, const CallOptions& call) const;

  void record_rate_limit(const Headers& headers, std::int64_t received_unix);
  RateLimit rate_limit() const;
  double next_random();
  std::int64_t now_unix() const;
  // Calls make_event() only when a logger is set: nothing is built on the hot path otherwise.
  template <class MakeEvent>
  void log(MakeEvent make_event) const {
    if (!options.logger && !options.log_event) return;
    LogEvent event = make_event();
    event.line = redact(event.line, options.session_token);
    event.path = redact(event.path, options.session_token);
    event.url = redact(event.url, options.session_token);
    event.message = redact(event.message, options.session_token);
    event.request_id = redact(event.request_id, options.session_token);
    if (options.logger) options.logger(event.line);
    if (options.log_event) options.log_event(event);
  }

 private:
  mutable std::mutex mutex_;
  RateLimit last_rate_limit_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace keyscope
