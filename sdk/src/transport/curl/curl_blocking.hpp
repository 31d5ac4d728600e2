#pragma once
// CurlTransport's blocking path: one exchange performed on the calling thread with an easy handle
// from a pool, for the client's blocking calls. No hand-off to the worker thread and back, which
// on a sequential caller costs two thread wake-ups per request. Each pooled handle keeps its own
// keep-alive connection, DNS and TLS session caches, as a requests.Session does. Thread-safe.
#include <atomic>
#include <cstddef>
#include <mutex>

#include "keyscope/curl_transport.hpp"
#include "transport/curl/curl_easy_pool.hpp"

namespace keyscope::curl {

class CurlBlocking {
 public:
  explicit CurlBlocking(CurlTransportOptions options);

  // Every HTTP status is a success; failures are timeout, connection, cancelled (the request's
  // Cancellation, checked while the transfer runs) or a ValidationError for an unsafe header.
  Result<HttpResponse> perform(const HttpRequest& request);

  std::size_t connections_opened() const noexcept { return connections_opened_.load(); }

 private:
  CURL* acquire(bool* fresh);
  void release(CURL* easy);

  const CurlTransportOptions options_;
  std::mutex mutex_;
  CurlEasyPool pool_;
  std::atomic<std::size_t> connections_opened_{0};
};

}  // namespace keyscope::curl
