#include "network.hpp"

#include <cstdlib>

namespace keyscope_cli {
namespace {

struct FromEnvironment {
  std::string value;
  std::string variable;
};

// The first of `names` set and not empty.
FromEnvironment first_set(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return {value, name};
  }
  return {};
}

// The proxy variables libcurl reads for the base URL's scheme (only the lowercase http_proxy:
// an HTTP_PROXY may come from a CGI request's Proxy header).
FromEnvironment proxy_from_environment(const std::string& base_url) {
  if (base_url.rfind("https://", 0) == 0) {
    return first_set({"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"});
  }
  return first_set({"http_proxy", "all_proxy", "ALL_PROXY"});
}

bool has_password(const std::string& proxy) {
  const auto scheme_end = proxy.find("://");
  const auto start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const auto at = proxy.find('@', start);
  return at != std::string::npos && proxy.find(':', start) < at;
}

}  // namespace

keyscope::CurlTransportOptions transport_options(const GlobalOptions& global) {
  keyscope::CurlTransportOptions options;
  if (global.ca_bundle) {
    if (global.ca_bundle->empty()) throw UsageError("--ca-bundle needs a file path");
    options.ca_bundle_path = *global.ca_bundle;
  }
  if (global.insecure && global.ca_bundle) {
    throw UsageError("--insecure and --ca-bundle cannot be combined: --insecure trusts any certificate");
  }
  options.verify_tls = !global.insecure;
  if (global.proxy) {
    if (global.proxy->empty()) throw UsageError("--proxy needs a URL such as http://proxy:3128");
    options.proxy = *global.proxy;
  }
  if (global.no_proxy) options.no_proxy = *global.no_proxy;
  return options;
}

std::vector<std::string> network_warnings(const GlobalOptions& global) {
  std::vector<std::string> lines;
  if (global.insecure) {
    lines.push_back(
        "keyscope: warning: --insecure: the server's TLS certificate is not verified; anyone on "
        "the network path can impersonate the server and read your session token");
  }
  if (global.proxy && has_password(*global.proxy)) {
    lines.push_back(
        "keyscope: warning: a password in --proxy is visible to every user of this machine (ps); "
        "set it in HTTPS_PROXY instead");
  }
  return lines;
}

std::vector<std::string> describe_network(const GlobalOptions& global,
                                          const keyscope::CurlTransportOptions& options,
                                          const std::string& base_url) {
  std::vector<std::string> lines;
  if (!options.verify_tls) {
    lines.push_back("keyscope: TLS certificates not verified (--insecure)");
  } else if (!options.ca_bundle_path.empty()) {
    lines.push_back("keyscope: trusting the CAs in " + options.ca_bundle_path + " (--ca-bundle)");
  } else {
    const keyscope::CaBundle found = keyscope::find_ca_bundle();
    lines.push_back(found.path.empty()
                        ? std::string("keyscope: trusting libcurl's built-in CA store")
                        : "keyscope: trusting the CAs in " + found.path + " (" + found.source + ")");
  }
  const FromEnvironment from_env = proxy_from_environment(base_url);
  const std::string proxy = global.proxy ? *global.proxy : from_env.value;
  const std::string proxy_source = global.proxy ? "--proxy" : from_env.variable;
  if (proxy.empty()) {
    lines.push_back("keyscope: no proxy");
  } else {
    const FromEnvironment no_proxy_env = first_set({"no_proxy", "NO_PROXY"});
    const std::string no_proxy = global.no_proxy ? *global.no_proxy : no_proxy_env.value;
    const std::string no_proxy_source = global.no_proxy ? "--no-proxy" : no_proxy_env.variable;
    lines.push_back("keyscope: proxy " + keyscope::proxy_for_message(proxy) + " (" + proxy_source +
                    ")" +
                    (no_proxy.empty() ? std::string()
                                      : ", except for " + no_proxy + " (" + no_proxy_source + ")"));
  }
  return lines;
}

}  // namespace keyscope_cli
