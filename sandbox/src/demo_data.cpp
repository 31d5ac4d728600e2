#include "demo_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "hash.hpp"
#include "timeutil.hpp"

namespace sandbox {

const std::array<const char*, kEndpointCount> kEndpointPaths = {
    "/api/v1/articles", "/api/v1/iocs", "/api/v1/lookup", "/api/v1/stix",
    "/api/v1/articles/export"};

namespace {

// Salts keep the independent random streams apart.
enum Salt : std::uint64_t {
  kId = 1, kPrefix, kCreated, kVolume, kErrors, kServerShare, kHits, kHours,
  kLatency, kEndpoints, kPeak, kTimeOfDay, kTeam, kTier,
};

const char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::string make_uuid(std::uint64_t seed, int index) {
  const std::uint64_t hi = hash_of({seed, kId, static_cast<std::uint64_t>(index), 1});
  const std::uint64_t lo = hash_of({seed, kId, static_cast<std::uint64_t>(index), 2});
  unsigned char b[16];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
    b[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return out;
}

// Four base62 characters, unique per index: an affine bijection on [0, 62^4).
std::string make_prefix(std::uint64_t seed, int index, bool live) {
  constexpr std::uint64_t kSpace = 62ULL * 62 * 62 * 62;
  std::uint64_t a = (hash_of({seed, kPrefix, 1}) % kSpace) | 1;  // odd
  while (a % 31 == 0) a += 2;                                      // coprime with 2^4*31^4
  const std::uint64_t b = hash_of({seed, kPrefix, 2}) % kSpace;
  std::uint64_t v = (a * static_cast<std::uint64_t>(index) + b) % kSpace;
  std::string s(4, '0');
  for (int i = 3; i >= 0; --i) {
    s[static_cast<size_t>(i)] = kBase62[v % 62];
    v /= 62;
  }
  return std::string(live ? "sk_live_" : "sk_test_") + s;
}

std::int64_t time_of_day(std::uint64_t seed, int index, std::uint64_t what,
                         std::int64_t from_hour, std::int64_t hours) {
  return from_hour * 3600 +
         static_cast<std::int64_t>(hash_of({seed, kTimeOfDay, static_cast<std::uint64_t>(index), what}) %
                                   static_cast<std::uint64_t>(hours * 3600));
}

const std::vector<std::string> kProScopes = {"read:iocs", "read:articles", "read:articles:export",
                                             "read:stix"};
const std::vector<std::string> kFreeScopes = {"read:iocs", "read:articles"};

struct RosterEntry {
  const char* name;
  bool live;
  const char* tier;
  double per_day;
  Incident incident;
};

const RosterEntry kRoster[13] = {
    {"Production SIEM [secops]", true, "pro", 5000, Incident::None},
    {"SOAR playbooks [secops]", true, "pro", 2000, Incident::None},
    {"Threat hunting notebook [intel]", true, "pro", 800, Incident::Spike},
    {"Legacy ingest [platform]", true, "pro", 1200, Incident::DormantReactivated},
    {"Partner feed [partners]", true, "pro", 3000, Incident::ErrorBurst},
    {"CI load tests [platform]", false, "pro", 40000, Incident::TestAtScale},
    {"Browser extension [intel]", true, "free", 700, Incident::RatePressure},
    {"Old integration [partners]", true, "pro", 1000, Incident::Revoked},
    {"Contractor access [intel]", true, "free", 100, Incident::Expired},
    {"New automation [secops]", true, "pro", 0, Incident::NeverUsed},
    {"Quarterly audit [finance]", true, "pro", 300, Incident::ExpiringSoon},
    {"Archive export [finance]", true, "free", 200, Incident::Stale},
    {"Staging dashboard [platform]", false, "free", 60, Incident::None},
};

}  // namespace

const char* incident_name(Incident i) {
  switch (i) {
    case Incident::None: return "clean";
    case Incident::Spike: return "spike";
    case Incident::DormantReactivated: return "dormant_reactivated";
    case Incident::ErrorBurst: return "error_burst";
    case Incident::TestAtScale: return "test_key_at_production_scale";
    case Incident::RatePressure: return "rate_limit_pressure";
    case Incident::Revoked: return "revoked";
    case Incident::Expired: return "expired_not_revoked";
    case Incident::NeverUsed: return "never_used";
    case Incident::ExpiringSoon: return "expiring_soon";
    case Incident::Stale: return "stale";
  }
  return "clean";
}

std::int64_t DayStats::count(int code) const {
  for (int i = 0; i < kStatusCount; ++i)
    if (kStatusCodes[static_cast<size_t>(i)] == code) return by_status[static_cast<size_t>(i)];
  return 0;
}

Fleet::Fleet(std::uint64_t seed, int key_count, std::int64_t now)
    : seed_(seed), now_(now), today_(day_of(now)) {
  keys_.reserve(static_cast<size_t>(std::max(13, key_count)));
  add_roster();
  add_generated(std::max(0, key_count - 13));
  std::vector<size_t> order(keys_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [this](size_t x, size_t y) {
    const KeyProfile& a = keys_[x];
    const KeyProfile& b = keys_[y];
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
  });
  std::vector<KeyProfile> sorted;
  sorted.reserve(keys_.size());
  for (size_t i : order) sorted.push_back(std::move(keys_[i]));
  keys_ = std::move(sorted);
  by_id_.reserve(keys_.size());
  for (size_t i = 0; i < keys_.size(); ++i) {
    by_id_[keys_[i].id] = i;
    by_index_[keys_[i].index] = i;
  }
}

const KeyProfile* Fleet::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &keys_[it->second];
}

const KeyProfile* Fleet::by_index(int index) const {
  auto it = by_index_.find(index);
  return it == by_index_.end() ? nullptr : &keys_[it->second];
}

void Fleet::add_roster() {
  for (int i = 0; i < 13; ++i) {
    const RosterEntry& r = kRoster[i];
    KeyProfile k;
    k.index = i + 1;
    k.name = r.name;
    k.tier = r.tier;
    k.prefix = make_prefix(seed_, k.index, r.live);
    k.incident = r.incident;
    k.base_per_day = r.per_day;
    const std::int64_t age =
        r.incident == Incident::NeverUsed
            ? 15
            : 120 + static_cast<std::int64_t>(hash_of({seed_, kCreated, static_cast<std::uint64_t>(k.index)}) % 281);
    k.created_day = today_ - age;
    k.created_at = k.created_day * kSecondsPerDay + time_of_day(seed_, k.index, 1, 7, 11);
    k.last_traffic_day = today_;
    switch (r.incident) {
      case Incident::DormantReactivated: k.alt_per_day = 1500; break;
      case Incident::Revoked:
        k.last_traffic_day = today_ - 20;
        k.revoked_at = k.last_traffic_day * kSecondsPerDay + time_of_day(seed_, k.index, 2, 15, 3);
        break;
      case Incident::Expired:
        k.last_traffic_day = today_ - 10;
        k.expires_at = k.last_traffic_day * kSecondsPerDay + time_of_day(seed_, k.index, 3, 14, 4);
        break;
      case Incident::ExpiringSoon:
        k.expires_at = (today_ + 5) * kSecondsPerDay + time_of_day(seed_, k.index, 3, 9, 8);
        break;
      case Incident::Stale: k.last_traffic_day = today_ - 60; break;
      default: break;
    }
    if (k.index == 1) k.allowed_ips = std::vector<std::string>{"10.0.0.0/8"};
    if (k.index == 5)
      k.allowed_ips = std::vector<std::string>{"203.0.113.0/24", "198.51.100.17/32"};
    finish(k);
    keys_.push_back(std::move(k));
  }
}

void Fleet::add_generated(int count) {
  for (int j = 0; j < count; ++j) {
    KeyProfile k;
    k.index = 14 + j;
    const auto idx = static_cast<std::uint64_t>(k.index);
    const bool free_tier = hash_of({seed_, kTier, idx}) % 4 == 0;
    const bool test_key = hash_of({seed_, kTier, idx, 1}) % 7 == 0;
    char name[64];
    std::snprintf(name, sizeof name, "Fleet key %04d [team-%d]", k.index,
                  static_cast<int>(hash_of({seed_, kTeam, idx}) % 12));
    k.name = name;
    k.tier = free_tier ? "free" : "pro";
    k.prefix = make_prefix(seed_, k.index, !test_key);
    const double u = unit_of(hash_of({seed_, kVolume, idx}));
    // Free and test keys stay small so they never look like incidents.
    k.base_per_day = (free_tier || test_key) ? 60 + 240 * u : 100 + 2900 * u;
    const std::int64_t age = 120 + static_cast<std::int64_t>(hash_of({seed_, kCreated, idx}) % 281);
    k.created_day = today_ - age;
    k.created_at = k.created_day * kSecondsPerDay + time_of_day(seed_, k.index, 1, 7, 11);
    k.last_traffic_day = today_;
    finish(k);
    keys_.push_back(std::move(k));
  }
}

void Fleet::finish(KeyProfile& k) {
  const auto idx = static_cast<std::uint64_t>(k.index);
  k.id = make_uuid(seed_, k.index);
  k.scopes = k.tier == "pro" ? kProScopes : kFreeScopes;
  // Latency profile (ms).
  const double l1 = unit_of(hash_of({seed_, kLatency, idx, 1}));
  const double l2 = unit_of(hash_of({seed_, kLatency, idx, 2}));
  const double l3 = unit_of(hash_of({seed_, kLatency, idx, 3}));
  k.latency_p50 = 80 + static_cast<int>(170 * l1);
  k.latency_p95 = static_cast<int>(std::lround(k.latency_p50 * (2.2 + l2)));
  k.latency_p99 = static_cast<int>(std::lround(k.latency_p95 * (1.6 + 0.8 * l3)));
  k.latency_avg = std::round((k.latency_p50 * 1.15 + (k.latency_p95 - k.latency_p50) * 0.08) * 10) / 10;
  k.peak_factor = 3 + 3 * unit_of(hash_of({seed_, kPeak, idx}));
  const size_t dominant = static_cast<size_t>(hash_of({seed_, kEndpoints, idx}) % kEndpointCount);
  for (size_t e = 0; e < kEndpointCount; ++e) {
    k.endpoint_weights[e] = 0.15 + unit_of(hash_of({seed_, kEndpoints, idx, e + 1}));
    if (e == dominant) k.endpoint_weights[e] *= 3;
    if (e == 4) k.endpoint_weights[e] *= 0.3;  // exports are rarer
  }
  // Lifetime totals and last use.
  // The 90 days any client can see are summed exactly; older history counts
  // the typical volume (no noise) so that 100k-key fleets build quickly.
  std::int64_t last_day = -1;
  const std::int64_t end = std::min(today_, k.last_traffic_day);
  const std::int64_t exact_from = std::max(k.created_day, today_ - 89);
  for (std::int64_t d = exact_from; d <= end; ++d) {
    const std::int64_t n = day_requests(k, d);
    k.lifetime_total += n;
    if (n > 0) last_day = d;
  }
  const std::int64_t old_end = std::min(end, exact_from - 1);
  if (old_end >= k.created_day && k.base_per_day > 0) {
    k.lifetime_total += (old_end - k.created_day + 1) * std::max<std::int64_t>(1, std::llround(k.base_per_day));
    if (last_day < 0) last_day = old_end;
  }
  if (last_day >= 0) {
    std::int64_t t = last_day * kSecondsPerDay + time_of_day(seed_, k.index, 4, 8, 12);
    if (k.revoked_at && t >= *k.revoked_at) t = *k.revoked_at - 600 - static_cast<std::int64_t>(hash_of({seed_, kTimeOfDay, idx, 5}) % 3000);
    if (k.expires_at && last_day == day_of(*k.expires_at) && t >= *k.expires_at)
      t = *k.expires_at - 600 - static_cast<std::int64_t>(hash_of({seed_, kTimeOfDay, idx, 6}) % 3000);
    if (t > now_) {  // "today" before the deterministic time: clamp into the past
      const std::int64_t start = last_day * kSecondsPerDay;
      const std::int64_t span = std::max<std::int64_t>(1, now_ - start);
      t = start + static_cast<std::int64_t>(hash_of({seed_, kTimeOfDay, idx, 7}) % static_cast<std::uint64_t>(span));
    }
    t = std::max(t, std::max(k.created_at, last_day * kSecondsPerDay));
    k.last_used_at = t;
  }
}

std::int64_t Fleet::day_requests(const KeyProfile& k, std::int64_t day) const {
  if (day < k.created_day || day > today_ || day > k.last_traffic_day || k.base_per_day <= 0)
    return 0;
  const std::int64_t off = today_ - day;
  double base = k.base_per_day;
  const double u = unit_of(hash_of({seed_, kVolume, static_cast<std::uint64_t>(k.index),
                                    static_cast<std::uint64_t>(day)}));
  double noise = 0.9 + 0.2 * u;  // ~ +-10%
  switch (k.incident) {
    case Incident::Spike:
      if (off == 0) {
        base *= 12;
        noise = 1.0 + 0.1 * u;
      }
      break;
    case Incident::DormantReactivated:
      if (off < 4) base = k.alt_per_day;
      else if (off < 60) return 0;
      break;
    default: break;
  }
  return std::max<std::int64_t>(1, std::llround(base * noise));
}

DayStats Fleet::day_stats(const KeyProfile& k, std::int64_t day) const {
  DayStats s;
  s.requests = day_requests(k, day);
  if (s.requests == 0) return s;
  const auto idx = static_cast<std::uint64_t>(k.index);
  const auto uday = static_cast<std::uint64_t>(day);
  const std::int64_t off = today_ - day;
  double err_rate = 0.01 + 0.01 * unit_of(hash_of({seed_, kErrors, idx, uday}));
  double server_share = 0.08 + 0.08 * unit_of(hash_of({seed_, kServerShare, idx, uday}));
  double share_500 = 0.7;
  if (k.incident == Incident::ErrorBurst && off <= 1) {
    err_rate = 0.33 + 0.04 * unit_of(hash_of({seed_, kErrors, idx, uday, 1}));
    server_share = 0.82 + 0.08 * unit_of(hash_of({seed_, kServerShare, idx, uday, 1}));
    share_500 = 0.6;
  }
  std::int64_t n429 = 0;
  if (k.incident == Incident::RatePressure && off >= 1 && off <= 6)
    n429 = 4 + static_cast<std::int64_t>(hash_of({seed_, kHits, idx, uday}) % 25);
  std::int64_t errors = static_cast<std::int64_t>(std::floor(static_cast<double>(s.requests) * err_rate));
  errors = std::min(errors, s.requests);
  n429 = std::min(n429, s.requests - errors);
  const std::int64_t server = std::llround(static_cast<double>(errors) * server_share);
  const std::int64_t client = errors - server;
  const auto part = [](std::int64_t n, double f) {
    return static_cast<std::int64_t>(std::floor(static_cast<double>(n) * f));
  };
  auto& b = s.by_status;
  b[1] = part(client, 0.30);                      // 400
  b[2] = part(client, 0.03);                      // 401
  b[3] = part(client, 0.07);                      // 403
  b[4] = client - b[1] - b[2] - b[3];             // 404
  b[5] = n429;                                    // 429
  b[6] = std::llround(static_cast<double>(server) * share_500);  // 500
  b[7] = server - b[6];                           // 503
  b[0] = s.requests - errors - n429;              // 200
  return s;
}

std::vector<HourHits> Fleet::day_rate_limit_hits(const KeyProfile& k, std::int64_t day,
                                                 std::int64_t count_429) const {
  std::vector<HourHits> out;
  if (count_429 <= 0) return out;
  const std::uint64_t h = hash_of({seed_, kHours, static_cast<std::uint64_t>(k.index),
                                   static_cast<std::uint64_t>(day)});
  std::int64_t n_hours = 1 + static_cast<std::int64_t>(h % 3);
  n_hours = std::min(n_hours, count_429);
  const std::int64_t first = 8 + static_cast<std::int64_t>((h >> 8) % 10);  // 08..17
  const std::int64_t offsets[3] = {0, 2, 5};
  std::int64_t left = count_429;
  for (std::int64_t i = 0; i < n_hours; ++i) {
    const std::int64_t c = i == n_hours - 1 ? left : count_429 / n_hours;
    left -= c;
    out.push_back({day * kSecondsPerDay + (first + offsets[i]) * 3600, c});
  }
  return out;
}

}  // namespace sandbox
