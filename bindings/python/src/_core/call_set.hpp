#pragma once
// The cancellations of calls in flight: one set per client (close() cancels them) and one for
// the process (the interpreter's exit hook cancels them).
#include <memory>
#include <mutex>
#include <set>

#include "keyscope/http.hpp"

namespace keyscope_python {

using CancellationPtr = std::shared_ptr<keyscope::Cancellation>;

class CallSet {
 public:
  void add(const CancellationPtr& c) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.insert(c);
  }
  void remove(const CancellationPtr& c) {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.erase(c);
  }
  void cancel_all() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& c : calls_) c->cancel();
  }

 private:
  std::mutex mutex_;
  std::set<CancellationPtr> calls_;
};

inline CallSet& all_calls() {
  static auto* calls = new CallSet();  // never destroyed: the exit hook may run late
  return *calls;
}

// Registers a call's cancellation in its client's set and the process's, until unregistered
// (at the latest when destroyed).
class CallRegistration {
 public:
  CallRegistration(std::shared_ptr<CallSet> client_calls, CancellationPtr c)
      : client_calls_(std::move(client_calls)), c_(std::move(c)) {
    client_calls_->add(c_);
    all_calls().add(c_);
  }
  ~CallRegistration() { unregister(); }
  CallRegistration(const CallRegistration&) = delete;
  CallRegistration& operator=(const CallRegistration&) = delete;

  void unregister() {
    if (!client_calls_) return;
    client_calls_->remove(c_);
    all_calls().remove(c_);
    client_calls_.reset();
  }

 private:
  std::shared_ptr<CallSet> client_calls_;
  CancellationPtr c_;
};

}  // namespace keyscope_python
