// UsageAggregate <-> a compact JSON document, so that partial aggregates of a huge log (one per
// Dask partition) travel between processes and merge exactly.
//
//   {"keyscope_usage_aggregate": 1, "lines": N, "full_keys_seen": N,
//    "bad_lines": [{"kind", "count", "first_lines": [N, ...]}, ...],
//    "keys": {"<key>": {"total", "by_status": [[status, N], ...], "days": [[day, requests, errors], ...],
//                       "paths": [["/path", N], ...], "minutes": [[minute, N], ...],
//                       "hours_429": [[hour, N], ...], "latencies": [ms, ...], "latency_sum_us",
//                       "latency_count", "sketch": null | DDSketch::to_json()}}}
#include <climits>

#include "codec/json_copy.hpp"
#include "codec/json_reader.hpp"
#include "keyscope/error.hpp"
#include "logs/aggregate_state.hpp"

namespace keyscope::logs {
namespace {

using codec::JsonWriter;
using codec::TapeValue;
constexpr int kVersion = 1;

template <class Map>
void write_pairs(JsonWriter& out, const Map& map) {
  out.begin_array();
  for (const auto& [k, v] : map) {
    out.begin_array();
    out.value(k);
    out.value(v);
    out.end_array();
  }
  out.end_array();
}

// Reads the document, recording the first thing that is not the format.
class AggregateReader {
 public:
  const std::optional<Error>& error() const { return error_; }

  // The member `key` of `object`; records its absence.
  std::optional<TapeValue> member(const TapeValue& object, const char* key) {
    std::optional<TapeValue> v = object.is_object() ? object.find(key) : std::nullopt;
    if (!v) fail(std::string("no \"") + key + "\" member");
    return v;
  }
  std::int64_t integer(const std::optional<TapeValue>& v, const char* what) {
    const std::optional<std::int64_t> n = v ? codec::int64_of(*v) : std::nullopt;
    if (!n) return fail(std::string(what) + " must be an integer"), 0;
    return *n;
  }
  std::string text(const std::optional<TapeValue>& v, const char* what) {
    if (!v || !v->is_string()) return fail(std::string(what) + " must be a string"), std::string();
    return v->string();
  }
  // each(element) for every element of an array; records anything else.
  template <class Each>
  void elements(const std::optional<TapeValue>& v, const char* what, Each each) {
    if (!v || !v->is_array()) return fail(std::string(what) + " must be an array");
    v->for_each_element([&](TapeValue element) {
      if (!error_) each(element);
    });
  }
  // [a, b] or [a, b, c]: an array of exactly `size` elements.
  std::optional<TapeValue> tuple_item(const TapeValue& tuple, std::size_t size, std::size_t index, const char* what) {
    if (!tuple.is_array() || tuple.size() != size) return fail(std::string(what) + " entries must be arrays of " + std::to_string(size)), std::nullopt;
    std::optional<TapeValue> item;
    std::size_t i = 0;
    tuple.for_each_element([&](TapeValue element) {
      if (i++ == index) item = element;
    });
    return item;
  }
  template <class Map, class ReadKey>
  void pairs(const TapeValue& object, const char* key, Map& out, ReadKey read_key) {
    elements(member(object, key), key, [&](const TapeValue& pair) {
      auto k = read_key(tuple_item(pair, 2, 0, key));
      const std::int64_t count = integer(tuple_item(pair, 2, 1, key), key);
      if (!error_) out[std::move(k)] = count;
    });
  }
  void fail(const std::string& problem) {
    if (!error_) error_ = decode_error("malformed usage aggregate: " + problem, "");
  }

