// UsageAggregate <-> a compact JSON document, so that partial aggregates of a huge log (one per
// Dask partition) travel between processes and merge exactly.
#include <nlohmann/json.hpp>

#include "keyscope/error.hpp"
#include "logs/aggregate_state.hpp"

namespace keyscope::logs {
namespace {

using nlohmann::json;
constexpr int kVersion = 1;

template <class Map>
json pairs(const Map& map) {
  json out = json::array();
  for (const auto& [k, v] : map) out.push_back(json::array({k, v}));
  return out;
}

}  // namespace

std::string UsageAggregate::serialize() const {
  json keys = json::object();
  for (const auto& [name, key] : state_->keys) {
    json days = json::array();
    for (const auto& [day, counts] : key.days) days.push_back(json::array({day, counts.requests, counts.errors}));
    json k = {{"total", key.total},
              {"by_status", pairs(key.by_status)},
              {"days", std::move(days)},
              {"paths", pairs(key.paths)},
              {"minutes", pairs(key.minutes)},
              {"hours_429", pairs(key.hours_429)},
              {"latencies", key.latencies},
              {"latency_sum_us", key.latency_sum_us},
              {"latency_count", key.latency_count}};
    k["sketch"] = key.sketch ? json::parse(key.sketch->to_json()) : json(nullptr);
    keys[name] = std::move(k);
  }
  json bad = json::array();
  for (const auto& [kind, lines] : bad_) bad.push_back({{"kind", kind}, {"count", lines.count}, {"first_lines", lines.first_lines}});
  json out = {{"keyscope_usage_aggregate", kVersion},
              {"lines", lines_},
              {"full_keys_seen", full_keys_seen_},
              {"bad_lines", std::move(bad)},
              {"keys", std::move(keys)}};
  // Keys and paths are valid UTF-8 since the reader made them so; replace, never throw, anyway.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<UsageAggregate> UsageAggregate::deserialize(std::string_view text) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (!doc.is_object() || doc.value("keyscope_usage_aggregate", 0) != kVersion) {
    return decode_error("not a serialised keyscope usage aggregate (version 1)", "");
  }
  try {
    UsageAggregate out;
    out.lines_ = doc.at("lines").get<std::int64_t>();
    out.full_keys_seen_ = doc.at("full_keys_seen").get<std::int64_t>();
    for (const auto& bad : doc.at("bad_lines")) {
      BadLines& lines = out.bad_[bad.at("kind").get<std::string>()];
      lines.kind = bad.at("kind").get<std::string>();
      lines.count = bad.at("count").get<std::int64_t>();
      lines.first_lines = bad.at("first_lines").get<std::vector<std::int64_t>>();
    }
    for (const auto& [name, k] : doc.at("keys").items()) {
      KeyState& key = out.state_->keys[name];
      key.total = k.at("total").get<std::int64_t>();
      for (const auto& p : k.at("by_status")) key.by_status[p.at(0).get<int>()] = p.at(1).get<std::int64_t>();
      for (const auto& d : k.at("days")) key.days[d.at(0).get<std::int64_t>()] = DayCounts{d.at(1).get<std::int64_t>(), d.at(2).get<std::int64_t>()};
      for (const auto& p : k.at("paths")) key.paths[p.at(0).get<std::string>()] = p.at(1).get<std::int64_t>();
      for (const auto& p : k.at("minutes")) key.minutes[p.at(0).get<std::int64_t>()] = p.at(1).get<std::int64_t>();
      for (const auto& p : k.at("hours_429")) key.hours_429[p.at(0).get<std::int64_t>()] = p.at(1).get<std::int64_t>();
      key.latencies = k.at("latencies").get<std::vector<double>>();
      key.latency_sum_us = k.at("latency_sum_us").get<std::int64_t>();
      key.latency_count = k.at("latency_count").get<std::int64_t>();
      if (!k.at("sketch").is_null()) key.sketch = analytics::DDSketch::from_json(k.at("sketch").dump());
    }
    return out;
  } catch (const std::exception& e) {
    return decode_error(std::string("malformed usage aggregate: ") + e.what(), "");
  }
}

}  // namespace keyscope::logs
