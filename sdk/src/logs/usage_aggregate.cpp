// Records -> per-key counts -> the API's KeyUsage shape.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "keyscope/time.hpp"
#include "logs/aggregate_state.hpp"

namespace keyscope::logs {

namespace {

// Saturating: a sum of microseconds that would pass int64 stays at its largest value rather than
// overflow (undefined behaviour). Only a log of ~10^8 day-long requests gets there.
std::int64_t add_saturating(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? INT64_MAX : INT64_MIN;
  return sum;
}

}  // namespace

void KeyState::add_latency(double ms) {
  latency_sum_us = add_saturating(latency_sum_us, std::llround(ms * 1000));
  ++latency_count;
  // Latencies are finite (the readers ignore any other), so the sketch takes every one of them.
  if (sketch) {
    sketch->try_add(ms);
    return;
  }
  latencies.push_back(ms);
  if (latencies.size() > UsageAggregate::kExactLatencySamples) {
    sketch.emplace();
    for (double sample : latencies) sketch->try_add(sample);
    latencies.clear();
    latencies.shrink_to_fit();
  }
}

void KeyState::count_path(const std::string& path, std::int64_t count) {
  auto it = paths.find(path);
  if (it != paths.end()) it->second += count;
  else if (paths.size() < kMaxPathsPerKey) paths.emplace(path, count);
  else paths[kOtherPaths] += count;
}

void KeyState::merge(const KeyState& other) {
  total += other.total;
  for (const auto& [status, count] : other.by_status) by_status[status] += count;
  for (const auto& [day, counts] : other.days) {
    days[day].requests += counts.requests;
    days[day].errors += counts.errors;
  }
  for (const auto& [path, count] : other.paths) count_path(path, count);
  for (const auto& [minute, count] : other.minutes) minutes[minute] += count;
  for (const auto& [hour, count] : other.hours_429) hours_429[hour] += count;
  // Exact while the union is small enough, a sketch of everything otherwise: the same outcome
  // whatever the order of adds and merges.
  const std::int64_t sum = add_saturating(latency_sum_us, other.latency_sum_us);
  const std::int64_t count = latency_count + other.latency_count;
  if (!sketch && !other.sketch && latencies.size() + other.latencies.size() <= UsageAggregate::kExactLatencySamples) {
    latencies.insert(latencies.end(), other.latencies.begin(), other.latencies.end());
  } else {
    if (!sketch) {
      sketch.emplace();
      for (double sample : latencies) sketch->try_add(sample);
      latencies.clear();
    }
    // Every aggregate's sketch has the default parameters (deserialize refuses others).
    if (other.sketch) sketch->try_merge(*other.sketch);
    for (double sample : other.latencies) sketch->try_add(sample);
  }
  latency_sum_us = sum;
  latency_count = count;
}

UsageAggregate::UsageAggregate() : state_(std::make_unique<State>()) {}
UsageAggregate::~UsageAggregate() = default;
UsageAggregate::UsageAggregate(UsageAggregate&&) noexcept = default;
UsageAggregate& UsageAggregate::operator=(UsageAggregate&&) noexcept = default;

void UsageAggregate::add(const Record& record) {
  KeyState& key = state_->keys[record.key];
  ++key.total;
  ++key.by_status[record.status];
  const std::int64_t seconds = record.time_unix_ms >= 0 ? record.time_unix_ms / 1000 : (record.time_unix_ms - 999) / 1000;
  const std::int64_t minute = seconds >= 0 ? seconds / 60 : (seconds - 59) / 60;
  const std::int64_t day = minute >= 0 ? minute / 1440 : (minute - 1439) / 1440;
  DayCounts& counts = key.days[day];
  ++counts.requests;
  if (record.status >= 400) ++counts.errors;
  ++key.minutes[minute];
  if (record.status == 429) ++key.hours_429[minute >= 0 ? minute / 60 : (minute - 59) / 60];
  if (!record.path.empty()) key.count_path(record.path, 1);
  if (record.latency_ms) key.add_latency(*record.latency_ms);
}

void UsageAggregate::merge(const UsageAggregate& other) {
  for (const auto& [name, state] : other.state_->keys) state_->keys[name].merge(state);
  lines_ += other.lines_;
  full_keys_seen_ += other.full_keys_seen_;
  for (const auto& [kind, bad] : other.bad_) {
    BadLines& mine = bad_[kind];
    mine.kind = kind;
    mine.count += bad.count;
    // Line numbers of different partitions are each partition's own: the earliest few overall
    // need the partitions' offsets, which the caller knows (keyscope.dask adds them).
    for (std::int64_t line : bad.first_lines) {
      if (mine.first_lines.size() < 5) mine.first_lines.push_back(line);
    }
  }
}

void UsageAggregate::count_bad(const std::string& kind, std::int64_t line_number, std::size_t examples) {
  BadLines& bad = bad_[kind];
  bad.kind = kind;
  ++bad.count;
  if (bad.first_lines.size() < examples) bad.first_lines.push_back(line_number);
}

std::int64_t UsageAggregate::records() const noexcept {
  std::int64_t total = 0;
  for (const auto& [name, state] : state_->keys) total += state.total;
  return total;
}

namespace {

std::optional<double> quantile(const KeyState& key, double q) {
  const Result<double> value =
      key.sketch ? key.sketch->try_quantile(q)
                 : key.latencies.empty() ? Result<double>(validation_error("no latencies"))
                                         : analytics::try_percentile(key.latencies, q);
  if (!value.ok()) return std::nullopt;
  return value.value();
}

KeyUsage usage_of(const std::string& key_id, const KeyState& key, std::int64_t window_days, std::int64_t end_day) {
  KeyUsage usage;
  usage.key_id = key_id;
  usage.window_days = window_days;
  usage.total_requests = key.total;
  for (const auto& [status, count] : key.by_status) {
    usage.by_status[std::to_string(status)] = count;
    if (status >= 500) usage.server_errors += count;
    else if (status >= 400) usage.client_errors += count;
    else usage.successful += count;
  }
  if (key.total > 0) usage.success_rate = static_cast<double>(usage.successful) / static_cast<double>(key.total);
  if (key.latency_count > 0) {
    usage.avg_response_time_ms = static_cast<double>(key.latency_sum_us) / 1000.0 / static_cast<double>(key.latency_count);
    usage.latency_p50_ms = quantile(key, 0.50);
    usage.latency_p95_ms = quantile(key, 0.95);
    usage.latency_p99_ms = quantile(key, 0.99);
  }
  std::int64_t peak_minute = 0, peak_day = 0;
  for (const auto& [minute, count] : key.minutes) peak_minute = std::max(peak_minute, count);
  std::vector<DailyBucket> daily;
  for (const auto& [day, counts] : key.days) {
    peak_day = std::max(peak_day, counts.requests);
    daily.push_back(DailyBucket{Date{format_iso_date(day), day}, counts.requests, counts.errors});
  }
  usage.rate_limit_peak_per_minute = peak_minute;
  usage.rate_limit_peak_per_day = peak_day;
  usage.daily = analytics::gap_fill(daily, window_days, end_day);
  std::vector<EndpointCount> endpoints;
  endpoints.reserve(key.paths.size());
  for (const auto& [path, count] : key.paths) endpoints.push_back(EndpointCount{path, count});
  const std::size_t top = std::min<std::size_t>(10, endpoints.size());
  std::partial_sort(endpoints.begin(), endpoints.begin() + static_cast<std::ptrdiff_t>(top), endpoints.end(),
                    [](const EndpointCount& a, const EndpointCount& b) {
                      return a.count != b.count ? a.count > b.count : a.path < b.path;
                    });
  endpoints.resize(top);
  usage.top_endpoints = std::move(endpoints);
  for (const auto& [hour, count] : key.hours_429) {
    usage.rate_limit_hits_by_hour.push_back(HourBucket{Timestamp{format_iso8601(hour * 3600), hour * 3600}, count});
  }
  return usage;
}

}  // namespace

LogSummary UsageAggregate::summary(const std::vector<APIKeyInfo>& keys, std::int64_t window_days,
                                   std::int64_t end_day) const {
  std::map<std::string, std::string> id_of;  // prefix or id -> key id
  for (const auto& key : keys) {
    id_of[key.id] = key.id;
    if (!key.key_prefix.empty()) id_of.emplace(key.key_prefix, key.id);
  }
  // Records under a prefix and under the id of the same key are one key.
  std::map<std::string, KeyState> merged;
  for (const auto& [name, state] : state_->keys) {
    const auto it = id_of.find(name);
    merged[it != id_of.end() ? it->second : name].merge(state);
  }
  LogSummary out;
  out.window_days = window_days;
  out.lines = lines_;
  out.full_keys_seen = full_keys_seen_;
  for (const auto& [key_id, state] : merged) {
    out.records += state.total;
    out.usages.push_back(usage_of(key_id, state, window_days, end_day));
  }
  for (const auto& [kind, bad] : bad_) out.bad_lines.push_back(bad);
  return out;
}

}  // namespace keyscope::logs
