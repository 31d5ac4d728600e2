// The API's usage held against the logs', per key and UTC day.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "analytics/fleet_join.hpp"
#include "keyscope/analytics.hpp"
#include "keyscope/logs.hpp"
#include "keyscope/time.hpp"

namespace keyscope::logs {
namespace {

struct Daily {
  std::int64_t requests = 0, errors = 0;
};
using Series = std::map<std::int64_t, Daily>;  // day -> counts, inside the window only

Series series_of(const KeyUsage& usage, std::int64_t first_day, std::int64_t end_day) {
  Series out;
  for (const auto& bucket : usage.daily) {
    const std::int64_t day = bucket.date.days_since_epoch;
    if (day < first_day || day > end_day) continue;
    out[day].requests += bucket.requests;
    out[day].errors += bucket.errors;
  }
  return out;
}

std::int64_t total(const Series& series) {
  std::int64_t sum = 0;
  for (const auto& [day, counts] : series) sum += counts.requests;
  return sum;
}

int severity_rank(const std::string& severity) { return severity == "critical" ? 0 : severity == "warning" ? 1 : 2; }

ReconcileFinding finding(const char* kind, const char* severity, const APIKeyInfo* key, const std::string& prefix) {
  ReconcileFinding f;
  f.kind = kind;
  f.severity = severity;
  if (key) f.key_id = key->id, f.key_name = key->name, f.key_prefix = key->key_prefix;
  else f.key_prefix = prefix;
  return f;
}

// Log traffic on the days after `since_unix` (a revocation or an expiry).
void traffic_after(const Series& logs, std::int64_t since_unix, std::int64_t& first_day, std::int64_t& requests,
                   std::int64_t& errors) {
  const std::int64_t since_day = since_unix >= 0 ? since_unix / 86400 : (since_unix - 86399) / 86400;
  first_day = -1, requests = 0, errors = 0;
  for (const auto& [day, counts] : logs) {
    if (day <= since_day || counts.requests == 0) continue;
    if (first_day < 0) first_day = day;
    requests += counts.requests;
    errors += counts.errors;
  }
}

}  // namespace

std::optional<Error> validate(const ReconcileOptions& options) {
  if (!(options.tolerance >= 0 && options.tolerance < 1)) {
    return validation_error("tolerance must be a fraction in [0, 1) (2% is 0.02)", "invalid_argument");
  }
  if (options.min_diff < 0) return validation_error("min_diff must not be negative", "invalid_argument");
  if (options.window_days < 1 || options.window_days > 90) {
    return validation_error("days must be between 1 and 90", "invalid_days");
  }
  return std::nullopt;
}

Result<Reconciliation> reconcile(const std::vector<APIKeyInfo>& keys, const std::vector<KeyUsage>& api_usages,
                                 const std::vector<KeyUsage>& log_usages, const ReconcileOptions& options) {
  if (auto error = validate(options)) return std::move(*error);
  const std::int64_t first_day = options.end_day - options.window_days + 1;
  const analytics::detail::UsageIndex api_by_id(api_usages), logs_by_id(log_usages);

  Reconciliation out;
  out.window_days = options.window_days;
  out.tolerance = options.tolerance;
  out.min_diff = options.min_diff;
  auto beyond = [&](std::int64_t api, std::int64_t logs) {
    const double allowed = std::max(options.tolerance * static_cast<double>(api), static_cast<double>(options.min_diff));
    return static_cast<double>(std::llabs(api - logs)) > allowed;
  };

  for (const auto& key : keys) {
    const KeyUsage* api_usage = api_by_id.find(key.id);
    const KeyUsage* log_usage = logs_by_id.find(key.id);
    const Series api = api_usage ? series_of(*api_usage, first_day, options.end_day) : Series{};
    const Series logs = log_usage ? series_of(*log_usage, first_day, options.end_day) : Series{};
    const std::int64_t api_total = total(api), log_total = total(logs);
    out.api_requests += api_total;
    out.log_requests += log_total;

    for (const auto& [limit, kind, what] :
         {std::tuple{key.revoked_at, "revoked_key_in_use", "revoked"}, std::tuple{key.expires_at, "expired_key_in_use", "expired"}}) {
      if (!limit || (std::string(kind) == "expired_key_in_use" && limit->unix_seconds > options.now_unix)) continue;
      std::int64_t day = -1, requests = 0, errors = 0;
      traffic_after(logs, limit->unix_seconds, day, requests, errors);
      if (requests == 0) continue;
      ReconcileFinding f = finding(kind, "warning", &key, "");
      f.day = Date{format_iso_date(day), day};
      f.log_requests = requests;
      f.log_errors = errors;
      f.reason = "your services still call " + std::string(what) + " key " + key.key_prefix + ": " +
                 std::to_string(requests) + " requests (" + std::to_string(errors) + " errors) in your logs since " +
                 format_iso_date(day) + ", " + what + " " + limit->text;
      out.findings.push_back(std::move(f));
    }
    if (key.revoked()) continue;  // the API does not meter a revoked key: nothing to compare

    KeyReconciliation summary;
    summary.key_id = key.id;
    summary.key_name = key.name;
    summary.key_prefix = key.key_prefix;
    summary.api_requests = api_total;
    summary.log_requests = log_total;
    if (api_total > 0) summary.drift = static_cast<double>(log_total - api_total) / static_cast<double>(api_total);

    if (log_total == 0 && beyond(api_total, 0)) {
      ReconcileFinding f = finding("key_silent_in_logs", "warning", &key, "");
      f.api_requests = api_total;
      f.reason = "the API counted " + std::to_string(api_total) + " requests on " + key.key_prefix + " in " +
                 std::to_string(options.window_days) + " days; your logs never saw this key";
      out.findings.push_back(std::move(f));
    }
    for (std::int64_t day = first_day; day <= options.end_day; ++day) {
      const auto a = api.find(day), l = logs.find(day);
      const Daily api_day = a != api.end() ? a->second : Daily{};
      const Daily log_day = l != logs.end() ? l->second : Daily{};
      if (api_day.requests == 0 && log_day.requests == 0) continue;
      ++summary.days_compared;
      const bool requests_off = beyond(api_day.requests, log_day.requests);
      const bool errors_off = beyond(api_day.errors, log_day.errors);
      if (!requests_off && !errors_off) {
        ++summary.days_agreeing;
        continue;
      }
      if (log_total == 0) continue;  // reported once as key_silent_in_logs
      const bool api_more = requests_off ? api_day.requests > log_day.requests : api_day.errors > log_day.errors;
      ReconcileFinding f = finding(api_more ? "api_exceeds_logs" : "logs_exceed_api", api_more ? "critical" : "warning", &key, "");
      f.day = Date{format_iso_date(day), day};
      f.api_requests = api_day.requests, f.log_requests = log_day.requests;
      f.api_errors = api_day.errors, f.log_errors = log_day.errors;
      const std::string what = requests_off ? "requests" : "errors";
      const std::int64_t api_n = requests_off ? api_day.requests : api_day.errors;
      const std::int64_t log_n = requests_off ? log_day.requests : log_day.errors;
      f.reason = format_iso_date(day) + ": the API counted " + std::to_string(api_n) + " " + what + ", your logs " +
                 std::to_string(log_n) +
                 (api_more ? " (" + std::to_string(api_n - log_n) + " not from your infrastructure: possible leaked key)"
                           : " (" + std::to_string(log_n - api_n) + " more than billed: dropped counts or billing drift)");
      out.findings.push_back(std::move(f));
    }
    summary.agreement = summary.days_compared ? static_cast<double>(summary.days_agreeing) / static_cast<double>(summary.days_compared) : 1.0;
    out.keys.push_back(std::move(summary));
  }

  std::set<std::string> known;
  for (const auto& key : keys) known.insert(key.id);
  for (const auto& usage : log_usages) {
    if (known.count(usage.key_id)) continue;
    const Series logs = series_of(usage, first_day, options.end_day);
    const std::int64_t requests = total(logs);
    if (requests == 0) continue;
    out.log_requests += requests;
    ReconcileFinding f = finding("unknown_key", "warning", nullptr, usage.key_id);
    f.log_requests = requests;
    for (const auto& [day, counts] : logs) f.log_errors += counts.errors;
    for (const auto& [day, counts] : logs) {
      if (counts.requests == 0) continue;
      f.day = Date{format_iso_date(day), day};
      break;
    }
    f.reason = "your logs show " + std::to_string(requests) + " requests with key " + usage.key_id +
               ", which is not in your organisation's key list";
    out.findings.push_back(std::move(f));
  }
  std::stable_sort(out.findings.begin(), out.findings.end(), [](const ReconcileFinding& a, const ReconcileFinding& b) {
    if (severity_rank(a.severity) != severity_rank(b.severity)) return severity_rank(a.severity) < severity_rank(b.severity);
    if (a.key_name.empty() != b.key_name.empty()) return !a.key_name.empty();  // unknown keys last
    if (a.key_name != b.key_name) return a.key_name < b.key_name;
    if (a.key_prefix != b.key_prefix) return a.key_prefix < b.key_prefix;
    if (a.kind != b.kind) return a.kind < b.kind;
    return (a.day ? a.day->days_since_epoch : -1) < (b.day ? b.day->days_since_epoch : -1);
  });
  return out;
}

bool has_discrepancy(const Reconciliation& reconciliation) { return !reconciliation.findings.empty(); }

}  // namespace keyscope::logs
