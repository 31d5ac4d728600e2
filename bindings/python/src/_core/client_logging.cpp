// See client_logging.hpp.
#include "client_logging.hpp"

#include <string_view>

namespace keyscope_python {
namespace {

constexpr int kDebug = 10;  // logging.DEBUG: every attempt
constexpr int kInfo = 20;   // logging.INFO: every retry wait

std::atomic<long long> python_log_calls{0};

// A header value may be any bytes: invalid UTF-8 becomes U+FFFD rather than an error.
py::object text(std::string_view value) {
  PyObject* out = PyUnicode_DecodeUTF8(value.data(), static_cast<Py_ssize_t>(value.size()), "replace");
  if (!out) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(out);
}

const char* kind_name(keyscope::LogEvent::Kind kind) {
  switch (kind) {
    case keyscope::LogEvent::Kind::response: return "response";
    case keyscope::LogEvent::Kind::failure: return "failure";
    case keyscope::LogEvent::Kind::retry: return "retry";
  }
  return "response";
}

}  // namespace

void PythonLog::refresh() {
  threshold_.store(cached_attr("keyscope._logging", "_threshold")().cast<int>(),
                   std::memory_order_relaxed);
}

void PythonLog::emit(const keyscope::LogEvent& event) const {
  const int level = event.kind == keyscope::LogEvent::Kind::retry ? kInfo : kDebug;
  if (level < threshold_.load(std::memory_order_relaxed) || !interpreter_usable()) return;
  std::string_view line = event.line;
  if (line.rfind("keyscope: ", 0) == 0) line.remove_prefix(10);  // the logger's name says it
  py::gil_scoped_acquire gil;
  python_log_calls.fetch_add(1, std::memory_order_relaxed);
  try {
    cached_attr("keyscope._logging", "_emit")(
        level, kind_name(event.kind), text(event.method), text(event.path), event.status,
        event.attempt, event.elapsed.count(), event.wait.count(), text(event.request_id),
        text(event.error), text(line));
  } catch (py::error_already_set& error) {
    error.discard_as_unraisable("keyscope logging");  // a log call must not break the request
  }
}

void bind_logging(py::module_& m) {
  m.def("python_log_calls", [] { return python_log_calls.load(); },
        "Log records handed to Python so far (tests).");
}

}  // namespace keyscope_python
