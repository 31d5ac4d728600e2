// JSON-text entry points of the log reader and the reconciliation, for the bindings and the
// shared vectors (tests/vectors/reconcile_logs.json). Never throws: bad input is an Error.
#include "codec/model_json.hpp"
#include "keyscope/codec.hpp"
#include "keyscope/logs.hpp"
#include "keyscope/time.hpp"

namespace keyscope::logs {
namespace {

using codec::TapeValue;

// The member `key`, or nothing when it is missing or null.
std::optional<TapeValue> present(const TapeValue& object, const char* key) {
  std::optional<TapeValue> member = object.find(key);
  if (member && member->is_null()) return std::nullopt;
  return member;
}

std::optional<Error> text_member(const TapeValue& object, const char* key, std::string& out) {
  const auto it = present(object, key);
  if (!it) return std::nullopt;
  if (!it->is_string()) return validation_error(std::string(key) + " must be a string");
  out = it->string();
  return std::nullopt;
}

std::optional<Error> read_reader_options(const TapeValue& input, ReaderOptions& options) {
  const auto it = present(input, "reader");
  if (!it) return std::nullopt;
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
  if (const auto fields = present(*it, "fields")) {
    if (!fields->is_object()) return validation_error("reader.fields must be an object");
    std::optional<Error> error;
    fields->for_each_member([&](const std::string& name, TapeValue source) {
      if (error) return;
      if (!source.is_string()) return void(error = validation_error("reader.fields." + name + " must be a string"));
      std::string* slot = field_source(options.fields, name);
      if (!slot) {
        return void(error = validation_error("reader.fields: unknown field " + name + " (time, key, path, status, latency)"));
      }
      *slot = source.string();
    });
    if (error) return error;
  }
  return validate(options);
}

template <class Model, class Read>
std::optional<Error> read_models(const TapeValue& input, const char* key, std::vector<Model>& out, Read read) {
  codec::Reader reader;
  reader.for_each_element_of(input, codec::Path::root(), key, [&](const TapeValue& element, const codec::Path& path) {
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

Result<Parsed> summarize(const TapeValue& input) {
  Parsed out;
  if (auto e = read_reader_options(input, out.reader)) return std::move(*e);
  if (auto e = read_models(input, "keys", out.keys, codec::read_key_info<TapeValue>)) return std::move(*e);
  if (const auto days = present(input, "window_days")) {
    const std::optional<std::int64_t> n = codec::int64_of(*days);
    if (!n || *n < 1 || *n > 90) return validation_error("window_days must be an integer in 1..90", "invalid_days");
    out.window_days = *n;
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
  if (log && log->is_string()) {
    reader.feed(log->string());
  } else if (lines && lines->is_array()) {
    // The runs expand to at most kMaxExpandedBytes: [[1e15, "x"]] is a bad argument, not an hour
    // of work.
    constexpr std::int64_t kMaxExpandedBytes = std::int64_t{1} << 20;
    std::int64_t expanded = 0;
    std::vector<std::pair<std::int64_t, std::string>> runs;
    bool well_formed = true;
    lines->for_each_element([&](TapeValue entry) {
      std::optional<std::int64_t> count;
      std::optional<std::string> line;
      if (entry.is_array() && entry.size() == 2) {
        entry.for_each_element([&](TapeValue item) {
          if (!count) count = codec::int64_of(item).value_or(-1);
          else if (item.is_string()) line = item.string();
        });
      }
      if (!well_formed || !count || *count < 0 || !line) {
        well_formed = false;
        return;
      }
      runs.emplace_back(*count, std::move(*line) + "\n");
    });
    if (!well_formed) {
      return validation_error("log_lines entries must be [count, \"line\"] with a count of 0 or more");
    }
    for (const auto& [count, line] : runs) {
      const auto bytes = static_cast<std::int64_t>(line.size());
      if (count > (kMaxExpandedBytes - expanded) / bytes) {
        return validation_error("log_lines expand to more than 1 MiB: pass the log itself");
      }
      expanded += count * bytes;
    }
    for (const auto& [count, line] : runs) {
      for (std::int64_t i = 0; i < count; ++i) reader.feed(line);
    }
  } else {
    return validation_error("log (a string) or log_lines ([[count, line], ...]) is required");
  }
  reader.finish();
  out.summary = reader.aggregate().summary(out.keys, out.window_days, out.end_day);
  return out;
}

}  // namespace

Result<std::string> summarize_logs_json(std::string_view text) {
  codec::Tape tape;
  if (auto error = codec::parse_object(text, tape)) return std::move(*error);
  auto parsed = summarize(TapeValue(tape, 0));
  if (!parsed.ok()) return parsed.error();
  return encode_log_summary_object(parsed->summary);
}

Result<std::string> reconcile_logs_json(std::string_view text) {
  codec::Tape tape;
  if (auto error = codec::parse_object(text, tape)) return std::move(*error);
  const TapeValue input(tape, 0);
  auto parsed = summarize(input);
  if (!parsed.ok()) return parsed.error();
  std::vector<KeyUsage> api;
  if (auto e = read_models(input, "api_usages", api, codec::read_key_usage<TapeValue>)) return std::move(*e);
  ReconcileOptions options;
  options.window_days = parsed->window_days;
  options.end_day = parsed->end_day;
  options.now_unix = (parsed->end_day + 1) * 86400;
  const auto opts = input.find("options");
  if (opts && opts->is_object()) {
    if (const auto t = opts->find("tolerance")) {
      if (!codec::is_number(*t)) return validation_error("options.tolerance must be a number (0.02 is 2%)");
      options.tolerance = t->as_double();
    }
    if (const auto m = opts->find("min_diff")) {
      const std::optional<std::int64_t> n = codec::int64_of(*m);
      if (!n) return validation_error("options.min_diff must be an integer");
      options.min_diff = *n;
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
