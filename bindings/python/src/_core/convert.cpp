// The value conversions the generated model converters use (convert_values.hpp), and the models
// that are not payloads (RateLimit, Response). Datetimes are made with the CPython datetime C API
// as timezone-aware UTC datetimes; dates as datetime.date.
#include "convert_values.hpp"  // Python.h first: datetime.h needs it

#include <datetime.h>

#include <algorithm>
#include <cstdint>

namespace keyscope_python {

py::object& cached_attr(const char* module, const char* name) {
  // One slot per (module, name) call site would be nicer; a small map is enough here.
  static auto* cache = new std::vector<std::pair<std::string, py::object*>>();
  std::string key = std::string(module) + ":" + name;
  for (auto& entry : *cache)
    if (entry.first == key) return *entry.second;
  auto* value = new py::object(py::module_::import(module).attr(name));
  cache->emplace_back(key, value);
  return *value;
}

namespace {

void ensure_datetime() {
  if (!PyDateTimeAPI) {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI) throw py::error_already_set();
  }
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

template <class T>
py::object opt(const std::optional<T>& value) {
  return value ? py::cast(*value) : py::none();
}

}  // namespace

// RFC 3339 spans the years 0000 to 9999 in any offset (and a leap second), datetime only 1 to
// 9999: an instant outside datetime's range is clamped to datetime.min / datetime.max (UTC),
// rather than failing a type-valid response with ValueError. Found by the schema-driven mock
// (tests/contract/test_mock_front_doors.py).
constexpr std::int64_t kFirstDay = -719162;            // 0001-01-01, days since 1970-01-01
constexpr std::int64_t kLastDay = 2932896;             // 9999-12-31
constexpr std::int64_t kFirstSecond = kFirstDay * 86400;
constexpr std::int64_t kLastSecond = kLastDay * 86400 + 86399;

py::object utc_datetime(std::int64_t unix_seconds) {
  ensure_datetime();
  const bool after = unix_seconds > kLastSecond;
  if (unix_seconds < kFirstSecond) unix_seconds = kFirstSecond;
  if (after) unix_seconds = kLastSecond;
  const std::int64_t days = floor_div(unix_seconds, 86400);
  const std::int64_t rem = unix_seconds - days * 86400;
  const keyscope::CivilDate civil = keyscope::civil_from_days(days);
  PyObject* obj = PyDateTimeAPI->DateTime_FromDateAndTime(
      static_cast<int>(civil.year), static_cast<int>(civil.month), static_cast<int>(civil.day),
      static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60), static_cast<int>(rem % 60),
      after ? 999999 : 0, PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
  if (!obj) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(obj);
}

PyObject* utc_datetime_of(int year, int month, int day, int hour, int minute, int second) {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
  if (!PyDateTimeAPI) return nullptr;
  return PyDateTimeAPI->DateTime_FromDateAndTime(year, month, day, hour, minute, second, 0,
                                                 PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
}

PyObject* date_of(int year, int month, int day) {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
  if (!PyDateTimeAPI) return nullptr;
  return PyDateTimeAPI->Date_FromDate(year, month, day, PyDateTimeAPI->DateType);
}

py::object date_of(const keyscope::Date& date) { return date_from_days(date.days_since_epoch); }

py::object date_from_days(std::int64_t days_since_epoch) {
  ensure_datetime();
  const keyscope::CivilDate civil =
      keyscope::civil_from_days(std::min(std::max(days_since_epoch, kFirstDay), kLastDay));
  PyObject* obj = PyDateTimeAPI->Date_FromDate(static_cast<int>(civil.year), static_cast<int>(civil.month),
                                               static_cast<int>(civil.day), PyDateTimeAPI->DateType);
  if (!obj) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(obj);
}

namespace {

py::object tuple_taking(std::vector<PyObject*>& items) {
  PyObject* tuple = make_tuple(items);
  if (!tuple) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(tuple);
}

// Each item made by `make` (a new reference, or nullptr with a Python error), as a tuple.
template <class T, class Make>
py::object tuple_made(const std::vector<T>& items, Make make) {
  std::vector<PyObject*> made;
  made.reserve(items.size());
  for (const T& item : items) {
    PyObject* object = make(item);
    if (!object) {
      for (PyObject* done : made) Py_DECREF(done);
      throw py::error_already_set();
    }
    made.push_back(object);
  }
  return tuple_taking(made);
}

}  // namespace

py::object strings(const std::vector<std::string>& items) {
  return tuple_made(items, [](const std::string& item) {
    return PyUnicode_DecodeUTF8(item.data(), static_cast<Py_ssize_t>(item.size()), nullptr);
  });
}

py::object ints(const std::vector<std::int64_t>& items) {
  return tuple_made(items, [](std::int64_t item) { return PyLong_FromLongLong(item); });
}

py::dict int_dict(const std::map<std::string, std::int64_t>& counts) {
  py::dict out;
  for (const auto& [name, count] : counts) out[py::str(name)] = py::int_(count);
  return out;
}

py::object ModelValues::take() {
  for (PyObject* value : values_)
    if (!value) throw std::logic_error("a generated model converter left a field unset");
  PyObject* instance = model_.make(values_.data());  // took the values over
  std::fill(values_.begin(), values_.end(), nullptr);
  if (!instance) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(instance);
}

py::object to_py(const keyscope::RateLimit& r) {
  static py::object& cls = cached_attr("keyscope._models", "RateLimit");
  return cls(opt(r.limit), opt(r.remaining), opt(r.reset_unix), opt(r.retry_after_seconds));
}

py::object response_to_py(const keyscope::HttpResponse& response) {
  static py::object& cls = cached_attr("keyscope._models", "Response");
  keyscope::Headers safe = keyscope::redact_headers(response.headers);
  py::tuple headers(safe.entries().size());
  for (std::size_t i = 0; i < safe.entries().size(); ++i)
    headers[i] = py::make_tuple(safe.entries()[i].first, safe.entries()[i].second);
  const std::string body = keyscope::redact(response.body);
  PyObject* text = PyUnicode_DecodeUTF8(body.data(), static_cast<Py_ssize_t>(body.size()), "replace");
  if (!text) throw py::error_already_set();
  return cls(response.status, headers, py::reinterpret_steal<py::str>(text));
}

}  // namespace keyscope_python
