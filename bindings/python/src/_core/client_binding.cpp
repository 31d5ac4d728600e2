// keyscope._core.Client: the C++ Client with blocking calls that release the GIL while they wait
// and stay interruptible (Ctrl-C cancels the call and raises KeyboardInterrupt). close() cancels
// the calls in flight; so does interpreter exit, for every client.
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "binding.hpp"
#include "client_logging.hpp"

namespace keyscope_python {
namespace {

using CancellationPtr = std::shared_ptr<keyscope::Cancellation>;

// The cancellations of calls in flight: one set per client (close() cancels them) and one for
// the process (the exit hook cancels them).
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

CallSet& all_calls() {
  static auto* calls = new CallSet();  // never destroyed: the exit hook may run late
  return *calls;
}

// Registers a call's cancellation for its lifetime.
class CallScope {
 public:
  CallScope(CallSet& client_calls, CancellationPtr c) : client_calls_(client_calls), c_(std::move(c)) {
    client_calls_.add(c_);
    all_calls().add(c_);
  }
  ~CallScope() {
    client_calls_.remove(c_);
    all_calls().remove(c_);
  }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  CallSet& client_calls_;
  CancellationPtr c_;
};

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
void take_gil_back(PyThreadState* saved) {
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
keyscope::Result<T> wait_for(Start start, keyscope::CallOptions call, CallSet& client_calls,
                             const py::object& on_progress = py::none()) {
  auto pending = std::make_shared<Pending<T>>();
  auto cancellation = std::make_shared<keyscope::Cancellation>();
  call.cancellation = cancellation;
  CallScope scope(client_calls, cancellation);
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

std::optional<std::chrono::milliseconds> seconds_to_ms(std::optional<double> seconds,
                                                       const char* what) {
  if (!seconds) return std::nullopt;
  if (!std::isfinite(*seconds) || *seconds <= 0 || *seconds > 3600) {
    raise_error(keyscope::validation_error(std::string(what) +
                                           " must be a number of seconds in (0, 3600]"));
  }
  auto ms = static_cast<long long>(std::llround(*seconds * 1000.0));
  if (ms < 1) ms = 1;
  return std::chrono::milliseconds(ms);
}

class PyClient {
 public:
  // ca_bundle, verify_tls, proxy, no_proxy: the libcurl transport's, resolved and checked by
  // keyscope/_network.py and check_network; unused with a Python transport.
  PyClient(const std::string& base_url, const std::string& session_token, double timeout,
           int max_retries, py::object transport, const std::string& user_agent_product,
           int transport_workers, bool strict, const std::string& ca_bundle, bool verify_tls,
           const std::string& proxy, const std::string& no_proxy) {
    keyscope::CurlTransportOptions network;
    network.ca_bundle_path = ca_bundle;
    network.verify_tls = verify_tls;
    network.proxy = proxy;
    network.no_proxy = no_proxy;
    keyscope::ClientOptions options;
    options.strict = strict;
    options.base_url = base_url;
    options.session_token = session_token;
    options.timeout = *seconds_to_ms(timeout, "timeout");
    options.retry.max_retries = max_retries;
    options.user_agent_product = user_agent_product;
    options.log_event = [log = log_](const keyscope::LogEvent& event) { log->emit(event); };
    if (!transport.is_none()) {
      python_transport_ = make_python_transport(transport, session_token, transport_workers);
      options.transport = python_transport_;
    } else {
      options.transport = std::make_shared<keyscope::CurlTransport>(std::move(network));
    }
    auto created = keyscope::Client::create(std::move(options));
    if (!created.ok()) raise_error(created.error());
    client_.emplace(std::move(created).value());
  }

  // Not closed: the last handle on the core may go here, joining the transport's thread, which
  // may be waiting for the GIL to hand over a log record. So the GIL is let go meanwhile.
  ~PyClient() {
    if (!interpreter_usable() || !PyGILState_Check()) return;
    py::gil_scoped_release release;
    client_.reset();
    python_transport_.reset();
  }
  PyClient(const PyClient&) = delete;
  PyClient& operator=(const PyClient&) = delete;

  py::object list_keys(std::optional<double> timeout, std::optional<int> max_retries) {
    keyscope::CallOptions call = call_options(timeout, max_retries);
    keyscope::Client c = client();
    auto result = wait_for<keyscope::KeyList>(
        [&c](keyscope::Callback<keyscope::KeyList> done, keyscope::CallOptions call,
            keyscope::FleetProgress) {
          c.list_keys_async(std::move(done), std::move(call));
        },
        std::move(call), calls_);
    return finish(result, [](const keyscope::KeyList& v) { return to_py(v); });
  }

  // The same call, returned as the codec's canonical JSON text (benchmarks compare the two).
  py::object list_keys_json(std::optional<double> timeout, std::optional<int> max_retries) {
    keyscope::CallOptions call = call_options(timeout, max_retries);
    keyscope::Client c = client();
    auto result = wait_for<keyscope::KeyList>(
        [&c](keyscope::Callback<keyscope::KeyList> done, keyscope::CallOptions call,
            keyscope::FleetProgress) {
          c.list_keys_async(std::move(done), std::move(call));
        },
        std::move(call), calls_);
    return finish(result, [](const keyscope::KeyList& v) {
      return py::object(py::str(keyscope::encode_key_list(v)));
    });
  }

  py::object get_key(const std::string& key_id, std::optional<double> timeout,
                     std::optional<int> max_retries) {
    keyscope::CallOptions call = call_options(timeout, max_retries);
    keyscope::Client c = client();
    auto result = wait_for<keyscope::APIKeyDetails>(
        [&c, &key_id](keyscope::Callback<keyscope::APIKeyDetails> done, keyscope::CallOptions call,
                     keyscope::FleetProgress) {
          c.get_key_async(key_id, std::move(done), std::move(call));
        },
        std::move(call), calls_);
    return finish(result, [](const keyscope::APIKeyDetails& v) { return to_py(v); });
  }

  py::object get_usage(const std::string& key_id, int days, std::optional<double> timeout,
                       std::optional<int> max_retries, bool as_json) {
    keyscope::CallOptions call = call_options(timeout, max_retries);
    keyscope::Client c = client();
    auto result = wait_for<keyscope::KeyUsage>(
        [&c, &key_id, days](keyscope::Callback<keyscope::KeyUsage> done, keyscope::CallOptions call,
                                        keyscope::FleetProgress) {
          c.get_usage_async(key_id, days, std::move(done), std::move(call));
        },
        std::move(call), calls_);
    if (as_json) {
      return finish(result, [](const keyscope::KeyUsage& v) {
        return py::object(py::str(keyscope::encode_key_usage(v)));
      });
    }
    return finish(result, [](const keyscope::KeyUsage& v) { return to_py(v); });
  }

  // (keys, usages, window_days, analytics_input_json, errors). errors: a tuple of
  // (key_id, exception instance) when collect_errors (the keys that failed are left out of the
  // analytics input, so the helpers report only the keys that answered), else always empty.
  py::object fetch_fleet(int days, int concurrency, std::optional<double> timeout,
                         std::optional<int> max_retries, bool collect_errors,
                         const py::object& on_progress) {
    const keyscope::FleetErrors mode =
        collect_errors ? keyscope::FleetErrors::collect : keyscope::FleetErrors::cancel_on_first;
    keyscope::CallOptions call = call_options(timeout, max_retries);
    keyscope::Client c = client();
    auto result = wait_for<keyscope::Fleet>(
        [&c, days, concurrency, mode](keyscope::Callback<keyscope::Fleet> done,
                                      keyscope::CallOptions call, keyscope::FleetProgress progress) {
          c.fetch_fleet_async(days, concurrency, std::move(done), std::move(call),
                              std::move(progress), mode);
        },
        std::move(call), calls_, on_progress);
    return finish(result, [](const keyscope::Fleet& fleet) {
      py::tuple keys(fleet.keys.size());
      for (std::size_t i = 0; i < fleet.keys.size(); ++i) keys[i] = to_py(fleet.keys[i]);
      py::tuple usages(fleet.usages.size());
      for (std::size_t i = 0; i < fleet.usages.size(); ++i) usages[i] = to_py(fleet.usages[i]);
      py::tuple errors(fleet.errors.size());
      for (std::size_t i = 0; i < fleet.errors.size(); ++i) {
        errors[i] = py::make_tuple(fleet.errors[i].key_id, make_exception(fleet.errors[i].error));
      }
      auto failed = [&fleet](const std::string& id) {
        for (const auto& e : fleet.errors) {
          if (e.key_id == id) return true;
        }
        return false;
      };
      std::string input = "{\"keys\":[";
      bool first = true;
      for (const auto& key : fleet.keys) {
        if (failed(key.id)) continue;
        if (!first) input += ',';
        first = false;
        input += keyscope::encode_key_info_object(key);
      }
      input += "],\"usages\":[";
      for (std::size_t i = 0; i < fleet.usages.size(); ++i) {
        if (i) input += ',';
        input += keyscope::encode_key_usage_object(fleet.usages[i]);
      }
      input += "]}";
      return py::object(py::make_tuple(keys, usages, fleet.window_days, input, errors));
    });
  }

  py::object rate_limit() const {
    const keyscope::Client c = client();
    keyscope::RateLimit value;
    {
      py::gil_scoped_release release;
      value = c.rate_limit();
    }
    return to_py(value);
  }

  py::object last_response() const {
    std::lock_guard<std::mutex> lock(raw_mutex_);
    if (!last_raw_) return py::none();
    return response_to_py(*last_raw_);
  }

  std::string user_agent() const { return client().user_agent(); }
  std::string base_url() const { return client().options().base_url; }
  double timeout() const { return client().options().timeout.count() / 1000.0; }
  int max_retries() const { return client().options().retry.max_retries; }
  bool strict() const { return client().options().strict; }
  std::string transport_name() const {
    const keyscope::Client c = client();
    return c.options().transport ? c.options().transport->name() : "";
  }

  // Ends the calls in flight (they raise CancelledError) and releases the client. A Python
  // transport's exchanges end at once, even inside a slow send(); libcurl's within ~20 ms.
  void close() {
    std::optional<keyscope::Client> closing;
    {
      std::lock_guard<std::mutex> lock(client_mutex_);
      closing.swap(client_);
    }
    if (!closing) return;
    py::gil_scoped_release release;  // completions and a Python transport's workers run freely
    calls_.cancel_all();
    if (python_transport_) shut_down_python_transport(*python_transport_);
    closing.reset();
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(client_mutex_);
    return !client_;
  }

 private:
  // A handle on the client (the C++ Client is a shared handle), so that close() on another
  // thread never pulls it from under a call.
  keyscope::Client client() const {
    std::unique_lock<std::mutex> lock(client_mutex_);
    if (!client_) {
      lock.unlock();
      raise_error(keyscope::validation_error("the client is closed", "client_closed"));
    }
    return *client_;
  }

  keyscope::CallOptions call_options(std::optional<double> timeout,
                                     std::optional<int> max_retries) const {
    log_->refresh();
    keyscope::CallOptions call;
    call.timeout = seconds_to_ms(timeout, "timeout");
    if (max_retries) {
      if (auto error = keyscope::validate_max_retries(*max_retries)) raise_error(*error);
      call.max_retries = *max_retries;
    }
    return call;
  }

  template <class T, class Convert>
  py::object finish(const keyscope::Result<T>& result, Convert convert) {
    if (result.raw().status != 0 || !result.ok()) {  // fetch_fleet's own result has no response
      std::lock_guard<std::mutex> lock(raw_mutex_);
      last_raw_ = result.raw();
    }
    if (!result.ok()) raise_error(result.error());
    return convert(result.value());
  }

  std::shared_ptr<PythonLog> log_ = std::make_shared<PythonLog>();
  mutable std::mutex client_mutex_;
  std::optional<keyscope::Client> client_;
  std::shared_ptr<keyscope::Transport> python_transport_;  // null with libcurl
  CallSet calls_;
  mutable std::mutex raw_mutex_;
  std::optional<keyscope::HttpResponse> last_raw_;
};

}  // namespace

void bind_client(py::module_& m) {
  // Interpreter exit: calls still in flight (in daemon threads) end as cancelled.
  py::module_::import("atexit").attr("register")(py::cpp_function([] { all_calls().cancel_all(); }));
  py::class_<PyClient>(m, "Client")
      .def(py::init<const std::string&, const std::string&, double, int, py::object,
                    const std::string&, int, bool, const std::string&, bool, const std::string&,
                    const std::string&>(),
           py::arg("base_url"), py::arg("session_token"), py::arg("timeout"),
           py::arg("max_retries"), py::arg("transport"), py::arg("user_agent_product"),
           py::arg("transport_workers"), py::arg("strict") = false,
           py::arg("ca_bundle") = std::string(), py::arg("verify_tls") = true,
           py::arg("proxy") = std::string(), py::arg("no_proxy") = std::string())
      .def("list_keys", &PyClient::list_keys, py::arg("timeout"), py::arg("max_retries"))
      .def("list_keys_json", &PyClient::list_keys_json, py::arg("timeout"), py::arg("max_retries"))
      .def("get_key", &PyClient::get_key, py::arg("key_id"), py::arg("timeout"), py::arg("max_retries"))
      .def("get_usage", &PyClient::get_usage, py::arg("key_id"), py::arg("days"),
           py::arg("timeout"), py::arg("max_retries"), py::arg("as_json") = false)
      .def("fetch_fleet", &PyClient::fetch_fleet, py::arg("days"), py::arg("concurrency"),
           py::arg("timeout"), py::arg("max_retries"), py::arg("collect_errors") = false,
           py::arg("on_progress") = py::none())
      .def("rate_limit", &PyClient::rate_limit)
      .def("last_response", &PyClient::last_response)
      .def("user_agent", &PyClient::user_agent)
      .def("base_url", &PyClient::base_url)
      .def("timeout", &PyClient::timeout)
      .def("max_retries", &PyClient::max_retries)
      .def("strict", &PyClient::strict)
      .def("transport_name", &PyClient::transport_name)
      .def("close", &PyClient::close)
      .def("closed", &PyClient::closed);
}

}  // namespace keyscope_python
