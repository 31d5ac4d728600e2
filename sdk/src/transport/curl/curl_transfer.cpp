#include "transport/curl/curl_transfer.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>

#include "core/ascii.hpp"

namespace keyscope::curl {
namespace {

constexpr long kMaxConnectTimeoutMs = 10000;
// Room for a response's headers from the start (the API sends 8 or 9), instead of growing the
// list one reallocation at a time.
constexpr std::size_t kUsualResponseHeaders = 16;

std::size_t on_body_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<CurlTransfer*>(user);
  const std::size_t bytes = size * count;
  std::string& body = transfer.response_body;
  if (bytes > transfer.max_response_bytes - body.size()) {
    transfer.response_too_large = true;
    return 0;  // makes libcurl fail the transfer with CURLE_WRITE_ERROR
  }
  body.append(data, bytes);
  return bytes;
}

std::size_t on_header_line(char* data, std::size_t size, std::size_t count, void* user) {
  auto& headers = static_cast<CurlTransfer*>(user)->response_headers;
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);

  // A status line starts a new header block: interim 1xx responses (and a proxy's CONNECT
  // reply) come before the real one, and only the last block is kept.
  if (istarts_with(line, "HTTP/")) {
    headers.clear();
    return bytes;
  }
  const std::string_view content = trim(line);
  if (content.empty()) return bytes;

  const bool folded_continuation = line.front() == ' ' || line.front() == '\t';
  if (folded_continuation) {
    if (!headers.empty()) headers.back().second.append(" ").append(content);
    return bytes;
  }
  const std::size_t colon = content.find(':');
  if (colon == std::string_view::npos) return bytes;
  headers.emplace_back(std::string(trim(content.substr(0, colon))),
                       std::string(trim(content.substr(colon + 1))));
  return bytes;
}

// Called by libcurl while the transfer runs; a non-zero return aborts it with
// CURLE_ABORTED_BY_CALLBACK.
// `user` is null on a pooled handle between requests (see CurlTransfer::detach).
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return user != nullptr && static_cast<CurlTransfer*>(user)->cancel_requested() ? 1 : 0;
}

bool has_header(const Headers& headers, std::string_view name) {
  return std::any_of(headers.entries().begin(), headers.entries().end(),
                     [&](const Headers::Entry& entry) { return iequals(entry.first, name); });
}

curl_slist* build_header_list(const Headers& headers, bool has_body) {
  curl_slist* list = nullptr;
  std::string line;  // one buffer for every line (curl_slist_append copies it)
  for (const auto& [name, value] : headers.entries()) {
    // "Name:" would make libcurl drop the header; "Name;" sends it with an empty value.
    line.assign(name);
    if (value.empty()) {
      line += ';';
    } else {
      line += ": ";
      line += value;
    }
    curl_slist* extended = curl_slist_append(list, line.c_str());
    if (extended == nullptr) {
      curl_slist_free_all(list);
      return nullptr;
    }
    list = extended;
  }
  // libcurl would send "Expect: 100-continue" for large bodies and wait for the server's
  // interim reply; the API never needs it. (Without a body there is nothing to expect.)
  if (has_body && !has_header(headers, "Expect")) {
    curl_slist* extended = curl_slist_append(list, "Expect:");
    if (extended == nullptr) {
      curl_slist_free_all(list);
      return nullptr;
    }
    list = extended;
  }
  return list;
}

// Every method option is set or cleared, so that a pooled handle configured for an earlier
// request (a POST's body, a HEAD's NOBODY, a custom method) carries none of it over.
CURLcode set_method_and_body(CURL* easy, const HttpRequest& request) {
  const std::string& method = request.method;
  // CURLOPT_POSTFIELDS switches the handle to POST, so it is cleared before HTTPGET, which
  // switches back to GET and clears NOBODY and UPLOAD.
  CURLcode code = curl_easy_setopt(easy, CURLOPT_POSTFIELDS, static_cast<const char*>(nullptr));
  if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{-1});
  if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, static_cast<const char*>(nullptr));
  if (code != CURLE_OK) return code;
  if (method == "GET" && request.body.empty()) return CURLE_OK;
  if (method == "HEAD") return curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);

  const bool sends_body = !request.body.empty() || method == "POST" || method == "PUT" ||
                          method == "PATCH";
  if (sends_body) {
    code = curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                            static_cast<curl_off_t>(request.body.size()));
    if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
  }
  if (code == CURLE_OK && method != "POST") {
    code = curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  return code;
}

}  // namespace

