// libFuzzer target: the log readers (keyscope::logs::LogReader) on arbitrary bytes.
//   byte 0  bits 0-1: format — 0 JSON lines, 1 CSV, 2 nginx (the sandbox's log_format below),
//                     3 JSON lines with named fields (nested and CSV-like names);
//           bit 2:    a time window (2026-05-11..17) or none;
//           bits 3-5: latency unit (automatic, s, ms, us);
//   byte 1  where the bytes are cut into two chunks (byte 1 / 255 of the rest), and the second
//           chunk's piece size (1 + byte 1 % 64), so lines, quoted CSV fields and UTF-8
//           sequences are cut anywhere;
//   rest    the log.
// Then: summary() (with and without a key list), serialize() -> deserialize() must give the
// same summary, deserialize() of the raw bytes, and summarize_logs_json /
// reconcile_logs_json on the raw bytes. Nothing may crash, hang or throw.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keyscope/codec.hpp"
#include "keyscope/error.hpp"
#include "keyscope/logs.hpp"

namespace {

constexpr const char* kNginxFormat =
    R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent )"
    R"("$http_referer" "$http_user_agent" $request_time "$http_authorization")";

constexpr std::int64_t kEndDay = 20590;  // 2026-05-17

const std::vector<keyscope::APIKeyInfo>& known_keys() {
  static const std::vector<keyscope::APIKeyInfo> keys = [] {
    const auto list = keyscope::decode_key_list(R"({"data":[
      {"id":"00000000-0000-4000-8000-000000000123","key_prefix":"sk_live_zIc8","name":"Production SIEM [secops]",
       "tier":"pro","scopes":["read:iocs"],"total_requests":142587,"last_used_at":"2026-05-17T09:42:11Z",
       "created_at":"2026-01-15T10:00:00Z","expires_at":null,"revoked_at":null},
      {"id":"00000000-0000-4000-8000-000000000456","key_prefix":"sk_test_aB3x","name":"Dev [intel]",
       "tier":"free","scopes":["read:iocs"],"total_requests":234,"last_used_at":"2026-05-16T18:30:00Z",
       "created_at":"2026-05-10T08:00:00Z","expires_at":"2026-05-14T08:00:00Z","revoked_at":"2026-05-15T00:00:00Z"}],
      "meta":{"total":2}})");
    if (!list.ok()) __builtin_trap();
    return list->data;
  }();
  return keys;
}

keyscope::logs::ReaderOptions options_for(std::uint8_t selector) {
  keyscope::logs::ReaderOptions options;
  switch (selector & 3) {
    case 0: options.format = keyscope::logs::Format::jsonl; break;
    case 1: options.format = keyscope::logs::Format::csv; break;
    case 2:
      options.format = keyscope::logs::Format::nginx;
      options.nginx_format = kNginxFormat;
      break;
    default:
      options.format = keyscope::logs::Format::jsonl;
      options.fields = {"at", "credentials.api_key", "req.url", "resp.code", "took_s"};
      break;
  }
  if (selector & 4) {
    options.window_start_unix = (kEndDay - 6) * 86400;
    options.window_end_unix = (kEndDay + 1) * 86400;
  }
  constexpr keyscope::logs::LatencyUnit kUnits[] = {
      keyscope::logs::LatencyUnit::automatic, keyscope::logs::LatencyUnit::seconds,
      keyscope::logs::LatencyUnit::milliseconds, keyscope::logs::LatencyUnit::microseconds};
  options.latency_unit = kUnits[(selector >> 3) & 3];
  return options;
}

void consume(const keyscope::Result<std::string>& result) {
  if (result.ok()) {
    if (result->empty() || result->front() != '{') __builtin_trap();
  } else {
    (void)keyscope::to_string(result.error());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const std::string_view log = raw.substr(2);
  try {
    const auto options = options_for(data[0]);
    if (keyscope::logs::validate(options)) __builtin_trap();  // the fixed options are valid

    keyscope::logs::LogReader reader(options);
    const std::size_t cut = log.size() * data[1] / 255;
    reader.feed(log.substr(0, cut));
    const std::size_t piece = 1 + data[1] % 64;
    for (std::size_t at = cut; at < log.size(); at += piece) reader.feed(log.substr(at, piece));
    reader.finish();
    (void)reader.resolved_fields();

    const auto& aggregate = reader.aggregate();
    const auto summary = aggregate.summary({}, 7, kEndDay);
    const auto mapped = aggregate.summary(known_keys(), 1 + data[1] % 90, kEndDay);
    if (summary.records != aggregate.records() || mapped.records != aggregate.records()) __builtin_trap();
    (void)keyscope::encode_log_summary_object(mapped);

    // The aggregate's own text reads back to the same state. (Not byte-identical text: the
    // per-key minute and path tables are written in hash order, which a rebuilt map changes.)
    const std::string text = aggregate.serialize();
    {
      auto again = keyscope::logs::UsageAggregate::deserialize(text);
      if (!again.ok()) __builtin_trap();
      if (again->records() != aggregate.records() || again->lines() != aggregate.lines()) __builtin_trap();
      if (again->summary(known_keys(), 7, kEndDay) != aggregate.summary(known_keys(), 7, kEndDay)) __builtin_trap();
    }

    // Hostile text where a serialised aggregate is expected (a Dask partition from elsewhere).
    auto hostile = keyscope::logs::UsageAggregate::deserialize(raw.substr(1));
    if (hostile.ok()) {
      auto& other = hostile.value();
      (void)other.summary(known_keys(), 7, kEndDay);
      other.merge(aggregate);
      (void)other.serialize();
    }

    consume(keyscope::logs::summarize_logs_json(raw.substr(1)));
    consume(keyscope::logs::reconcile_logs_json(raw.substr(1)));
  } catch (...) {
    __builtin_trap();  // none of these may throw
  }
  return 0;
}
