#pragma once
// One request in flight: the caller's request and completion, the response being received, and
// the libcurl options that tie them to an easy handle. Owned by the worker thread.
#include <cstddef>
#include <atomic>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include "keyscope/curl_transport.hpp"
#include "keyscope/transport.hpp"

namespace keyscope::curl {

// CURLOPT_TIMEOUT_MS for the request (0: none) and the connect timeout, at most 10 s.
long total_timeout_ms(const HttpRequest& request);
long connect_timeout_ms(const HttpRequest& request);

// CR, LF or NUL in a method or header would let it inject further header lines.
bool has_line_break_or_nul(std::string_view text);
// The name of the first header whose name or value has one, or nullptr.
const std::string* unsafe_header_name(const Headers& headers);

// The options that are the same for every request of a transport (protocols, TLS, proxy, size
// limit, callbacks): set once on a handle that keeps them between requests.
CURLcode configure_handle(CURL* easy, const CurlTransportOptions& options);

struct CurlTransfer {
 private:
  HttpRequest owned_request_;  // empty when the request is borrowed; before `request`, which may refer to it

 public:
  CurlTransfer(HttpRequest request, Transport::Completion done)
      : owned_request_(std::move(request)), request(owned_request_), done(std::move(done)) {}
  // A transfer over a request that outlives it (a blocking call's, on the caller's thread): not
  // copied.
  explicit CurlTransfer(const HttpRequest& borrowed) : request(borrowed) {}
  ~CurlTransfer();
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  bool cancel_requested() const {
    return request.cancellation != nullptr && request.cancellation->cancelled();
  }

  // Sets every option of this request on `easy` (a fresh or reset handle). The handle keeps
  // pointers into this object, so the transfer must stay alive while the handle works on it.
  CURLcode configure(CURL* easy, const CurlTransportOptions& options);
  // Only the options that differ between requests (URL, headers, method and body, timeouts, the
  // callbacks' data), on a handle already given configure_handle: each is set or cleared, so
  // nothing of an earlier request on the same handle carries over.
  CURLcode configure_request(CURL* easy, const CurlTransportOptions& options);

  // Takes this transfer's pointers (error buffer, header list, body, callbacks' data) off the
  // handle it was configured on, which outlives it in a pool that keeps options.
  void detach();

  // Once the handle has finished this transfer: its HTTP status (0 when none arrived). Adds the
  // connections it opened to `connections_opened` and keeps the proxy's reply to CONNECT.
  long read_finished(std::atomic<std::size_t>& connections_opened);

  // The response received so far, moved out once the transfer has finished.
  HttpResponse take_response(int status);

  const HttpRequest& request;
  Transport::Completion done;
  CURL* easy = nullptr;
  std::vector<Headers::Entry> response_headers;  // of the last response block only
  std::string response_body;
  std::size_t max_response_bytes = 0;
  bool response_too_large = false;
  std::string ca_bundle_path;  // the CAs trusted, named when verification fails
  long proxy_connect_status = 0;  // the proxy's reply to CONNECT, 0 when there was none
  char error_buffer[CURL_ERROR_SIZE] = {};

 private:
  curl_slist* header_list_ = nullptr;
};

}  // namespace keyscope::curl
