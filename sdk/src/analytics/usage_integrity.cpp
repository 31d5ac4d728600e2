// check_usage: internal consistency of one usage payload.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

#include "analytics/number_format.hpp"
#include "keyscope/analytics.hpp"

namespace keyscope::analytics {
namespace {

constexpr double kSuccessRateTolerance = 1e-4;

// Sums and differences of counts are exact in 128 bits: a type-valid payload may hold any 64-bit
// count (the tolerant reader), and the sum of a few of them must not overflow (undefined
// behaviour; found by the schema-driven mock under UBSan).
__extension__ typedef __int128 Wide;

std::string str(Wide v) {
  if (v >= INT64_MIN && v <= INT64_MAX) return std::to_string(static_cast<std::int64_t>(v));
  std::string digits;
  const bool negative = v < 0;
  for (; v != 0; v /= 10) digits.insert(digits.begin(), static_cast<char>('0' + (negative ? -(v % 10) : v % 10)));
  return (negative ? "-" : "") + digits;
}

IntegrityCheck compare(std::string check, Wide expected, Wide actual, const std::string& what) {
  const bool ok = expected == actual;
  std::string message = ok ? what + " match (" + str(actual) + ")"
                           : what + ": expected " + str(expected) + ", got " + str(actual) +
                                 " (off by " + str(actual - expected) + ")";
  return IntegrityCheck{std::move(check), ok, str(expected), str(actual), std::move(message)};
}

Wide status_class_sum(const KeyUsage& usage, char leading_digit) {
  Wide sum = 0;
  for (const auto& [status, count] : usage.by_status) {
    if (!status.empty() && status[0] == leading_digit) sum += count;
  }
  return sum;
}

void check_daily(const KeyUsage& usage, std::optional<std::int64_t> end_day,
                 std::vector<IntegrityCheck>& out) {
  const auto& daily = usage.daily;
  bool ascending = true, descending = true;
  for (std::size_t i = 1; i < daily.size(); ++i) {
    const auto prev = daily[i - 1].date.days_since_epoch, cur = daily[i].date.days_since_epoch;
    if (cur <= prev) ascending = false;
    if (cur >= prev) descending = false;
  }
  const bool ordered = daily.size() < 2 || ascending || descending;
  out.push_back({"daily_order", ordered, "ascending or descending dates",
                 ordered ? (daily.size() < 2 ? "trivially ordered"
                                             : (ascending ? "ascending" : "descending"))
                         : "unordered",
                 ordered ? "daily dates are in order" : "daily dates are not in a consistent order"});

  std::set<std::int64_t> seen;
  std::int64_t duplicates = 0;
  for (const DailyBucket& day : daily) {
    if (!seen.insert(day.date.days_since_epoch).second) ++duplicates;
  }
  IntegrityCheck dup = compare("daily_duplicates", 0, duplicates, "duplicate daily dates");
  out.push_back(std::move(dup));

  std::int64_t newest = end_day.value_or(std::numeric_limits<std::int64_t>::min());
  if (!end_day) {
    for (const DailyBucket& day : daily) newest = std::max(newest, day.date.days_since_epoch);
  }
  std::int64_t outside = 0;
  if (!daily.empty() || end_day) {
    const Wide oldest_allowed = Wide{newest} - usage.window_days + 1;
    for (const DailyBucket& day : daily) {
      const auto d = day.date.days_since_epoch;
      if (d < oldest_allowed || d > newest) ++outside;
    }
  }
  out.push_back(compare("daily_window", 0, outside, "daily dates outside the window"));

  const auto length = static_cast<std::int64_t>(daily.size());
  const bool length_ok = length <= usage.window_days;
  out.push_back({"daily_length", length_ok, "<= " + str(usage.window_days), str(length),
                 length_ok ? str(length) + " daily buckets for a " + str(usage.window_days) +
                                 "-day window"
                           : str(length) + " daily buckets exceed the " + str(usage.window_days) +
                                 "-day window"});

  std::int64_t over = 0;
  Wide requests = 0, errors = 0;
  for (const DailyBucket& day : daily) {
    if (day.errors > day.requests) ++over;
    requests += day.requests;
    errors += day.errors;
  }
  out.push_back(compare("daily_errors_le_requests", 0, over, "days with more errors than requests"));
  out.push_back(compare("daily_requests_sum", usage.total_requests, requests,
                        "daily requests vs total_requests"));
  out.push_back(compare("daily_errors_sum", Wide{usage.client_errors} + usage.server_errors, errors,
                        "daily errors vs client_errors + server_errors"));
}

}  // namespace

std::vector<IntegrityCheck> check_usage(const KeyUsage& usage, std::optional<std::int64_t> end_day) {
  std::vector<IntegrityCheck> out;
  std::int64_t negatives = 0;
  for (std::int64_t v : {usage.total_requests, usage.successful, usage.client_errors,
                         usage.server_errors, usage.window_days}) {
    if (v < 0) ++negatives;
  }
  for (const auto& [status, count] : usage.by_status) negatives += count < 0;
  for (const DailyBucket& day : usage.daily) negatives += (day.requests < 0) + (day.errors < 0);
  out.push_back(compare("non_negative", 0, negatives, "negative counts"));

  out.push_back(compare("totals", usage.total_requests,
                        Wide{usage.successful} + usage.client_errors + usage.server_errors,
                        "total_requests vs successful + client_errors + server_errors"));
  if (!usage.by_status.empty()) {
    Wide sum = 0;
    for (const auto& [status, count] : usage.by_status) sum += count;
    out.push_back(compare("by_status_sum", usage.total_requests, sum, "by_status sum vs total_requests"));
    out.push_back(compare("status_2xx", usage.successful, status_class_sum(usage, '2'),
                          "2xx in by_status vs successful"));
    out.push_back(compare("status_4xx", usage.client_errors, status_class_sum(usage, '4'),
                          "4xx in by_status vs client_errors"));
    out.push_back(compare("status_5xx", usage.server_errors, status_class_sum(usage, '5'),
                          "5xx in by_status vs server_errors"));
    std::int64_t not_statuses = 0;
    for (const auto& [status, count] : usage.by_status) {
      const bool three_digits = status.size() == 3 && std::isdigit(static_cast<unsigned char>(status[0])) &&
                                std::isdigit(static_cast<unsigned char>(status[1])) &&
                                std::isdigit(static_cast<unsigned char>(status[2]));
      if (!three_digits || status[0] < '1' || status[0] > '5') ++not_statuses;
    }
    out.push_back(compare("status_codes", 0, not_statuses, "by_status keys that are not HTTP statuses (100..599)"));
  }
  if (usage.success_rate && usage.total_requests == 0) {
    // With no requests the ratio is undefined; APIs report it as 0 or as 1 and both are honest.
    const double actual = *usage.success_rate;
    const bool ok = actual == 0.0 || actual == 1.0;
    out.push_back({"success_rate", ok, "0 or 1 (no requests)", detail::format_number(actual),
                   ok ? "success_rate of a key without requests is 0 or 1"
                      : "success_rate " + detail::format_number(actual) +
                            " for a key without requests (expected 0 or 1)"});
  } else if (usage.success_rate) {
    const double expected =
        static_cast<double>(usage.successful) / static_cast<double>(usage.total_requests);
    const double actual = *usage.success_rate;
    const bool ok = std::fabs(actual - expected) <= kSuccessRateTolerance + 1e-12;
    out.push_back({"success_rate", ok, detail::format_number(expected),
                   detail::format_number(actual),
                   ok ? "success_rate matches successful / total_requests"
                      : "success_rate " + detail::format_number(actual) +
                            " differs from successful / total_requests = " +
                            detail::format_number(expected) + " by more than 1e-4"});
  }
  check_daily(usage, end_day, out);
  return out;
}

std::optional<Error> implausible_usage(const KeyUsage& usage) {
  for (const IntegrityCheck& check : check_usage(usage)) {
    if (check.ok) continue;
    const std::string& name = check.check;
    const std::string field = name == "totals" ? "total_requests"
                              : name == "success_rate" ? "success_rate"
                              : name.rfind("daily", 0) == 0 ? "daily"
                              : name.rfind("status", 0) == 0 || name == "by_status_sum" ? "by_status"
                                                                                          : "";
    const std::string path = field.empty() ? "data" : "data." + field;
    return decode_error("implausible usage (strict mode): " + check.message + " at " + path, path);
  }
  return std::nullopt;
}

}  // namespace keyscope::analytics
