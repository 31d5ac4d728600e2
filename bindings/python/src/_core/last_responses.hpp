#pragma once
// Client.last_response, per thread: the last raw response of the calls each thread made, so
// threads sharing a client never read one another's. Bounded: the 64 threads that called last.
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "keyscope/http.hpp"

namespace keyscope_python {

class LastResponses {
 public:
  void remember(keyscope::HttpResponse response) {
    const std::thread::id me = std::this_thread::get_id();
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == me) {
        entries_.erase(it);
        break;
      }
    }
    entries_.emplace_back(me, std::move(response));
    if (entries_.size() > kThreads) entries_.pop_front();
  }

  std::optional<keyscope::HttpResponse> of_this_thread() const {
    const std::thread::id me = std::this_thread::get_id();
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, response] : entries_) {
      if (id == me) return response;
    }
    return std::nullopt;
  }

 private:
  static constexpr std::size_t kThreads = 64;
  mutable std::mutex mutex_;
  std::list<std::pair<std::thread::id, keyscope::HttpResponse>> entries_;  // least recent first
};

}  // namespace keyscope_python
