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
  // typed error (with the last raw response).
  void execute(std::string path, const CallOptions& call,
               std::function<void(Result<HttpResponse>)> done);

  void record_rate_limit(const HttpResponse& response);
  RateLimit rate_limit() const;
  double next_random();
  std::int64_t now_unix() const;
  // Calls make_event() only when a logger or an event sink is set: nothing is built on the hot
  // path otherwise. Redacts every field, then hands the line and the event over.
  template <class MakeEvent>
  void log(MakeEvent make_event) const {
    if (options.logger || options.on_request) report(make_event());
  }
  void report(RequestEvent event) const;

 private:
  mutable std::mutex mutex_;
  RateLimit last_rate_limit_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace keyscope
