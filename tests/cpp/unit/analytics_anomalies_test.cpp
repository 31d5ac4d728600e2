// detect_anomalies: a copy of the sandbox's 13-key demo roster, built here in code (90 days with
// noise), must give exactly the planted findings, plus rule-by-rule edge cases. The real sandbox's
// fleet over HTTP is checked by SandboxTest.SandboxFleetGivesExactlyThePlantedFindings
// (tests/cpp/integration).
#include <gtest/gtest.h>

#include <limits>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "keyscope/analytics.hpp"
#include "keyscope/time.hpp"

namespace keyscope::analytics {
namespace {

constexpr std::int64_t kDay = 86400;
const std::int64_t kNow = *parse_iso8601("2026-05-17T12:00:00Z");
const std::int64_t kToday = kNow / kDay;

Timestamp at(std::int64_t unix_seconds) { return Timestamp{format_iso8601(unix_seconds), unix_seconds}; }
Timestamp days_ago(double days) { return at(kNow - static_cast<std::int64_t>(days * kDay)); }
Date day(std::int64_t days_ago) { return Date{format_iso_date(kToday - days_ago), kToday - days_ago}; }

// Deterministic noise from raw mt19937 output (std distributions differ between libraries).
class Noise {
 public:
  explicit Noise(std::uint32_t seed) : engine_(seed) {}
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * (static_cast<double>(engine_()) / 4294967296.0);
  }
  std::int64_t around(double mean, double spread = 0.10) {
    return static_cast<std::int64_t>(mean * uniform(1 - spread, 1 + spread) + 0.5);
  }

 private:
  std::mt19937 engine_;
};

struct Roster {
  std::vector<APIKeyInfo> keys;
  std::vector<KeyUsage> usages;
};

// daily(d) gives {requests, error_rate} for d days ago (d = 0 is today); zero requests are left
// out of the payload like the API does, and the series is sent newest first.
template <class Daily>
KeyUsage make_usage(const APIKeyInfo& key, Noise& noise, Daily daily, std::int64_t peak_per_minute,
                    std::int64_t rate_limited = 0) {
  KeyUsage usage;
  usage.key_id = key.id;
  usage.window_days = 90;
  for (std::int64_t d = 0; d < 90; ++d) {
    const auto [mean, error_rate] = daily(d);
    if (mean <= 0) continue;
    const std::int64_t requests = noise.around(mean);
    const auto errors = static_cast<std::int64_t>(requests * error_rate * noise.uniform(0.8, 1.2) + 0.5);
    usage.daily.push_back(DailyBucket{day(d), requests, errors});
    usage.total_requests += requests;
    usage.client_errors += errors;
    usage.rate_limit_peak_per_day = std::max(usage.rate_limit_peak_per_day.value_or(0), requests);
  }
  usage.successful = usage.total_requests - usage.client_errors;
  usage.by_status["200"] = usage.successful;
  usage.by_status["404"] = usage.client_errors - rate_limited;
  if (rate_limited > 0) usage.by_status["429"] = rate_limited;
  if (usage.total_requests > 0) usage.rate_limit_peak_per_minute = peak_per_minute;
  return usage;
}

APIKeyInfo make_key(int n, std::string name, std::string prefix, std::string tier) {
  APIKeyInfo key;
  key.id = "00000000-0000-4000-8000-0000000000" + std::string(n < 10 ? "0" : "") + std::to_string(n);
  key.name = std::move(name);
  key.key_prefix = std::move(prefix);
  key.tier = std::move(tier);
  key.created_at = days_ago(200);
  key.last_used_at = days_ago(0.1);
  return key;
}

using Day = std::pair<double, double>;  // mean requests, error rate

Roster demo_roster(std::uint32_t seed = 20260517) {
  Roster r;
  Noise noise(seed);
  const auto add = [&](APIKeyInfo key, auto daily, std::int64_t peak, std::int64_t rejected = 0) {
    r.usages.push_back(make_usage(key, noise, daily, peak, rejected));
    r.keys.push_back(std::move(key));
  };
  const auto steady = [&](double mean) {
    return [&noise, mean](std::int64_t) { return Day{mean, noise.uniform(0.01, 0.02)}; };
  };
  add(make_key(1, "Production SIEM [secops]", "sk_live_zIc8", "pro"), steady(5000), 12);
  add(make_key(2, "SOAR playbooks [secops]", "sk_live_q7Lm", "pro"), steady(2000), 6);
  add(make_key(3, "Threat hunting notebook [intel]", "sk_live_T3hn", "pro"),
      [](std::int64_t d) { return Day{d == 0 ? 800 * 12 : 800, 0.015}; }, 40);
  add(make_key(4, "Legacy ingest [platform]", "sk_live_Lg4i", "pro"),
      [](std::int64_t d) { return Day{(d >= 60 || d <= 3) ? 1500 : 0, 0.015}; }, 5);
  add(make_key(5, "Partner feed [partners]", "sk_live_Pf5x", "pro"),
      [](std::int64_t d) { return Day{3000, d <= 1 ? 0.35 : 0.015}; }, 8);
  add(make_key(6, "CI load tests [platform]", "sk_test_Ci6z", "pro"), steady(40000), 90);
  add(make_key(7, "Browser extension [intel]", "sk_live_Bx7e", "free"), steady(700), 10, 37);

  APIKeyInfo old = make_key(8, "Old integration [partners]", "sk_live_Oi8r", "pro");
  old.revoked_at = days_ago(20);
  old.last_used_at = days_ago(20);
  r.keys.push_back(old);  // revoked: no usage fetched

  APIKeyInfo contractor = make_key(9, "Contractor access [intel]", "sk_live_Ca9c", "free");
  contractor.expires_at = days_ago(10);
  contractor.last_used_at = days_ago(10.2);
  add(contractor, [](std::int64_t d) { return Day{d > 10 ? 150 : 0, 0.015}; }, 3);

  APIKeyInfo fresh = make_key(10, "New automation [secops]", "sk_live_Na10", "pro");
  fresh.created_at = days_ago(15);
  fresh.last_used_at.reset();
  add(fresh, [](std::int64_t) { return Day{0, 0}; }, 0);

  APIKeyInfo audit = make_key(11, "Quarterly audit [finance]", "sk_live_Qa11", "pro");
  audit.expires_at = at(kNow + 5 * kDay);
  add(audit, steady(300), 2);

  APIKeyInfo archive = make_key(12, "Archive export [finance]", "sk_live_Ae12", "free");
  archive.last_used_at = days_ago(60.3);
  add(archive, [](std::int64_t d) { return Day{d > 60 ? 200 : 0, 0.015}; }, 2);

  add(make_key(13, "Staging dashboard [platform]", "sk_test_Sd13", "free"), steady(60), 2);
  return r;
}

std::vector<std::string> summarize(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) {
    out.push_back(std::string(to_string(f.severity)) + " " + f.key_name + " " + to_string(f.kind));
  }
  return out;
}

