#include "keyscope/curl_transport.hpp"

#include <mutex>
#include <thread>

#include <curl/curl.h>

#include "transport/curl/curl_blocking.hpp"
#include "transport/curl/curl_worker.hpp"

namespace keyscope {
namespace {

void ensure_curl_initialized() {
  static std::once_flag once;
  // Never paired with curl_global_cleanup: transports may live until static destruction.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

struct CurlTransport::Impl {
  // Shared with the worker thread so that a transport destroyed from one of its own callbacks
  // (the worker thread) can detach and let the worker finish with the state it still uses.
  std::shared_ptr<curl::CurlWorker> worker;
  std::thread thread;
  std::unique_ptr<curl::CurlBlocking> blocking;
};

CurlTransport::CurlTransport(CurlTransportOptions options) : impl_(std::make_unique<Impl>()) {
  ensure_curl_initialized();
  if (options.ca_bundle_path.empty()) options.ca_bundle_path = find_ca_bundle().path;
  impl_->blocking = std::make_unique<curl::CurlBlocking>(options);
  impl_->worker = std::make_shared<curl::CurlWorker>(std::move(options));
  impl_->thread = std::thread([worker = impl_->worker] { worker->run(); });
}

CurlTransport::~CurlTransport() {
  impl_->worker->request_stop();
  if (impl_->thread.get_id() == std::this_thread::get_id()) {
    impl_->thread.detach();
  } else {
    impl_->thread.join();
  }
}

void CurlTransport::send(HttpRequest request, Completion done) {
  impl_->worker->submit(std::move(request), std::move(done));
}

void CurlTransport::defer(std::chrono::milliseconds delay, std::function<void()> fn) {
  impl_->worker->schedule(delay, std::move(fn));
}

void CurlTransport::defer_cancellable(std::chrono::milliseconds delay, std::function<void()> fn,
                                      const std::shared_ptr<Cancellation>& cancellation) {
  impl_->worker->schedule(delay, std::move(fn), cancellation);
}

std::optional<Result<HttpResponse>> CurlTransport::send_blocking(const HttpRequest& request) {
  return impl_->blocking->perform(request);
}

std::string CurlTransport::name() const {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  return std::string("libcurl/") + (info != nullptr ? info->version : "unknown");
}

std::size_t CurlTransport::connections_opened() const {
  return impl_->worker->connections_opened() + impl_->blocking->connections_opened();
}

std::shared_ptr<Transport> default_transport() {
  static const std::shared_ptr<Transport> instance = std::make_shared<CurlTransport>();
  return instance;
}

}  // namespace keyscope
