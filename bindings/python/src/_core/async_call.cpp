// See async_call.hpp.
#include "async_call.hpp"

namespace keyscope_python {
namespace {

// loop.call_soon_threadsafe(fn, *args); a closed loop (nobody awaits the call any more) is not
// an error. GIL held.
template <class... Args>
void post(const py::object& loop, const py::object& fn, Args&&... args) {
  try {
    loop.attr("call_soon_threadsafe")(fn, std::forward<Args>(args)...);
  } catch (py::error_already_set&) {
    // RuntimeError("Event loop is closed"): the result has nowhere to go.
  }
}

}  // namespace

AsyncCall::AsyncCall(py::object loop, py::object on_done, py::object on_progress,
                     std::shared_ptr<CallSet> client_calls)
    : registration_(std::move(client_calls), cancellation_),
      loop_(std::move(loop)),
      on_done_(std::move(on_done)),
      on_progress_(std::move(on_progress)) {}

AsyncCall::~AsyncCall() {
  if (!loop_ && !on_done_ && !on_progress_) return;
  if (!interpreter_usable()) {  // never settled, and Python is gone or going: leak, don't crash
    loop_.release();
    on_done_.release();
    on_progress_.release();
    return;
  }
  py::gil_scoped_acquire gil;
  loop_ = py::object();
  on_done_ = py::object();
  on_progress_ = py::object();
}

bool AsyncCall::settled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return settled_;
}

py::object AsyncCall::outcome() {
  std::function<py::object()> take;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    take.swap(outcome_);
  }
  if (!take) return py::none();
  return take();
}

void AsyncCall::settle(std::function<py::object()> outcome) {
  registration_.unregister();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    outcome_ = std::move(outcome);
    settled_ = true;
  }
  if (!interpreter_usable()) return;  // the destructor leaks the Python objects
  py::gil_scoped_acquire gil;
  py::object loop = std::move(loop_);
  py::object on_done = std::move(on_done_);
  on_progress_ = py::object();
  if (loop) post(loop, on_done, py::cast(shared_from_this()));
}

void AsyncCall::progress(const keyscope::FleetProgressInfo& info) {
  if (!interpreter_usable()) return;
  py::gil_scoped_acquire gil;
  py::object loop = loop_;
  py::object on_progress = on_progress_;
  if (loop && on_progress && !on_progress.is_none()) {
    post(loop, on_progress, info.done, info.total, info.failed);
  }
}

void bind_async_call(py::module_& m) {
  py::class_<AsyncCall, std::shared_ptr<AsyncCall>>(m, "AsyncCall")
      .def("cancel", &AsyncCall::cancel)
      .def("settled", &AsyncCall::settled)
      .def("outcome", &AsyncCall::outcome);
}

}  // namespace keyscope_python