bool has_line_break_or_nul(std::string_view text) {
  // A plain loop: libstdc++'s find_first_of calls memchr over the set for every byte.
  return std::any_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

long total_timeout_ms(const HttpRequest& request) {
  const auto ms = request.timeout.count();
  if (ms <= 0) return 0;
  return static_cast<long>(std::min<decltype(ms)>(ms, std::numeric_limits<long>::max()));
}

long connect_timeout_ms(const HttpRequest& request) {
  const long total = total_timeout_ms(request);
  return total > 0 ? std::min(total, kMaxConnectTimeoutMs) : kMaxConnectTimeoutMs;
}

const std::string* unsafe_header_name(const Headers& headers) {
  for (const auto& [name, value] : headers.entries()) {
    if (has_line_break_or_nul(name) || has_line_break_or_nul(value)) return &name;
  }
  return nullptr;
}

CurlTransfer::~CurlTransfer() { curl_slist_free_all(header_list_); }

long CurlTransfer::read_finished(std::atomic<std::size_t>& connections_opened) {
  long new_connections = 0;
  if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &new_connections) == CURLE_OK && new_connections > 0) {
    connections_opened += static_cast<std::size_t>(new_connections);
  }
  long response_code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response_code);
  curl_easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &proxy_connect_status);
  return response_code;
}

void CurlTransfer::detach() {
  if (easy == nullptr) return;
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, static_cast<const char*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, static_cast<void*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, static_cast<void*>(nullptr));
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, static_cast<void*>(nullptr));
  easy = nullptr;
}

HttpResponse CurlTransfer::take_response(int status) {
  HttpResponse response;
  response.status = status;
  response.headers = Headers(std::move(response_headers));
  response.body = std::move(response_body);
  return response;
}

CURLcode configure_handle(CURL* easy, const CurlTransportOptions& options) {
  CURLcode code = CURLE_OK;
  const auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
  };
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_FOLLOWLOCATION, 0L);  // the client decides what a redirect means
  set(CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode, decoded transparently
  set(CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  set(CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  set(CURLOPT_PROXY_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  set(CURLOPT_PROXY_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_bundle_path.empty()) {
    set(CURLOPT_CAINFO, options.ca_bundle_path.c_str());
    set(CURLOPT_PROXY_CAINFO, options.ca_bundle_path.c_str());
  }
  // Left unset, libcurl reads the proxy environment variables; set, they are overridden.
  if (!options.proxy.empty()) set(CURLOPT_PROXY, options.proxy.c_str());
  if (!options.no_proxy.empty()) set(CURLOPT_NOPROXY, options.no_proxy.c_str());
  // Fails early when Content-Length already announces too much; the write callback
  // enforces the same limit on the decoded body.
  constexpr auto kLargestCurlSize =
      static_cast<std::size_t>(std::numeric_limits<curl_off_t>::max());
  if (options.max_response_bytes <= kLargestCurlSize) {
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes));
  }
  set(CURLOPT_WRITEFUNCTION, on_body_data);
  set(CURLOPT_HEADERFUNCTION, on_header_line);
  set(CURLOPT_NOPROGRESS, 0L);
  set(CURLOPT_XFERINFOFUNCTION, on_progress);
  return code;
}

CURLcode CurlTransfer::configure(CURL* handle, const CurlTransportOptions& options) {
  const CURLcode code = configure_handle(handle, options);
  if (code != CURLE_OK) return code;
  return configure_request(handle, options);
}

CURLcode CurlTransfer::configure_request(CURL* handle, const CurlTransportOptions& options) {
  easy = handle;
  ca_bundle_path = options.ca_bundle_path;
  max_response_bytes = options.max_response_bytes;
  response_headers.reserve(kUsualResponseHeaders);
  header_list_ = build_header_list(request.headers, !request.body.empty());
  if (header_list_ == nullptr && !request.headers.empty()) return CURLE_OUT_OF_MEMORY;

  CURLcode code = CURLE_OK;
  const auto set = [&](CURLoption option, auto value) {
    if (code == CURLE_OK) code = curl_easy_setopt(easy, option, value);
  };
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_HTTPHEADER, header_list_);
  set(CURLOPT_TIMEOUT_MS, total_timeout_ms(request));
  set(CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms(request));
  set(CURLOPT_WRITEDATA, static_cast<void*>(this));
  set(CURLOPT_HEADERDATA, static_cast<void*>(this));
  set(CURLOPT_XFERINFODATA, static_cast<void*>(this));
  if (code != CURLE_OK) return code;
  return set_method_and_body(easy, request);
}

}  // namespace keyscope::curl
