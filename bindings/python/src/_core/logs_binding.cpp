// Logs: the core's LogReader and UsageAggregate (bytes in, the API's KeyUsage shape out) and the
// reconciliation against the API. No file I/O here either: keyscope.logs and keyscope.dask read
// files in Python and feed their bytes in chunks (the GIL is released while a chunk is parsed).
// Nothing these objects hold, return or raise carries more than a key's prefix.
#include <pybind11/stl.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "binding.hpp"
#include "keyscope/codec.hpp"
#include "keyscope/logs.hpp"

namespace keyscope_python {
namespace {

namespace lg = keyscope::logs;

[[noreturn]] void invalid(const std::string& message, const char* code = "invalid_argument") {
  raise_error(keyscope::validation_error(message, code));
}

lg::ReaderOptions reader_options(const std::string& format, const std::string& nginx_format,
                                 const std::optional<py::dict>& fields,
                                 const std::optional<std::string>& latency_unit,
                                 std::optional<std::int64_t> window_start,
                                 std::optional<std::int64_t> window_end, std::size_t prefix_length) {
  lg::ReaderOptions options;
  const auto parsed = lg::parse_format(format);
  if (!parsed) invalid("format must be jsonl, csv or nginx, got '" + keyscope::redact(format) + "'", "invalid_log_format");
  options.format = *parsed;
  options.nginx_format = nginx_format;
  if (fields) {
    for (auto item : *fields) {
      if (!py::isinstance<py::str>(item.first)) invalid("fields: names must be strings", "invalid_field");
      const std::string name = item.first.cast<std::string>();
      if (!py::isinstance<py::str>(item.second)) {
        invalid("fields['" + keyscope::redact(name) + "'] must be a string (a JSON member, CSV column or nginx variable)",
                "invalid_field");
      }
      const std::string source = item.second.cast<std::string>();
      if (source.empty()) invalid("fields['" + keyscope::redact(name) + "'] must not be empty", "invalid_field");
      std::string* slot = lg::field_source(options.fields, name);
      if (!slot) {
        invalid("fields: a name must be time, key, path, status or latency, got '" + keyscope::redact(name) + "'",
                "invalid_field");
      }
      *slot = source;
    }
  }
  if (latency_unit) {
    const std::string& unit = *latency_unit;
    const auto parsed = unit == "auto" ? std::optional<lg::LatencyUnit>(lg::LatencyUnit::automatic)
                                       : lg::parse_latency_unit(unit);
    if (!parsed) invalid("latency_unit must be 's', 'ms', 'us' or 'auto', got '" + keyscope::redact(unit) + "'", "invalid_latency_unit");
    options.latency_unit = *parsed;
  }
  options.window_start_unix = window_start;
  options.window_end_unix = window_end;
  if (window_start && window_end && *window_end <= *window_start) invalid("the window must end after it starts", "invalid_window");
  options.prefix_length = prefix_length;
  if (auto error = lg::validate(options)) raise_error(*error);
  return options;
}

py::dict fields_to_py(const lg::FieldMap& f) {
  py::dict d;
  d["time"] = f.time;
  d["key"] = f.key;
  d["path"] = f.path;
  d["status"] = f.status;
  d["latency"] = f.latency;
  return d;
}

// A Python LogReader: the core's reader plus a lock (feed releases the GIL, so two threads
// feeding one reader must not run at once).
class PyLogReader {
 public:
  explicit PyLogReader(lg::ReaderOptions options) : reader_(std::move(options)) {}

  void feed(const py::buffer& data) {
    py::buffer_info info = data.request();  // holds the buffer until we return
    if (info.ndim > 1 || (info.ndim == 1 && info.strides[0] != info.itemsize)) {
      invalid("feed() needs contiguous bytes (bytes, bytearray, memoryview)");
    }
    const auto size = static_cast<std::size_t>(info.size * info.itemsize);
    const char* bytes = static_cast<const char*>(info.ptr);
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mutex_);
    check_open();
    reader_.feed(std::string_view(bytes, size));
  }

  void finish() {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mutex_);
    check_open();
    reader_.finish();
    finished_ = true;
  }