 private:
  std::optional<Error> error_;
};

void read_key(AggregateReader& in, const TapeValue& k, KeyState& key) {
  key.total = in.integer(in.member(k, "total"), "total");
  in.pairs(k, "by_status", key.by_status, [&](const std::optional<TapeValue>& v) {
    const std::int64_t status = in.integer(v, "a status");
    if (status < INT_MIN || status > INT_MAX) in.fail("a status must be an int");
    return static_cast<int>(status);
  });
  in.elements(in.member(k, "days"), "days", [&](const TapeValue& d) {
    const std::int64_t day = in.integer(in.tuple_item(d, 3, 0, "days"), "a day");
    const std::int64_t requests = in.integer(in.tuple_item(d, 3, 1, "days"), "requests");
    const std::int64_t errors = in.integer(in.tuple_item(d, 3, 2, "days"), "errors");
    key.days[day] = DayCounts{requests, errors};
  });
  in.pairs(k, "paths", key.paths, [&](const std::optional<TapeValue>& v) { return in.text(v, "a path"); });
  const auto integer_key = [&](const std::optional<TapeValue>& v) { return in.integer(v, "a time"); };
  in.pairs(k, "minutes", key.minutes, integer_key);
  in.pairs(k, "hours_429", key.hours_429, integer_key);
  in.elements(in.member(k, "latencies"), "latencies", [&](const TapeValue& v) {
    if (!codec::is_number(v)) return in.fail("latencies must be numbers");
    key.latencies.push_back(v.as_double());
  });
  key.latency_sum_us = in.integer(in.member(k, "latency_sum_us"), "latency_sum_us");
  key.latency_count = in.integer(in.member(k, "latency_count"), "latency_count");
  const std::optional<TapeValue> sketch = in.member(k, "sketch");
  if (!sketch || sketch->is_null() || in.error()) return;
  auto parsed = analytics::DDSketch::try_from_json(codec::to_text(*sketch));
  if (!parsed.ok()) return in.fail("sketch: " + parsed.error().message);
  // Merging needs the readers' own parameters (UsageAggregate::merge).
  const analytics::DDSketch reference;
  if (parsed->relative_accuracy() != reference.relative_accuracy() || parsed->max_buckets() != reference.max_buckets()) {
    return in.fail("a sketch must have the log reader's relative_accuracy and max_buckets");
  }
  key.sketch = std::move(parsed).value();
}

}  // namespace

std::string UsageAggregate::serialize() const {
  JsonWriter out(1024);
  out.begin_object();
  out.key("keyscope_usage_aggregate").value(kVersion);
  out.key("lines").value(lines_);
  out.key("full_keys_seen").value(full_keys_seen_);
  out.key("bad_lines").begin_array();
  for (const auto& [kind, lines] : bad_) {
    out.begin_object();
    out.key("kind").value(kind);
    out.key("count").value(lines.count);
    out.key("first_lines").value(lines.first_lines);
    out.end_object();
  }
  out.end_array();
  out.key("keys").begin_object();
  for (const auto& [name, key] : state_->keys) {
    out.key(name).begin_object();
    out.key("total").value(key.total);
    out.key("by_status");
    write_pairs(out, key.by_status);
    out.key("days").begin_array();
    for (const auto& [day, counts] : key.days) {
      out.begin_array();
      out.value(day);
      out.value(counts.requests);
      out.value(counts.errors);
      out.end_array();
    }
    out.end_array();
    out.key("paths");
    write_pairs(out, key.paths);
    out.key("minutes");
    write_pairs(out, key.minutes);
    out.key("hours_429");
    write_pairs(out, key.hours_429);
    out.key("latencies").value(key.latencies);
    out.key("latency_sum_us").value(key.latency_sum_us);
    out.key("latency_count").value(key.latency_count);
    out.key("sketch");
    if (key.sketch) out.raw(key.sketch->to_json());
    else out.null();
    out.end_object();
  }
  out.end_object();
  out.end_object();
  return out.take();
}

Result<UsageAggregate> UsageAggregate::deserialize(std::string_view text) {
  codec::Tape tape;
  const bool parsed = !codec::parse_object(text, tape);
  const std::optional<TapeValue> version = parsed ? TapeValue(tape, 0).find("keyscope_usage_aggregate") : std::nullopt;
  if (!version || codec::int64_of(*version) != std::optional<std::int64_t>(kVersion)) {
    return decode_error("not a serialised keyscope usage aggregate (version 1)", "");
  }
  const TapeValue doc(tape, 0);
  AggregateReader in;
  UsageAggregate out;
  out.lines_ = in.integer(in.member(doc, "lines"), "lines");
  out.full_keys_seen_ = in.integer(in.member(doc, "full_keys_seen"), "full_keys_seen");
  in.elements(in.member(doc, "bad_lines"), "bad_lines", [&](const TapeValue& bad) {
    const std::string kind = in.text(in.member(bad, "kind"), "kind");
    BadLines& lines = out.bad_[kind];
    lines.kind = kind;
    lines.count = in.integer(in.member(bad, "count"), "count");
    in.elements(in.member(bad, "first_lines"), "first_lines",
                [&](const TapeValue& line) { lines.first_lines.push_back(in.integer(line, "first_lines")); });
  });
  const std::optional<TapeValue> keys = in.member(doc, "keys");
  if (keys && !keys->is_object()) in.fail("keys must be an object");
  if (keys && keys->is_object()) {
    keys->for_each_member([&](const std::string& name, TapeValue k) {
      if (!in.error()) read_key(in, k, out.state_->keys[name]);
    });
  }
  if (in.error()) return *in.error();
  return out;
}

}  // namespace keyscope::logs
