#pragma once
// libcurl transport (native builds): one worker thread driving a curl multi handle, so many
// requests are in flight at once over reused keep-alive connections.
#include <cstddef>
#include <memory>
#include <string>

#include "keyscope/transport.hpp"

namespace keyscope {

struct CurlTransportOptions {
  std::size_t max_concurrent_requests = 16;        // more are queued
  std::size_t max_connections_per_host = 16;
  // A larger body fails as a ConnectionError with code "response_too_large" (not retried).
  std::size_t max_response_bytes = 32u << 20;
  std::string ca_bundle_path;                      // empty: the system's CA store
  bool verify_tls = true;                          // never turn off outside tests
  // Proxies come from the environment (http_proxy, https_proxy, no_proxy) as libcurl reads them.
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlTransportOptions options = {});
  ~CurlTransport() override;  // completes outstanding requests as cancelled, joins the worker
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void send(HttpRequest request, Completion done) override;
  void defer(std::chrono::milliseconds delay, std::function<void()> fn) override;
  std::string name() const override;

  // Connections libcurl opened so far (keep-alive reuse shows as a small number).
  std::size_t connections_opened() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A process-wide default CurlTransport, created on first use.
std::shared_ptr<Transport> default_transport();

}  // namespace keyscope
