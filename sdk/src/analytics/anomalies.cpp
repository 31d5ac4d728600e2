// detect_anomalies: one small rule per finding kind over a key's gap-filled daily series.
#include <algorithm>
#include <cmath>

#include "analytics/fleet_join.hpp"
#include "analytics/number_format.hpp"
#include "analytics/robust_stats.hpp"
#include "keyscope/analytics.hpp"

namespace keyscope::analytics {
namespace {

using detail::format_number;
using detail::format_percent;

constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct KeyContext {
  const APIKeyInfo& key;
  const KeyUsage* usage;  // nullptr: no usage for this key
  std::vector<DailyBucket> series;  // ascending, gap-filled; back() is day 0
  std::int64_t now_unix;
  const AnomalyOptions& options;
};

// The series the rules read: the usage's window ending today, or on the latest bucket when that
// is a day or two ahead of `now` (clocks disagree). A bucket dated further ahead, or a window
// beyond kMaxSeriesDays, is implausible (check_usage reports it) and must not move or stretch
// the series: one bogus date would push every real day out of it, or ask for millions of days.
constexpr std::int64_t kMaxSeriesDays = 3660;  // as gap_fill_json's limit; the API serves <= 90
constexpr std::int64_t kClockSkewDays = 2;

std::vector<DailyBucket> series_of(const KeyUsage* usage, std::int64_t now_unix) {
  if (!usage) return {};
  const std::int64_t today = floor_div(now_unix, kSecondsPerDay);
  std::int64_t end_day = today;
  for (const DailyBucket& bucket : usage->daily) {
    const std::int64_t day = bucket.date.days_since_epoch;
    if (day > end_day && day <= today + kClockSkewDays) end_day = day;
  }
  std::int64_t oldest_day = end_day;
  for (const DailyBucket& bucket : usage->daily) {
    const std::int64_t day = bucket.date.days_since_epoch;
    if (day > end_day - kMaxSeriesDays) oldest_day = std::min(oldest_day, day);
  }
  const std::int64_t window = usage->window_days > 0 && usage->window_days <= kMaxSeriesDays
                                  ? usage->window_days
                                  : end_day - oldest_day + 1;
  return gap_fill(usage->daily, window, end_day);
}

Finding make_finding(const KeyContext& ctx, FindingKind kind, Severity severity,
                     std::vector<Metric> metrics, std::string reason) {
  return Finding{ctx.key.id, ctx.key.name, ctx.key.key_prefix, kind, severity,
                 std::move(metrics), std::move(reason)};
}

double requests_at(const std::vector<DailyBucket>& series, std::size_t index) {
  return static_cast<double>(series[index].requests);
}

// One day of a key's series held against the spike_baseline_days days before it.
struct SpikeDay {
  std::size_t index = 0;
  double requests = 0, median = 0, mad = 0, ratio = 0, z = 0;
  std::size_t baseline_days = 0;
};

std::optional<SpikeDay> spike_on(const std::vector<DailyBucket>& series, std::size_t index,
                                 const AnomalyOptions& o) {
  const std::size_t baseline_days =
      std::min<std::size_t>(index, static_cast<std::size_t>(std::max(o.spike_baseline_days, 0)));
  if (baseline_days == 0 || baseline_days < static_cast<std::size_t>(o.spike_min_baseline_days)) {
    return std::nullopt;
  }
  std::vector<double> baseline, same_weekday;
  for (std::size_t i = index - baseline_days; i < index; ++i) {
    baseline.push_back(requests_at(series, i));
    if ((index - i) % 7 == 0) same_weekday.push_back(requests_at(series, i));
  }
  SpikeDay day;
  day.index = index;
  day.requests = requests_at(series, index);
  day.median = detail::median(baseline);
  day.mad = detail::median_absolute_deviation(baseline);
  day.baseline_days = baseline_days;
  if (day.requests < o.spike_min_requests || day.median < o.spike_min_baseline_median || day.median <= 0) {
    return std::nullopt;
  }
  day.ratio = day.requests / day.median;
  day.z = (day.requests - day.median) / std::max(detail::kMadToSigma * day.mad, 1.0);
  if (day.ratio < o.spike_min_ratio || day.z < o.spike_min_robust_z) return std::nullopt;
  // Weekly seasonality: a day that is only as busy as the same weekday usually is (a Monday
  // batch, a weekday-only service after its weekend) is not a spike.
  if (same_weekday.size() >= 2 && day.requests < o.spike_min_ratio * detail::median(same_weekday)) {
    return std::nullopt;
  }
  return day;
}

// The strongest spike among the last spike_recent_days days (day 0 included), each day against
// the days before it: a burst three days ago is still reported by a report run today.
std::optional<Finding> spike(const KeyContext& ctx) {
  const AnomalyOptions& o = ctx.options;
  const std::size_t n = ctx.series.size();
  if (n < 2) return std::nullopt;
  const std::size_t recent = std::min<std::size_t>(n - 1, static_cast<std::size_t>(std::max(o.spike_recent_days, 1)));
  std::optional<SpikeDay> best;
  for (std::size_t index = n - recent; index < n; ++index) {
    auto day = spike_on(ctx.series, index, o);
    if (day && (!best || day->ratio > best->ratio)) best = day;
  }
  if (!best) return std::nullopt;
  const Severity severity = best->ratio >= o.spike_critical_ratio ? Severity::critical : Severity::warning;
  const auto days_ago = static_cast<double>(n - 1 - best->index);
  return make_finding(
      ctx, FindingKind::spike, severity,
      {{"latest_requests", best->requests},
       {"baseline_median", best->median},
       {"baseline_mad", best->mad},
       {"ratio", best->ratio},
       {"robust_z", best->z},
       {"baseline_days", static_cast<double>(best->baseline_days)},
       {"days_ago", days_ago}},
      format_number(best->requests) + " requests on " + ctx.series[best->index].date.text + ", " +
          format_number(best->ratio) + "x the median of " + format_number(best->median) + "/day over the " +
          std::to_string(best->baseline_days) + " days before (robust z " + format_number(best->z) + ")");
}

std::optional<Finding> dormant_reactivated(const KeyContext& ctx) {
  const AnomalyOptions& o = ctx.options;
  const auto& s = ctx.series;
  const std::int64_t n = static_cast<std::int64_t>(s.size());
  std::optional<std::int64_t> created_day;
  if (ctx.key.created_at) created_day = floor_div(ctx.key.created_at->unix_seconds, kSecondsPerDay);
  // Walk back from the newest day: the latest zero run that is followed by traffic.
  std::int64_t i = n - 1;
  while (i >= 0 && s[static_cast<std::size_t>(i)].requests > 0) --i;
  const std::int64_t run_end = i;  // last zero day of that run
  if (run_end < 0 || run_end == n - 1) return std::nullopt;  // no traffic after a zero run
  while (i >= 0 && s[static_cast<std::size_t>(i)].requests == 0) --i;
  std::int64_t run_start_day = s[static_cast<std::size_t>(i + 1)].date.days_since_epoch;
  if (created_day) run_start_day = std::max(run_start_day, *created_day);
  const std::int64_t run_end_day = s[static_cast<std::size_t>(run_end)].date.days_since_epoch;
  const std::int64_t zero_days = run_end_day - run_start_day + 1;
  const std::int64_t days_since_reactivation = n - 1 - (run_end + 1);
  double requests_since = 0;
  for (std::int64_t k = run_end + 1; k < n; ++k) requests_since += requests_at(s, static_cast<std::size_t>(k));
  if (zero_days < o.dormant_min_zero_days || days_since_reactivation >= o.dormant_recent_days ||
      requests_since < o.dormant_min_requests) {
    return std::nullopt;
  }
  return make_finding(
      ctx, FindingKind::dormant_reactivated, Severity::warning,
      {{"zero_days", static_cast<double>(zero_days)},
       {"days_since_reactivation", static_cast<double>(days_since_reactivation)},
       {"requests_since_reactivation", requests_since}},
      "no traffic for " + std::to_string(zero_days) + " days, then " +
          format_number(requests_since) + " requests since " +
          s[static_cast<std::size_t>(run_end + 1)].date.text);
}

std::optional<Finding> error_burst(const KeyContext& ctx) {
  const AnomalyOptions& o = ctx.options;
  const std::size_t n = ctx.series.size();
  const std::size_t recent_days = static_cast<std::size_t>(std::max(o.error_burst_recent_days, 1));
  if (n < recent_days) return std::nullopt;
  double recent_requests = 0, recent_errors = 0;
  for (std::size_t i = n - recent_days; i < n; ++i) {
    recent_requests += static_cast<double>(ctx.series[i].requests);
    recent_errors += static_cast<double>(ctx.series[i].errors);
  }
  if (recent_requests < o.error_burst_min_requests || recent_requests <= 0) return std::nullopt;
  const double rate = recent_errors / recent_requests;
  std::vector<double> baseline_rates;
  const std::size_t baseline_end = n - recent_days;
  const std::size_t baseline_days =
      std::min(baseline_end, static_cast<std::size_t>(std::max(o.error_burst_baseline_days, 0)));
  for (std::size_t i = baseline_end - baseline_days; i < baseline_end; ++i) {
    const DailyBucket& day = ctx.series[i];
    if (day.requests > 0) {
      baseline_rates.push_back(static_cast<double>(day.errors) / static_cast<double>(day.requests));
    }
  }
  const double median = detail::median(baseline_rates);
  const double mad = detail::median_absolute_deviation(baseline_rates);
  const double z = (rate - median) / std::max(detail::kMadToSigma * mad, o.error_burst_min_scale);
  if (rate < o.error_burst_min_rate || rate < o.error_burst_min_ratio * median ||
      z < o.error_burst_min_robust_z) {
    return std::nullopt;
  }
  const Severity severity =
      rate >= o.error_burst_critical_rate ? Severity::critical : Severity::warning;
  return make_finding(
      ctx, FindingKind::error_burst, severity,
      {{"recent_error_rate", rate},
       {"recent_requests", recent_requests},
       {"recent_errors", recent_errors},
       {"baseline_error_rate", median},
       {"baseline_mad", mad},
       {"robust_z", z}},
      format_percent(rate) + " errors over the last " + std::to_string(recent_days) + " days (" +
          format_number(recent_errors) + " of " + format_number(recent_requests) +
          " requests) vs a median of " + format_percent(median) + " before (robust z " +
          format_number(z) + ")");
}

std::optional<Finding> rate_limit_pressure(const KeyContext& ctx) {
  const AnomalyOptions& o = ctx.options;
  if (!ctx.usage) return std::nullopt;
  const KeyUsage& u = *ctx.usage;
  const std::optional<TierLimits> tier = tier_limits(ctx.key.tier);
  std::optional<std::int64_t> per_minute = ctx.key.rate_limit_per_minute;
  std::optional<std::int64_t> per_day = ctx.key.rate_limit_per_day;
  if (!per_minute && tier) per_minute = tier->per_minute;
  if (!per_day && tier) per_day = tier->per_day;

  double rejected = 0;
  if (!u.by_status.empty()) {
    const auto it = u.by_status.find("429");
    if (it != u.by_status.end()) rejected = static_cast<double>(it->second);
  } else {
    for (const HourBucket& hour : u.rate_limit_hits_by_hour) rejected += static_cast<double>(hour.count);
  }

  std::vector<Metric> metrics;
  std::vector<std::string> reasons;
  bool flagged = false, at_limit = false;
  if (u.rate_limit_peak_per_minute && per_minute && *per_minute > 0) {
    const double peak = static_cast<double>(*u.rate_limit_peak_per_minute);
    const double fraction = peak / static_cast<double>(*per_minute);
    metrics.push_back({"peak_per_minute", peak});
    metrics.push_back({"limit_per_minute", static_cast<double>(*per_minute)});
    metrics.push_back({"peak_minute_fraction", fraction});
    if (fraction >= o.rate_limit_minute_fraction) {
      flagged = true;
      at_limit = at_limit || fraction >= 1.0;
      reasons.push_back("peak " + format_number(peak) + "/min is " + format_percent(fraction) +
                        " of the " + format_number(static_cast<double>(*per_minute)) + "/min limit");
    }
  }
  if (u.rate_limit_peak_per_day && per_day && *per_day > 0) {
    const double peak = static_cast<double>(*u.rate_limit_peak_per_day);
    const double fraction = peak / static_cast<double>(*per_day);
    metrics.push_back({"peak_per_day", peak});
    metrics.push_back({"limit_per_day", static_cast<double>(*per_day)});
    metrics.push_back({"peak_day_fraction", fraction});
    if (fraction >= o.rate_limit_day_fraction) {
      flagged = true;
      at_limit = at_limit || fraction >= 1.0;
      reasons.push_back("peak " + format_number(peak) + "/day is " + format_percent(fraction) +
                        " of the " + format_number(static_cast<double>(*per_day)) + "/day limit");
    }
  }
  metrics.push_back({"rate_limited_requests", rejected});
  if (rejected >= o.rate_limit_min_429 && rejected > 0) {
    flagged = true;
    reasons.push_back(format_number(rejected) + " requests rejected with 429");
  }
  if (!flagged) return std::nullopt;
  std::string reason;
  for (const std::string& part : reasons) reason += (reason.empty() ? "" : "; ") + part;
  const Severity severity = (at_limit || rejected > 0) ? Severity::critical : Severity::warning;
  return make_finding(ctx, FindingKind::rate_limit_pressure, severity, std::move(metrics), reason);
}

std::optional<Finding> test_key_production_traffic(const KeyContext& ctx) {
  const AnomalyOptions& o = ctx.options;
  if (environment_of(ctx.key.key_prefix) != "test" || ctx.series.empty()) return std::nullopt;
  std::vector<double> daily;
  for (const DailyBucket& day : ctx.series) daily.push_back(static_cast<double>(day.requests));
  const double peak = *std::max_element(daily.begin(), daily.end());
  const double median = detail::median(daily);
  if (median < o.test_key_median_daily_requests && peak < o.test_key_peak_daily_requests) {
    return std::nullopt;
  }
  return make_finding(ctx, FindingKind::test_key_production_traffic, Severity::warning,
                      {{"median_daily_requests", median}, {"peak_daily_requests", peak}},
                      "test key carries production-scale traffic: median " +
                          format_number(median) + "/day, peak " + format_number(peak) +
                          "/day over " + std::to_string(ctx.series.size()) + " days");
}

std::optional<Finding> expiry(const KeyContext& ctx) {
  const AnomalyOptions& o = ctx.options;
  if (!ctx.key.expires_at) return std::nullopt;
  const std::int64_t remaining = ctx.key.expires_at->unix_seconds - ctx.now_unix;
  if (remaining <= 0) {
    const double days = static_cast<double>(floor_div(-remaining, kSecondsPerDay));
    return make_finding(ctx, FindingKind::expired_not_revoked, Severity::warning,
                        {{"days_since_expiry", days}},
                        "expired " + format_number(days) + " days ago (" +
                            ctx.key.expires_at->text + ") and not revoked");
  }
  if (remaining > static_cast<std::int64_t>(o.expiring_within_days) * kSecondsPerDay) {
    return std::nullopt;
  }
  const double days = static_cast<double>(floor_div(remaining, kSecondsPerDay));
  const Severity severity =
      remaining <= static_cast<std::int64_t>(o.expiring_warning_days) * kSecondsPerDay
          ? Severity::warning
          : Severity::info;
  return make_finding(ctx, FindingKind::expiring_soon, severity, {{"days_until_expiry", days}},
                      "expires in " + format_number(days) + " days (" + ctx.key.expires_at->text +
                          ")");
}

double series_total(const std::vector<DailyBucket>& series) {
  double total = 0;
  for (const DailyBucket& day : series) total += static_cast<double>(day.requests);
  return total;
}

std::optional<Finding> never_used(const KeyContext& ctx) {
  const AnomalyOptions& o = ctx.options;
  if (ctx.key.last_used_at || series_total(ctx.series) > 0) return std::nullopt;
  if (ctx.usage && ctx.usage->total_requests > 0) return std::nullopt;
  std::vector<Metric> metrics;
  std::string reason = "never used";
  if (ctx.key.created_at) {
    const std::int64_t age = floor_div(ctx.now_unix - ctx.key.created_at->unix_seconds, kSecondsPerDay);
    if (age < o.never_used_min_age_days) return std::nullopt;
    metrics.push_back({"days_since_created", static_cast<double>(age)});
    reason += " since it was created " + std::to_string(age) + " days ago (" +
              ctx.key.created_at->text + ")";
  }
  return make_finding(ctx, FindingKind::never_used, Severity::info, std::move(metrics), reason);
}

std::optional<Finding> stale(const KeyContext& ctx) {
  std::optional<std::int64_t> last_unix;
  std::string last_text;
  if (ctx.key.last_used_at) {
    last_unix = ctx.key.last_used_at->unix_seconds;
    last_text = ctx.key.last_used_at->text;
  } else {
    for (auto it = ctx.series.rbegin(); it != ctx.series.rend(); ++it) {
      if (it->requests > 0) {
        last_unix = it->date.days_since_epoch * kSecondsPerDay;
        last_text = it->date.text;
        break;
      }
    }
  }
  if (!last_unix) return std::nullopt;
  const std::int64_t idle = ctx.now_unix - *last_unix;
  if (idle <= static_cast<std::int64_t>(ctx.options.stale_after_days) * kSecondsPerDay) {
    return std::nullopt;
  }
  const double days = static_cast<double>(floor_div(idle, kSecondsPerDay));
  return make_finding(ctx, FindingKind::stale, Severity::info, {{"days_since_last_use", days}},
                      "last used " + format_number(days) + " days ago (" + last_text + ")");
}

}  // namespace

const char* to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: return "critical";
  }
  return "info";
}

