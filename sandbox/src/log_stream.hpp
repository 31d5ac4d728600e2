// Log lines of the emitted egress logs (--emit-logs): who calls, and a stream
// generator that turns exact per-status and per-endpoint counts of one source
// over one time range into time-ordered, deterministic lines.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "demo_data.hpp"

namespace sandbox {

// One identity seen in the logs: a fleet key, or a key the fleet does not have.
struct LogSource {
  const KeyProfile* key = nullptr;  // prefix, endpoint weights, latency percentiles
  std::string authorization;        // "Bearer " + full secret key (prefix + 28 base62)
  std::string remote_addr;          // the calling service inside the organisation
  const char* user_agent = "";
};

// Latency percentiles (ms) a stream draws around.
struct LatencyProfile {
  double p50 = 0, p95 = 0, p99 = 0;
};

// A run of lines of one source in [start_ms, end_ms) with exact counts.
struct StreamSpec {
  int source = 0;  // index into the plan's sources
  std::int64_t start_ms = 0, end_ms = 0;
  std::int64_t count = 0;
  std::array<std::int64_t, kStatusCount> statuses{};     // parallel to kStatusCodes; sums to count
  std::array<std::int64_t, kEndpointCount> endpoints{};  // parallel to kEndpointPaths; sums to count
  LatencyProfile latency;
  std::uint64_t seed = 0;
};

struct LogRecord {
  std::int64_t ts_ms = 0;  // unix milliseconds
  int source = 0;
  int status = 200;
  int endpoint = 0;               // index into kEndpointPaths
  int query = -1;                 // -1, or a variant of query_string()
  std::uint32_t latency_tenths = 0;  // tenths of a millisecond
  std::uint32_t bytes = 0;           // response body bytes
};

// "?..." for a query variant (0..kQueryVariants-1) of an endpoint.
constexpr int kQueryVariants = 3;
const char* query_string(int endpoint, int variant);

// Yields the spec's lines in non-decreasing time order: line j of n falls in
// the j-th n-th of the range (evenly spread, jittered); statuses and endpoints
// are drawn without replacement, so the counts come out exactly.
class LogStream {
 public:
  explicit LogStream(const StreamSpec& spec);
  bool done() const { return j_ >= spec_.count; }
  std::int64_t next_time() const { return next_ts_; }
  LogRecord next();  // requires !done()

 private:
  std::uint64_t draw();
  void advance_time();

  StreamSpec spec_;
  std::int64_t j_ = 0, next_ts_ = 0, span_ = 1;
  std::uint64_t state_;
};

}  // namespace sandbox
