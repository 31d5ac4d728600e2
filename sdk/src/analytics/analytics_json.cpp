// JSON-text entry points (analytics_json.hpp): read API-shaped input with the codec's JSON tape,
// run, write JSON text with its writer. Every failure is an Error value, never an exception.
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

using codec::JsonWriter;
using codec::TapeValue;

// The member `key`, or nothing when it is missing or null.
std::optional<TapeValue> member(const TapeValue& object, const char* key) {
  std::optional<TapeValue> v = object.find(key);
  if (v && v->is_null()) return std::nullopt;
  return v;
}

// Models in an array member, read with the codec's model readers (DecodeErrors name the path).
template <class Model, class Read>
Result<std::vector<Model>> read_models(const TapeValue& input, const char* key, Read read) {
  codec::Reader reader;
  std::vector<Model> out;
  reader.for_each_element_of(input, codec::Path::root(), key, [&](const TapeValue& element, const codec::Path& path) {
    Model model;
    read(reader, element, path, model);
    out.push_back(std::move(model));
  });
  if (std::optional<Error> error = reader.take_error()) return std::move(*error);
  return out;
}

Result<std::vector<APIKeyInfo>> read_keys(const TapeValue& input) {
  return read_models<APIKeyInfo>(input, "keys", codec::read_key_info<TapeValue>);
}
Result<std::vector<KeyUsage>> read_usages(const TapeValue& input) {
  return read_models<KeyUsage>(input, "usages", codec::read_key_usage<TapeValue>);
}

Result<std::vector<double>> read_numbers(const TapeValue& input, const char* key) {
  const std::optional<TapeValue> array = member(input, key);
  if (!array) return validation_error(std::string(key) + " is required");
  std::vector<double> values;
  bool numbers = array->is_array();
  if (numbers) {
    array->for_each_element([&](TapeValue v) {
      numbers = numbers && codec::is_number(v);
      if (numbers) values.push_back(v.as_double());
    });
  }
  if (!numbers) return validation_error(std::string(key) + " must be an array of numbers");
  return values;
}

Result<double> read_number(const TapeValue& input, const char* key, double fallback) {
  const std::optional<TapeValue> v = member(input, key);
  if (!v) return fallback;
  if (!codec::is_number(*v)) return validation_error(std::string(key) + " must be a number");
  return v->as_double();
}

Result<std::int64_t> read_integer(const TapeValue& input, const char* key, std::int64_t fallback) {
  const std::optional<TapeValue> v = member(input, key);
  if (!v) return fallback;
  const std::optional<std::int64_t> n = codec::int64_of(*v);
  if (!n) return validation_error(std::string(key) + " must be an integer");
  return *n;
}

Result<std::int64_t> read_date(const TapeValue& input, const char* key) {
  const std::optional<TapeValue> v = member(input, key);
  const auto day = v && v->is_string() ? parse_iso_date(v->string()) : std::nullopt;
  if (!day) return validation_error(std::string(key) + " must be a date (YYYY-MM-DD)");
  return *day;
}

// The input text as an object (a DecodeError otherwise); the tape must outlive its values.
struct Input {
  codec::Tape tape;
  TapeValue root() const { return TapeValue(tape, 0); }
};

