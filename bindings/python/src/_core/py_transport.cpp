// keyscope::Transport implemented by a Python object's send(HttpRequest) -> HttpResponse.
// The async core must never block inside Transport::send, so each exchange runs on one of a few
// worker threads, which take the GIL only for the Python call. defer() uses the same queue.
//
// Lifetime: the workers belong to a registry, not to the transport, and are joined, never left
// to run on their own. shut_down() (Client.close(), or the transport's end) completes every
// queued and in-flight exchange at once as cancelled; a worker still inside a Python send()
// finishes that call, drops its result and exits. At interpreter exit (an atexit hook) every
// transport is shut down and the workers are joined while the GIL is free, so none of them
// touches Python after the interpreter is gone.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "binding.hpp"

namespace keyscope_python {
namespace {

using Clock = std::chrono::steady_clock;

// One exchange: completed exactly once, by the worker that ran it or by shut_down().
class Exchange {
 public:
  Exchange(keyscope::HttpRequest request, keyscope::Transport::Completion done)
      : request_(std::move(request)), done_(std::move(done)),
        deadline_(Clock::now() + request_.timeout) {}

  const keyscope::HttpRequest& request() const { return request_; }
  Clock::time_point deadline() const { return deadline_; }

  void complete(keyscope::Result<keyscope::HttpResponse> result) {
    keyscope::Transport::Completion done;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done.swap(done_);
    }
    if (done) done(std::move(result));
  }

 private:
  keyscope::HttpRequest request_;
  std::mutex mutex_;
  keyscope::Transport::Completion done_;
  Clock::time_point deadline_;
};

// A queued job: an exchange to run, or a deferred function (retry backoff).
struct Job {
  std::shared_ptr<Exchange> exchange;
  std::function<void()> deferred;
};

keyscope::Error shut_down_error() {
  return keyscope::cancelled_error("the client was closed before the request completed");
}

// What the worker threads share with the transport; the last owner may be a worker thread.
struct State {
  std::mutex mutex;
  std::condition_variable cv;
  std::multimap<Clock::time_point, Job> jobs;  // by due time, FIFO on ties
  std::set<std::shared_ptr<Exchange>> running;  // inside a Python send() now
  bool stopping = false;

  py::object target;  // the user's transport (GIL needed to touch it)
  std::string secret;
  std::string name;

  ~State() {
    if (!interpreter_usable()) {
      target.release();  // the interpreter is gone or going: leak rather than crash
      return;
    }
    py::gil_scoped_acquire gil;
    target = py::object();
  }

  // Queues a job; once stopping, answers it at once instead (an exchange as cancelled, a
  // deferred function runs: it is a retry, and its call is over, so it ends without sending).
  void enqueue(Clock::time_point when, Job job) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!stopping) {
        jobs.emplace(when, std::move(job));
        cv.notify_one();
        return;
      }
    }
    settle_unrun(std::move(job));
  }

  static void settle_unrun(Job job) {
    if (job.exchange) job.exchange->complete(shut_down_error());
    else if (job.deferred) job.deferred();
  }

  void shut_down() {
    std::multimap<Clock::time_point, Job> queued;
    std::set<std::shared_ptr<Exchange>> in_flight;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (stopping) return;
      stopping = true;
      queued.swap(jobs);
      in_flight = running;
      cv.notify_all();
    }
    for (const auto& exchange : in_flight) exchange->complete(shut_down_error());
    for (auto& [when, job] : queued) settle_unrun(std::move(job));
  }

  // When the slowest exchange in a Python send() now is due back (its timeout), if any.
  std::optional<Clock::time_point> latest_deadline() {
    std::lock_guard<std::mutex> lock(mutex);
    std::optional<Clock::time_point> latest;
    for (const auto& exchange : running) latest = std::max(latest.value_or(exchange->deadline()), exchange->deadline());
    return latest;
  }

  void run(const std::shared_ptr<Exchange>& exchange) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (stopping) return exchange->complete(shut_down_error());
      running.insert(exchange);
    }
    auto result = this->exchange(exchange->request());
    {
      std::lock_guard<std::mutex> lock(mutex);
      running.erase(exchange);
    }
    exchange->complete(std::move(result));  // a no-op when shut_down() answered it already
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
    if (!interpreter_usable()) return failure(keyscope::ErrorKind::cancelled, "interpreter finalizing");

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

void worker_loop(const std::shared_ptr<State>& state) {
  std::unique_lock<std::mutex> lock(state->mutex);
  for (;;) {
    if (state->stopping) return;  // shut_down() answered every queued job
    if (state->jobs.empty()) {
      state->cv.wait(lock);
      continue;
    }
    auto first = state->jobs.begin();
    if (first->first > Clock::now()) {
      state->cv.wait_until(lock, first->first);
      continue;
    }
    Job job = std::move(first->second);
    state->jobs.erase(first);
    lock.unlock();
    if (job.exchange) state->run(job.exchange);
    else if (job.deferred) job.deferred();
    job = Job();
    lock.lock();
  }
}

