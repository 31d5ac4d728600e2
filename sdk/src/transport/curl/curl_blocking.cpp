#include "transport/curl/curl_blocking.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "transport/curl/curl_error_mapping.hpp"
#include "transport/curl/curl_transfer.hpp"

namespace keyscope::curl {

// Idle handles kept: one per thread that makes blocking calls at the same time, as the worker
// keeps one per concurrent transfer.
CurlBlocking::CurlBlocking(CurlTransportOptions options)
    : options_(std::move(options)),
      pool_(std::max<std::size_t>(options_.max_concurrent_requests, 1), CurlEasyPool::Reset::never) {}

CURL* CurlBlocking::acquire(bool* fresh) {
  std::lock_guard<std::mutex> lock(mutex_);
  return pool_.acquire(fresh);
}

void CurlBlocking::release(CURL* easy) {
  std::lock_guard<std::mutex> lock(mutex_);
  pool_.release(easy);
}

Result<HttpResponse> CurlBlocking::perform(const HttpRequest& request) {
  if (std::optional<Error> refused = refuse_unsafe_request(request)) return std::move(*refused);
  if (request.cancellation && request.cancellation->cancelled()) {
    return cancelled_error(request, "request cancelled");
  }
  bool fresh = false;
  CURL* easy = acquire(&fresh);
  if (easy == nullptr) {
    return transport_error(ErrorKind::connection,
                           "could not allocate a libcurl handle" + describe_request(request),
                           "connection_failed");
  }
  CurlTransfer transfer(request);
  // The pool keeps each handle's transport-wide options: only a new one needs them.
  CURLcode code = fresh ? configure_handle(easy, options_) : CURLE_OK;
  if (code == CURLE_OK) code = transfer.configure_request(easy, options_);
  if (code != CURLE_OK) {
    // Half configured: not worth keeping.
    transfer.easy = nullptr;
    curl_easy_cleanup(easy);
    return error_for_failed_transfer(code, transfer);
  }
  code = curl_easy_perform(easy);
  const long response_code = transfer.read_finished(connections_opened_);
  transfer.detach();
  release(easy);
  if (code != CURLE_OK) return error_for_failed_transfer(code, transfer);
  return transfer.take_response(static_cast<int>(response_code));
}

}  // namespace keyscope::curl
