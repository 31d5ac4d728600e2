#pragma once
// The CLI's transport: which CAs it trusts, whether it verifies TLS, which proxy it goes through.
// From --ca-bundle / --insecure / --proxy / --no-proxy, else the environment libcurl and
// keyscope::find_ca_bundle() read (KEYSCOPE_CA_BUNDLE, SSL_CERT_FILE, HTTPS_PROXY, NO_PROXY, ...).
#include <string>
#include <vector>

#include <keyscope/curl_transport.hpp>

#include "args.hpp"

namespace keyscope_cli {

keyscope::CurlTransportOptions transport_options(const GlobalOptions& global);

// Warnings printed whatever --verbose says: TLS verification off, a password on the command line.
std::vector<std::string> network_warnings(const GlobalOptions& global);

// For --verbose: the CAs trusted and the proxy used, and where each came from. No credentials.
std::vector<std::string> describe_network(const GlobalOptions& global,
                                          const keyscope::CurlTransportOptions& options,
                                          const std::string& base_url);

}  // namespace keyscope_cli
