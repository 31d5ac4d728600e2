// Fixed 60-second windows per session token (the window opens at the first
// request after the previous one closed).
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sandbox {

struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;
  std::int64_t reset = 0;        // unix seconds of the window's end
  std::int64_t retry_after = 0;  // seconds to the window's end (>= 1) when refused
};

class RateLimiter {
 public:
  // per_minute == 0 disables limiting (headers still report a large limit).
  explicit RateLimiter(std::int64_t per_minute) : per_minute_(per_minute) {}

  RateDecision consume(const std::string& token);  // counts one request
  RateDecision peek(const std::string& token);     // reports without counting

  static constexpr std::int64_t kUnlimited = 1000000000;

 private:
  struct Window {
    double start = -1e18;  // unix seconds (fractional)
    std::int64_t used = 0;
  };
  RateDecision decide(Window& w, bool count);

  std::int64_t per_minute_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace sandbox
