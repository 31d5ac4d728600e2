#pragma once
// Deferred functions ordered by deadline (a min-heap); ties run in the order they were added.
// A function given a Cancellation is due as soon as that is cancelled (a call's retry wait).
// Not thread-safe: owned by the transport's worker thread.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "keyscope/http.hpp"

namespace keyscope::curl {

class DeferredQueue {
 public:
  using Clock = std::chrono::steady_clock;

  void push(Clock::time_point deadline, std::function<void()> fn,
            std::shared_ptr<Cancellation> cancellation = nullptr) {
    if (cancellation) ++cancellable_;
    entries_.push_back(Entry{deadline, next_sequence_++, std::move(fn), std::move(cancellation)});
    std::push_heap(entries_.begin(), entries_.end(), runs_later);
  }

  // Time until the earliest deadline (zero when already due), or nothing when empty.
  std::optional<Clock::duration> time_until_next(Clock::time_point now) const {
    if (entries_.empty()) return std::nullopt;
    return std::max(entries_.front().deadline - now, Clock::duration::zero());
  }

  // Removes and returns the functions due at `now`, earliest first, after those whose
  // cancellation was cancelled (in the order they were added).
  std::vector<std::function<void()>> take_due(Clock::time_point now) {
    std::vector<std::function<void()>> due = take_cancelled();
    while (!entries_.empty() && entries_.front().deadline <= now) {
      std::pop_heap(entries_.begin(), entries_.end(), runs_later);
      if (entries_.back().cancellation) --cancellable_;
      due.push_back(std::move(entries_.back().fn));
      entries_.pop_back();
    }
    return due;
  }

  // Whether some function waits on a Cancellation, a flag without a wake-up: the owner must
  // look at the queue again soon rather than sleep until the next deadline.
  bool watches_cancellation() const noexcept { return cancellable_ > 0; }

  bool empty() const noexcept { return entries_.empty(); }
  void clear() {
    entries_.clear();
    cancellable_ = 0;
  }

 private:
  struct Entry {
    Clock::time_point deadline;
    std::uint64_t sequence;
    std::function<void()> fn;
    std::shared_ptr<Cancellation> cancellation;  // may be null
  };

  std::vector<std::function<void()>> take_cancelled() {
    std::vector<std::function<void()>> cancelled;
    if (cancellable_ == 0) return cancelled;
    const auto first_cancelled = std::partition(entries_.begin(), entries_.end(), [](const Entry& entry) {
      return !(entry.cancellation && entry.cancellation->cancelled());
    });
    if (first_cancelled == entries_.end()) return cancelled;
    std::sort(first_cancelled, entries_.end(),
              [](const Entry& a, const Entry& b) { return a.sequence < b.sequence; });
    for (auto it = first_cancelled; it != entries_.end(); ++it) cancelled.push_back(std::move(it->fn));
    cancellable_ -= static_cast<std::size_t>(entries_.end() - first_cancelled);
    entries_.erase(first_cancelled, entries_.end());
    std::make_heap(entries_.begin(), entries_.end(), runs_later);
    return cancelled;
  }

  // std::*_heap build a max-heap; "greater" puts the earliest deadline at the front.
  static bool runs_later(const Entry& a, const Entry& b) {
    if (a.deadline != b.deadline) return a.deadline > b.deadline;
    return a.sequence > b.sequence;
  }

  std::vector<Entry> entries_;
  std::uint64_t next_sequence_ = 0;
  std::size_t cancellable_ = 0;  // entries with a Cancellation
};

}  // namespace keyscope::curl
