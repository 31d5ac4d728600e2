#pragma once
/// @file
/// Analytics over the API models (docs/DESIGN.md "Analytics"): pure, deterministic functions with no
/// I/O. The same input always gives the same output, in the same order.
///
/// Errors: every function that can refuse its input has a try_ form that returns the refusal as
/// a Result (or a std::optional<Error>), like the rest of the public API, and never throws: an
/// empty sample set, q outside [0, 1], a malformed bill or name pattern is a ValidationError, a
/// malformed serialised sketch a DecodeError naming the field. The forms without try_ are
/// conveniences for C++ callers that throw the KeyscopeError subclass of that error instead.
/// Builds without C++ exceptions (the npm package's WebAssembly) use only the try_ forms and the
/// JSON entry points of analytics_json.hpp, which never throw either.
///
/// Percentiles are never averaged across days or keys: a mean of p95s is not a p95. Merge
/// DDSketches, or compute exact percentiles over the raw samples.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keyscope/error.hpp"
#include "keyscope/models.hpp"
#include "keyscope/result.hpp"

namespace keyscope::analytics {

// ---------------------------------------------------------------------------------------------
// Environment

/// "sk_live_..." -> "live", "sk_test_..." -> "test", anything else -> "unknown".
std::string environment_of(std::string_view key_prefix);

// ---------------------------------------------------------------------------------------------
// Usage by key

/// One endpoint's part of a key's traffic (UsageRow::endpoint_distribution).
struct EndpointShare {
  std::string path;
  std::int64_t count = 0;
  double share = 0;  ///< count / the key's request_count (top endpoints only: may sum to < 1)
  friend bool operator==(const EndpointShare& a, const EndpointShare& b) {
    return a.path == b.path && a.count == b.count && a.share == b.share;
  }
};

/// One key's usage over the window, as usage_by_key reports it.
struct UsageRow {
  std::string key_id;
  std::string name;
  std::string prefix;
  std::string environment;  ///< environment_of(prefix)
  std::string tier;
  std::int64_t request_count = 0;  ///< total_requests of the usage window
  std::int64_t error_count = 0;    ///< client_errors + server_errors
  double error_rate = 0;           ///< error_count / request_count, 0 when there are no requests
  std::vector<EndpointShare> endpoint_distribution;  ///< by count desc, then path
  std::optional<double> latency_p95_ms;   ///< the key's own p95, as reported (never averaged)
  std::optional<Timestamp> last_activity;  ///< last_used_at
};

/// One row per active (not revoked) key, in request_count desc, then name, then id order.
/// Usages are joined by key_id; a key without one gets zeros. Usages of unknown or revoked
/// keys are ignored; when a key has several usages the first one wins.
std::vector<UsageRow> usage_by_key(const std::vector<APIKeyInfo>& keys,
                                   const std::vector<KeyUsage>& usages);
/// usage_by_key of the fleet's keys and usages.
std::vector<UsageRow> usage_by_key(const Fleet& fleet);

// ---------------------------------------------------------------------------------------------
// Daily series

/// An ascending series of exactly window_days buckets ending at end_day (days since epoch),
/// with zero buckets where the API sent none. Input order does not matter; buckets outside the
/// window are dropped; duplicate dates are summed. window_days <= 0 gives an empty series.
std::vector<DailyBucket> gap_fill(const std::vector<DailyBucket>& daily, std::int64_t window_days,
                                  std::int64_t end_day);

// ---------------------------------------------------------------------------------------------
// Anomalies

/// How urgent a finding is, least to most.
enum class Severity { info, warning, critical };
/// What a finding is about (AnomalyOptions describes each). Declaration order is the tie-break
/// order of findings of the same severity and key name.
enum class FindingKind {
  spike,
  dormant_reactivated,
  error_burst,
  rate_limit_pressure,
  test_key_production_traffic,
  expiring_soon,
  expired_not_revoked,
  never_used,
  stale,
};
const char* to_string(Severity severity) noexcept;  ///< "info", "warning", "critical"
const char* to_string(FindingKind kind) noexcept;  ///< "spike", "dormant_reactivated", ...

/// One number behind a finding, by name.
struct Metric {
  std::string name;
  double value = 0;
  friend bool operator==(const Metric& a, const Metric& b) {
    return a.name == b.name && a.value == b.value;
  }
};

/// One anomaly of one key: what, how urgent, the numbers and a one-line reason.
struct Finding {
  std::string key_id;
  std::string key_name;
  std::string key_prefix;
  FindingKind kind = FindingKind::spike;
  Severity severity = Severity::info;
  std::vector<Metric> metrics;  ///< in a fixed order per kind
  std::string reason;           ///< one line, with the numbers
};

/// Thresholds of detect_anomalies. Every daily series is gap-filled to the usage window ending
/// on the later of now's UTC date and the newest bucket; "day 0" is that last day.
struct AnomalyOptions {
  /// @name spike
  /// A day vs the median of the spike_baseline_days before it. All of: the day has at
  /// least spike_min_requests, the baseline median is at least spike_min_baseline_median
  /// (a key coming back from ~0 is dormant_reactivated, not a spike), day / median >=
  /// spike_min_ratio, and the robust z-score (day - median) / max(1.4826 * MAD, 1) >=
  /// spike_min_robust_z. Critical from spike_critical_ratio.
  /// Every one of the last spike_recent_days days (day 0 included) is held against the
  /// spike_baseline_days before it; the strongest spike is reported (metric days_ago). A day no
  /// busier than spike_min_ratio x the median of the same weekday in its baseline is not a spike
  /// (weekly seasonality).
  ///@{
  int spike_recent_days = 7;
  int spike_baseline_days = 28;
  int spike_min_baseline_days = 7;
  double spike_min_requests = 100;
  double spike_min_baseline_median = 10;
  double spike_min_ratio = 3.0;
  double spike_min_robust_z = 6.0;
  double spike_critical_ratio = 10.0;
  ///@}