TEST(DetectAnomalies, DemoRosterBuiltInCodeGivesExactlyThePlantedFindings) {
  const Roster roster = demo_roster();
  const std::vector<Finding> findings = detect_anomalies(roster.keys, roster.usages, kNow);
  const std::vector<std::string> expected = {
      "critical Browser extension [intel] rate_limit_pressure",
      "critical Threat hunting notebook [intel] spike",
      "warning CI load tests [platform] test_key_production_traffic",
      "warning Contractor access [intel] expired_not_revoked",
      "warning Legacy ingest [platform] dormant_reactivated",
      "warning Partner feed [partners] error_burst",
      "warning Quarterly audit [finance] expiring_soon",
      "info Archive export [finance] stale",
      "info New automation [secops] never_used",
  };
  EXPECT_EQ(summarize(findings), expected);
  for (const Finding& f : findings) {
    EXPECT_FALSE(f.reason.empty());
    EXPECT_FALSE(f.key_id.empty());
  }
}

// Everything a finding says: kind, severity, key, reason and every metric.
std::vector<std::string> describe(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& f : findings) {
    std::string line = std::string(to_string(f.severity)) + " " + to_string(f.kind) + " " + f.key_id + " " + f.reason;
    for (const Metric& m : f.metrics) line += " " + m.name + "=" + std::to_string(m.value);
    out.push_back(line);
  }
  return out;
}

TEST(DetectAnomalies, IsDeterministicAndIndependentOfDailyOrder) {
  Roster roster = demo_roster();
  const auto original = describe(detect_anomalies(roster.keys, roster.usages, kNow));
  ASSERT_FALSE(original.empty());
  EXPECT_EQ(describe(detect_anomalies(roster.keys, roster.usages, kNow)), original);  // deterministic
  for (KeyUsage& usage : roster.usages) std::reverse(usage.daily.begin(), usage.daily.end());
  EXPECT_EQ(describe(detect_anomalies(roster.keys, roster.usages, kNow)), original);  // newest last
  std::mt19937 shuffle(7);
  for (KeyUsage& usage : roster.usages) std::shuffle(usage.daily.begin(), usage.daily.end(), shuffle);
  EXPECT_EQ(describe(detect_anomalies(roster.keys, roster.usages, kNow)), original);  // any order
}

