#include "log_plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <unordered_set>

#include "hash.hpp"
#include "timeutil.hpp"
#include "usage_model.hpp"

namespace sandbox {

namespace {

constexpr std::int64_t kMsPerDay = kSecondsPerDay * 1000;
// Salts of the log streams (apart from demo_data.cpp's, which start at 1).
enum LogSalt : std::uint64_t {
  kSecret = 0x4c4f4731, kAddr, kAgent, kUnknownPrefix, kLeakShare, kDrift, kRefused, kUnknownVolume,
  kStream, kBurstMinute,
};
constexpr std::uint64_t kMainStream = 1, kBurstStream = 2, kRefusedStream = 3, kUnknownStream = 4;

const char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const char* const kAgents[] = {
    "python-requests/2.32.3", "soc-siem-connector/4.2.0", "soar-runner/1.18.2", "Go-http-client/1.1",
    "curl/8.5.0", "okhttp/4.12.0", "k6/0.52.0 (https://k6.io/)", "node-fetch/3.3.2"};

// Planted figures (requests per full day, shares).
constexpr int kLeakedIndex = 2;     // SOAR playbooks: clean, steady, no IP allowlist
constexpr int kDriftingIndex = 1;   // Production SIEM: clean, steady
constexpr std::int64_t kLeakDays = 3;         // today and the two days before
constexpr std::int64_t kDriftOffset = 4;      // 4 days before today
constexpr double kRefusedPerDay = 240;        // the forgotten job still calling the revoked key
constexpr double kUnknownPerDay = 300;        // a key from outside the key list
const LatencyProfile kRefusedLatency{18, 45, 90};  // 401s are answered fast

std::string base62_tail(std::uint64_t seed, std::uint64_t salt, std::uint64_t who, int n) {
  std::string s;
  for (int i = 0; s.size() < static_cast<size_t>(n); ++i) {
    std::uint64_t h = hash_of({seed, salt, who, static_cast<std::uint64_t>(i)});
    for (int c = 0; c < 10 && s.size() < static_cast<size_t>(n); ++c, h /= 62) s += kBase62[h % 62];
  }
  return s;
}

LogSource make_source(const KeyProfile& k, std::uint64_t seed) {
  LogSource s;
  s.key = &k;
  const auto who = static_cast<std::uint64_t>(k.index);
  s.authorization = "Bearer " + k.prefix + base62_tail(seed, kSecret, who, 28);
  const std::uint64_t a = hash_of({seed, kAddr, who});
  char addr[32];
  std::snprintf(addr, sizeof addr, "10.%d.%d.%d", static_cast<int>(20 + a % 200),
                static_cast<int>(1 + (a >> 16) % 250), static_cast<int>(1 + (a >> 32) % 250));
  s.remote_addr = addr;
  s.user_agent = kAgents[hash_of({seed, kAgent, who}) % (sizeof kAgents / sizeof kAgents[0])];
  return s;
}

// `s` scaled to about f of its requests; statuses by largest remainder (exact sum).
DayStats scaled(const DayStats& s, double f) {
  DayStats out;
  if (s.requests == 0) return out;
  out.requests = std::max<std::int64_t>(1, std::llround(static_cast<double>(s.requests) * f));
  std::array<double, kStatusCount> rem{};
  std::int64_t used = 0;
  for (size_t c = 0; c < kStatusCount; ++c) {
    const double exact = static_cast<double>(s.by_status[c]) * static_cast<double>(out.requests) /
                         static_cast<double>(s.requests);
    out.by_status[c] = static_cast<std::int64_t>(std::floor(exact));
    rem[c] = exact - static_cast<double>(out.by_status[c]);
    used += out.by_status[c];
  }
  std::array<size_t, kStatusCount> order{};
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rem[a] > rem[b]; });
  for (size_t i = 0; used < out.requests; i = (i + 1) % kStatusCount, ++used) ++out.by_status[order[i]];
  return out;
}

LatencyProfile latency_of(const KeyProfile& k) {
  return {static_cast<double>(k.latency_p50), static_cast<double>(k.latency_p95),
          static_cast<double>(k.latency_p99)};
}

}  // namespace