  /// @name dormant_reactivated
  /// A run of at least dormant_min_zero_days consecutive zero days (the
  /// key existed for the whole run, per created_at when known), followed by traffic that started
  /// within the last dormant_recent_days days and totals at least dormant_min_requests.
  ///@{
  int dormant_min_zero_days = 30;
  int dormant_recent_days = 7;
  double dormant_min_requests = 1;
  ///@}

  /// @name error_burst
  /// The error rate of the last error_burst_recent_days days vs the daily error
  /// rates of the error_burst_baseline_days before them (days with traffic only). All of: at
  /// least error_burst_min_requests recent requests, recent rate >= error_burst_min_rate,
  /// recent rate >= error_burst_min_ratio * baseline median rate, and robust z-score
  /// (rate - median) / max(1.4826 * MAD, error_burst_min_scale) >= error_burst_min_robust_z.
  /// Critical from error_burst_critical_rate.
  ///@{
  int error_burst_recent_days = 2;
  int error_burst_baseline_days = 28;
  double error_burst_min_requests = 200;
  double error_burst_min_rate = 0.10;
  double error_burst_min_ratio = 3.0;
  double error_burst_min_robust_z = 6.0;
  double error_burst_min_scale = 0.005;
  double error_burst_critical_rate = 0.5;
  ///@}

  /// @name rate_limit_pressure
  /// The key's rate_limit_peak_per_minute >= rate_limit_minute_fraction of its
  /// rate_limit_per_minute (or its tier's: free 10, pro 1,000), or rate_limit_peak_per_day >=
  /// rate_limit_day_fraction of the daily limit (free 1,000, pro 1,000,000), or at least
  /// rate_limit_min_429 responses with status 429 (by_status, else rate_limit_hits_by_hour).
  /// Critical when requests were rejected (429s) or a peak reached the limit.
  ///@{
  double rate_limit_minute_fraction = 0.8;
  double rate_limit_day_fraction = 0.9;
  double rate_limit_min_429 = 1;
  ///@}

