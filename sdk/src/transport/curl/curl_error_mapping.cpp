#include "transport/curl/curl_error_mapping.hpp"

#include <string>

#include "core/ascii.hpp"
#include "keyscope/redact.hpp"
#include "transport/curl/curl_transfer.hpp"

namespace keyscope::curl {
namespace {

struct UrlParts {
  std::string host;
  std::string port;
};

UrlParts host_and_port(const std::string& url) {
  UrlParts parts;
  CURLU* handle = curl_url();
  if (handle == nullptr) return parts;
  if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK) parts.host = host;
    if (curl_url_get(handle, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
      parts.port = port;
    }
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(handle);
  return parts;
}

std::string describe_endpoint(const std::string& url) {
  const UrlParts parts = host_and_port(url);
  if (parts.host.empty()) return "the server";
  return parts.port.empty() ? parts.host : parts.host + ":" + parts.port;
}

// libcurl's own detail (CURLOPT_ERRORBUFFER), falling back to its generic text for the code.
std::string curl_detail(CURLcode code, const CurlTransfer& transfer) {
  const std::string detail = transfer.error_buffer[0] != '\0'
                                 ? std::string(transfer.error_buffer)
                                 : std::string(curl_easy_strerror(code));
  return redact(trim(detail));
}

Error response_too_large_error(const CurlTransfer& transfer, const std::string& where) {
  return connection_error(
      "response larger than " + std::to_string(transfer.max_response_bytes) + " bytes" + where,
      "response_too_large");
}

std::string describe_ca_bundle(const CurlTransfer& transfer) {
  return transfer.ca_bundle_path.empty() ? "libcurl's built-in CA store" : transfer.ca_bundle_path;
}

std::string proxy_status_hint(long status) {
  if (status == 407) return " (proxy authentication required: check the user and password in the proxy URL)";
  if (status == 403) return " (the proxy does not allow this host)";
  return "";
}

bool is_tls_failure(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string describe_request(const HttpRequest& request) {
  return " (" + request.method + " " + url_for_message(request.url) + ")";
}

std::string url_for_message(const std::string& url) {
  std::string shown = url;
  if (CURLU* handle = curl_url()) {
    // Only rebuild URLs that carry user info: everything else is shown as the caller wrote it.
    char* user = nullptr;
    if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
        curl_url_get(handle, CURLUPART_USER, &user, 0) == CURLUE_OK) {
      curl_url_set(handle, CURLUPART_USER, nullptr, 0);
      curl_url_set(handle, CURLUPART_PASSWORD, nullptr, 0);
      char* without_user = nullptr;
      if (curl_url_get(handle, CURLUPART_URL, &without_user, 0) == CURLUE_OK) shown = without_user;
      curl_free(without_user);
    }
    curl_free(user);
    curl_url_cleanup(handle);
  }
  return redact(shown);
}

Error cancelled_error(const HttpRequest& request, std::string_view reason) {
  return transport_error(ErrorKind::cancelled, std::string(reason) + describe_request(request),
                         "cancelled");
}

Error error_for_failed_transfer(CURLcode code, const CurlTransfer& transfer) {
  const HttpRequest& request = transfer.request;
  const std::string where = describe_request(request);
  if (transfer.proxy_connect_status >= 300) {  // whatever the CURLcode, the proxy said no
    return connection_error("the proxy refused the tunnel to " + describe_endpoint(request.url) +
                                " with HTTP " + std::to_string(transfer.proxy_connect_status) +
                                proxy_status_hint(transfer.proxy_connect_status) + where,
                            "proxy_refused");
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: {
      // libcurl's own text says which phase ran out of time.
      const std::string_view detail = transfer.error_buffer;
      const bool while_connecting = istarts_with(detail, "Connection timed out") ||
                                    istarts_with(detail, "Resolving timed out");
      const std::string reason =
          while_connecting
              ? "could not connect to " + describe_endpoint(request.url) + " within " +
                    std::to_string(connect_timeout_ms(request)) + " ms"
              : "no complete response within " + std::to_string(total_timeout_ms(request)) + " ms";
      return transport_error(ErrorKind::timeout, reason + where, "timeout");
    }
    case CURLE_ABORTED_BY_CALLBACK:  // only our progress callback aborts, on cancellation
      return cancelled_error(request, "request cancelled");
    case CURLE_COULDNT_CONNECT:  // libcurl's detail names the proxy when it was the one
      return connection_error("could not connect to " + describe_endpoint(request.url) + where +
                                  ": " + curl_detail(code, transfer),
                              "connection_failed");
    case CURLE_COULDNT_RESOLVE_HOST:
      return connection_error("could not resolve host " + host_and_port(request.url).host + where,
                              "connection_failed");
    case CURLE_COULDNT_RESOLVE_PROXY:
      return connection_error("could not resolve the proxy host" + where + ": " +
                                  curl_detail(code, transfer),
                              "connection_failed");
    case CURLE_SSL_CACERT_BADFILE:
      return connection_error("the CA bundle " + describe_ca_bundle(transfer) +
                                  " cannot be used: " + curl_detail(code, transfer) + where,
                              "invalid_ca_bundle");
    case CURLE_GOT_NOTHING:
      return connection_error("connection closed before a response" + where,
                              "connection_failed");
    case CURLE_PARTIAL_FILE:
      return connection_error("connection closed before the whole response arrived" + where,
                              "connection_failed");
    case CURLE_RECV_ERROR:
      return connection_error("connection failed while receiving the response" + where,
                              "connection_failed");
    case CURLE_SEND_ERROR:
      return connection_error("connection failed while sending the request" + where,
                              "connection_failed");
    case CURLE_FILESIZE_EXCEEDED:  // Content-Length announced too much
      return response_too_large_error(transfer, where);
    case CURLE_WRITE_ERROR:  // our write callback refused more bytes
      if (transfer.response_too_large) return response_too_large_error(transfer, where);
      break;
    default:
      break;
  }
  if (is_tls_failure(code)) {
    return connection_error("TLS failure: " + curl_detail(code, transfer) + where +
                                "; trusted CAs: " + describe_ca_bundle(transfer),
                            "tls_failed");
  }
  return connection_error(curl_detail(code, transfer) + where, "connection_failed");
}

std::optional<Error> refuse_unsafe_request(const HttpRequest& request) {
  std::string part;
  if (has_line_break_or_nul(request.method)) {
    part = "the method";
  } else if (const std::string* header = unsafe_header_name(request.headers)) {
    part = has_line_break_or_nul(*header) ? "a header name" : "header " + *header;
  } else {
    return std::nullopt;
  }
  return transport_error(ErrorKind::validation,
                         part + " contains a line break or NUL" + describe_request(request),
                         "invalid_header");
}

}  // namespace keyscope::curl
