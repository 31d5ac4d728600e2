#include "rate_limit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace sandbox {

namespace {
double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

RateDecision RateLimiter::decide(Window& w, bool count) {
  const double now = now_seconds();
  if (now >= w.start + 60.0) {
    if (!count) {
      // Nothing counted yet: report a fresh window starting now, without opening it.
      RateDecision d;
      d.limit = per_minute_ == 0 ? kUnlimited : per_minute_;
      d.remaining = d.limit;
      d.reset = static_cast<std::int64_t>(std::ceil(now + 60.0));
      return d;
    }
    w.start = now;
    w.used = 0;
  }
  RateDecision d;
  d.limit = per_minute_ == 0 ? kUnlimited : per_minute_;
  const double end = w.start + 60.0;
  d.reset = static_cast<std::int64_t>(std::ceil(end));
  if (count) {
    if (per_minute_ != 0 && w.used >= per_minute_) {
      d.allowed = false;
      d.retry_after = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(end - now)));
    } else {
      ++w.used;
    }
  }
  d.remaining = std::max<std::int64_t>(0, d.limit - w.used);
  return d;
}

RateDecision RateLimiter::consume(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  return decide(windows_[token], true);
}

RateDecision RateLimiter::peek(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  return decide(windows_[token], false);
}

}  // namespace sandbox
