// Deterministic demo fleet: the 13-key roster with planted incidents plus
// generated clean keys. Everything is a pure function of (seed, key count, the
// clock's date) — the clock's time of day only clamps "today" timestamps so
// they never lie in the future.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sandbox {

enum class Incident {
  None,
  Spike,               // key 3: day 0 ~12x normal
  DormantReactivated,  // key 4: silent days 59..4, traffic again days 3..0
  ErrorBurst,          // key 5: ~35% errors on days 1 and 0, mostly 5xx
  TestAtScale,         // key 6: sk_test_ key at ~40k/day
  RatePressure,        // key 7: free key at its 10/min limit, 429s last week
  Revoked,             // key 8: revoked 20 days ago
  Expired,             // key 9: expired 10 days ago, not revoked
  NeverUsed,           // key 10
  ExpiringSoon,        // key 11: expires in 5 days
  Stale,               // key 12: no traffic for 60 days
};

const char* incident_name(Incident i);

constexpr int kStatusCount = 8;
constexpr std::array<int, kStatusCount> kStatusCodes = {200, 400, 401, 403, 404, 429, 500, 503};
constexpr int kEndpointCount = 5;
extern const std::array<const char*, kEndpointCount> kEndpointPaths;

struct KeyProfile {
  int index = 0;  // 1..13 roster, 14.. generated
  std::string id, prefix, name, tier;
  std::vector<std::string> scopes;
  std::int64_t created_at = 0, created_day = 0;
  std::optional<std::int64_t> expires_at, revoked_at, last_used_at;
  std::optional<std::vector<std::string>> allowed_ips;
  Incident incident = Incident::None;
  double base_per_day = 0;     // typical requests/day
  double alt_per_day = 0;      // second traffic level (reactivation)
  std::int64_t last_traffic_day = 0;  // no traffic after this day
  std::int64_t lifetime_total = 0;
  // Per-key constants
  int latency_p50 = 0, latency_p95 = 0, latency_p99 = 0;
  double latency_avg = 0;
  double peak_factor = 4;  // peak minute vs mean minute of the busiest day
  std::array<double, kEndpointCount> endpoint_weights{};

  int rate_limit_per_minute() const { return tier == "free" ? 10 : 1000; }
  int rate_limit_per_day() const { return tier == "free" ? 1000 : 1000000; }
};

struct DayStats {
  std::int64_t requests = 0;
  std::array<std::int64_t, kStatusCount> by_status{};  // parallel to kStatusCodes
  std::int64_t errors() const { return requests - by_status[0]; }
  std::int64_t count(int code) const;
};

struct HourHits {
  std::int64_t hour_start;  // unix seconds
  std::int64_t count;
};

class Fleet {
 public:
  Fleet(std::uint64_t seed, int key_count, std::int64_t now);

  std::uint64_t seed() const { return seed_; }
  std::int64_t today() const { return today_; }
  std::int64_t now() const { return now_; }
  // Sorted by created_at ascending (then id).
  const std::vector<KeyProfile>& keys() const { return keys_; }
  const KeyProfile* find(const std::string& id) const;
  const KeyProfile* by_index(int index) const;

  std::int64_t day_requests(const KeyProfile& k, std::int64_t day) const;
  DayStats day_stats(const KeyProfile& k, std::int64_t day) const;
  std::vector<HourHits> day_rate_limit_hits(const KeyProfile& k, std::int64_t day,
                                            std::int64_t count_429) const;

 private:
  void add_roster();
  void add_generated(int count);
  void finish(KeyProfile& k);

  std::uint64_t seed_;
  std::int64_t now_, today_;
  std::vector<KeyProfile> keys_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<int, size_t> by_index_;
};

}  // namespace sandbox