const char* to_string(FindingKind kind) noexcept {
  switch (kind) {
    case FindingKind::spike: return "spike";
    case FindingKind::dormant_reactivated: return "dormant_reactivated";
    case FindingKind::error_burst: return "error_burst";
    case FindingKind::rate_limit_pressure: return "rate_limit_pressure";
    case FindingKind::test_key_production_traffic: return "test_key_production_traffic";
    case FindingKind::expiring_soon: return "expiring_soon";
    case FindingKind::expired_not_revoked: return "expired_not_revoked";
    case FindingKind::never_used: return "never_used";
    case FindingKind::stale: return "stale";
  }
  return "spike";
}

std::vector<Finding> detect_anomalies(const std::vector<APIKeyInfo>& keys,
                                      const std::vector<KeyUsage>& usages, std::int64_t now_unix,
                                      const AnomalyOptions& options) {
  using Rule = std::optional<Finding> (*)(const KeyContext&);
  static constexpr Rule kRules[] = {spike, dormant_reactivated, error_burst, rate_limit_pressure,
                                    test_key_production_traffic, expiry, never_used, stale};
  const detail::UsageIndex index(usages);
  std::vector<Finding> findings;
  for (const APIKeyInfo& key : keys) {
    if (key.revoked()) continue;
    const KeyUsage* usage = index.find(key.id);
    const KeyContext ctx{key, usage, series_of(usage, now_unix), now_unix, options};
    for (Rule rule : kRules) {
      if (std::optional<Finding> finding = rule(ctx)) findings.push_back(std::move(*finding));
    }
  }
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.key_name != b.key_name) return a.key_name < b.key_name;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.key_id < b.key_id;
  });
  return findings;
}

std::vector<Finding> detect_anomalies(const Fleet& fleet, std::int64_t now_unix,
                                      const AnomalyOptions& options) {
  return detect_anomalies(fleet.keys, fleet.usages, now_unix, options);
}

}  // namespace keyscope::analytics
