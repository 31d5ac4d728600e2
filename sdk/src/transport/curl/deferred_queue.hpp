#pragma once
// Deferred functions ordered by deadline (a min-heap); ties run in the order they were added.
// Not thread-safe: owned by the transport's worker thread.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace keyscope::curl {

class DeferredQueue {
 public:
  using Clock = std::chrono::steady_clock;

  void push(Clock::time_point deadline, std::function<void()> fn) {
    entries_.push_back(Entry{deadline, next_sequence_++, std::move(fn)});
    std::push_heap(entries_.begin(), entries_.end(), runs_later);
  }

  // Time until the earliest deadline (zero when already due), or nothing when empty.
  std::optional<Clock::duration> time_until_next(Clock::time_point now) const {
    if (entries_.empty()) return std::nullopt;
    return std::max(entries_.front().deadline - now, Clock::duration::zero());
  }

  // Removes and returns the functions due at `now`, earliest first.
  std::vector<std::function<void()>> take_due(Clock::time_point now) {
    std::vector<std::function<void()>> due;
    while (!entries_.empty() && entries_.front().deadline <= now) {
      std::pop_heap(entries_.begin(), entries_.end(), runs_later);
      due.push_back(std::move(entries_.back().fn));
      entries_.pop_back();
    }
    return due;
  }

  bool empty() const noexcept { return entries_.empty(); }
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    Clock::time_point deadline;
    std::uint64_t sequence;
    std::function<void()> fn;
  };

  // std::*_heap build a max-heap; "greater" puts the earliest deadline at the front.
  static bool runs_later(const Entry& a, const Entry& b) {
    if (a.deadline != b.deadline) return a.deadline > b.deadline;
    return a.sequence > b.sequence;
  }

  std::vector<Entry> entries_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace keyscope::curl