LogPlan::LogPlan(const Fleet& fleet, int days) : fleet_(fleet), days_(std::max(1, days)) {
  const std::uint64_t seed = fleet.seed();
  // The unknown key: sk_live_Zz9q unless this fleet happens to own that prefix.
  std::unordered_set<std::string> prefixes;
  for (const auto& k : fleet.keys()) prefixes.insert(k.prefix);
  unknown_.prefix = "sk_live_Zz9q";
  for (std::uint64_t attempt = 0; prefixes.count(unknown_.prefix) != 0; ++attempt)
    unknown_.prefix = "sk_live_" + base62_tail(seed, kUnknownPrefix, attempt, 4);
  unknown_.name = "(not in the key list)";
  unknown_.tier = "pro";
  unknown_.latency_p50 = 95;
  unknown_.latency_p95 = 240;
  unknown_.latency_p99 = 520;
  unknown_.endpoint_weights = {0.9, 1.4, 0.6, 0.2, 0.1};

  const auto& keys = fleet.keys();
  sources_.reserve(keys.size() + 1);
  window_.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const KeyProfile& k = keys[i];
    sources_.push_back(make_source(k, seed));
    window_[i].resize(static_cast<size_t>(days_));
    for (const DayBucket& b : window_days(fleet, k, days_)) {
      KeyDay& kd = window_[i][static_cast<size_t>(fleet.today() - b.day)];
      kd.api = b.stats;
      kd.log = b.stats;
    }
    if (k.index == kLeakedIndex) leaked_ = i;
    if (k.index == kDriftingIndex) drifting_ = i;
    if (k.incident == Incident::Revoked) revoked_ = i;
  }
  sources_.push_back(make_source(unknown_, seed));
  plan_incidents();
}

const LogPlan::KeyDay& LogPlan::key_day(size_t key, std::int64_t day) const {
  return window_[key][static_cast<size_t>(fleet_.today() - day)];
}

std::int64_t LogPlan::day_end_ms(std::int64_t day) const {
  const std::int64_t end = (day + 1) * kMsPerDay;
  return day == fleet_.today() ? std::min(end, fleet_.now() * 1000 + 1) : end;
}

std::int64_t LogPlan::time_share(std::int64_t start_ms, std::int64_t end_ms, double per_day, std::uint64_t salt,
                                 std::int64_t day) const {
  if (end_ms <= start_ms) return 0;
  const double noise = 0.85 + 0.3 * unit_of(hash_of({fleet_.seed(), salt, static_cast<std::uint64_t>(day)}));
  const double share = static_cast<double>(end_ms - start_ms) / static_cast<double>(kMsPerDay);
  return std::max<std::int64_t>(1, std::llround(per_day * noise * share));
}

void LogPlan::plan_incidents() {
  const std::uint64_t seed = fleet_.seed();
  const std::int64_t today = fleet_.today();
  PlantedIncident leak{"api_exceeds_logs", sources_[leaked_].key, true,
                       "the API counts about three times the requests the organisation's egress saw: "
                       "the rest came from outside (leaked key)", {}};
  PlantedIncident revoked{"revoked_key_in_use", sources_[revoked_].key, true,
                          "the organisation's services still call the revoked key (every call refused with 401)", {}};
  PlantedIncident unknown{"unknown_key", &unknown_, false,
                          "a key prefix in the egress logs that the key list does not have", {}};
  PlantedIncident drift{"logs_exceed_api", sources_[drifting_].key, true,
                        "the egress logs have about 10% more requests than the API counts (dropped counts)", {}};
  const KeyProfile& rk = *sources_[revoked_].key;
  for (std::int64_t day = today; day >= first_day(); --day) {
    const auto off = today - day;
    const std::int64_t start = day * kMsPerDay, end = day_end_ms(day);
    KeyDay& lk = window_[leaked_][static_cast<size_t>(off)];
    if (off < kLeakDays && lk.api.requests > 0) {
      const double f = 0.30 + 0.06 * unit_of(hash_of({seed, kLeakShare, static_cast<std::uint64_t>(day)}));
      lk.log = scaled(lk.api, f);
      leak.days.push_back({day, lk.api.requests, lk.api.errors(), lk.log.requests, lk.log.errors()});
    }
    KeyDay& rd = window_[revoked_][static_cast<size_t>(off)];
    if (rk.revoked_at && day >= day_of(*rk.revoked_at)) {
      rd.refused = time_share(std::max(start, (*rk.revoked_at + 1) * 1000), end, kRefusedPerDay, kRefused, day);
      if (rd.refused > 0)
        revoked.days.push_back({day, rd.api.requests, rd.api.errors(), rd.log.requests + rd.refused,
                                rd.log.errors() + rd.refused});
    }
    const std::int64_t n_unknown = time_share(start, end, kUnknownPerDay, kUnknownVolume, day);
    unknown.days.push_back({day, 0, 0, n_unknown, n_unknown * 15 / 1000});
    KeyDay& dd = window_[drifting_][static_cast<size_t>(off)];
    if (off == kDriftOffset && dd.api.requests > 0) {
      const double f = 0.09 + 0.02 * unit_of(hash_of({seed, kDrift, static_cast<std::uint64_t>(day)}));
      const std::int64_t extra = std::max<std::int64_t>(1, std::llround(static_cast<double>(dd.api.requests) * f));
      dd.log.requests += extra;  // successful calls the provider did not count
      dd.log.by_status[0] += extra;
      drift.days.push_back({day, dd.api.requests, dd.api.errors(), dd.log.requests, dd.log.errors()});
    }
  }
  for (PlantedIncident* p : {&leak, &revoked, &unknown, &drift})
    if (!p->days.empty()) incidents_.push_back(std::move(*p));
}

