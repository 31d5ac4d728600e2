// The model encoders: models -> JSON text, written directly (no nlohmann DOM). decode.cpp has
// the decoders.
#include "codec/model_json.hpp"
#include "keyscope/codec.hpp"

namespace keyscope {

std::string encode_key_list(const KeyList& list) {
  codec::JsonWriter out(64 + 400 * list.data.size());
  codec::write(out, list);
  return out.take();
}

namespace {

// Enough for the whole text, most of the time: growing the string is a visible share of encoding.
std::size_t expected_size(const APIKeyInfo&) { return 512; }
std::size_t expected_size(const APIKeyDetails& details) { return 512 + 48 * details.usage_daily.size(); }
std::size_t expected_size(const LogSummary& summary) { return 256 + 2048 * summary.usages.size(); }
std::size_t expected_size(const Reconciliation& r) { return 256 + 320 * r.findings.size() + 200 * r.keys.size(); }
std::size_t expected_size(const KeyUsage& usage) {
  return 640 + 48 * usage.daily.size() + 64 * usage.top_endpoints.size() + 24 * usage.by_status.size() +
         48 * usage.rate_limit_hits_by_hour.size();
}

template <class Model>
std::string encode_wrapped(const Model& model) {
  codec::JsonWriter out(16 + expected_size(model));
  out.begin_object();
  codec::write(out.key("data"), model);
  out.end_object();
  return out.take();
}

template <class Model>
std::string encode_bare(const Model& model) {
  codec::JsonWriter out(expected_size(model));
  codec::write(out, model);
  return out.take();
}

}  // namespace

std::string encode_key_details(const APIKeyDetails& details) { return encode_wrapped(details); }
std::string encode_key_usage(const KeyUsage& usage) { return encode_wrapped(usage); }
std::string encode_key_info_object(const APIKeyInfo& info) { return encode_bare(info); }
std::string encode_key_usage_object(const KeyUsage& usage) { return encode_bare(usage); }
std::string encode_log_summary_object(const LogSummary& summary) { return encode_bare(summary); }
std::string encode_reconciliation_object(const Reconciliation& reconciliation) { return encode_bare(reconciliation); }

}  // namespace keyscope