// Every worker thread and every live transport's state, for joining and for the exit hook.
class Registry {
 public:
  static Registry& instance() {
    static auto* registry = new Registry();  // never destroyed: workers may outlive statics
    return *registry;
  }

  void start_workers(const std::shared_ptr<State>& state, int count) {
    std::lock_guard<std::mutex> lock(mutex_);
    reap_locked();
    states_.push_back(state);
    for (int i = 0; i < count; ++i) {
      auto worker = std::make_shared<Worker>();
      worker->thread = std::thread([this, shared = state, worker]() mutable {
        worker_loop(shared);
        shared.reset();  // ~State may take the GIL: before `done`, so a join never waits on it
        finished(*worker);
      });
      workers_.push_back(std::move(worker));
    }
  }

  int live_workers() {
    std::lock_guard<std::mutex> lock(mutex_);
    reap_locked();
    return static_cast<int>(workers_.size());
  }

  // Interpreter exit: every transport is shut down (their calls end as cancelled), then the
  // workers are joined, waiting for a Python send() still running up to its own timeout.
  void shut_down_all() {
    std::vector<std::shared_ptr<State>> states;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& weak : states_) {
        if (auto state = weak.lock()) states.push_back(std::move(state));
      }
    }
    Clock::time_point until = Clock::now() + std::chrono::milliseconds(500);
    for (const auto& state : states) {
      state->shut_down();
      if (auto deadline = state->latest_deadline()) until = std::max(until, *deadline + std::chrono::seconds(1));
    }
    states.clear();
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_until(lock, until, [this] {
      return std::all_of(workers_.begin(), workers_.end(), [](const auto& w) { return w->done; });
    });
    reap_locked();
    // A send() that ignores its timeout: leave that thread be rather than hang the exit.
    for (auto& worker : workers_) worker->thread.detach();
    workers_.clear();
  }

 private:
  struct Worker {
    std::thread thread;
    bool done = false;  // guarded by the registry's mutex
  };

  void finished(Worker& worker) {
    std::lock_guard<std::mutex> lock(mutex_);
    worker.done = true;
    cv_.notify_all();
  }

  // Joins the workers that have returned (they are about to end: joining does not wait).
  void reap_locked() {
    for (auto it = workers_.begin(); it != workers_.end();) {
      if ((*it)->done && (*it)->thread.get_id() != std::this_thread::get_id()) {
        (*it)->thread.join();
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
    states_.remove_if([](const std::weak_ptr<State>& weak) { return weak.expired(); });
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::list<std::shared_ptr<Worker>> workers_;
  std::list<std::weak_ptr<State>> states_;
};

class PythonTransport final : public keyscope::Transport {
 public:
  PythonTransport(py::object target, std::string secret, int workers)
      : state_(std::make_shared<State>()) {
    state_->target = std::move(target);
    state_->secret = std::move(secret);
    py::object name = py::getattr(state_->target, "name", py::none());
    state_->name = name.is_none() ? std::string("python:") + py::str(py::type::of(state_->target).attr("__name__")).cast<std::string>()
                                  : py::str(name).cast<std::string>();
    Registry::instance().start_workers(state_, workers);
  }
  ~PythonTransport() override { state_->shut_down(); }

  void send(keyscope::HttpRequest request, Completion done) override {
    state_->enqueue(Clock::now(), Job{std::make_shared<Exchange>(std::move(request), std::move(done)), {}});
  }

  void defer(std::chrono::milliseconds delay, std::function<void()> fn) override {
    state_->enqueue(Clock::now() + delay, Job{nullptr, std::move(fn)});
  }

  std::string name() const override { return state_->name; }

  void shut_down() { state_->shut_down(); }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace

bool interpreter_usable() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsInitialized() && !Py_IsFinalizing();
#else
  return Py_IsInitialized() && !_Py_IsFinalizing();
#endif
}

std::shared_ptr<keyscope::Transport> make_python_transport(py::object target, std::string secret,
                                                           int workers) {
  if (workers < 1) workers = 1;
  if (workers > 64) workers = 64;
  return std::make_shared<PythonTransport>(std::move(target), std::move(secret), workers);
}

void shut_down_python_transport(keyscope::Transport& transport) {
  if (auto* python = dynamic_cast<PythonTransport*>(&transport)) python->shut_down();
}

void bind_python_transport(py::module_& m) {
  m.def("python_transport_workers", [] { return Registry::instance().live_workers(); },
        "Worker threads of Python transports still running (tests).");
  // Registered at import, so it runs before finalization (after non-daemon threads are joined).
  py::module_::import("atexit").attr("register")(py::cpp_function([] {
    py::gil_scoped_release release;  // a worker inside a Python send() needs the GIL to finish
    Registry::instance().shut_down_all();
  }));
}

}  // namespace keyscope_python
