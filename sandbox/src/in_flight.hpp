// Counts API requests being handled right now and the most seen at once, so tests can
// assert that a client overlaps its calls without timing anything.
#pragma once
#include <atomic>
#include <cstdint>

namespace sandbox {

class InFlightGauge {
 public:
  class Scope {
   public:
    explicit Scope(InFlightGauge& gauge) : gauge_(gauge) { gauge_.enter(); }
    ~Scope() { gauge_.now_.fetch_sub(1, std::memory_order_relaxed); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    InFlightGauge& gauge_;
  };

  std::uint64_t now() const { return now_.load(std::memory_order_relaxed); }
  std::uint64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  // The peak starts again from what is in flight at this moment.
  void reset_peak() { peak_.store(now(), std::memory_order_relaxed); }

 private:
  void enter() {
    const std::uint64_t current = now_.fetch_add(1, std::memory_order_relaxed) + 1;
    std::uint64_t seen = peak_.load(std::memory_order_relaxed);
    while (current > seen && !peak_.compare_exchange_weak(seen, current, std::memory_order_relaxed)) {
    }
  }

  std::atomic<std::uint64_t> now_{0};
  std::atomic<std::uint64_t> peak_{0};
};

}  // namespace sandbox
