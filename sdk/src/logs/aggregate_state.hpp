#pragma once
// The per-key state behind logs::UsageAggregate (usage_aggregate.cpp builds and summarises it,
// aggregate_json.cpp serialises it).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "keyscope/analytics.hpp"
#include "keyscope/logs.hpp"

namespace keyscope::logs {

// Distinct paths kept per key; further paths count under kOtherPaths (real logs may carry ids
// in paths, which would otherwise grow without bound).
constexpr std::size_t kMaxPathsPerKey = 10000;
constexpr const char* kOtherPaths = "(other paths)";

struct DayCounts {
  std::int64_t requests = 0;
  std::int64_t errors = 0;
};

struct KeyState {
  std::int64_t total = 0;
  std::map<int, std::int64_t> by_status;
  std::map<std::int64_t, DayCounts> days;                  // days since epoch
  std::unordered_map<std::string, std::int64_t> paths;
  std::unordered_map<std::int64_t, std::int64_t> minutes;  // minutes since epoch
  std::map<std::int64_t, std::int64_t> hours_429;          // hours since epoch
  std::vector<double> latencies;                           // exact while few enough
  std::optional<analytics::DDSketch> sketch;               // all latencies, once too many
  // Whole microseconds: an integer sum is the same in any order of adds and merges (a double's
  // last bits are not), so merged partitions give the same mean as one reader.
  std::int64_t latency_sum_us = 0;
  std::int64_t latency_count = 0;

  void add_latency(double ms);
  void count_path(const std::string& path, std::int64_t count);  // capped at kMaxPathsPerKey
  void merge(const KeyState& other);
};

struct UsageAggregate::State {
  std::map<std::string, KeyState> keys;
};

}  // namespace keyscope::logs
