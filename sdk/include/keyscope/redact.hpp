#pragma once
/// @file
/// Secret scrubbing for everything the SDK logs or puts in a message.
#include <string>
#include <string_view>

#include "keyscope/http.hpp"

namespace keyscope {

/// Replaces the user information of URLs (`scheme://[redacted]@host`), the values of
/// `sb-access-token=`, `api_key=`, `access_token=`, `token=` and `Bearer`
/// credentials, and cuts full API keys (sk_live_/sk_test_ + more than 4 characters) down to their
/// prefix. `secret`, when given (6 characters or more), is also replaced wherever it appears.
std::string redact(std::string_view text, std::string_view secret = {});

/// Cookie, Set-Cookie, Authorization, Proxy-Authorization and X-API-Key values become "[redacted]".
Headers redact_headers(const Headers& headers);

}  // namespace keyscope