  /// @name test_key_production_traffic
  /// An sk_test_ key whose median daily requests over the window
  /// reach test_key_median_daily_requests, or whose busiest day reaches
  /// test_key_peak_daily_requests.
  ///@{
  double test_key_median_daily_requests = 10000;
  double test_key_peak_daily_requests = 10000;
  ///@}

  /// @name expiring_soon, expired_not_revoked
  /// expiring_soon: expires_at within (now, now + expiring_within_days]; warning within
  /// expiring_warning_days, info before that. expired_not_revoked: expires_at <= now.
  ///@{
  int expiring_within_days = 14;
  int expiring_warning_days = 7;
  ///@}

  /// @name never_used
  /// No last_used_at, zero requests in the window, created at least
  /// never_used_min_age_days ago (or creation unknown).
  ///@{
  int never_used_min_age_days = 7;
  ///@}

  /// @name stale
  /// Last activity (last_used_at, else the newest day with traffic) more than
  /// stale_after_days days before now.
  ///@{
  int stale_after_days = 30;
  ///@}
};

/// Findings for every active key (revoked keys produce none; keys without a usage are treated
/// as having no traffic), ordered by severity desc, then key name, then kind (declaration
/// order), then key id.
std::vector<Finding> detect_anomalies(const std::vector<APIKeyInfo>& keys,
                                      const std::vector<KeyUsage>& usages, std::int64_t now_unix,
                                      const AnomalyOptions& options = {});
std::vector<Finding> detect_anomalies(const Fleet& fleet, std::int64_t now_unix,
                                      const AnomalyOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Chargeback

/// How keys map to cost centers. Precedence: by_key[key id], then by_key[key name], then the
/// first capture group of name_pattern (an ECMAScript regular expression searched in the key
/// name, with exactly one capture group: std::regex natively, the JS RegExp in the npm package;
/// the dialect is README.md's "Chargeback name patterns", checked before either sees it).
/// Keys that map nowhere, or to "", go to "unallocated". A key name longer than
/// kMaxPatternNameBytes is not searched by name_pattern (a regular expression's backtracking
/// costs up to the square of the text's length): such a key maps by its id or name only.
struct CostCenterMap {
  std::vector<std::pair<std::string, std::string>> by_key;  ///< key id or key name -> center
  std::optional<std::string> name_pattern;
};

/// Key names longer than this (bytes) are not searched by CostCenterMap::name_pattern.
inline constexpr std::size_t kMaxPatternNameBytes = 1024;

/// The cost center of keys that map nowhere.
inline constexpr const char* kUnallocated = "unallocated";

/// One cost center's part of the bill.
struct ChargebackRow {
  std::string cost_center;
  std::vector<std::string> key_ids;  ///< sorted
  std::int64_t requests = 0;
  double share = 0;  ///< requests / total requests (1 / centers when there is no traffic)
  std::int64_t cost_cents = 0;
};

/// "1234.56" -> 123456. Digits, optionally '.' and one or two digits; nothing else.
Result<std::int64_t> try_parse_bill_cents(std::string_view text);
std::int64_t parse_bill_cents(std::string_view text);
/// 123456 -> "1234.56", -5 -> "-0.05".
std::string format_cents(std::int64_t cents);

/// Splits bill_cents across cost centers by request share with largest-remainder (Hamilton)
/// rounding: costs sum to the bill exactly. Ties on the remainder go to the larger requests,
/// then to the smaller cost-center name. With zero total requests the bill is split equally
/// (same rounding) across the centers that have keys; with no keys at all it goes entirely to
/// "unallocated". Rows in requests desc, then cost_center order. A negative bill, a malformed
/// one or a name pattern outside the dialect is a ValidationError.
Result<std::vector<ChargebackRow>> try_chargeback(const std::vector<UsageRow>& rows, std::int64_t bill_cents,
                                                  const CostCenterMap& map);
std::vector<ChargebackRow> chargeback(const std::vector<UsageRow>& rows, std::int64_t bill_cents,
                                      const CostCenterMap& map);
/// The same with the bill as text ("1234.56", parse_bill_cents).
Result<std::vector<ChargebackRow>> try_chargeback(const std::vector<UsageRow>& rows, std::string_view bill,
                                                  const CostCenterMap& map);
std::vector<ChargebackRow> chargeback(const std::vector<UsageRow>& rows, std::string_view bill,
                                      const CostCenterMap& map);

// ---------------------------------------------------------------------------------------------
// Usage payload integrity

/// One check of check_usage and its outcome.
struct IntegrityCheck {
  std::string check;  ///< "totals", "by_status_sum", ...
  bool ok = true;
  std::string expected;
  std::string actual;
  std::string message;
};

/// The first failed check of check_usage as a DecodeError naming the payload field it concerns
/// ("data.total_requests", "data.by_status", "data.daily"), or nothing when every check passes:
/// what the client's strict mode returns instead of the usage.
std::optional<Error> implausible_usage(const KeyUsage& usage);

/// Checks, in this order (the by_status ones only when by_status is present, success_rate only
/// when sent): non_negative, totals (total = successful + client + server), by_status_sum,
/// status_2xx / status_4xx / status_5xx (vs successful / client / server), status_codes (every
/// by_status key a three-digit HTTP status 100..599), success_rate
/// (|rate - successful/total| <= 1e-4, the API rounds it), daily_order (consistently
/// ascending or descending), daily_duplicates, daily_window (every date within window_days of
/// end_day, or of the newest date when end_day is not given), daily_length (<= window_days),
/// daily_errors_le_requests, daily_requests_sum (= total), daily_errors_sum (= client + server).
std::vector<IntegrityCheck> check_usage(const KeyUsage& usage,
                                        std::optional<std::int64_t> end_day = std::nullopt);

// ---------------------------------------------------------------------------------------------
// Percentiles

/// Exact percentile, numpy's default "linear" method (Hyndman & Fan type 7): h = (n - 1) q,
/// interpolated between the order statistics floor(h) and floor(h) + 1. q in [0, 1]; samples
/// non-empty and not NaN.
Result<double> try_percentile(std::vector<double> samples, double q);
double percentile(std::vector<double> samples, double q);
/// Several quantiles with selection (nth_element) passes over one copy; results in qs order.
Result<std::vector<double>> try_percentiles(std::vector<double> samples, const std::vector<double>& qs);
std::vector<double> percentiles(std::vector<double> samples, const std::vector<double>& qs);

/// DDSketch (Masson, Rim, Lee, VLDB 2019), compatible with the Python `ddsketch` package's
/// LogCollapsingLowestDenseDDSketch: logarithmic mapping with gamma = (1 + a) / (1 - a),
/// key(v) = ceil(log_gamma(v)), bucket value 2 gamma^k / (1 + gamma); separate stores for
/// positive values and for the magnitudes of negative ones, plus a zero count. quantile(q) uses
/// rank = q (count - 1) exactly like ddsketch's get_quantile_value, so every quantile is within
/// relative error a of some sample whose rank is that rank's lower neighbour. Memory is bounded:
/// each store keeps at most max_buckets buckets and collapses its lowest ones into the lowest
/// kept bucket (accuracy is then lost only on the lowest quantiles of that store).
class DDSketch {
 public:
  /// relative_accuracy in (0, 1), max_buckets >= 1.
  static Result<DDSketch> create(double relative_accuracy = 0.01, int max_buckets = 2048);
  explicit DDSketch(double relative_accuracy = 0.01, int max_buckets = 2048);  ///< throws

  std::optional<Error> try_add(double value, double count = 1);  ///< count > 0; value finite
  std::optional<Error> try_merge(const DDSketch& other);  ///< same relative_accuracy and max_buckets
  Result<double> try_quantile(double q) const;  ///< q in [0, 1]; the sketch must not be empty
  void add(double value, double count = 1);
  void merge(const DDSketch& other);
  double quantile(double q) const;

  double relative_accuracy() const noexcept { return relative_accuracy_; }
  int max_buckets() const noexcept { return max_buckets_; }
  double gamma() const noexcept { return gamma_; }  ///< (1 + a) / (1 - a), as ddsketch computes it
  double count() const noexcept { return count_; }
  double zero_count() const noexcept { return zero_count_; }
  double sum() const noexcept { return sum_; }
  double min() const noexcept { return min_; }  ///< +inf when empty
  double max() const noexcept { return max_; }  ///< -inf when empty
  bool empty() const noexcept { return count_ == 0; }
  std::size_t bucket_count() const noexcept;  ///< non-empty buckets
  std::size_t memory_bytes() const noexcept;  ///< the object plus its bucket storage

  ///@{
  /// {"relative_accuracy","max_buckets","count","zero_count","sum","min","max",
  ///  "positive":{"offset":k,"counts":[...]},"negative":{...}}; from_json validates it.
  std::string to_json() const;
  static Result<DDSketch> try_from_json(std::string_view text);
  static DDSketch from_json(std::string_view text);
  ///@}

  /// The protobuf wire bytes of the DDSketch message of DataDog's sketches-proto, the format the
  /// Python `ddsketch` package (ddsketch.pb.proto.DDSketchProto) and sketches-go read and
  /// write: mapping {gamma, indexOffset 0, interpolation NONE}, each store as
  /// contiguousBinCounts from its lowest to its highest non-empty bin, zeroCount. Keys are those
  /// of the Python package (ceil of log_gamma). The message has no count, sum, min, max or
  /// max_buckets: the sum and the extremes are not sent. A ValidationError when a bin index does
  /// not fit the message's sint32 (relative_accuracy below about 2e-7).
  Result<std::string> try_to_proto() const;
  std::string to_proto() const;
  /// Reads those bytes (from any of those libraries). The mapping must be the logarithmic one
  /// (interpolation NONE) with gamma > 1 and an integral indexOffset (bins are shifted by it);
  /// relative_accuracy is the shortest decimal whose gamma is the message's (0.01 comes back as
  /// 0.01, so the sketch merges with DDSketch(0.01)), else about ddsketch's (gamma - 1) /
  /// (gamma + 1) with that gamma (or the nearest gamma when no accuracy gives it exactly).
  /// Sparse binCounts and contiguousBinCounts are both read and added up, as the .proto says.
  /// Each store keeps at most max_buckets bins, the lowest collapsed as add() does. count =
  /// zeroCount + all bins; min, max and sum, which the message lacks, are the bucket estimates
  /// (min = quantile(0), max = quantile(1), sum = the bins' counts times their values), within
  /// relative_accuracy of the truth for each bin. Malformed bytes, another interpolation, gamma
  /// <= 1, a fractional indexOffset, a negative, NaN or infinite count, or a bin index outside
  /// what the mapping can index are a DecodeError naming the field; nothing is allocated beyond
  /// the input's size and max_buckets.
  static Result<DDSketch> try_from_proto(std::string_view bytes, int max_buckets = 2048);
  static DDSketch from_proto(std::string_view bytes, int max_buckets = 2048);

  /// Same parameters, same non-empty buckets, zero count, count, min and max. The sum is left
  /// out: its last bits depend on the order values were added and merged.
  bool has_same_buckets(const DDSketch& other) const noexcept;

  /// A dense run of bucket counts; keys [offset, offset + counts.size()).
  struct Store {
    std::int64_t offset = 0;
    std::vector<double> counts;
    double total = 0;
    bool collapsed = false;

    void add(std::int64_t key, double count, int max_buckets);
    std::int64_t key_at_rank(double rank, bool lower) const;
    std::size_t non_empty() const noexcept;
    bool same_buckets(const Store& other) const noexcept;
  };

 private:
  DDSketch(double relative_accuracy, int max_buckets, double gamma);  // parameters already checked
  static double gamma_of(double relative_accuracy);  // (1 + a) / (1 - a), as ddsketch computes it
  std::int64_t key_of(double value) const;
  double value_of(std::int64_t key) const;

  double relative_accuracy_;
  int max_buckets_;
  double gamma_;
  double multiplier_;
  double min_indexable_;
  Store positive_;
  Store negative_;
  double zero_count_ = 0;
  double count_ = 0;
  double sum_ = 0;
  double min_;
  double max_;
};

}  // namespace keyscope::analytics