std::vector<StreamSpec> LogPlan::day_streams(std::int64_t day) const {
  std::vector<StreamSpec> out;
  if (day < first_day() || day > last_day()) return out;
  const std::uint64_t seed = fleet_.seed();
  const auto uday = static_cast<std::uint64_t>(day);
  const std::int64_t day_start = day * kMsPerDay, day_end = day_end_ms(day);
  for (size_t i = 0; i < window_.size(); ++i) {
    const KeyProfile& k = *sources_[i].key;
    const KeyDay& kd = key_day(i, day);
    const auto idx = static_cast<std::uint64_t>(k.index);
    // The key's own traffic: before its revocation or expiry, after its creation.
    std::int64_t start = std::max(day_start, k.created_at * 1000), end = day_end;
    if (k.revoked_at && *k.revoked_at * 1000 > start) end = std::min(end, *k.revoked_at * 1000);
    if (k.expires_at && *k.expires_at * 1000 > start) end = std::min(end, *k.expires_at * 1000);
    if (end <= start) end = start + 1;
    StreamSpec main;
    main.source = static_cast<int>(i);
    main.start_ms = start;
    main.end_ms = end;
    main.statuses = kd.log.by_status;
    main.latency = latency_of(k);
    // 429s come in one-minute bursts in the hours the API reports (rate_limit_hits_by_hour).
    const std::int64_t n429 = kd.log.count(429);
    main.statuses[5] = 0;
    main.count = kd.log.requests - n429;
    std::uint64_t burst_no = 0;
    for (const HourHits& h : fleet_.day_rate_limit_hits(k, day, n429)) {
      StreamSpec b;
      b.source = main.source;
      const auto minute = static_cast<std::int64_t>(hash_of({seed, kBurstMinute, idx, uday, burst_no}) % 59);
      b.start_ms = std::clamp(h.hour_start * 1000 + minute * 60000, start, end - 1);
      b.end_ms = std::min(b.start_ms + 60000, end);
      b.count = h.count;
      b.statuses[5] = h.count;
      b.endpoints = split_endpoints(k, b.count);
      b.latency = kRefusedLatency;
      b.seed = hash_of({seed, kStream, idx, uday, kBurstStream, burst_no++});
      out.push_back(b);
    }
    if (main.count > 0) {
      main.endpoints = split_endpoints(k, main.count);
      main.seed = hash_of({seed, kStream, idx, uday, kMainStream});
      out.push_back(main);
    }
    if (kd.refused > 0) {
      StreamSpec r;
      r.source = main.source;
      r.start_ms = std::max(day_start, (*k.revoked_at + 1) * 1000);
      r.end_ms = day_end;
      r.count = kd.refused;
      r.statuses[2] = kd.refused;  // 401
      r.endpoints = split_endpoints(k, r.count);
      r.latency = kRefusedLatency;
      r.seed = hash_of({seed, kStream, idx, uday, kRefusedStream});
      out.push_back(r);
    }
  }
  // The unknown key: ~1.5% errors (400/404), the rest 200.
  StreamSpec u;
  u.source = static_cast<int>(window_.size());
  u.start_ms = day_start;
  u.end_ms = day_end;
  u.count = time_share(day_start, day_end, kUnknownPerDay, kUnknownVolume, day);
  const std::int64_t errors = u.count * 15 / 1000;
  u.statuses[4] = errors / 2;
  u.statuses[1] = errors - errors / 2;
  u.statuses[0] = u.count - errors;
  u.endpoints = split_endpoints(unknown_, u.count);
  u.latency = latency_of(unknown_);
  u.seed = hash_of({seed, kStream, 0, uday, kUnknownStream});
  if (u.count > 0) out.push_back(u);
  return out;
}

}  // namespace sandbox
