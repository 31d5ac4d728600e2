#pragma once
// Client's blocking calls: an async core call waited for with the GIL released, interruptible.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "binding.hpp"
#include "call_set.hpp"

namespace keyscope_python {

template <class T>
struct Pending {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<keyscope::Result<T>> result;
  // The first counts (the key list is in, done 0: a progress bar gets its total before any work)
  // are never coalesced away; after them, the latest counts not yet reported.
  bool first_seen = false;
  std::optional<keyscope::FleetProgressInfo> first;
  std::optional<keyscope::FleetProgressInfo> progress;
};

// Hands the latest fleet counts to the Python callback, on the calling thread (GIL held). An
// exception the callback raises propagates.
template <class T>
void report_progress(Pending<T>& pending, const py::object& on_progress) {
  std::optional<keyscope::FleetProgressInfo> first, latest;
  {
    std::lock_guard<std::mutex> lock(pending.mutex);
    first.swap(pending.first);
    latest.swap(pending.progress);
  }
  if (on_progress.is_none()) return;
  static py::object& make = cached_attr("keyscope._models", "FleetProgress");
  if (first) on_progress(make(first->done, first->total, first->failed));
  if (latest) on_progress(make(latest->done, latest->total, latest->failed));
}

// Takes the GIL back after a wait. Not pybind11's gil_scoped_release: its destructor is noexcept,
// and during finalization CPython ends a (daemon) thread taking the GIL with a forced unwind,
// which must not cross a noexcept frame. Once finalization has begun this thread never takes
// the GIL again: it parks until the process exits.
inline void take_gil_back(PyThreadState* saved) {
  if (!interpreter_usable()) {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  }
  PyEval_RestoreThread(saved);
}

// Starts an async call and waits for it in short slices with the GIL released; between slices,
// with the GIL held, runs Python's signal handlers and, for a fleet, hands the latest counts to
// `on_progress` (on this thread: the transport's thread never runs it). On KeyboardInterrupt,
// or any exception a handler or `on_progress` raises, the call is cancelled and the exception
// propagates. The completion owns the shared state, so a late completion after that is harmless.
// `start(done, call, progress)`: `progress` is the FleetProgress feeding `on_progress`.
template <class T, class Start>
keyscope::Result<T> wait_for(Start start, keyscope::CallOptions call,
                             const std::shared_ptr<CallSet>& client_calls,
                             const py::object& on_progress) {
  auto pending = std::make_shared<Pending<T>>();
  auto cancellation = std::make_shared<keyscope::Cancellation>();
  call.cancellation = cancellation;
  CallRegistration registration(client_calls, cancellation);
  keyscope::FleetProgress progress;
  if (!on_progress.is_none()) {
    progress = [pending](const keyscope::FleetProgressInfo& info) {
      std::lock_guard<std::mutex> lock(pending->mutex);
      (pending->first_seen ? pending->progress : pending->first) = info;
      pending->first_seen = true;
      pending->cv.notify_all();
    };
  }
  PyThreadState* saved = PyEval_SaveThread();
  try {
    start(
        [pending](keyscope::Result<T> result) {
          std::lock_guard<std::mutex> lock(pending->mutex);
          pending->result.emplace(std::move(result));
          pending->cv.notify_all();
        },
        call, std::move(progress));
  } catch (...) {
    PyEval_RestoreThread(saved);
    throw;
  }
  for (;;) {
    bool done = false;
    {
      std::unique_lock<std::mutex> lock(pending->mutex);
      pending->cv.wait_for(lock, std::chrono::milliseconds(50), [&] {
        return pending->result.has_value() || pending->progress.has_value() || pending->first.has_value();
      });
      done = pending->result.has_value();
    }
    take_gil_back(saved);
    try {
      report_progress(*pending, on_progress);  // the final counts come before the result
    } catch (...) {
      cancellation->cancel();
      throw;
    }
    if (done) return std::move(*pending->result);
    if (PyErr_CheckSignals() != 0) {
      cancellation->cancel();
      throw py::error_already_set();
    }
    saved = PyEval_SaveThread();
  }
}

}  // namespace keyscope_python
