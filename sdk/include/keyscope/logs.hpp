#pragma once
/// @file
/// A second witness for usage: the user's own traffic logs (an egress proxy's, a gateway's, an
/// nginx's), read as bytes, turned into the API's KeyUsage shape, and reconciled against the API.
/// No file I/O here: the CLI and the bindings read files and feed their bytes in chunks, so
/// memory stays flat however large the log is.
///
/// Secrets: a key field that holds a full secret key ("sk_live_...", possibly after "Bearer ")
/// is cut to its display prefix the moment the line is read. Nothing this module returns, stores
/// or reports ever holds more than the prefix.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyscope/models.hpp"
#include "keyscope/result.hpp"

namespace keyscope::logs {

/// The log formats the reader understands: JSON lines, CSV with a header, nginx log_format text.
enum class Format { jsonl, csv, nginx };
/// "jsonl" | "csv" | "nginx"; nothing for anything else.
std::optional<Format> parse_format(std::string_view name);
const char* to_string(Format format) noexcept;  ///< "jsonl", "csv", "nginx"

/// Where each of the five things keyscope needs sits in a line: a JSON member name (dots walk
/// into nested objects: "request.path"), a CSV column name, or an nginx variable ("$status",
/// "$http_authorization", "$upstream_http_x_key"). Empty: detected from common names.
struct FieldMap {
  std::string time, key, path, status, latency;
};

/// The unit of a log's latency field (ReaderOptions::latency_unit).
enum class LatencyUnit { automatic, seconds, milliseconds, microseconds };
/// "s" | "ms" | "us"; nothing for anything else.
std::optional<LatencyUnit> parse_latency_unit(std::string_view name);
/// The member of `fields` named "time", "key", "path", "status" or "latency"; null for others.
std::string* field_source(FieldMap& fields, std::string_view name);

/// How LogReader reads a log.
struct ReaderOptions {
  Format format = Format::jsonl;
  std::string nginx_format;  ///< the user's nginx log_format string, verbatim (Format::nginx)
  FieldMap fields;
  /// automatic: seconds for nginx's $request_time / $upstream_response_time and names ending in
  /// "_s" or "_seconds", microseconds for "_us", otherwise milliseconds.
  LatencyUnit latency_unit = LatencyUnit::automatic;
  /// Lines whose time falls outside [window_start_unix, window_end_unix) are counted as
  /// out_of_window, not as usage. Unset: no bound.
  ///@{
  std::optional<std::int64_t> window_start_unix;
  std::optional<std::int64_t> window_end_unix;
  ///@}
  /// The length of the API's key_prefix ("sk_live_zIc8"): a full key is cut to this.
  std::size_t prefix_length = 12;
  /// Line numbers kept per bad-line kind.
  std::size_t bad_line_examples = 5;
};

/// Checks options before any byte is read (an nginx format without a known time, status or
/// request variable, an unknown field name syntax, a prefix length outside 8..32).
std::optional<Error> validate(const ReaderOptions& options);

/// One counted request.
struct Record {
  std::int64_t time_unix_ms = 0;
  std::string key;   ///< a key id (UUID) or a key prefix; never a full secret
  std::string path;  ///< no query string, no scheme or host
  int status = 0;
  std::optional<double> latency_ms;
};

/// The running aggregate of records: per key, exactly what the API's usage payload holds.
/// Mergeable without loss (counts add; latency samples stay exact up to kExactLatencySamples
/// per key, beyond that they live in a DDSketch, whose merge is exact), and serialisable, so
/// partitions of a huge log can be summarised apart (Dask workers) and merged.
class UsageAggregate {
 public:
  static constexpr std::size_t kExactLatencySamples = 10000;
  UsageAggregate();
  ~UsageAggregate();
  UsageAggregate(UsageAggregate&&) noexcept;
  UsageAggregate& operator=(UsageAggregate&&) noexcept;
  UsageAggregate(const UsageAggregate&) = delete;
  UsageAggregate& operator=(const UsageAggregate&) = delete;

  void add(const Record& record);
  void merge(const UsageAggregate& other);
  ///@{
  /// Line accounting, kept with the aggregate so merged partitions report whole-file figures.
  void count_line() { ++lines_; }
  void count_full_key() { ++full_keys_seen_; }
  void count_bad(const std::string& kind, std::int64_t line_number, std::size_t examples);
  ///@}

  ///@{
  /// A compact JSON document of the whole state, and back (a DecodeError for anything else).
  std::string serialize() const;
  static Result<UsageAggregate> deserialize(std::string_view text);
  ///@}

