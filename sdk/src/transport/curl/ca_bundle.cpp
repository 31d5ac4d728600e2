// find_ca_bundle(): the environment's CA bundle, else the system's, for transports given none.
#include <sys/stat.h>

#include <cstdlib>

#include "keyscope/curl_transport.hpp"

namespace keyscope {
namespace {

// In the order of precedence. REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE are read too because
// people behind a corporate CA already have them set for requests and curl.
constexpr const char* kEnvironmentVariables[] = {"KEYSCOPE_CA_BUNDLE", "SSL_CERT_FILE",
                                                 "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"};

// Where distributions keep the bundle of their trusted CAs (the list Go's crypto/x509 searches).
constexpr const char* kSystemBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL 6
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7+
    "/etc/ssl/ca-bundle.pem",                             // openSUSE
    "/etc/pki/tls/cacert.pem",                            // OpenELEC
    "/etc/ssl/cert.pem",                                  // Alpine, macOS, OpenBSD
    "/usr/local/share/certs/ca-root-nss.crt",             // FreeBSD
};

bool is_regular_file(const char* path) {
  struct stat info {};
  return ::stat(path, &info) == 0 && S_ISREG(info.st_mode);
}

}  // namespace

CaBundle find_ca_bundle() {
  for (const char* name : kEnvironmentVariables) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return {value, name};
  }
  for (const char* path : kSystemBundles) {
    if (is_regular_file(path)) return {path, "system"};
  }
  return {};
}

}  // namespace keyscope