  lg::UsageAggregate take() {
    std::lock_guard<std::mutex> lock(mutex_);
    check_open();
    if (!finished_) reader_.finish();
    taken_ = true;
    return reader_.take_aggregate();
  }

  std::string serialize() {
    std::lock_guard<std::mutex> lock(mutex_);
    check_open();
    return reader_.aggregate().serialize();
  }

  py::dict resolved_fields() {
    std::lock_guard<std::mutex> lock(mutex_);
    return fields_to_py(reader_.resolved_fields());
  }

  std::int64_t lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return taken_ ? 0 : reader_.aggregate().lines();
  }
  std::int64_t records() {
    std::lock_guard<std::mutex> lock(mutex_);
    return taken_ ? 0 : reader_.aggregate().records();
  }

 private:
  void check_open() const {
    if (taken_) raise_error(keyscope::validation_error("this LogReader's aggregate was already taken", "reader_closed"));
  }
  std::mutex mutex_;
  lg::LogReader reader_;
  bool finished_ = false;
  bool taken_ = false;
};

std::string text_of(const py::handle& obj, const char* what) {
  if (py::isinstance<py::bytes>(obj)) return obj.cast<std::string>();
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  invalid(std::string(what) + " must be str or bytes");
}

lg::UsageAggregate deserialize(const std::string& text) {
  keyscope::Result<lg::UsageAggregate> result = [&] {
    py::gil_scoped_release release;
    return lg::UsageAggregate::deserialize(text);
  }();
  if (!result.ok()) raise_error(result.error());
  return std::move(result).value();
}

// Keys as the body of GET /api/v1/keys ({"data": [...]}): the strict codec decodes them.
std::vector<keyscope::APIKeyInfo> decode_keys(const std::optional<std::string>& keys_body) {
  if (!keys_body) return {};
  auto result = keyscope::decode_key_list(*keys_body);
  if (!result.ok()) raise_error(result.error());
  return std::move(result).value().data;
}

std::vector<keyscope::KeyUsage> decode_usages(const std::vector<std::string>& bodies) {
  std::vector<keyscope::KeyUsage> out;
  out.reserve(bodies.size());
  for (const std::string& body : bodies) {
    auto result = keyscope::decode_key_usage(body);
    if (!result.ok()) raise_error(result.error());
    out.push_back(std::move(result).value());
  }
  return out;
}

void check_window(std::int64_t window_days) {
  if (window_days < 1 || window_days > 36500) invalid("days must be a positive number of days", "invalid_days");
}

}  // namespace

