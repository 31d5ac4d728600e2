#include "log_stream.hpp"

#include <algorithm>
#include <cmath>

#include "hash.hpp"

namespace sandbox {

namespace {

// Query strings the organisation's services send (keyscope drops them); some
// hold commas, so CSV readers meet quoted fields.
const char* const kQueries[kEndpointCount][kQueryVariants] = {
    {"?page=2&per_page=50", "?since=2026-01-01T00:00:00Z&sort=-published_at", "?fields=id,title,published_at"},
    {"?type=ipv4&limit=500", "?q=evil.example.com&type=domain", "?types=ipv4,domain,sha256&limit=1000"},
    {"?value=198.51.100.23", "?value=44d88612fea8a8f36de82e1278abb02f", "?value=login.example-bank.test&type=domain"},
    {"?collection=apt&limit=100", "?added_after=2026-01-01T00%3A00%3A00Z", "?types=indicator,malware"},
    {"?format=csv", "?format=json&fields=id,title,url", "?format=stix&since=2026-01-01"},
};

// Typical 200 body sizes per endpoint (bytes).
const double kBodyBytes[kEndpointCount] = {18000, 42000, 900, 64000, 250000};

// Piecewise-linear quantile function through the key's percentiles.
double latency_at(const LatencyProfile& l, double u) {
  const double xs[] = {0.0, 0.5, 0.95, 0.99, 1.0};
  const double ys[] = {0.45 * l.p50, l.p50, l.p95, l.p99, 1.5 * l.p99};
  for (int i = 1; i < 5; ++i)
    if (u < xs[i] || i == 4) return ys[i - 1] + (ys[i] - ys[i - 1]) * (u - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return l.p50;
}

// Index drawn by weight `counts`, without replacement (decrements it).
template <size_t N>
int take(std::array<std::int64_t, N>& counts, std::uint64_t r) {
  std::int64_t left = 0;
  for (std::int64_t c : counts) left += c;
  auto pick = static_cast<std::int64_t>(r % static_cast<std::uint64_t>(std::max<std::int64_t>(1, left)));
  for (size_t i = 0; i < N; ++i) {
    if (pick < counts[i]) {
      --counts[i];
      return static_cast<int>(i);
    }
    pick -= counts[i];
  }
  return 0;  // unreachable while the counts sum to the lines left
}

}  // namespace

const char* query_string(int endpoint, int variant) {
  if (endpoint < 0 || endpoint >= kEndpointCount || variant < 0 || variant >= kQueryVariants) return "";
  return kQueries[endpoint][variant];
}

LogStream::LogStream(const StreamSpec& spec) : spec_(spec), state_(spec.seed) {
  span_ = std::max<std::int64_t>(1, spec_.end_ms - spec_.start_ms);
  if (!done()) advance_time();
}

std::uint64_t LogStream::draw() {
  const std::uint64_t r = splitmix64(state_);
  state_ += 0x9e3779b97f4a7c15ULL;
  return r;
}

void LogStream::advance_time() {
  const auto jitter = static_cast<std::int64_t>(draw() % static_cast<std::uint64_t>(span_));
  next_ts_ = spec_.start_ms + (j_ * span_ + jitter) / spec_.count;
}

LogRecord LogStream::next() {
  LogRecord r;
  r.ts_ms = next_ts_;
  r.source = spec_.source;
  r.status = kStatusCodes[static_cast<size_t>(take(spec_.statuses, draw()))];
  r.endpoint = take(spec_.endpoints, draw());
  const std::uint64_t q = draw();
  r.query = q % 100 < 30 ? static_cast<int>((q >> 8) % kQueryVariants) : -1;
  const double ms = latency_at(spec_.latency, unit_of(draw()));
  r.latency_tenths = static_cast<std::uint32_t>(std::max<long long>(1, std::llround(ms * 10)));
  const double u = unit_of(draw());
  r.bytes = r.status == 200
                ? static_cast<std::uint32_t>(kBodyBytes[static_cast<size_t>(r.endpoint)] * (0.4 + 1.2 * u))
                : static_cast<std::uint32_t>(110 + 180 * u);
  ++j_;
  if (!done()) advance_time();
  return r;
}

}  // namespace sandbox