Result<AnomalyOptions> read_options(const TapeValue& input) {
  AnomalyOptions o;
  const std::optional<TapeValue> options = member(input, "options");
  if (!options) return o;
  if (!options->is_object()) return validation_error("options must be an object");
  using Setter = std::function<std::optional<Error>(const TapeValue&)>;
  std::map<std::string, Setter> setters;
  const auto integer = [&setters](const char* name, int& field) {
    setters[name] = [name, &field](const TapeValue& v) -> std::optional<Error> {
      const std::optional<std::int64_t> n = codec::int64_of(v);
      if (!n || *n < INT32_MIN || *n > INT32_MAX) return validation_error(std::string("options.") + name + " must be an integer");
      field = static_cast<int>(*n);
      return std::nullopt;
    };
  };
  const auto number = [&setters](const char* name, double& field) {
    setters[name] = [name, &field](const TapeValue& v) -> std::optional<Error> {
      if (!codec::is_number(v)) return validation_error(std::string("options.") + name + " must be a number");
      field = v.as_double();
      return std::nullopt;
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
  std::optional<Error> error;
  options->for_each_member([&](const std::string& name, TapeValue value) {
    if (error) return;
    const auto it = setters.find(name);
    error = it == setters.end() ? validation_error("unknown option \"" + name + "\"") : it->second(value);
  });
  if (error) return std::move(*error);
  return o;
}

void write_row(JsonWriter& out, const UsageRow& row) {
  out.begin_object();
  out.key("key_id").value(row.key_id);
  out.key("name").value(row.name);
  out.key("prefix").value(row.prefix);
  out.key("environment").value(row.environment);
  out.key("tier").value(row.tier);
  out.key("request_count").value(row.request_count);
  out.key("error_count").value(row.error_count);
  out.key("error_rate").value(row.error_rate);
  out.key("endpoint_distribution").begin_array();
  for (const EndpointShare& e : row.endpoint_distribution) {
    out.begin_object();
    out.key("path").value(e.path);
    out.key("count").value(e.count);
    out.key("share").value(e.share);
    out.end_object();
  }
  out.end_array();
  out.key("latency_p95_ms").value(row.latency_p95_ms);
  out.key("last_activity");
  if (row.last_activity) out.value(row.last_activity->text);
  else out.null();
  out.end_object();
}

// {"rows": [...]} (a usage_by_key output) or {"keys", "usages"}.
Result<std::vector<UsageRow>> read_rows(const TapeValue& input) {
  const std::optional<TapeValue> rows = member(input, "rows");
  if (!rows) {
    auto keys = read_keys(input);
    if (!keys.ok()) return keys.error();
    auto usages = read_usages(input);
    if (!usages.ok()) return usages.error();
    return usage_by_key(keys.value(), usages.value());
  }
  if (!rows->is_array()) return validation_error("rows must be an array");
  std::vector<UsageRow> out;
  std::optional<Error> error;
  rows->for_each_element([&](TapeValue r) {
    if (error) return;
    const std::optional<TapeValue> key_id = r.is_object() ? member(r, "key_id") : std::nullopt;
    if (!key_id || !key_id->is_string()) return void(error = validation_error("each row needs a key_id string"));
    UsageRow row;
    row.key_id = key_id->string();
    if (const auto name = member(r, "name"); name && name->is_string()) row.name = name->string();
    const Result<std::int64_t> count = read_integer(r, "request_count", 0);
    if (!count.ok()) return void(error = count.error());
    row.request_count = count.value();
    out.push_back(std::move(row));
  });
  if (error) return std::move(*error);
  return out;
}

Result<CostCenterMap> read_mapping(const TapeValue& input) {
  CostCenterMap map;
  const std::optional<TapeValue> mapping = member(input, "mapping");
  if (!mapping) return map;
  if (!mapping->is_object()) return validation_error("mapping must be an object");
  if (const auto by_key = member(*mapping, "by_key")) {
    if (!by_key->is_object()) return validation_error("mapping.by_key must be an object");
    bool strings = true;
    by_key->for_each_member([&](const std::string& key, TapeValue center) {
      strings = strings && center.is_string();
      if (strings) map.by_key.emplace_back(key, center.string());
    });
    if (!strings) return validation_error("mapping.by_key values must be strings");
  }
  if (const auto pattern = member(*mapping, "name_pattern")) {
    if (!pattern->is_string()) return validation_error("mapping.name_pattern must be a string");
    map.name_pattern = pattern->string();
  }
  return map;
}

// Runs `body` on the input object; a document that is not one is the codec's DecodeError.
template <class Body>
Result<std::string> with_input(std::string_view text, Body body) {
  Input input;
  if (std::optional<Error> error = codec::parse_object(text, input.tape)) return std::move(*error);
  return body(input.root());
}

// The value of a Result, or its error returned from the enclosing function.
#define KEYSCOPE_TRY(name, expression) \
  auto name = (expression);            \
  if (!name.ok()) return name.error()

}  // namespace

std::string encode_usage_rows(const std::vector<UsageRow>& rows) {
  JsonWriter out;
  out.begin_array();
  for (const UsageRow& row : rows) write_row(out, row);
  out.end_array();
  return out.take();
}

std::string encode_findings(const std::vector<Finding>& findings) {
  JsonWriter out;
  out.begin_array();
  for (const Finding& f : findings) {
    out.begin_object();
    out.key("key_id").value(f.key_id);
    out.key("key_name").value(f.key_name);
    out.key("key_prefix").value(f.key_prefix);
    out.key("kind").value(to_string(f.kind));
    out.key("severity").value(to_string(f.severity));
    out.key("metrics").begin_object();
    for (const Metric& m : f.metrics) out.key(m.name).value(m.value);
    out.end_object();
    out.key("reason").value(f.reason);
    out.end_object();
  }
  out.end_array();
  return out.take();
}

std::string encode_chargeback(const std::vector<ChargebackRow>& rows) {
  JsonWriter out;
  out.begin_array();
  for (const ChargebackRow& row : rows) {
    out.begin_object();
    out.key("cost_center").value(row.cost_center);
    out.key("keys").value(row.key_ids.size());
    out.key("key_ids").value(row.key_ids);
    out.key("requests").value(row.requests);
    out.key("share").value(row.share);
    out.key("cost_cents").value(row.cost_cents);
    out.key("cost").value(format_cents(row.cost_cents));
    out.end_object();
  }
  out.end_array();
  return out.take();
}

Result<std::string> environment_of_json(std::string_view text) {
  return with_input(text, [](const TapeValue& in) -> Result<std::string> {
    const std::optional<TapeValue> prefix = member(in, "prefix");
    if (!prefix || !prefix->is_string()) return validation_error("prefix must be a string");
    JsonWriter out(16);
    out.value(environment_of(prefix->string()));
    return out.take();
  });
}

Result<std::string> usage_by_key_json(std::string_view text) {
  return with_input(text, [](const TapeValue& in) -> Result<std::string> {
    KEYSCOPE_TRY(keys, read_keys(in));
    KEYSCOPE_TRY(usages, read_usages(in));
    return encode_usage_rows(usage_by_key(keys.value(), usages.value()));
  });
}

Result<std::string> detect_anomalies_json(std::string_view text) {
  return with_input(text, [](const TapeValue& in) -> Result<std::string> {
    const std::optional<TapeValue> now = member(in, "now");
    const auto now_unix = now && now->is_string() ? parse_iso8601(now->string()) : std::nullopt;
    if (!now_unix) return validation_error("now must be an ISO-8601 timestamp");
    KEYSCOPE_TRY(options, read_options(in));
    KEYSCOPE_TRY(keys, read_keys(in));
    KEYSCOPE_TRY(usages, read_usages(in));
    return encode_findings(detect_anomalies(keys.value(), usages.value(), *now_unix, options.value()));
  });
}

Result<std::string> chargeback_json(std::string_view text) {
  return with_input(text, [](const TapeValue& in) -> Result<std::string> {
    std::int64_t bill_cents = 0;
    if (const auto bill = member(in, "bill")) {
      if (!bill->is_string()) return validation_error("bill must be a string like \"1234.56\"");
      if (auto error = detail::parse_bill(bill->string(), bill_cents)) return std::move(*error);
    } else if (member(in, "bill_cents")) {
      KEYSCOPE_TRY(cents, read_integer(in, "bill_cents", 0));
      bill_cents = cents.value();
      if (bill_cents < 0) return validation_error("bill_cents must not be negative");
    } else {
      return validation_error("bill (a string) or bill_cents (an integer) is required");
    }
    KEYSCOPE_TRY(rows, read_rows(in));
    KEYSCOPE_TRY(mapping, read_mapping(in));
    KEYSCOPE_TRY(charges, try_chargeback(rows.value(), bill_cents, mapping.value()));
    return encode_chargeback(charges.value());
  });
}

Result<std::string> check_usage_json(std::string_view text) {
  return with_input(text, [](const TapeValue& in) -> Result<std::string> {
    const std::optional<TapeValue> usage_json = member(in, "usage");
    if (!usage_json) return validation_error("usage is required");
    codec::Reader reader;
    KeyUsage usage;
    codec::read_key_usage(reader, *usage_json, codec::Path::root().member("usage"), usage);
    if (std::optional<Error> error = reader.take_error()) return std::move(*error);
    std::optional<std::int64_t> end_day;
    if (member(in, "end_date")) {
      KEYSCOPE_TRY(day, read_date(in, "end_date"));
      end_day = day.value();
    }
    JsonWriter out;
    out.begin_array();
    for (const IntegrityCheck& c : check_usage(usage, end_day)) {
      out.begin_object();
      out.key("check").value(c.check);
      out.key("ok").value(c.ok);
      out.key("expected").value(c.expected);
      out.key("actual").value(c.actual);
      out.key("message").value(c.message);
      out.end_object();
    }
    out.end_array();
    return out.take();
  });
}

Result<std::string> gap_fill_json(std::string_view text) {
  return with_input(text, [](const TapeValue& in) -> Result<std::string> {
    KEYSCOPE_TRY(daily, read_models<DailyBucket>(in, "daily", codec::read_daily_bucket<TapeValue>));
    if (!member(in, "window_days")) return validation_error("window_days is required");
    KEYSCOPE_TRY(window_days, read_integer(in, "window_days", 0));
    if (window_days.value() < 0 || window_days.value() > 3660) {
      return validation_error("window_days must be within [0, 3660]");
    }
    KEYSCOPE_TRY(end_day, read_date(in, "end_date"));
    JsonWriter out;
    out.begin_array();
    for (const DailyBucket& b : gap_fill(daily.value(), window_days.value(), end_day.value())) {
      out.begin_object();
      out.key("date").value(b.date.text);
      out.key("requests").value(b.requests);
      out.key("errors").value(b.errors);
      out.end_object();
    }
    out.end_array();
    return out.take();
  });
}

Result<std::string> percentiles_json(std::string_view text) {
  return with_input(text, [](const TapeValue& in) -> Result<std::string> {
    KEYSCOPE_TRY(samples, read_numbers(in, "samples"));
    KEYSCOPE_TRY(qs, read_numbers(in, "qs"));
    KEYSCOPE_TRY(values, try_percentiles(std::move(samples).value(), qs.value()));
    JsonWriter out;
    out.begin_object();
    out.key("values").value(values.value());
    out.end_object();
    return out.take();
  });
}

Result<std::string> ddsketch_json(std::string_view text) {
  return with_input(text, [](const TapeValue& in) -> Result<std::string> {
    KEYSCOPE_TRY(samples, read_numbers(in, "samples"));
    KEYSCOPE_TRY(qs, read_numbers(in, "qs"));
    KEYSCOPE_TRY(accuracy, read_number(in, "relative_accuracy", 0.01));
    KEYSCOPE_TRY(max_buckets, read_integer(in, "max_buckets", 2048));
    if (max_buckets.value() < 1 || max_buckets.value() > 1'000'000) {
      return validation_error("max_buckets must be within [1, 1000000]");
    }
    KEYSCOPE_TRY(created, DDSketch::create(accuracy.value(), static_cast<int>(max_buckets.value())));
    if (auto error = detail::check_samples(samples.value())) return std::move(*error);
    for (double q : qs.value()) {
      if (auto error = detail::check_quantile(q)) return std::move(*error);
    }
    DDSketch sketch = std::move(created).value();
    for (double v : samples.value()) {
      if (auto error = sketch.try_add(v)) return validation_error("samples must be finite");
    }
    JsonWriter out;
    out.begin_object();
    out.key("values").begin_array();
    for (double q : qs.value()) out.value(*sketch.try_quantile(q));  // checked above; not empty
    out.end_array();
    out.key("count").value(sketch.count());
    out.key("min").value(sketch.min());
    out.key("max").value(sketch.max());
    out.key("sum").value(sketch.sum());
    out.key("bucket_count").value(sketch.bucket_count());
    out.end_object();
    return out.take();
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

#undef KEYSCOPE_TRY

}  // namespace keyscope::analytics
