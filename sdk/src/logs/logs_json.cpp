// JSON-text entry points of the log reader and the reconciliation, for the bindings and the
// shared vectors (tests/vectors/reconcile_logs.json). Never throws: bad input is an Error.
#include <nlohmann/json.hpp>

#include "codec/model_json.hpp"
#include "keyscope/codec.hpp"
#include "keyscope/logs.hpp"
#include "keyscope/time.hpp"

namespace keyscope::logs {
namespace {

using nlohmann::json;

std::optional<Error> text_member(const json& object, const char* key, std::string& out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return validation_error(std::string(key) + " must be a string");
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<Error> read_reader_options(const json& input, ReaderOptions& options) {
  const auto it = input.find("reader");
  if (it == input.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return validation_error("reader must be an object");
  std::string format = "jsonl", unit;
  if (auto e = text_member(*it, "format", format)) return e;
  const auto parsed = parse_format(format);
  if (!parsed) return validation_error("reader.format must be jsonl, csv or nginx");
  options.format = *parsed;
  if (auto e = text_member(*it, "nginx_format", options.nginx_format)) return e;
  if (auto e = text_member(*it, "latency_unit", unit)) return e;
  if (!unit.empty()) {
    const auto parsed_unit = parse_latency_unit(unit);
    if (!parsed_unit) return validation_error("reader.latency_unit must be s, ms or us");
    options.latency_unit = *parsed_unit;
  }
  const auto fields = it->find("fields");
  if (fields != it->end() && !fields->is_null()) {
    if (!fields->is_object()) return validation_error("reader.fields must be an object");
    for (const auto& [name, source] : fields->items()) {
      if (!source.is_string()) return validation_error("reader.fields." + name + " must be a string");
      std::string* slot = field_source(options.fields, name);
      if (!slot) return validation_error("reader.fields: unknown field " + name + " (time, key, path, status, latency)");
      *slot = source.get<std::string>();
    }
  }
  return validate(options);
}

template <class Model, class Read>
std::optional<Error> read_models(const json& input, const char* key, std::vector<Model>& out, Read read) {
  codec::Reader reader;
  reader.for_each_element_of(input, codec::Path::root(), key, [&](const json& element, const codec::Path& path) {
    Model model;
    read(reader, element, path, model);
    out.push_back(std::move(model));
  });
  return reader.take_error();
}

struct Parsed {
  ReaderOptions reader;
  std::vector<APIKeyInfo> keys;
  std::int64_t window_days = 30;
  std::int64_t end_day = 0;
  LogSummary summary;
};

Result<Parsed> summarize(const json& input) {
  Parsed out;
  if (auto e = read_reader_options(input, out.reader)) return std::move(*e);
  if (auto e = read_models(input, "keys", out.keys, codec::read_key_info<json>)) return std::move(*e);
  const auto days = input.find("window_days");
  if (days != input.end() && !days->is_null()) {
    if (!days->is_number_integer() || days->get<std::int64_t>() < 1 || days->get<std::int64_t>() > 90) {
      return validation_error("window_days must be an integer in 1..90", "invalid_days");
    }
    out.window_days = days->get<std::int64_t>();
  }
  std::string end_date;
  if (auto e = text_member(input, "end_date", end_date)) return std::move(*e);
  const auto end_day = parse_iso_date(end_date);
  if (!end_day) return validation_error("end_date must be a date (YYYY-MM-DD)");
  out.end_day = *end_day;
  out.reader.window_start_unix = (out.end_day - out.window_days + 1) * 86400;
  out.reader.window_end_unix = (out.end_day + 1) * 86400;
  LogReader reader(out.reader);
  const auto log = input.find("log");
  const auto lines = input.find("log_lines");  // [[count, "line"], ...]: a line repeated count times
  if (log != input.end() && log->is_string()) {
    reader.feed(log->get_ref<const std::string&>());
  } else if (lines != input.end() && lines->is_array()) {
    // The runs expand to at most kMaxExpandedBytes: [[1e15, "x"]] is a bad argument, not an hour
    // of work.
    constexpr std::int64_t kMaxExpandedBytes = std::int64_t{1} << 20;
    std::int64_t expanded = 0;
    for (const auto& entry : *lines) {
      if (!entry.is_array() || entry.size() != 2 || !entry[0].is_number_integer() || !entry[1].is_string() ||
          entry[0].get<std::int64_t>() < 0) {
        return validation_error("log_lines entries must be [count, \"line\"] with a count of 0 or more");
      }
      const auto bytes = static_cast<std::int64_t>(entry[1].get_ref<const std::string&>().size()) + 1;
      if (entry[0].get<std::int64_t>() > (kMaxExpandedBytes - expanded) / bytes) {
        return validation_error("log_lines expand to more than 1 MiB: pass the log itself");
      }
      expanded += entry[0].get<std::int64_t>() * bytes;
    }
    for (const auto& entry : *lines) {
      const std::string line = entry[1].get<std::string>() + "\n";
      for (std::int64_t i = 0; i < entry[0].get<std::int64_t>(); ++i) reader.feed(line);
    }
  } else {
    return validation_error("log (a string) or log_lines ([[count, line], ...]) is required");
  }
  reader.finish();
  out.summary = reader.aggregate().summary(out.keys, out.window_days, out.end_day);
  return out;
}

json parse(std::string_view text, std::optional<Error>& error) {
  json input;
  error = codec::parse_object(text, input);
  return input;
}

}  // namespace

Result<std::string> summarize_logs_json(std::string_view text) {
  std::optional<Error> error;
  const json input = parse(text, error);
  if (error) return std::move(*error);
  auto parsed = summarize(input);
  if (!parsed.ok()) return parsed.error();
  return encode_log_summary_object(parsed->summary);
}

Result<std::string> reconcile_logs_json(std::string_view text) {
  std::optional<Error> error;
  const json input = parse(text, error);
  if (error) return std::move(*error);
  auto parsed = summarize(input);
  if (!parsed.ok()) return parsed.error();
  std::vector<KeyUsage> api;
  if (auto e = read_models(input, "api_usages", api, codec::read_key_usage<json>)) return std::move(*e);
  ReconcileOptions options;
  options.window_days = parsed->window_days;
  options.end_day = parsed->end_day;
  options.now_unix = (parsed->end_day + 1) * 86400;
  const auto opts = input.find("options");
  if (opts != input.end() && opts->is_object()) {
    if (const auto t = opts->find("tolerance"); t != opts->end()) {
      if (!t->is_number()) return validation_error("options.tolerance must be a number (0.02 is 2%)");
      options.tolerance = t->get<double>();
    }
    if (const auto m = opts->find("min_diff"); m != opts->end()) {
      if (!m->is_number_integer()) return validation_error("options.min_diff must be an integer");
      options.min_diff = m->get<std::int64_t>();
    }
    std::string now;
    if (auto e = text_member(*opts, "now", now)) return std::move(*e);
    if (!now.empty()) {
      const auto parsed_now = parse_iso8601(now);
      if (!parsed_now) return validation_error("options.now must be an ISO-8601 timestamp");
      options.now_unix = *parsed_now;
    }
  }
  auto result = reconcile(parsed->keys, api, parsed->summary.usages, options);
  if (!result.ok()) return result.error();
  return "{\"summary\":" + encode_log_summary_object(parsed->summary) +
         ",\"reconciliation\":" + encode_reconciliation_object(*result) + "}";
}

}  // namespace keyscope::logs
