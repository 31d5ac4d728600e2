#pragma once
/// @file
/// The libcurl transport of native builds (CurlTransport), its options, and how it finds the CA
/// certificates to trust.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "keyscope/error.hpp"
#include "keyscope/transport.hpp"

namespace keyscope {

/// How a CurlTransport connects: concurrency, response size, TLS trust and proxy.
struct CurlTransportOptions {
  std::size_t max_concurrent_requests = 16;        ///< more are queued
  std::size_t max_connections_per_host = 16;
  /// A larger body fails as a ConnectionError with code "response_too_large" (not retried).
  std::size_t max_response_bytes = 32u << 20;
  /// The CA certificates to trust, a PEM file (also for an https:// proxy). Empty: the transport
  /// takes find_ca_bundle()'s choice when it is created.
  std::string ca_bundle_path;
  /// Peer certificate and host name verification. Off, anyone on the network path can read the
  /// session token: only for a throwaway test server, never a default of any front door.
  bool verify_tls = true;
  /// The proxy, "http://[user:password@]host:port" (also https://, socks5h://, ...). Empty:
  /// libcurl reads https_proxy / HTTPS_PROXY (http_proxy for http:// URLs), then all_proxy /
  /// ALL_PROXY from the environment.
  std::string proxy;
  /// Hosts reached without the proxy, comma-separated ("localhost,.corp.example,10.0.0.0/8";
  /// "*" for every host). Empty: no_proxy / NO_PROXY from the environment, which libcurl also
  /// applies to `proxy`.
  std::string no_proxy;
};

/// Where a transport finds the CA certificates it trusts when ca_bundle_path is empty.
struct CaBundle {
  std::string path;    ///< empty: none found, libcurl's built-in default applies
  std::string source;  ///< "KEYSCOPE_CA_BUNDLE", "SSL_CERT_FILE", ..., "system"; empty with path
};

/// First found wins: the environment variables KEYSCOPE_CA_BUNDLE, SSL_CERT_FILE,
/// REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE (set and not empty; the file need not exist, so that a
/// wrong one is reported instead of silently skipped), then the system's bundle: the first
/// existing file of the usual paths of Debian/Ubuntu, Fedora/RHEL, openSUSE, Alpine, FreeBSD and
/// macOS. A libcurl built on one distribution looks only for its own path; this covers the others.
CaBundle find_ca_bundle();

/// Options no transport can work with, as a ValidationError: a CA bundle (ca_bundle_path, else
/// find_ca_bundle()'s from the environment) that is not a readable file with a PEM certificate
/// (code "invalid_ca_bundle"), a proxy URL that does not parse or has a scheme libcurl does not
/// speak (code "invalid_proxy"). Messages never show a proxy's credentials. Front doors check
/// their options with it before creating a CurlTransport, which does not check them again.
std::optional<Error> check_transport_options(const CurlTransportOptions& options);

/// The proxy URL as it may appear in a message or log line: user and password left out.
std::string proxy_for_message(const std::string& proxy);

/// libcurl transport (native builds): one worker thread driving a curl multi handle, so many
/// requests are in flight at once over reused keep-alive connections; blocking calls run on the
/// caller's thread instead (send_blocking).
class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlTransportOptions options = {});
  ~CurlTransport() override;  ///< completes outstanding requests as cancelled, joins the worker
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  void send(HttpRequest request, Completion done) override;
  void defer(std::chrono::milliseconds delay, std::function<void()> fn) override;
  /// The wait ends soon after `cancellation` is cancelled (the worker looks every 20 ms), not
  /// when the delay has passed.
  void defer_cancellable(std::chrono::milliseconds delay, std::function<void()> fn,
                         const std::shared_ptr<Cancellation>& cancellation) override;
  /// On the calling thread, with an easy handle from a pool (each keeps its own keep-alive
  /// connection); the worker thread is not involved.
  std::optional<Result<HttpResponse>> send_blocking(const HttpRequest& request) override;
  std::string name() const override;

  /// Connections libcurl opened so far, both paths (keep-alive reuse shows as a small number).
  std::size_t connections_opened() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// A process-wide default CurlTransport, created on first use.
std::shared_ptr<Transport> default_transport();

}  // namespace keyscope