// Found by the analytics_json fuzzer (tests/fuzz/corpus/analytics_json/far_future_daily_date):
// a type-valid but implausible bucket dated 2,000 years ahead, with window_days 0, made the
// series stretch to the bucket (seconds of work and hundreds of MB per key), and any bucket after
// `now` pushed the real days out of the window. Such a bucket is ignored; the findings stay.
TEST(DetectAnomalies, ABucketFarInTheFutureOrAnAbsurdWindowChangesNothing) {
  Roster roster = demo_roster();
  const auto expected = describe(detect_anomalies(roster.keys, roster.usages, kNow));
  for (KeyUsage& usage : roster.usages) {
    DailyBucket bogus;
    bogus.date = Date{"4052-05-17", *parse_iso_date("4052-05-17")};
    bogus.requests = 5000;
    usage.daily.push_back(bogus);
  }
  EXPECT_EQ(describe(detect_anomalies(roster.keys, roster.usages, kNow)), expected);
  for (KeyUsage& usage : roster.usages) usage.window_days = 0;  // the series spans the dates sent
  EXPECT_EQ(summarize(detect_anomalies(roster.keys, roster.usages, kNow)),
            summarize(detect_anomalies(demo_roster().keys, demo_roster().usages, kNow)));
  for (KeyUsage& usage : roster.usages) usage.window_days = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(summarize(detect_anomalies(roster.keys, roster.usages, kNow)),
            summarize(detect_anomalies(demo_roster().keys, demo_roster().usages, kNow)));
}

TEST(DetectAnomalies, DefaultsHoldForAnyNoise) {
  const auto expected = summarize(detect_anomalies(demo_roster().keys, demo_roster().usages, kNow));
  for (std::uint32_t seed = 1; seed <= 50; ++seed) {
    const Roster roster = demo_roster(seed);
    EXPECT_EQ(summarize(detect_anomalies(roster.keys, roster.usages, kNow)), expected) << "seed " << seed;
  }
}

const Finding* find_kind(const std::vector<Finding>& findings, FindingKind kind) {
  for (const Finding& f : findings) if (f.kind == kind) return &f;
  return nullptr;
}

TEST(DetectAnomalies, SpikeReportsItsNumbers) {
  const Roster roster = demo_roster();
  const auto findings = detect_anomalies(roster.keys, roster.usages, kNow);
  const Finding* spike = find_kind(findings, FindingKind::spike);
  ASSERT_NE(spike, nullptr);
  ASSERT_GE(spike->metrics.size(), 4u);
  EXPECT_EQ(spike->metrics[0].name, "latest_requests");
  EXPECT_EQ(spike->metrics[3].name, "ratio");
  EXPECT_GT(spike->metrics[3].value, 9.0);
  EXPECT_NE(spike->reason.find("x the median of"), std::string::npos);
}

APIKeyInfo plain_key(std::string name = "k", std::string tier = "pro") {
  APIKeyInfo key;
  key.id = "id-" + name;
  key.name = std::move(name);
  key.key_prefix = "sk_live_abcd";
  key.tier = std::move(tier);
  key.created_at = days_ago(400);
  key.last_used_at = days_ago(0);
  return key;
}

KeyUsage series_usage(const APIKeyInfo& key, const std::vector<std::int64_t>& oldest_first,
                      std::int64_t window = -1) {
  KeyUsage usage;
  usage.key_id = key.id;
  const auto n = static_cast<std::int64_t>(oldest_first.size());
  usage.window_days = window < 0 ? n : window;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t requests = oldest_first[static_cast<std::size_t>(i)];
    if (requests == 0) continue;
    usage.daily.push_back(DailyBucket{day(n - 1 - i), requests, 0});
    usage.total_requests += requests;
  }
  usage.successful = usage.total_requests;
  return usage;
}

TEST(DetectAnomalies, SmallVolumesAreNotSpikes) {
  const APIKeyInfo key = plain_key();
  std::vector<std::int64_t> daily(30, 1);
  daily.back() = 4;  // 1 -> 4 requests: 4x, but tiny
  EXPECT_TRUE(detect_anomalies({key}, {series_usage(key, daily)}, kNow).empty());
  std::vector<std::int64_t> big(30, 100);
  big.back() = 400;
  const auto findings = detect_anomalies({key}, {series_usage(key, big)}, kNow);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, FindingKind::spike);
  EXPECT_EQ(findings[0].severity, Severity::warning);
}

