#pragma once
// AsyncClient's calls: the core runs a call on the transport's thread and hands its outcome to
// the asyncio loop with loop.call_soon_threadsafe(on_done, call); there, on the loop's thread,
// outcome() turns it into Python objects. No thread per call: the transport's threads drive
// every call in flight. Cancelling (asyncio cancel, Client.close(), interpreter exit) cancels
// the core's call, so its request is abandoned.
#include <functional>
#include <memory>
#include <mutex>

#include "binding.hpp"
#include "call_set.hpp"

namespace keyscope_python {

class AsyncCall : public std::enable_shared_from_this<AsyncCall> {
 public:
  // loop: the asyncio loop; on_done(call); on_progress(done, total, failed) or None. GIL held.
  AsyncCall(py::object loop, py::object on_done, py::object on_progress,
            std::shared_ptr<CallSet> client_calls);
  ~AsyncCall();
  AsyncCall(const AsyncCall&) = delete;
  AsyncCall& operator=(const AsyncCall&) = delete;

  const CancellationPtr& cancellation() const { return cancellation_; }
  void cancel() { cancellation_->cancel(); }
  bool settled() const;

  // On the loop, GIL held: the call's value, or raises its error; None after the first time.
  py::object outcome();

  // The transport's thread, GIL not held.
  void settle(std::function<py::object()> outcome);
  void progress(const keyscope::FleetProgressInfo& info);

 private:
  CancellationPtr cancellation_ = std::make_shared<keyscope::Cancellation>();
  CallRegistration registration_;
  mutable std::mutex mutex_;
  std::function<py::object()> outcome_;  // set by settle(), taken by outcome()
  bool settled_ = false;
  // Touched with the GIL only; let go by settle().
  py::object loop_;
  py::object on_done_;
  py::object on_progress_;
};

void bind_async_call(py::module_& m);

}  // namespace keyscope_python
