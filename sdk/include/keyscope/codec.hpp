#pragma once
/// @file
/// JSON <-> models. Tolerant reader (unknown fields ignored, `key_preview` accepted for
/// `key_prefix`, nulls where the contract allows them, any 64-bit integer), strict about types:
/// what cannot be represented is a DecodeError naming the JSON path, e.g.
/// "data[3].total_requests". Strict on request (DecodeOptions).
#include <string>
#include <string_view>

#include "keyscope/models.hpp"
#include "keyscope/result.hpp"

namespace keyscope {

/// How strictly the decoders read a body.
struct DecodeOptions {
  /// Also refuse type-valid but implausible integers: negative ones and ones beyond 2^53 - 1.
  /// (The client's strict mode adds analytics::check_usage on usage payloads.)
  bool strict = false;
};

///@{
/// Whole response bodies ({"data": ...}).
Result<KeyList> decode_key_list(std::string_view body, const DecodeOptions& options = {});
Result<APIKeyDetails> decode_key_details(std::string_view body, const DecodeOptions& options = {});
Result<KeyUsage> decode_key_usage(std::string_view body, const DecodeOptions& options = {});
///@}

/// The error envelope {"error": {code, message, request_id, details}} of a non-2xx response.
/// Returns false (and leaves `out` alone) when the body is not such an envelope.
bool decode_error_envelope(std::string_view body, Error& out);

///@{
/// Canonical JSON text of each model, wrapped like the API ({"data": ...}); decoding the output
/// gives back an equal model.
std::string encode_key_list(const KeyList& list);
std::string encode_key_details(const APIKeyDetails& details);
std::string encode_key_usage(const KeyUsage& usage);
///@}

///@{
/// Bare objects (no {"data": ...}), for bindings and --json output.
std::string encode_key_info_object(const APIKeyInfo& info);
std::string encode_key_usage_object(const KeyUsage& usage);
///@}
///@{
/// The log-reconciliation models as bare JSON objects (schema/models.json's field names).
std::string encode_log_summary_object(const LogSummary& summary);
std::string encode_reconciliation_object(const Reconciliation& reconciliation);
///@}
std::string encode_error_object(const Error& error);  ///< {"type","message","status",...}
/// A RateLimit as a bare JSON object, for bindings and --json output.
std::string encode_rate_limit_object(const RateLimit& rate_limit);

}  // namespace keyscope
