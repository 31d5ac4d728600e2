#include "keyscope/redact.hpp"

#include <cstring>

#include "core/ascii.hpp"

namespace keyscope {
namespace {

constexpr const char* kRedacted = "[redacted]";
constexpr std::size_t kMinSecretLength = 6;

// Characters that end a credential value inside a URL, a cookie header or a log line.
bool ends_value(char c) {
  return c == '&' || c == ';' || c == ' ' || c == ',' || c == '"' || c == '\'' || c == '\n' ||
         c == '\r' || c == '\t' || c == '#' || c == '>' || c == '<' || c == ')';
}

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Replaces the value after every case-insensitive occurrence of `marker`.
std::string redact_after(const std::string& text, std::string_view marker) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (istarts_with(std::string_view(text).substr(i), marker)) {
      // Only a whole parameter name: "api_key=" but not "my_api_key=".
      const bool at_boundary = i == 0 || !is_key_char(text[i - 1]);
      if (at_boundary) {
        out.append(text, i, marker.size());
        i += marker.size();
        std::size_t end = i;
        while (end < text.size() && !ends_value(text[end])) ++end;
        if (end > i) out += kRedacted;
        i = end;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

// sk_live_ABCD1234... -> sk_live_ABCD[redacted]: the prefix identifies the key, the rest is secret.
std::string cut_api_keys(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::string_view rest = std::string_view(text).substr(i);
    if (rest.rfind("sk_live_", 0) == 0 || rest.rfind("sk_test_", 0) == 0) {
      std::size_t end = i + 8;
      while (end < text.size() && is_key_char(text[end])) ++end;
      if (end - (i + 8) > 4) {
        out.append(text, i, 12);
        out += kRedacted;
        i = end;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

// scheme://user:password@host -> scheme://[redacted]@host (a proxy URL in libcurl's messages).
std::string redact_user_info(const std::string& text) {
  const auto ends_authority = [](char c) {
    return c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
           c == '"' || c == '\'' || c == '<' || c == '>' || c == ')';
  };
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  for (std::size_t separator; (separator = text.find("://", i)) != std::string::npos;) {
    const std::size_t start = separator + 3;
    std::size_t end = start;
    while (end < text.size() && !ends_authority(text[end])) ++end;
    out.append(text, i, start - i);
    const std::size_t at = text.find_last_of('@', end == 0 ? 0 : end - 1);
    if (at != std::string::npos && at >= start && at < end) {
      out += kRedacted;
      out.append(text, at, end - at);
    } else {
      out.append(text, start, end - start);
    }
    i = end;
  }
  out.append(text, i, std::string::npos);
  return out;
}

}  // namespace

std::string redact(std::string_view text, std::string_view secret) {
  std::string out(text);
  // A secret of a few characters would match inside ordinary words ("GET" for "T") and garble
  // every line; such a value protects nothing anyway.
  if (secret.size() >= kMinSecretLength) {
    std::size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), kRedacted);
      pos += std::strlen(kRedacted);
    }
  }
  for (const char* marker : {"sb-access-token=", "api_key=", "apikey=", "access_token=",
                             "refresh_token=", "token=", "session=", "password=", "bearer "}) {
    out = redact_after(out, marker);
  }
  return cut_api_keys(redact_user_info(out));
}

Headers redact_headers(const Headers& headers) {
  Headers out;
  for (const auto& [name, value] : headers.entries()) {
    const bool secret = iequals(name, "Cookie") || iequals(name, "Set-Cookie") ||
                        iequals(name, "Authorization") || iequals(name, "Proxy-Authorization") ||
                        iequals(name, "X-API-Key");
    out.add(name, secret ? std::string(kRedacted) : redact(value));
  }
  return out;
}

}  // namespace keyscope
