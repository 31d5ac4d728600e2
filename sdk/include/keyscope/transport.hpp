#pragma once
// The only place where I/O happens. Asynchronous at its boundary: send() returns at once and
// calls `done` later (on any thread), so many requests can be in flight and the browser build
// needs no Asyncify. Users may supply their own (tests, proxies, other HTTP stacks).
#include <chrono>
#include <functional>

#include "keyscope/http.hpp"
#include "keyscope/result.hpp"

namespace keyscope {

class Transport {
 public:
  using Completion = std::function<void(Result<HttpResponse>)>;
  virtual ~Transport() = default;

  // Performs one HTTP exchange. Every HTTP status is a success here (the client maps statuses to
  // errors); failures are ErrorKind::timeout, ::connection or ::cancelled. `done` is called
  // exactly once.
  virtual void send(HttpRequest request, Completion done) = 0;

  // Runs `fn` once `delay` has passed without blocking the caller (retry backoff). Test
  // transports run it at once and record the delay.
  virtual void defer(std::chrono::milliseconds delay, std::function<void()> fn) = 0;

  // "libcurl/7.88.1", "fetch"; goes into the User-Agent.
  virtual std::string name() const { return "custom"; }
};

}  // namespace keyscope