TEST(DetectAnomalies, EmptyOneDayAndAllZeroSeriesAreQuiet) {
  const APIKeyInfo key = plain_key();
  EXPECT_TRUE(detect_anomalies({key}, {series_usage(key, {}, 30)}, kNow).empty());
  EXPECT_TRUE(detect_anomalies({key}, {series_usage(key, {5000})}, kNow).empty());
  EXPECT_TRUE(detect_anomalies({key}, {series_usage(key, std::vector<std::int64_t>(30, 0))}, kNow).empty());
}

TEST(DetectAnomalies, KeysWithoutUsageAreLeftJoined) {
  APIKeyInfo key = plain_key();
  key.last_used_at.reset();
  key.created_at = days_ago(30);
  const auto findings = detect_anomalies({key}, {}, kNow);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, FindingKind::never_used);
  EXPECT_EQ(findings[0].metrics.at(0).value, 30);
}

TEST(DetectAnomalies, RecentlyCreatedUnusedKeysAreNotFlagged) {
  APIKeyInfo key = plain_key();
  key.last_used_at.reset();
  key.created_at = days_ago(2);
  EXPECT_TRUE(detect_anomalies({key}, {}, kNow).empty());
}

TEST(DetectAnomalies, RevokedKeysProduceNothing) {
  APIKeyInfo key = plain_key();
  key.revoked_at = days_ago(1);
  key.expires_at = days_ago(5);
  key.last_used_at = days_ago(100);
  EXPECT_TRUE(detect_anomalies({key}, {}, kNow).empty());
}

TEST(DetectAnomalies, ExpiryBoundaries) {
  APIKeyInfo key = plain_key();
  key.expires_at = at(kNow + 14 * kDay);
  auto findings = detect_anomalies({key}, {}, kNow);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, FindingKind::expiring_soon);
  EXPECT_EQ(findings[0].severity, Severity::info);
  key.expires_at = at(kNow + 14 * kDay + 1);
  EXPECT_TRUE(detect_anomalies({key}, {}, kNow).empty());
  key.expires_at = at(kNow);
  findings = detect_anomalies({key}, {}, kNow);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, FindingKind::expired_not_revoked);
}

TEST(DetectAnomalies, StaleBoundary) {
  APIKeyInfo key = plain_key();
  key.last_used_at = days_ago(30);
  EXPECT_TRUE(detect_anomalies({key}, {}, kNow).empty());
  key.last_used_at = at(kNow - 30 * kDay - 1);
  const auto findings = detect_anomalies({key}, {}, kNow);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, FindingKind::stale);
}

TEST(DetectAnomalies, DormancyNeedsTheKeyToHaveExisted) {
  APIKeyInfo key = plain_key();
  std::vector<std::int64_t> daily(60, 0);
  daily[58] = 500;
  daily[59] = 500;
  EXPECT_EQ(summarize(detect_anomalies({key}, {series_usage(key, daily)}, kNow)),
            std::vector<std::string>{"warning k dormant_reactivated"});
  key.created_at = days_ago(10);  // brand new key that just started: not a reactivation
  EXPECT_TRUE(detect_anomalies({key}, {series_usage(key, daily)}, kNow).empty());
}

TEST(DetectAnomalies, RateLimitPressureFromAny429) {
  APIKeyInfo key = plain_key("k", "pro");
  KeyUsage usage = series_usage(key, std::vector<std::int64_t>(30, 100));
  usage.by_status = {{"200", 2999}, {"429", 1}};
  const auto findings = detect_anomalies({key}, {usage}, kNow);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, FindingKind::rate_limit_pressure);
  EXPECT_EQ(findings[0].severity, Severity::critical);
}

TEST(DetectAnomalies, ExplicitKeyLimitOverridesTier) {
  APIKeyInfo key = plain_key("k", "pro");
  key.rate_limit_per_minute = 100;
  KeyUsage usage = series_usage(key, std::vector<std::int64_t>(30, 100));
  usage.rate_limit_peak_per_minute = 85;
  const auto findings = detect_anomalies({key}, {usage}, kNow);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::warning);
  key.rate_limit_per_minute.reset();  // pro: 1,000/min
  EXPECT_TRUE(detect_anomalies({key}, {usage}, kNow).empty());
}

TEST(DetectAnomalies, OptionsChangeThresholds) {
  const Roster roster = demo_roster();
  AnomalyOptions options;
  options.stale_after_days = 90;
  options.never_used_min_age_days = 30;
  const auto findings = detect_anomalies(roster.keys, roster.usages, kNow, options);
  EXPECT_EQ(find_kind(findings, FindingKind::stale), nullptr);
  EXPECT_EQ(find_kind(findings, FindingKind::never_used), nullptr);
  EXPECT_EQ(findings.size(), 7u);
}

}  // namespace
}  // namespace keyscope::analytics
