#pragma once
// Turns a failed libcurl transfer into the SDK's error taxonomy: timeout, connection or
// cancelled. Messages name the request (method and redacted URL) but never header values.
#include <optional>
#include <string>
#include <string_view>

#include <curl/curl.h>

#include "keyscope/error.hpp"
#include "keyscope/http.hpp"

namespace keyscope::curl {

struct CurlTransfer;

// An Error with no HTTP status (nothing usable was received).

Error error_for_failed_transfer(CURLcode code, const CurlTransfer& transfer);

// A method or header with a line break or NUL (it could inject header lines): a ValidationError
// naming the part (retrying cannot help), before anything is sent; nullopt for a safe request.
std::optional<Error> refuse_unsafe_request(const HttpRequest& request);

// `reason`: "request cancelled", "transport shut down before the request completed", ...
Error cancelled_error(const HttpRequest& request, std::string_view reason);

// " (GET http://host/path?api_key=[redacted])": the suffix naming a request in messages.
std::string describe_request(const HttpRequest& request);

// The URL as it may appear in a message: no user info, credential query values redacted.
std::string url_for_message(const std::string& url);

}  // namespace keyscope::curl
