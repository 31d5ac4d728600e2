// keyscope._core.Client: the C++ Client for keyscope.Client and keyscope.AsyncClient.
// Blocking calls release the GIL while they wait and stay interruptible (Ctrl-C cancels the call
// and raises KeyboardInterrupt); start_* calls return at once and hand their outcome to an
// asyncio loop (async_call.hpp). close() cancels the calls in flight; so does interpreter exit,
// for every client.
#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>

#include "async_call.hpp"
#include "binding.hpp"
#include "blocking_call.hpp"
#include "call_set.hpp"
#include "client_logging.hpp"
#include "last_responses.hpp"

namespace keyscope_python {
namespace {

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

// The value of a call's result as Python objects (or its error raised), after remembering its
// response as the calling thread's last one. With `raw_elapsed` (with_raw_response): the tuple
// (value, keyscope.Response, elapsed seconds). GIL held.
template <class T, class Convert>
py::object finish(const keyscope::Result<T>& result, const Convert& convert, LastResponses& last,
                  std::optional<double> raw_elapsed) {
  if (result.raw().status != 0 || !result.ok()) last.remember(result.raw());  // a fleet's own result has none
  if (!result.ok()) raise_error(result.error());
  py::object value = convert(result.value());
  if (!raw_elapsed) return value;
  return py::make_tuple(value, response_to_py(result.raw()), *raw_elapsed);
}

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

py::object key_list_to_py(const keyscope::KeyList& v) { return to_py(v); }
py::object key_details_to_py(const keyscope::APIKeyDetails& v) { return to_py(v); }
py::object key_usage_to_py(const keyscope::KeyUsage& v) { return to_py(v); }

// (keys, usages, window_days, analytics_input_json, errors, date). errors: a tuple of
// (key_id, exception instance) when errors are collected (the keys that failed are left out of
// the analytics input, so the helpers report only the keys that answered), else empty. date:
// the key list's Date header (the API's clock) or None.
py::object fleet_to_py(const keyscope::Fleet& fleet, const keyscope::HttpResponse& list_raw) {
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
  py::object date = py::none();
  if (auto header = list_raw.headers.get("Date")) date = py::str(*header);
  return py::make_tuple(keys, usages, fleet.window_days, input, errors, date);
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
  // may be waiting for the GIL to hand over a log record or an async outcome. So the GIL is let
  // go meanwhile.
  ~PyClient() {
    if (!interpreter_usable() || !PyGILState_Check()) return;
    py::gil_scoped_release release;
    client_.reset();
    python_transport_.reset();
  }
  PyClient(const PyClient&) = delete;
  PyClient& operator=(const PyClient&) = delete;

  // -- blocking calls (keyscope.Client) ------------------------------------------------------
  py::object list_keys(std::optional<double> timeout, std::optional<int> max_retries, bool with_raw) {
    return blocking<keyscope::KeyList>(list_keys_start(), timeout, max_retries, key_list_to_py, with_raw);
  }

  // The same call, returned as the codec's canonical JSON text (benchmarks compare the two).
  py::object list_keys_json(std::optional<double> timeout, std::optional<int> max_retries) {
    return blocking<keyscope::KeyList>(
        list_keys_start(), timeout, max_retries,
        [](const keyscope::KeyList& v) { return py::object(py::str(keyscope::encode_key_list(v))); },
        false);
  }

  py::object get_key(const std::string& key_id, std::optional<double> timeout,
                     std::optional<int> max_retries, bool with_raw) {
    return blocking<keyscope::APIKeyDetails>(get_key_start(key_id), timeout, max_retries,
                                             key_details_to_py, with_raw);
  }

  py::object get_usage(const std::string& key_id, int days, std::optional<double> timeout,
                       std::optional<int> max_retries, bool as_json, bool with_raw) {
    if (as_json) {
      return blocking<keyscope::KeyUsage>(
          get_usage_start(key_id, days), timeout, max_retries,
          [](const keyscope::KeyUsage& v) { return py::object(py::str(keyscope::encode_key_usage(v))); },
          false);
    }
    return blocking<keyscope::KeyUsage>(get_usage_start(key_id, days), timeout, max_retries,
                                        key_usage_to_py, with_raw);
  }

  // See fleet_to_py. on_progress(keyscope.FleetProgress) runs on this thread between waits.
  py::object fetch_fleet(int days, int concurrency, std::optional<double> timeout,
                         std::optional<int> max_retries, bool collect_errors,
                         const py::object& on_progress) {
    keyscope::CallOptions call = call_options(timeout, max_retries);
    keyscope::Client c = client();
    auto result = wait_for<keyscope::Fleet>(fleet_start(c, days, concurrency, collect_errors),
                                            std::move(call), calls_, on_progress);
    return finish(result, [&result](const keyscope::Fleet& f) { return fleet_to_py(f, result.raw()); },
                  *last_, std::nullopt);
  }

  // -- calls handed to an asyncio loop (keyscope.AsyncClient) ---------------------------------
  std::shared_ptr<AsyncCall> start_list_keys(std::optional<double> timeout, std::optional<int> max_retries,
                                             bool with_raw, py::object loop, py::object on_done) {
    return start<keyscope::KeyList>(list_keys_start(), timeout, max_retries, key_list_to_py, with_raw,
                                    std::move(loop), std::move(on_done), py::none());
  }

  std::shared_ptr<AsyncCall> start_get_key(const std::string& key_id, std::optional<double> timeout,
                                           std::optional<int> max_retries, bool with_raw,
                                           py::object loop, py::object on_done) {
    return start<keyscope::APIKeyDetails>(get_key_start(key_id), timeout, max_retries,
                                          key_details_to_py, with_raw, std::move(loop),
                                          std::move(on_done), py::none());
  }

  std::shared_ptr<AsyncCall> start_get_usage(const std::string& key_id, int days,
                                             std::optional<double> timeout,
                                             std::optional<int> max_retries, bool with_raw,
                                             py::object loop, py::object on_done) {
    return start<keyscope::KeyUsage>(get_usage_start(key_id, days), timeout, max_retries,
                                     key_usage_to_py, with_raw, std::move(loop),
                                     std::move(on_done), py::none());
  }

  // on_progress(done, total, failed) is called on the loop.
  std::shared_ptr<AsyncCall> start_fetch_fleet(int days, int concurrency, std::optional<double> timeout,
                                               std::optional<int> max_retries, bool collect_errors,
                                               py::object loop, py::object on_done,
                                               py::object on_progress) {
    keyscope::CallOptions call = call_options(timeout, max_retries);
    keyscope::Client c = client();
    auto async_call = std::make_shared<AsyncCall>(std::move(loop), std::move(on_done),
                                                  on_progress, calls_);
    call.cancellation = async_call->cancellation();
    keyscope::FleetProgress progress;
    if (!on_progress.is_none()) {
      progress = [async_call](const keyscope::FleetProgressInfo& info) { async_call->progress(info); };
    }
    auto last = last_;
    auto begin = fleet_start(c, days, concurrency, collect_errors);
    py::gil_scoped_release release;  // a completion that comes at once takes the GIL itself
    begin(
        [async_call, last](keyscope::Result<keyscope::Fleet> result) {
          auto held = std::make_shared<keyscope::Result<keyscope::Fleet>>(std::move(result));
          async_call->settle([held, last] {
            return finish(*held, [&held](const keyscope::Fleet& f) { return fleet_to_py(f, held->raw()); },
                          *last, std::nullopt);
          });
        },
        std::move(call), std::move(progress));
    return async_call;
  }

  // -- state ---------------------------------------------------------------------------------
  py::object rate_limit() const {
    const keyscope::Client c = client();
    keyscope::RateLimit value;
    {
      py::gil_scoped_release release;
      value = c.rate_limit();
    }
    return to_py(value);
  }

  // The last response of the calls this thread made.
  py::object last_response() const {
    std::optional<keyscope::HttpResponse> raw = last_->of_this_thread();
    if (!raw) return py::none();
    return response_to_py(*raw);
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
    calls_->cancel_all();
    if (python_transport_) shut_down_python_transport(*python_transport_);
    closing.reset();
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(client_mutex_);
    return !client_;
  }

 private:
  template <class T>
  using Start = std::function<void(keyscope::Callback<T>, keyscope::CallOptions, keyscope::FleetProgress)>;

  // How each endpoint starts on a handle of the core (copied into the start function, so a
  // close() on another thread never pulls it from under a call).
  Start<keyscope::KeyList> list_keys_start() const {
    return [c = client()](keyscope::Callback<keyscope::KeyList> done, keyscope::CallOptions call,
                          keyscope::FleetProgress) { c.list_keys_async(std::move(done), std::move(call)); };
  }
  Start<keyscope::APIKeyDetails> get_key_start(const std::string& key_id) const {
    return [c = client(), key_id](keyscope::Callback<keyscope::APIKeyDetails> done,
                                  keyscope::CallOptions call, keyscope::FleetProgress) {
      c.get_key_async(key_id, std::move(done), std::move(call));
    };
  }
  Start<keyscope::KeyUsage> get_usage_start(const std::string& key_id, int days) const {
    return [c = client(), key_id, days](keyscope::Callback<keyscope::KeyUsage> done,
                                        keyscope::CallOptions call, keyscope::FleetProgress) {
      c.get_usage_async(key_id, days, std::move(done), std::move(call));
    };
  }
  static Start<keyscope::Fleet> fleet_start(const keyscope::Client& c, int days, int concurrency,
                                            bool collect_errors) {
    const keyscope::FleetErrors mode =
        collect_errors ? keyscope::FleetErrors::collect : keyscope::FleetErrors::cancel_on_first;
    return [c, days, concurrency, mode](keyscope::Callback<keyscope::Fleet> done,
                                        keyscope::CallOptions call, keyscope::FleetProgress progress) {
      c.fetch_fleet_async(days, concurrency, std::move(done), std::move(call), std::move(progress), mode);
    };
  }

  template <class T, class Convert>
  py::object blocking(const Start<T>& begin, std::optional<double> timeout,
                      std::optional<int> max_retries, const Convert& convert, bool with_raw) {
    keyscope::CallOptions call = call_options(timeout, max_retries);
    const auto started = std::chrono::steady_clock::now();
    auto result = wait_for<T>(begin, std::move(call), calls_, py::none());
    std::optional<double> elapsed;
    if (with_raw) elapsed = seconds_since(started);
    return finish(result, convert, *last_, elapsed);
  }

  template <class T, class Convert>
  std::shared_ptr<AsyncCall> start(const Start<T>& begin, std::optional<double> timeout,
                                   std::optional<int> max_retries, Convert convert, bool with_raw,
                                   py::object loop, py::object on_done, py::object on_progress) {
    keyscope::CallOptions call = call_options(timeout, max_retries);
    auto async_call = std::make_shared<AsyncCall>(std::move(loop), std::move(on_done),
                                                  std::move(on_progress), calls_);
    call.cancellation = async_call->cancellation();
    auto last = last_;
    const auto started = std::chrono::steady_clock::now();
    py::gil_scoped_release release;  // a completion that comes at once takes the GIL itself
    begin(
        [async_call, last, convert, with_raw, started](keyscope::Result<T> result) {
          std::optional<double> elapsed;
          if (with_raw) elapsed = seconds_since(started);
          auto held = std::make_shared<keyscope::Result<T>>(std::move(result));
          async_call->settle([held, last, convert, elapsed] { return finish(*held, convert, *last, elapsed); });
        },
        std::move(call), {});
    return async_call;
  }

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

  std::shared_ptr<PythonLog> log_ = std::make_shared<PythonLog>();
  mutable std::mutex client_mutex_;
  std::optional<keyscope::Client> client_;
  std::shared_ptr<keyscope::Transport> python_transport_;  // null with libcurl
  std::shared_ptr<CallSet> calls_ = std::make_shared<CallSet>();
  std::shared_ptr<LastResponses> last_ = std::make_shared<LastResponses>();
};

}  // namespace

void bind_client(py::module_& m) {
  // Interpreter exit: calls still in flight (in daemon threads, or awaited on a loop) end as
  // cancelled.
  py::module_::import("atexit").attr("register")(py::cpp_function([] { all_calls().cancel_all(); }));
  bind_async_call(m);
  py::class_<PyClient>(m, "Client")
      .def(py::init<const std::string&, const std::string&, double, int, py::object,
                    const std::string&, int, bool, const std::string&, bool, const std::string&,
                    const std::string&>(),
           py::arg("base_url"), py::arg("session_token"), py::arg("timeout"),
           py::arg("max_retries"), py::arg("transport"), py::arg("user_agent_product"),
           py::arg("transport_workers"), py::arg("strict") = false,
           py::arg("ca_bundle") = std::string(), py::arg("verify_tls") = true,
           py::arg("proxy") = std::string(), py::arg("no_proxy") = std::string())
      .def("list_keys", &PyClient::list_keys, py::arg("timeout"), py::arg("max_retries"),
           py::arg("with_raw") = false)
      .def("list_keys_json", &PyClient::list_keys_json, py::arg("timeout"), py::arg("max_retries"))
      .def("get_key", &PyClient::get_key, py::arg("key_id"), py::arg("timeout"),
           py::arg("max_retries"), py::arg("with_raw") = false)
      .def("get_usage", &PyClient::get_usage, py::arg("key_id"), py::arg("days"),
           py::arg("timeout"), py::arg("max_retries"), py::arg("as_json") = false,
           py::arg("with_raw") = false)
      .def("fetch_fleet", &PyClient::fetch_fleet, py::arg("days"), py::arg("concurrency"),
           py::arg("timeout"), py::arg("max_retries"), py::arg("collect_errors") = false,
           py::arg("on_progress") = py::none())
      .def("start_list_keys", &PyClient::start_list_keys, py::arg("timeout"),
           py::arg("max_retries"), py::arg("with_raw"), py::arg("loop"), py::arg("on_done"))
      .def("start_get_key", &PyClient::start_get_key, py::arg("key_id"), py::arg("timeout"),
           py::arg("max_retries"), py::arg("with_raw"), py::arg("loop"), py::arg("on_done"))
      .def("start_get_usage", &PyClient::start_get_usage, py::arg("key_id"), py::arg("days"),
           py::arg("timeout"), py::arg("max_retries"), py::arg("with_raw"), py::arg("loop"),
           py::arg("on_done"))
      .def("start_fetch_fleet", &PyClient::start_fetch_fleet, py::arg("days"),
           py::arg("concurrency"), py::arg("timeout"), py::arg("max_retries"),
           py::arg("collect_errors"), py::arg("loop"), py::arg("on_done"),
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
