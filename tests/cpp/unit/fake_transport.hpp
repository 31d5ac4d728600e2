#pragma once
// A scripted Transport: answers from a queue (or a router), records every request and every
// backoff delay, and runs deferred work at once so retry tests need no real time.
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "keyscope/transport.hpp"

namespace keyscope::testing {

inline HttpResponse response(int status, std::string body, Headers headers = {}) {
  HttpResponse out;
  out.status = status;
  out.body = std::move(body);
  out.headers = std::move(headers);
  return out;
}

inline Error transport_failure(ErrorKind kind, std::string message) {
  Error error;
  error.kind = kind;
  error.message = std::move(message);
  error.code = kind == ErrorKind::timeout ? "timeout" : "connection_failed";
  return error;
}

class FakeTransport : public Transport {
 public:
  std::deque<Result<HttpResponse>> script;
  std::function<Result<HttpResponse>(const HttpRequest&)> router;  // used when script is empty
  std::vector<HttpRequest> requests;
  std::vector<std::chrono::milliseconds> delays;

  void send(HttpRequest request, Completion done) override {
    std::unique_lock<std::mutex> lock(mutex_);
    requests.push_back(request);
    Result<HttpResponse> outcome =
        !script.empty() ? pop() : router ? router(request) : Result<HttpResponse>(response(500, ""));
    lock.unlock();
    done(std::move(outcome));
  }

  void defer(std::chrono::milliseconds delay, std::function<void()> fn) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      delays.push_back(delay);
    }
    fn();
  }

  std::string name() const override { return "fake"; }

 private:
  Result<HttpResponse> pop() {
    Result<HttpResponse> front = std::move(script.front());
    script.pop_front();
    return front;
  }
  std::mutex mutex_;
};

}  // namespace keyscope::testing
