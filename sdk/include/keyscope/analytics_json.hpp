#pragma once
/// @file
/// JSON-text entry points of the analytics, shared by the WASM and Python bindings and the
/// vectors in tests/vectors/, so every front door gives byte-identical results. Inputs use the
/// API's shapes and snake_case option names; outputs are JSON text. Never throws: a bad input
/// is an Error (ValidationError for bad arguments, DecodeError for JSON that is not the
/// contract, with its json_path).
///
/// Input shapes ("keys" = the list endpoint's `data`, "usages" = usage endpoints' `data`):
/// ```text
///   usage_by_key_json     {"keys": [...], "usages": [...]}
///   detect_anomalies_json {"keys": [...], "usages": [...], "now": "2026-05-17T12:00:00Z",
///                          "options": {"spike_min_ratio": 3, ...}}            (options optional)
///   chargeback_json       {"keys": [...], "usages": [...]} or {"rows": <usage_by_key output>},
///                         plus "bill": "1234.56" (string, strict) or "bill_cents": 123456, and
///                         "mapping": {"by_key": {"id or name": "center"},
///                                     "name_pattern": "\\[(\\w+)\\]"}          (mapping optional)
///   check_usage_json      {"usage": {...}, "end_date": "2026-05-17"}         (end_date optional)
///   gap_fill_json         {"daily": [...], "window_days": 30, "end_date": "2026-05-17"}
///   percentiles_json      {"samples": [...], "qs": [0.5, 0.95]}
///   ddsketch_json         {"samples": [...], "qs": [...], "relative_accuracy": 0.01,
///                          "max_buckets": 2048}                     (last two optional)
/// ```
/// Outputs: an array of rows / findings / checks / buckets, {"values": [...]} for percentiles,
/// {"values": [...], "count", "min", "max", "sum", "bucket_count"} for ddsketch_json.
#include <string>
#include <string_view>

#include <vector>

#include "keyscope/analytics.hpp"
#include "keyscope/result.hpp"

namespace keyscope::analytics {

///@{
/// One analytics helper over its input shape (the file description); JSON text or an Error.
Result<std::string> usage_by_key_json(std::string_view input);
Result<std::string> detect_anomalies_json(std::string_view input);
Result<std::string> chargeback_json(std::string_view input);
Result<std::string> check_usage_json(std::string_view input);
Result<std::string> gap_fill_json(std::string_view input);
Result<std::string> percentiles_json(std::string_view input);
Result<std::string> ddsketch_json(std::string_view input);
///@}

/// Dispatches on a helper name ("usage_by_key", "detect_anomalies", "chargeback",
/// "check_usage", "gap_fill", "percentiles", "ddsketch", "environment_of"), as in the vectors.
Result<std::string> run_helper_json(std::string_view helper, std::string_view input);

/// environment_of_json {"prefix": "sk_live_ab12"} -> "live" (a JSON string).
Result<std::string> environment_of_json(std::string_view input);

///@{
/// The JSON arrays the entry points above return, for results computed in C++ (CLI --json).
std::string encode_usage_rows(const std::vector<UsageRow>& rows);
std::string encode_findings(const std::vector<Finding>& findings);
std::string encode_chargeback(const std::vector<ChargebackRow>& rows);
///@}

}  // namespace keyscope::analytics