void bind_logs(py::module_& m) {
  py::class_<lg::UsageAggregate>(m, "UsageAggregate")
      .def(py::init<>())
      .def("merge", &lg::UsageAggregate::merge, py::arg("other"), py::call_guard<py::gil_scoped_release>())
      .def("serialize", [](const lg::UsageAggregate& self) {
        std::string text;
        {
          py::gil_scoped_release release;
          text = self.serialize();
        }
        return py::bytes(text);
      })
      .def_static("deserialize", [](const py::object& data) { return deserialize(text_of(data, "data")); }, py::arg("data"))
      .def_property_readonly("records", &lg::UsageAggregate::records)
      .def_property_readonly("lines", &lg::UsageAggregate::lines)
      .def(
          "summary",
          [](const lg::UsageAggregate& self, const std::optional<std::string>& keys_body, std::int64_t window_days,
             std::int64_t end_day) {
            check_window(window_days);
            const auto keys = decode_keys(keys_body);
            keyscope::LogSummary summary;
            {
              py::gil_scoped_release release;
              summary = self.summary(keys, window_days, end_day);
            }
            return to_py(summary);
          },
          py::arg("keys_body"), py::arg("window_days"), py::arg("end_day"))
      .def("__repr__", [](const lg::UsageAggregate& self) {
        return "<keyscope UsageAggregate lines=" + std::to_string(self.lines()) +
               " records=" + std::to_string(self.records()) + ">";
      })
      .def(py::pickle([](const lg::UsageAggregate& self) { return py::bytes(self.serialize()); },
                      [](const py::bytes& data) { return deserialize(data.cast<std::string>()); }));

  py::class_<PyLogReader>(m, "LogReader")
      .def(py::init([](const std::string& format, const std::string& nginx_format, const std::optional<py::dict>& fields,
                       const std::optional<std::string>& latency_unit, std::optional<std::int64_t> window_start,
                       std::optional<std::int64_t> window_end, std::size_t prefix_length) {
             return new PyLogReader(reader_options(format, nginx_format, fields, latency_unit, window_start,
                                                   window_end, prefix_length));
           }),
           py::arg("format") = "jsonl", py::arg("nginx_format") = "", py::arg("fields") = py::none(),
           py::arg("latency_unit") = py::none(), py::arg("window_start") = py::none(),
           py::arg("window_end") = py::none(), py::arg("prefix_length") = 12)
      .def("feed", &PyLogReader::feed, py::arg("data"))
      .def("finish", &PyLogReader::finish)
      .def("take_aggregate", &PyLogReader::take)
      .def("aggregate_bytes", [](PyLogReader& self) { return py::bytes(self.serialize()); })
      .def("resolved_fields", &PyLogReader::resolved_fields)
      .def_property_readonly("lines", &PyLogReader::lines)
      .def_property_readonly("records", &PyLogReader::records)
      .def("__repr__", [](PyLogReader& self) {
        return "<keyscope LogReader lines=" + std::to_string(self.lines()) + ">";
      });

  m.def(
      "validate_reader_options",
      [](const std::string& format, const std::string& nginx_format, const std::optional<py::dict>& fields,
         const std::optional<std::string>& latency_unit) {
        (void)reader_options(format, nginx_format, fields, latency_unit, std::nullopt, std::nullopt, 12);
      },
      py::arg("format") = "jsonl", py::arg("nginx_format") = "", py::arg("fields") = py::none(),
      py::arg("latency_unit") = py::none());

  m.def(
      "merge_aggregates",
      [](const py::iterable& parts) {
        lg::UsageAggregate total;
        for (py::handle part : parts) {
          if (py::isinstance<lg::UsageAggregate>(part)) {
            const auto& other = part.cast<const lg::UsageAggregate&>();
            py::gil_scoped_release release;
            total.merge(other);
          } else {
            lg::UsageAggregate other = deserialize(text_of(part, "an aggregate"));
            py::gil_scoped_release release;
            total.merge(other);
          }
        }
        return total;
      },
      py::arg("parts"));

  // The API's usage (bodies of GET .../usage: {"data": KeyUsage}) held against the logs'.
  m.def(
      "reconcile",
      [](const lg::UsageAggregate& logs, const std::string& keys_body, const std::vector<std::string>& usage_bodies,
         std::int64_t window_days, std::int64_t end_day, std::int64_t now_unix, double tolerance,
         std::int64_t min_diff) {
        check_window(window_days);
        lg::ReconcileOptions options;
        options.tolerance = tolerance;
        options.min_diff = min_diff;
        options.window_days = window_days;
        options.end_day = end_day;
        options.now_unix = now_unix;
        if (auto error = lg::validate(options)) raise_error(*error);
        const auto keys = decode_keys(keys_body);
        const auto api_usages = decode_usages(usage_bodies);
        keyscope::LogSummary summary;
        std::optional<keyscope::Result<keyscope::Reconciliation>> result;
        bool discrepancy = false;
        {
          py::gil_scoped_release release;
          summary = logs.summary(keys, window_days, end_day);
          result.emplace(lg::reconcile(keys, api_usages, summary.usages, options));
          if (result->ok()) discrepancy = lg::has_discrepancy(result->value());
        }
        if (!result->ok()) raise_error(result->error());
        return py::make_tuple(to_py(summary), to_py(result->value()), discrepancy);
      },
      py::arg("logs"), py::arg("keys_body"), py::arg("usage_bodies"), py::arg("window_days"), py::arg("end_day"),
      py::arg("now_unix"), py::arg("tolerance"), py::arg("min_diff"));

  m.def(
      "reduce_key",
      [](const std::string& value, std::size_t prefix_length) { return lg::reduce_key(value, prefix_length); },
      py::arg("value"), py::arg("prefix_length") = 12);
}

}  // namespace keyscope_python
