// JSON-text entry points (analytics_json.hpp): read API-shaped input, run, write JSON text.
#include "keyscope/analytics_json.hpp"

#include <functional>
#include <map>

#include "analytics/validation.hpp"
#include "codec/model_json.hpp"
#include "keyscope/analytics.hpp"
#include "keyscope/logs.hpp"
#include "keyscope/time.hpp"

namespace keyscope::analytics {
namespace {

using codec::json;
using codec::Reader;
using out_json = nlohmann::ordered_json;

// Thrown inside this file only, turned into the Result's error at the boundary.
struct InputError {
  Error error;
};

[[noreturn]] void fail_validation(const std::string& message) {
  throw InputError{validation_error(message)};
}

void rethrow_reader(Reader& reader) {
  if (std::optional<Error> error = reader.take_error()) throw InputError{std::move(*error)};
}

json parse_input(std::string_view text) {
  json input;
  if (std::optional<Error> error = codec::parse_object(text, input)) throw InputError{*error};
  return input;
}

const json* member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::vector<APIKeyInfo> read_keys(const json& input) {
  Reader reader;
  std::vector<APIKeyInfo> keys;
  reader.for_each_element_of(input, codec::Path::root(), "keys", [&](const json& element, const codec::Path& path) {
    APIKeyInfo key;
    codec::read_key_info(reader, element, path, key);
    keys.push_back(std::move(key));
  });
  rethrow_reader(reader);
  return keys;
}

std::vector<KeyUsage> read_usages(const json& input) {
  Reader reader;
  std::vector<KeyUsage> usages;
  reader.for_each_element_of(input, codec::Path::root(), "usages", [&](const json& element, const codec::Path& path) {
    KeyUsage usage;
    codec::read_key_usage(reader, element, path, usage);
    usages.push_back(std::move(usage));
  });
  rethrow_reader(reader);
  return usages;
}

std::vector<double> read_numbers(const json& input, const char* key, bool required) {
  const json* array = member(input, key);
  std::vector<double> values;
  if (!array) {
    if (required) fail_validation(std::string(key) + " is required");
    return values;
  }
  if (!array->is_array()) fail_validation(std::string(key) + " must be an array of numbers");
  for (const json& v : *array) {
    if (!v.is_number()) fail_validation(std::string(key) + " must be an array of numbers");
    values.push_back(v.get<double>());
  }
  return values;
}

double read_number(const json& input, const char* key, double fallback) {
  const json* v = member(input, key);
  if (!v) return fallback;
  if (!v->is_number()) fail_validation(std::string(key) + " must be a number");
  return v->get<double>();
}

std::int64_t read_integer(const json& input, const char* key, std::int64_t fallback) {
  const json* v = member(input, key);
  if (!v) return fallback;
  if (!v->is_number_integer()) fail_validation(std::string(key) + " must be an integer");
  return v->get<std::int64_t>();
}

std::int64_t read_date(const json& input, const char* key) {
  const json* v = member(input, key);
  if (!v || !v->is_string()) fail_validation(std::string(key) + " must be a date (YYYY-MM-DD)");
  const auto day = parse_iso_date(v->get<std::string>());
  if (!day) fail_validation(std::string(key) + " must be a date (YYYY-MM-DD)");
  return *day;
}

AnomalyOptions read_options(const json& input) {
  AnomalyOptions o;
  const json* options = member(input, "options");
  if (!options) return o;
  if (!options->is_object()) fail_validation("options must be an object");
  const std::map<std::string, std::function<void(const json&)>> setters = [&] {
    std::map<std::string, std::function<void(const json&)>> m;
    const auto integer = [&m](const char* name, int& field) {
      m[name] = [name, &field](const json& v) {
        if (!v.is_number_integer()) fail_validation(std::string("options.") + name + " must be an integer");
        field = v.get<int>();
      };
    };
    const auto number = [&m](const char* name, double& field) {
      m[name] = [name, &field](const json& v) {
        if (!v.is_number()) fail_validation(std::string("options.") + name + " must be a number");
        field = v.get<double>();
      };
    };
    integer("spike_recent_days", o.spike_recent_days);
    integer("spike_baseline_days", o.spike_baseline_days);
    integer("spike_min_baseline_days", o.spike_min_baseline_days);
    number("spike_min_requests", o.spike_min_requests);
    number("spike_min_baseline_median", o.spike_min_baseline_median);
    number("spike_min_ratio", o.spike_min_ratio);
    number("spike_min_robust_z", o.spike_min_robust_z);
    number("spike_critical_ratio", o.spike_critical_ratio);
    integer("dormant_min_zero_days", o.dormant_min_zero_days);
    integer("dormant_recent_days", o.dormant_recent_days);
    number("dormant_min_requests", o.dormant_min_requests);
    integer("error_burst_recent_days", o.error_burst_recent_days);
    integer("error_burst_baseline_days", o.error_burst_baseline_days);
    number("error_burst_min_requests", o.error_burst_min_requests);
    number("error_burst_min_rate", o.error_burst_min_rate);
    number("error_burst_min_ratio", o.error_burst_min_ratio);
    number("error_burst_min_robust_z", o.error_burst_min_robust_z);
    number("error_burst_min_scale", o.error_burst_min_scale);
    number("error_burst_critical_rate", o.error_burst_critical_rate);
    number("rate_limit_minute_fraction", o.rate_limit_minute_fraction);
    number("rate_limit_day_fraction", o.rate_limit_day_fraction);
    number("rate_limit_min_429", o.rate_limit_min_429);
    number("test_key_median_daily_requests", o.test_key_median_daily_requests);
    number("test_key_peak_daily_requests", o.test_key_peak_daily_requests);
    integer("expiring_within_days", o.expiring_within_days);
    integer("expiring_warning_days", o.expiring_warning_days);
    integer("never_used_min_age_days", o.never_used_min_age_days);
    integer("stale_after_days", o.stale_after_days);
    return m;
  }();
  for (const auto& [name, value] : options->items()) {
    const auto it = setters.find(name);
    if (it == setters.end()) fail_validation("unknown option \"" + name + "\"");
    it->second(value);
  }
  return o;
}

out_json optional_number(const std::optional<double>& v) { return v ? out_json(*v) : out_json(nullptr); }

out_json row_to_json(const UsageRow& row) {
  out_json endpoints = out_json::array();
  for (const EndpointShare& e : row.endpoint_distribution) {
    endpoints.push_back({{"path", e.path}, {"count", e.count}, {"share", e.share}});
  }
  return {{"key_id", row.key_id},
          {"name", row.name},
          {"prefix", row.prefix},
          {"environment", row.environment},
          {"tier", row.tier},
          {"request_count", row.request_count},
          {"error_count", row.error_count},
          {"error_rate", row.error_rate},
          {"endpoint_distribution", endpoints},
          {"latency_p95_ms", optional_number(row.latency_p95_ms)},
          {"last_activity", row.last_activity ? out_json(row.last_activity->text) : out_json(nullptr)}};
}

std::vector<UsageRow> read_rows(const json& input) {
  const json* rows = member(input, "rows");
  if (!rows) return usage_by_key(read_keys(input), read_usages(input));
  if (!rows->is_array()) fail_validation("rows must be an array");
  std::vector<UsageRow> out;
  for (const json& r : *rows) {
    if (!r.is_object() || !member(r, "key_id") || !member(r, "key_id")->is_string()) {
      fail_validation("each row needs a key_id string");
    }
    UsageRow row;
    row.key_id = r["key_id"].get<std::string>();
    if (const json* name = member(r, "name"); name && name->is_string()) row.name = name->get<std::string>();
    row.request_count = read_integer(r, "request_count", 0);
    out.push_back(std::move(row));
  }
  return out;
}

CostCenterMap read_mapping(const json& input) {
  CostCenterMap map;
  const json* mapping = member(input, "mapping");
  if (!mapping) return map;
  if (!mapping->is_object()) fail_validation("mapping must be an object");
  if (const json* by_key = member(*mapping, "by_key")) {
    if (!by_key->is_object()) fail_validation("mapping.by_key must be an object");
    for (const auto& [key, center] : by_key->items()) {
      if (!center.is_string()) fail_validation("mapping.by_key values must be strings");
      map.by_key.emplace_back(key, center.get<std::string>());
    }
  }
  if (const json* pattern = member(*mapping, "name_pattern")) {
    if (!pattern->is_string()) fail_validation("mapping.name_pattern must be a string");
    map.name_pattern = pattern->get<std::string>();
  }
  return map;
}

template <class Body>
Result<std::string> guarded(Body body) {
  try {
    return body();
  } catch (const InputError& e) {
    return e.error;
  } catch (const KeyscopeError& e) {
    return e.error();
  } catch (const std::exception& e) {
    return validation_error(e.what());
  }
}

}  // namespace

std::string encode_usage_rows(const std::vector<UsageRow>& rows) {
  out_json out = out_json::array();
  for (const UsageRow& row : rows) out.push_back(row_to_json(row));
  return out.dump(-1, ' ', false, out_json::error_handler_t::replace);
}

std::string encode_findings(const std::vector<Finding>& findings) {
  out_json out = out_json::array();
  for (const Finding& f : findings) {
    out_json metrics = out_json::object();
    for (const Metric& m : f.metrics) metrics[m.name] = m.value;
    out.push_back({{"key_id", f.key_id},
                   {"key_name", f.key_name},
                   {"key_prefix", f.key_prefix},
                   {"kind", to_string(f.kind)},
                   {"severity", to_string(f.severity)},
                   {"metrics", metrics},
                   {"reason", f.reason}});
  }
  return out.dump(-1, ' ', false, out_json::error_handler_t::replace);
}

std::string encode_chargeback(const std::vector<ChargebackRow>& rows) {
  out_json out = out_json::array();
  for (const ChargebackRow& row : rows) {
    out.push_back({{"cost_center", row.cost_center},
                   {"keys", row.key_ids.size()},
                   {"key_ids", row.key_ids},
                   {"requests", row.requests},
                   {"share", row.share},
                   {"cost_cents", row.cost_cents},
                   {"cost", format_cents(row.cost_cents)}});
  }
  return out.dump(-1, ' ', false, out_json::error_handler_t::replace);
}

Result<std::string> environment_of_json(std::string_view input) {
  return guarded([&]() -> std::string {
    const json in = parse_input(input);
    const json* prefix = member(in, "prefix");
    if (!prefix || !prefix->is_string()) fail_validation("prefix must be a string");
    return out_json(environment_of(prefix->get<std::string>())).dump();
  });
}

Result<std::string> usage_by_key_json(std::string_view input) {
  return guarded([&]() -> std::string {
    const json in = parse_input(input);
    return encode_usage_rows(usage_by_key(read_keys(in), read_usages(in)));
  });
}

Result<std::string> detect_anomalies_json(std::string_view input) {
  return guarded([&]() -> std::string {
    const json in = parse_input(input);
    const json* now = member(in, "now");
    if (!now || !now->is_string()) fail_validation("now must be an ISO-8601 timestamp");
    const auto now_unix = parse_iso8601(now->get<std::string>());
    if (!now_unix) fail_validation("now must be an ISO-8601 timestamp");
    const AnomalyOptions options = read_options(in);
    return encode_findings(detect_anomalies(read_keys(in), read_usages(in), *now_unix, options));
  });
}

Result<std::string> chargeback_json(std::string_view input) {
  return guarded([&]() -> std::string {
    const json in = parse_input(input);
    std::int64_t bill_cents = 0;
    if (const json* bill = member(in, "bill")) {
      if (!bill->is_string()) fail_validation("bill must be a string like \"1234.56\"");
      if (auto error = detail::parse_bill(bill->get<std::string>(), bill_cents)) throw InputError{*error};
    } else if (member(in, "bill_cents")) {
      bill_cents = read_integer(in, "bill_cents", 0);
      if (bill_cents < 0) fail_validation("bill_cents must not be negative");
    } else {
      fail_validation("bill (a string) or bill_cents (an integer) is required");
    }
    return encode_chargeback(chargeback(read_rows(in), bill_cents, read_mapping(in)));
  });
}

Result<std::string> check_usage_json(std::string_view input) {
  return guarded([&]() -> std::string {
    const json in = parse_input(input);
    const json* usage_json = member(in, "usage");
    if (!usage_json) fail_validation("usage is required");
    Reader reader;
    KeyUsage usage;
    codec::read_key_usage(reader, *usage_json, codec::Path::root().member("usage"), usage);
    rethrow_reader(reader);
    std::optional<std::int64_t> end_day;
    if (member(in, "end_date")) end_day = read_date(in, "end_date");
    out_json out = out_json::array();
    for (const IntegrityCheck& c : check_usage(usage, end_day)) {
      out.push_back({{"check", c.check},
                     {"ok", c.ok},
                     {"expected", c.expected},
                     {"actual", c.actual},
                     {"message", c.message}});
    }
    return out.dump();
  });
}

Result<std::string> gap_fill_json(std::string_view input) {
  return guarded([&]() -> std::string {
    const json in = parse_input(input);
    Reader reader;
    std::vector<DailyBucket> daily;
    reader.for_each_element_of(in, codec::Path::root(), "daily", [&](const json& element, const codec::Path& path) {
      DailyBucket bucket;
      codec::read_daily_bucket(reader, element, path, bucket);
      daily.push_back(std::move(bucket));
    });
    rethrow_reader(reader);
    if (!member(in, "window_days")) fail_validation("window_days is required");
    const std::int64_t window_days = read_integer(in, "window_days", 0);
    if (window_days < 0 || window_days > 3660) fail_validation("window_days must be within [0, 3660]");
    out_json out = out_json::array();
    for (const DailyBucket& b : gap_fill(daily, window_days, read_date(in, "end_date"))) {
      out.push_back({{"date", b.date.text}, {"requests", b.requests}, {"errors", b.errors}});
    }
    return out.dump();
  });
}

Result<std::string> percentiles_json(std::string_view input) {
  return guarded([&]() -> std::string {
    const json in = parse_input(input);
    std::vector<double> samples = read_numbers(in, "samples", true);
    const std::vector<double> qs = read_numbers(in, "qs", true);
    if (auto error = detail::check_samples(samples)) throw InputError{*error};
    for (double q : qs) {
      if (auto error = detail::check_quantile(q)) throw InputError{*error};
    }
    return out_json{{"values", percentiles(std::move(samples), qs)}}.dump();
  });
}

Result<std::string> ddsketch_json(std::string_view input) {
  return guarded([&]() -> std::string {
    const json in = parse_input(input);
    const std::vector<double> samples = read_numbers(in, "samples", true);
    const std::vector<double> qs = read_numbers(in, "qs", true);
    const double accuracy = read_number(in, "relative_accuracy", 0.01);
    const std::int64_t max_buckets = read_integer(in, "max_buckets", 2048);
    if (max_buckets < 1 || max_buckets > 1'000'000) fail_validation("max_buckets must be within [1, 1000000]");
    if (auto error = detail::check_sketch_parameters(accuracy, static_cast<int>(max_buckets))) {
      throw InputError{*error};
    }
    if (auto error = detail::check_samples(samples)) throw InputError{*error};
    for (double v : samples) {
      if (!std::isfinite(v)) fail_validation("samples must be finite");
    }
    for (double q : qs) {
      if (auto error = detail::check_quantile(q)) throw InputError{*error};
    }
    DDSketch sketch(accuracy, static_cast<int>(max_buckets));
    for (double v : samples) sketch.add(v);
    out_json values = out_json::array();
    for (double q : qs) values.push_back(sketch.quantile(q));
    return out_json{{"values", values},
                    {"count", sketch.count()},
                    {"min", sketch.min()},
                    {"max", sketch.max()},
                    {"sum", sketch.sum()},
                    {"bucket_count", sketch.bucket_count()}}
        .dump();
  });
}

Result<std::string> run_helper_json(std::string_view helper, std::string_view input) {
  static const std::map<std::string, Result<std::string> (*)(std::string_view), std::less<>> kHelpers = {
      {"environment_of", environment_of_json}, {"usage_by_key", usage_by_key_json},
      {"detect_anomalies", detect_anomalies_json}, {"chargeback", chargeback_json},
      {"check_usage", check_usage_json}, {"gap_fill", gap_fill_json},
      {"percentiles", percentiles_json}, {"ddsketch", ddsketch_json},
      {"summarize_logs", logs::summarize_logs_json}, {"reconcile_logs", logs::reconcile_logs_json}};
  const auto it = kHelpers.find(helper);
  if (it == kHelpers.end()) {
    return validation_error("unknown analytics helper \"" + std::string(helper) + "\"");
  }
  return it->second(input);
}

}  // namespace keyscope::analytics
