// check_transport_options(): a CA bundle or proxy URL no transfer could use is reported when the
// transport is set up, not as a TLS or connection failure on the first request.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include <curl/curl.h>

#include "core/ascii.hpp"
#include "keyscope/curl_transport.hpp"

namespace keyscope {
namespace {

constexpr std::size_t kMaxBundleBytes = 64u << 20;  // the Mozilla bundle is about 200 KB

std::optional<Error> check_ca_bundle(const std::string& path, const std::string& source) {
  const std::string named =
      "the CA bundle " + path + (source.empty() ? std::string() : " (from " + source + ")");
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return validation_error(named + " cannot be read: " + std::strerror(errno),
                            "invalid_ca_bundle");
  }
  if (!S_ISREG(info.st_mode)) {
    return validation_error(named + " is not a file", "invalid_ca_bundle");
  }
  if (static_cast<std::size_t>(info.st_size) > kMaxBundleBytes) {
    return validation_error(named + " is larger than 64 MB: not a CA bundle", "invalid_ca_bundle");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return validation_error(named + " cannot be read", "invalid_ca_bundle");
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (content.find("-----BEGIN CERTIFICATE-----") == std::string::npos &&
      content.find("-----BEGIN TRUSTED CERTIFICATE-----") == std::string::npos) {
    return validation_error(named + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                            "invalid_ca_bundle");
  }
  return std::nullopt;
}

bool libcurl_has_https_proxy() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  return info != nullptr && (info->features & CURL_VERSION_HTTPS_PROXY) != 0;
}

// libcurl takes "host:port" as an http:// proxy.
std::string with_scheme(const std::string& proxy) {
  return proxy.find("://") == std::string::npos ? "http://" + proxy : proxy;
}

struct ParsedProxy {
  bool ok = false;
  std::string scheme;
  std::string without_credentials;
};

ParsedProxy parse_proxy(const std::string& proxy) {
  ParsedProxy parsed;
  CURLU* url = curl_url();
  if (url == nullptr) return parsed;
  char* scheme = nullptr;
  char* host = nullptr;
  char* shown = nullptr;
  if (curl_url_set(url, CURLUPART_URL, with_scheme(proxy).c_str(), CURLU_NON_SUPPORT_SCHEME) ==
          CURLUE_OK &&
      curl_url_get(url, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      curl_url_get(url, CURLUPART_HOST, &host, 0) == CURLUE_OK && *host != '\0') {
    curl_url_set(url, CURLUPART_USER, nullptr, 0);
    curl_url_set(url, CURLUPART_PASSWORD, nullptr, 0);
    if (curl_url_get(url, CURLUPART_URL, &shown, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
      parsed.ok = true;
      parsed.scheme = scheme;
      for (char& c : parsed.scheme) c = ascii_lower(c);
      parsed.without_credentials = shown;
      // curl_url adds a "/" path the user did not write.
      if (proxy.empty() || proxy.back() != '/') {
        if (!parsed.without_credentials.empty() && parsed.without_credentials.back() == '/') {
          parsed.without_credentials.pop_back();
        }
      }
    }
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(shown);
  curl_url_cleanup(url);
  return parsed;
}

std::optional<Error> check_proxy(const std::string& proxy) {
  if (proxy.find_first_of(std::string_view("\r\n\0 \t", 5)) != std::string::npos) {
    return validation_error("the proxy URL must not contain spaces or control characters",
                            "invalid_proxy");
  }
  const ParsedProxy parsed = parse_proxy(proxy);
  if (!parsed.ok) {
    return validation_error(
        "the proxy URL does not parse: expected http://[user:password@]host:port",
        "invalid_proxy");
  }
  const std::string& scheme = parsed.scheme;
  const bool socks = scheme == "socks4" || scheme == "socks4a" || scheme == "socks5" ||
                     scheme == "socks5h";
  if (scheme != "http" && scheme != "https" && !socks) {
    return validation_error("the proxy " + parsed.without_credentials + " has the scheme " +
                                scheme + ": expected http, https, socks4, socks4a, socks5 or socks5h",
                            "invalid_proxy");
  }
  if (scheme == "https" && !libcurl_has_https_proxy()) {
    return validation_error("this libcurl cannot talk TLS to a proxy: use an http:// proxy URL",
                            "invalid_proxy");
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> check_transport_options(const CurlTransportOptions& options) {
  if (!options.proxy.empty()) {
    if (auto error = check_proxy(options.proxy)) return error;
  }
  if (options.no_proxy.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return validation_error("the no-proxy list must not contain control characters",
                            "invalid_proxy");
  }
  if (!options.verify_tls) return std::nullopt;  // the bundle is not used
  if (!options.ca_bundle_path.empty()) return check_ca_bundle(options.ca_bundle_path, "");
  const CaBundle found = find_ca_bundle();
  if (!found.path.empty()) return check_ca_bundle(found.path, found.source);
  return std::nullopt;
}

std::string proxy_for_message(const std::string& proxy) {
  const ParsedProxy parsed = parse_proxy(proxy);
  return parsed.ok ? parsed.without_credentials : "(a proxy URL that does not parse)";
}

}  // namespace keyscope