  /// The API's shape, one KeyUsage per key over the window_days days ending on end_day (days
  /// since epoch; the daily series is gap-filled to it). A key whose prefix `keys` lists gets
  /// that key's id; other keys keep their prefix (or id) as key_id.
  LogSummary summary(const std::vector<APIKeyInfo>& keys, std::int64_t window_days,
                     std::int64_t end_day) const;

  std::int64_t records() const noexcept;
  std::int64_t lines() const noexcept { return lines_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::int64_t lines_ = 0;
  std::int64_t full_keys_seen_ = 0;
  std::map<std::string, BadLines> bad_;
};

/// Reads log bytes chunk by chunk (a chunk may end anywhere, even inside a UTF-8 sequence or a
/// CSV quoted field's line) into an aggregate. A bad line is counted by kind with its line
/// number and never stops the reader.
class LogReader {
 public:
  /// The options must have passed validate(); otherwise every line is counted unparseable.
  explicit LogReader(ReaderOptions options);
  ~LogReader();
  LogReader(LogReader&&) noexcept;
  LogReader& operator=(LogReader&&) noexcept;

  void feed(std::string_view chunk);
  void finish();  ///< the last line, if the input did not end with a newline

  const UsageAggregate& aggregate() const noexcept;
  UsageAggregate take_aggregate();
  /// The five sources in use once detected (JSON/CSV detect from the first line that has them).
  FieldMap resolved_fields() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// "sk_live_zIc8Xq..." / "Bearer sk_live_..." -> "sk_live_zIc8"; a UUID stays a key id; anything
/// else is cut to prefix_length. `was_full_key` tells whether a secret was cut.
std::string reduce_key(std::string_view value, std::size_t prefix_length, bool* was_full_key = nullptr);

// ---------------------------------------------------------------------------------------------
// Reconciliation

/// How reconcile compares the API's usage with the logs'.
struct ReconcileOptions {
  ///@{
  /// A day agrees when |api - logs| <= max(tolerance * api, min_diff), for requests and errors.
  double tolerance = 0.02;
  std::int64_t min_diff = 5;
  ///@}
  std::int64_t window_days = 30;
  std::int64_t end_day = 0;  ///< the window's last UTC day (days since epoch)
  std::int64_t now_unix = 0; ///< for expired_key_in_use
};
/// reconcile's options as a ValidationError: tolerance outside [0, 1), a negative min_diff,
/// window_days outside 1..90. reconcile checks them first.
std::optional<Error> validate(const ReconcileOptions& options);

/// Per key and UTC day, the API's usage against the logs': api_exceeds_logs (traffic the logs
/// did not see: a possible leak, critical), logs_exceed_api (billing drift or dropped counts),
/// unknown_key (a prefix in the logs that `keys` does not list), revoked_key_in_use and
/// expired_key_in_use (log traffic after revoked_at / expires_at), key_silent_in_logs (API
/// traffic on a key the logs never saw). `log_usages` come from UsageAggregate::summary with the
/// same keys; api_usages from the API for the same window.
Result<Reconciliation> reconcile(const std::vector<APIKeyInfo>& keys,
                                 const std::vector<KeyUsage>& api_usages,
                                 const std::vector<KeyUsage>& log_usages,
                                 const ReconcileOptions& options);

/// True when any finding is beyond tolerance (what makes `keyscope reconcile` exit 1).
bool has_discrepancy(const Reconciliation& reconciliation);

// ---------------------------------------------------------------------------------------------
// JSON entry points

///@{
/// JSON entry points (the bindings and tests/vectors/reconcile_logs.json), also reachable through
/// analytics::run_helper_json as "summarize_logs" and "reconcile_logs". Input:
/// ```text
///   {"log": "<text>"} or {"log_lines": [[count, "line"], ...]} (expanding to 1 MiB at most: the
///   runs are for vectors and tests),
///   "reader": {"format": "jsonl|csv|nginx", "nginx_format": "...", "latency_unit": "s|ms|us",
///              "fields": {"time": "...", "key": "...", ...}},               (optional)
///   "keys": [APIKeyInfo...] (optional), "window_days": 30, "end_date": "2026-05-17",
///   reconcile only: "api_usages": [KeyUsage...],
///                   "options": {"tolerance": 0.02, "min_diff": 5, "now": "<ISO>"}
/// ```
/// Output: a LogSummary object; for reconcile {"summary": LogSummary, "reconciliation": ...}.
Result<std::string> summarize_logs_json(std::string_view input);
Result<std::string> reconcile_logs_json(std::string_view input);
///@}

}  // namespace keyscope::logs
