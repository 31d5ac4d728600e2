// C++ models -> the frozen dataclasses of keyscope._models, built positionally (field order is
// the dataclasses' declaration order). Datetimes are made with the CPython datetime C API as
// timezone-aware UTC datetimes; dates as datetime.date.
#include "binding.hpp"  // Python.h first: datetime.h needs it

#include <datetime.h>

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

// Howard Hinnant's civil_from_days.
void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t yy = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yy + (m <= 2));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

py::object utc_datetime(std::int64_t unix_seconds) {
  ensure_datetime();
  const std::int64_t days = floor_div(unix_seconds, 86400);
  const std::int64_t rem = unix_seconds - days * 86400;
  int y, m, d;
  civil_from_days(days, y, m, d);
  PyObject* obj = PyDateTimeAPI->DateTime_FromDateAndTime(
      y, m, d, static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
      static_cast<int>(rem % 60), 0, PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
  if (!obj) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(obj);
}

py::object date_of(const keyscope::Date& date) {
  ensure_datetime();
  int y, m, d;
  civil_from_days(date.days_since_epoch, y, m, d);
  PyObject* obj = PyDateTimeAPI->Date_FromDate(y, m, d, PyDateTimeAPI->DateType);
  if (!obj) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(obj);
}

py::object opt_ts(const std::optional<keyscope::Timestamp>& ts) {
  return ts ? utc_datetime(ts->unix_seconds) : py::none();
}
template <class T>
py::object opt(const std::optional<T>& value) {
  return value ? py::cast(*value) : py::none();
}

py::tuple strings(const std::vector<std::string>& items) {
  py::tuple out(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) out[i] = py::str(items[i]);
  return out;
}

py::tuple daily(const std::vector<keyscope::DailyBucket>& buckets) {
  py::object& cls = cached_attr("keyscope._models", "DailyBucket");
  py::tuple out(buckets.size());
  for (std::size_t i = 0; i < buckets.size(); ++i)
    out[i] = cls(date_of(buckets[i].date), buckets[i].requests, buckets[i].errors);
  return out;
}

py::tuple info_fields(const keyscope::APIKeyInfo& k, std::size_t extra) {
  py::tuple t(12 + extra);
  t[0] = py::str(k.id);
  t[1] = py::str(k.key_prefix);
  t[2] = py::str(k.name);
  t[3] = py::str(k.tier);
  t[4] = strings(k.scopes);
  t[5] = opt(k.rate_limit_per_minute);
  t[6] = opt(k.rate_limit_per_day);
  t[7] = py::int_(k.total_requests);
  t[8] = opt_ts(k.last_used_at);
  t[9] = opt_ts(k.created_at);
  t[10] = opt_ts(k.expires_at);
  t[11] = opt_ts(k.revoked_at);
  return t;
}

}  // namespace

py::object to_py(const keyscope::APIKeyInfo& info) {
  static py::object& cls = cached_attr("keyscope._models", "APIKeyInfo");
  return cls(*info_fields(info, 0));
}

py::object to_py(const keyscope::KeyList& list) {
  static py::object& cls = cached_attr("keyscope._models", "KeyList");
  py::tuple data(list.data.size());
  for (std::size_t i = 0; i < list.data.size(); ++i) data[i] = to_py(list.data[i]);
  return cls(data, opt(list.total));
}

py::object to_py(const keyscope::APIKeyDetails& details) {
  static py::object& cls = cached_attr("keyscope._models", "APIKeyDetails");
  py::tuple t = info_fields(details, 2);
  t[12] = details.allowed_ips ? py::object(strings(*details.allowed_ips)) : py::none();
  t[13] = daily(details.usage_daily);
  return cls(*t);
}

py::object to_py(const keyscope::KeyUsage& u) {
  static py::object& cls = cached_attr("keyscope._models", "KeyUsage");
  static py::object& endpoint_cls = cached_attr("keyscope._models", "EndpointCount");
  static py::object& hour_cls = cached_attr("keyscope._models", "HourBucket");
  py::tuple endpoints(u.top_endpoints.size());
  for (std::size_t i = 0; i < u.top_endpoints.size(); ++i)
    endpoints[i] = endpoint_cls(u.top_endpoints[i].path, u.top_endpoints[i].count);
  py::dict by_status;
  for (const auto& [status, count] : u.by_status) by_status[py::str(status)] = py::int_(count);
  py::tuple hours(u.rate_limit_hits_by_hour.size());
  for (std::size_t i = 0; i < u.rate_limit_hits_by_hour.size(); ++i)
    hours[i] = hour_cls(utc_datetime(u.rate_limit_hits_by_hour[i].hour.unix_seconds),
                        u.rate_limit_hits_by_hour[i].count);
  return cls(u.key_id, u.window_days, u.total_requests, u.successful, u.client_errors,
             u.server_errors, opt(u.success_rate), opt(u.avg_response_time_ms),
             opt(u.latency_p50_ms), opt(u.latency_p95_ms), opt(u.latency_p99_ms),
             opt(u.rate_limit_peak_per_minute), opt(u.rate_limit_peak_per_day), endpoints,
             by_status, daily(u.daily), hours);
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
