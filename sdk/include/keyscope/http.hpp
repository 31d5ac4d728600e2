#pragma once
/// @file
/// Plain HTTP messages exchanged with a Transport.
#include <array>
#include <chrono>
#include <memory>
#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyscope {

/// Ordered header list; lookups are case-insensitive.
class Headers {
 public:
  using Entry = std::pair<std::string, std::string>;
  Headers() = default;
  Headers(std::initializer_list<Entry> entries) : entries_(entries) {}
  /// Takes a whole list at once (a transport's parsed response headers), in its order.
  explicit Headers(std::vector<Entry> entries) : entries_(std::move(entries)) {}

  void add(std::string name, std::string value);
  void set(std::string name, std::string value);  ///< replaces every entry of that name
  std::optional<std::string> get(std::string_view name) const;  ///< first match
  const std::vector<Entry>& entries() const noexcept { return entries_; }
  bool empty() const noexcept { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;
};

/// Lets a caller abandon a call; transports and retry loops check it.
class Cancellation {
 public:
  void cancel() noexcept { cancelled_.store(true); }
  bool cancelled() const noexcept { return cancelled_.load(); }

 private:
  std::atomic<bool> cancelled_{false};
};

/// One request as the client hands it to a Transport.
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  ///< for this attempt
  std::shared_ptr<Cancellation> cancellation;  ///< may be null
};

/// The response headers the client reads: retry waits, rate limits, request ids, redirects.
namespace header {
inline constexpr const char* kRetryAfter = "Retry-After";
inline constexpr const char* kRateLimitLimit = "X-RateLimit-Limit";
inline constexpr const char* kRateLimitRemaining = "X-RateLimit-Remaining";
inline constexpr const char* kRateLimitReset = "X-RateLimit-Reset";
inline constexpr const char* kRequestId = "X-Request-Id";
inline constexpr const char* kLocation = "Location";
}  // namespace header
/// Every header above. A transport that copies headers one by one across a language boundary
/// (the npm package's fetch transport) may copy only these: the client reads no other.
inline constexpr std::array<const char*, 6> kResponseHeadersRead = {
    header::kRetryAfter,  header::kRateLimitLimit, header::kRateLimitRemaining,
    header::kRateLimitReset, header::kRequestId,   header::kLocation};

/// One response as a Transport hands it back (any status).
struct HttpResponse {
  int status = 0;  ///< 0: no response (nothing received yet, or the call failed before one)
  Headers headers;
  std::string body;
};

}  // namespace keyscope
