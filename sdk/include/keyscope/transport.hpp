#pragma once
/// @file
/// The only place where I/O happens. Asynchronous at its boundary: send() returns at once and
/// calls `done` later (on any thread), so many requests can be in flight and the browser build
/// needs no Asyncify. Users may supply their own (tests, proxies, other HTTP stacks).
#include <chrono>
#include <functional>
#include <optional>

#include "keyscope/http.hpp"
#include "keyscope/result.hpp"

namespace keyscope {

/// The HTTP exchange the client runs over: CurlTransport natively (the wheel's default too),
/// fetch() in the npm package, a Python keyscope.Transport in the wheel, or your own.
class Transport {
 public:
  using Completion = std::function<void(Result<HttpResponse>)>;
  virtual ~Transport() = default;

  /// Performs one HTTP exchange. Every HTTP status is a success here (the client maps statuses to
  /// errors); failures are ErrorKind::timeout, ErrorKind::connection or ErrorKind::cancelled. `done` is called
  /// exactly once.
  virtual void send(HttpRequest request, Completion done) = 0;

  /// Runs `fn` once `delay` has passed without blocking the caller (retry backoff). Test
  /// transports run it at once and record the delay.
  virtual void defer(std::chrono::milliseconds delay, std::function<void()> fn) = 0;

  /// As defer(), for a wait that `cancellation` may cut short (a call's retry backoff): a
  /// transport that can should run `fn` as soon as the call is cancelled, rather than keep a
  /// timer alive for the rest of the delay (`fn` then finishes the call as cancelled). The
  /// default waits the whole delay.
  virtual void defer_cancellable(std::chrono::milliseconds delay, std::function<void()> fn,
                                 const std::shared_ptr<Cancellation>& cancellation) {
    (void)cancellation;
    defer(delay, std::move(fn));
  }

  /// Optional, for the client's blocking calls: performs one exchange on the calling thread and
  /// returns its outcome (as send() would pass it to `done`), sparing a sequential caller the
  /// hand-off to another thread and back. std::nullopt, having done nothing: this transport has
  /// no such path, and the client waits on send() instead (the default).
  virtual std::optional<Result<HttpResponse>> send_blocking(const HttpRequest& request) {
    (void)request;
    return std::nullopt;
  }
  /// "libcurl/7.88.1", "fetch"; goes into the User-Agent.
  virtual std::string name() const { return "custom"; }
};

}  // namespace keyscope
