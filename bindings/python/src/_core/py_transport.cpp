// keyscope::Transport implemented by a Python object's send(HttpRequest) -> HttpResponse.
// The async core must never block inside Transport::send, so each exchange runs on one of a few
// worker threads, which take the GIL only for the Python call. defer() uses the same queue.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "binding.hpp"

namespace keyscope_python {
namespace {

using Clock = std::chrono::steady_clock;

struct Queue {
  std::mutex mutex;
  std::condition_variable cv;
  std::multimap<Clock::time_point, std::function<void()>> jobs;  // by due time, FIFO on ties
  bool stopping = false;
};

// What the worker threads share with the transport; the last owner may be a worker thread.
struct State {
  Queue queue;
  py::object target;  // the user's transport (GIL needed to touch it)
  std::string secret;
  std::string name;

  ~State() {
    if (!Py_IsInitialized()) {
      target.release();  // the interpreter is gone: leak rather than crash
      return;
    }
    py::gil_scoped_acquire gil;
    target = py::object();
  }

  keyscope::Result<keyscope::HttpResponse> exchange(const keyscope::HttpRequest& request) {
    auto failure = [&](keyscope::ErrorKind kind, const std::string& message,
                       std::string code = "connection_failed") {
      std::string safe = keyscope::redact(message, secret);
      return keyscope::Result<keyscope::HttpResponse>(
          kind == keyscope::ErrorKind::timeout     ? keyscope::timeout_error(std::move(safe))
          : kind == keyscope::ErrorKind::cancelled ? keyscope::cancelled_error(std::move(safe))
                                                   : keyscope::connection_error(std::move(safe), std::move(code)));
    };
    if (request.cancellation && request.cancellation->cancelled())
      return failure(keyscope::ErrorKind::cancelled, "the call was cancelled");
    if (!Py_IsInitialized()) return failure(keyscope::ErrorKind::cancelled, "interpreter finalizing");

    py::gil_scoped_acquire gil;
    try {
      py::list headers;
      for (const auto& [name, value] : request.headers.entries()) headers.append(py::make_tuple(name, value));
      py::object outcome = cached_attr("keyscope._transport", "_invoke")(
          target, request.method, request.url, headers,
          py::bytes(request.body), request.timeout.count() / 1000.0);
      // ("ok", status, [(name, value), ...], body_bytes) or (kind, message[, code])
      auto tuple = outcome.cast<py::tuple>();
      std::string kind = tuple[0].cast<std::string>();
      if (kind != "ok") {
        auto error_kind = kind == "timeout"     ? keyscope::ErrorKind::timeout
                          : kind == "cancelled" ? keyscope::ErrorKind::cancelled
                                                : keyscope::ErrorKind::connection;
        if (tuple.size() > 2) {
          return failure(error_kind, tuple[1].cast<std::string>(), tuple[2].cast<std::string>());
        }
        return failure(error_kind, tuple[1].cast<std::string>());
      }
      keyscope::HttpResponse response;
      response.status = tuple[1].cast<int>();
      for (auto item : tuple[2].cast<py::list>()) {
        auto pair = item.cast<py::tuple>();
        response.headers.add(pair[0].cast<std::string>(), pair[1].cast<std::string>());
      }
      response.body = tuple[3].cast<std::string>();
      return keyscope::Result<keyscope::HttpResponse>(std::move(response));
    } catch (py::error_already_set& e) {
      std::string what = e.what();
      return failure(keyscope::ErrorKind::connection, "custom transport failed: " + what);
    } catch (const std::exception& e) {
      return failure(keyscope::ErrorKind::connection,
                     std::string("custom transport returned an unusable response: ") + e.what());
    }
  }
};

void worker_loop(std::shared_ptr<State> state) {
  Queue& q = state->queue;
  std::unique_lock<std::mutex> lock(q.mutex);
  for (;;) {
    if (q.stopping && q.jobs.empty()) return;
    if (q.jobs.empty()) {
      q.cv.wait(lock);
      continue;
    }
    auto first = q.jobs.begin();
    if (!q.stopping && first->first > Clock::now()) {
      q.cv.wait_until(lock, first->first);
      continue;
    }
    std::function<void()> job = std::move(first->second);
    q.jobs.erase(first);
    lock.unlock();
    job();
    job = nullptr;
    lock.lock();
  }
}

class PythonTransport final : public keyscope::Transport {
 public:
  PythonTransport(py::object target, std::string secret, int workers)
      : state_(std::make_shared<State>()) {
    state_->target = std::move(target);
    state_->secret = std::move(secret);
    py::object name = py::getattr(state_->target, "name", py::none());
    state_->name = name.is_none() ? std::string("python:") + py::str(py::type::of(state_->target).attr("__name__")).cast<std::string>()
                                  : py::str(name).cast<std::string>();
    for (int i = 0; i < workers; ++i) {
      std::thread(worker_loop, state_).detach();
    }
  }
  ~PythonTransport() override {
    // Outstanding exchanges still run (their completions own the calls); then the workers exit.
    std::lock_guard<std::mutex> lock(state_->queue.mutex);
    state_->queue.stopping = true;
    state_->queue.cv.notify_all();
  }

  void send(keyscope::HttpRequest request, Completion done) override {
    auto state = state_;
    enqueue(Clock::now(), [state, request = std::move(request), done = std::move(done)]() mutable {
      auto result = state->exchange(request);
      done(std::move(result));
    });
  }

  void defer(std::chrono::milliseconds delay, std::function<void()> fn) override {
    enqueue(Clock::now() + delay, std::move(fn));
  }

  std::string name() const override { return state_->name; }

 private:
  void enqueue(Clock::time_point when, std::function<void()> job) {
    std::lock_guard<std::mutex> lock(state_->queue.mutex);
    state_->queue.jobs.emplace(when, std::move(job));
    state_->queue.cv.notify_one();
  }
  std::shared_ptr<State> state_;
};

}  // namespace

std::shared_ptr<keyscope::Transport> make_python_transport(py::object target, std::string secret,
                                                           int workers) {
  if (workers < 1) workers = 1;
  if (workers > 64) workers = 64;
  return std::make_shared<PythonTransport>(std::move(target), std::move(secret), workers);
}

}  // namespace keyscope_python
