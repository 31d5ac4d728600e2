// The log reader and the reconciliation for the npm package (src/logs.js): a streaming
// keyscope::logs::LogReader behind an integer handle, fed chunk by chunk from bytes JS copies into
// the heap, so a dropped multi-gigabyte file never has to be in memory at once.
//
// As everywhere in the core's bindings (binding.hpp): options arrive as scalars, results leave as
// JSON text, every failure is {"error": <error object>} that src/errors.js turns into a
// KeyscopeError subclass. Nothing here ever holds more of a key than its prefix: the core cuts
// full keys the moment a line is read.
#include <emscripten/bind.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "binding.hpp"

namespace keyscope_wasm {
namespace {

using namespace keyscope;
namespace lg = keyscope::logs;

// A reader's bytes go to `reader` until finish(); then its aggregate joins `aggregate`, which
// also holds whatever merge() brought in (another reader's or a worker's serialised aggregate).
struct ReaderEntry {
  std::unique_ptr<lg::LogReader> reader;
  lg::UsageAggregate aggregate;

  void finish() {
    if (!reader) return;
    reader->finish();
    lg::UsageAggregate own = reader->take_aggregate();
    own.merge(aggregate);
    aggregate = std::move(own);
    reader.reset();
  }
};
std::map<int, std::unique_ptr<ReaderEntry>> g_readers;
int g_next_reader = 1;

// The reader behind `id`, or nullptr once it was disposed.
ReaderEntry* reader_at(int id) {
  auto it = g_readers.find(id);
  return it == g_readers.end() ? nullptr : it->second.get();
}

Error disposed() { return validation_error("the log reader was disposed", "disposed"); }

// A decode error of a wrapped document names the caller's path ("keys[3].id"), not the wrapper's
// ("data[3].id"), in its json_path and its message.
Error located_at(Error error, const std::string& at) {
  if (error.json_path.rfind("data", 0) == 0) {
    const std::string path = at + error.json_path.substr(4);
    const auto in_message = error.message.rfind(error.json_path);
    if (in_message != std::string::npos) error.message.replace(in_message, error.json_path.size(), path);
    error.json_path = path;
  }
  return error;
}

Result<std::vector<APIKeyInfo>> decode_keys(const std::string& keys_json) {
  if (keys_json.empty()) return std::vector<APIKeyInfo>{};
  auto list = decode_key_list("{\"data\":" + keys_json + "}");
  if (!list.ok()) return located_at(list.error(), "keys");
  return std::move(std::move(list).value().data);
}

// Usages as JSON lines, each line one {"data": KeyUsage} (JSON.stringify never writes a raw
// newline), so each decodes with the core's strict usage decoder.
Result<std::vector<KeyUsage>> decode_usages(const std::string& lines, const char* what) {
  std::vector<KeyUsage> out;
  std::string_view rest(lines);
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (line.empty()) continue;
    auto usage = decode_key_usage(line);
    if (!usage.ok()) return located_at(usage.error(), std::string(what) + "[" + std::to_string(out.size()) + "]");
    out.push_back(std::move(usage).value());
  }
  return out;
}

Result<std::int64_t> window_days_of(int days) {
  if (days < 1 || days > 90) return validation_error("days must be an integer in 1..90", "invalid_days");
  return std::int64_t{days};
}

Result<std::int64_t> end_day_of(const std::string& end_date) {
  const auto day = parse_iso_date(end_date);
  if (!day) return validation_error("the window's end date must be YYYY-MM-DD", "invalid_argument");
  return *day;
}

// latency_unit: "" (automatic), "s", "ms", "us". window_*: unix seconds, NaN for no bound.
std::string log_reader_create(std::string format, std::string nginx_format, std::string latency_unit,
                              std::string time, std::string key, std::string path, std::string status,
                              std::string latency, double window_start_unix, double window_end_unix) {
  return guarded([&]() -> Result<std::string> {
    lg::ReaderOptions options;
    const auto parsed = lg::parse_format(format);
    if (!parsed) return validation_error("format must be jsonl, csv or nginx", "invalid_argument");
    options.format = *parsed;
    options.nginx_format = std::move(nginx_format);
    if (!latency_unit.empty()) {
      const auto unit = lg::parse_latency_unit(latency_unit);
      if (!unit) return validation_error("latencyUnit must be s, ms or us", "invalid_argument");
      options.latency_unit = *unit;
    }
    options.fields = lg::FieldMap{std::move(time), std::move(key), std::move(path), std::move(status), std::move(latency)};
    if (std::isfinite(window_start_unix)) options.window_start_unix = static_cast<std::int64_t>(window_start_unix);
    if (std::isfinite(window_end_unix)) options.window_end_unix = static_cast<std::int64_t>(window_end_unix);
    if (auto error = lg::validate(options)) return std::move(*error);
    auto entry = std::make_unique<ReaderEntry>();
    entry->reader = std::make_unique<lg::LogReader>(std::move(options));
    const int id = g_next_reader++;
    g_readers[id] = std::move(entry);
    return std::to_string(id);
  });
}

// `length` bytes at `pointer` in the wasm heap (copied there by JS). "" when fed: the hot path
// returns nothing to parse.
std::string log_reader_feed(int id, std::uintptr_t pointer, int length) {
  ReaderEntry* entry = reader_at(id);
  if (!entry) return error_json(disposed());
  if (!entry->reader) return error_json(validation_error("the log reader was already finished", "finished"));
  entry->reader->feed(std::string_view(reinterpret_cast<const char*>(pointer), static_cast<std::size_t>(length)));
  return std::string();
}

std::string log_reader_finish(int id) {
  ReaderEntry* entry = reader_at(id);
  if (!entry) return error_json(disposed());
  entry->finish();
  return ok_json("null");
}

// The LogSummary over `days` days ending on `end_date`; finishes the reader first.
std::string log_reader_summary(int id, std::string keys_json, int days, std::string end_date) {
  return guarded([&]() -> Result<std::string> {
    ReaderEntry* entry = reader_at(id);
    if (!entry) return disposed();
    const Result<std::int64_t> window_days = window_days_of(days);
    if (!window_days.ok()) return window_days.error();
    const Result<std::int64_t> end_day = end_day_of(end_date);
    if (!end_day.ok()) return end_day.error();
    const Result<std::vector<APIKeyInfo>> keys = decode_keys(keys_json);
    if (!keys.ok()) return keys.error();
    entry->finish();
    return encode_log_summary_object(entry->aggregate.summary(keys.value(), window_days.value(), end_day.value()));
  });
}

// The whole aggregate as the core's compact JSON (finishes the reader first): what merge takes.
std::string log_reader_aggregate(int id) {
  ReaderEntry* entry = reader_at(id);
  if (!entry) return error_json(disposed());
  entry->finish();
  return ok_json(entry->aggregate.serialize());
}

std::string log_reader_merge(int id, std::string aggregate_json) {
  return guarded([&]() -> Result<std::string> {
    ReaderEntry* entry = reader_at(id);
    if (!entry) return disposed();
    auto other = lg::UsageAggregate::deserialize(aggregate_json);
    if (!other.ok()) return other.error();
    entry->aggregate.merge(other.value());
    return std::string("null");
  });
}

void log_reader_free(int id) { g_readers.erase(id); }

// keys: a JSON array; api/log usages: JSON lines of {"data": KeyUsage}. now: ISO-8601 or "".
std::string logs_reconcile(std::string keys_json, std::string api_usages, std::string log_usages, int days,
                           std::string end_date, double tolerance, double min_diff, std::string now) {
  return guarded([&]() -> Result<std::string> {
    lg::ReconcileOptions options;
    const Result<std::int64_t> window_days = window_days_of(days);
    if (!window_days.ok()) return window_days.error();
    const Result<std::int64_t> end_day = end_day_of(end_date);
    if (!end_day.ok()) return end_day.error();
    options.window_days = window_days.value();
    options.end_day = end_day.value();
    options.tolerance = tolerance;
    if (!std::isfinite(min_diff) || min_diff != std::floor(min_diff)) {
      return validation_error("minDiff must be an integer", "invalid_argument");
    }
    options.min_diff = static_cast<std::int64_t>(min_diff);
    options.now_unix = (options.end_day + 1) * 86400;
    if (!now.empty()) {
      const auto parsed = parse_iso8601(now);
      if (!parsed) return validation_error("now must be an ISO-8601 timestamp", "invalid_argument");
      options.now_unix = *parsed;
    }
    if (auto error = lg::validate(options)) return std::move(*error);
    const Result<std::vector<APIKeyInfo>> keys = decode_keys(keys_json);
    if (!keys.ok()) return keys.error();
    const Result<std::vector<KeyUsage>> api = decode_usages(api_usages, "apiUsages");
    if (!api.ok()) return api.error();
    const Result<std::vector<KeyUsage>> logs = decode_usages(log_usages, "logSummary.usages");
    if (!logs.ok()) return logs.error();
    auto result = lg::reconcile(keys.value(), api.value(), logs.value(), options);
    if (!result.ok()) return result.error();
    return encode_reconciliation_object(result.value());
  });
}

}  // namespace

void bind_logs() {
  emscripten::function("logReaderCreate", &log_reader_create);
  emscripten::function("logReaderFeed", &log_reader_feed);
  emscripten::function("logReaderFinish", &log_reader_finish);
  emscripten::function("logReaderSummary", &log_reader_summary);
  emscripten::function("logReaderAggregate", &log_reader_aggregate);
  emscripten::function("logReaderMerge", &log_reader_merge);
  emscripten::function("logReaderFree", &log_reader_free);
  emscripten::function("logsReconcile", &logs_reconcile);
}

}  // namespace keyscope_wasm
