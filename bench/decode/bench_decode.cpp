// Native decode throughput in MB/s: bytes -> model structs, for a 2,000-key list and a 90-day
// usage, by keyscope's codec and by what a user would write instead (simdjson On-Demand,
// nlohmann::json), plus the two libraries' parse-only speed as the floor of what JSON costs.
// Every contender must produce models equal to keyscope's before it is timed.
//
// Usage: keyscope_bench_decode [SECONDS_PER_CONTENDER=1]     (driver: bench/decode/run.sh)
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <keyscope/codec.hpp>
#include <keyscope/time.hpp>

#include "contenders.hpp"

namespace {

using Clock = std::chrono::steady_clock;

keyscope::Timestamp at(std::int64_t unix_seconds) {
  return keyscope::Timestamp{keyscope::format_iso8601(unix_seconds), unix_seconds};
}

std::string key_list_body(int keys) {
  keyscope::KeyList list;
  const std::int64_t now = *keyscope::parse_iso8601("2026-05-17T12:00:00Z");
  for (int i = 0; i < keys; ++i) {
    keyscope::APIKeyInfo key;
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    key.id = id;
    key.key_prefix = std::string(i % 3 ? "sk_live_" : "sk_test_") + std::to_string(1000 + i % 9000);
    key.name = "Service " + std::to_string(i) + " [team-" + std::to_string(i % 17) + "]";
    key.tier = i % 4 ? "pro" : "free";
    key.scopes = {"articles:read", "iocs:read"};
    if (i % 5 == 0) key.scopes.push_back("lookup:write");
    key.rate_limit_per_minute = i % 4 ? 600 : 60;
    key.rate_limit_per_day = i % 4 ? 100000 : 5000;
    key.total_requests = 1000LL * i + 17;
    if (i % 7) key.last_used_at = at(now - i * 97);
    key.created_at = at(now - 86400LL * (30 + i % 300));
    if (i % 3 == 0) key.expires_at = at(now + 86400LL * (i % 400));
    if (i % 50 == 0) key.revoked_at = at(now - 3600LL * i);
    list.data.push_back(std::move(key));
  }
  list.total = keys;
  return keyscope::encode_key_list(list);
}

std::string usage_body(int days) {
  keyscope::KeyUsage usage;
  usage.key_id = "00000000-0000-4000-8000-000000000123";
  usage.window_days = days;
  const std::int64_t today = *keyscope::parse_iso_date("2026-05-17");
  for (int d = 0; d < days; ++d) {
    keyscope::DailyBucket bucket;
    bucket.date = keyscope::Date{keyscope::format_iso_date(today - days + 1 + d), today - days + 1 + d};
    bucket.requests = 4000 + (d * 7919) % 2000;
    bucket.errors = bucket.requests / 50;
    usage.total_requests += bucket.requests;
    usage.client_errors += bucket.errors;
    usage.daily.push_back(std::move(bucket));
  }
  usage.successful = usage.total_requests - usage.client_errors;
  usage.success_rate = static_cast<double>(usage.successful) / static_cast<double>(usage.total_requests);
  usage.avg_response_time_ms = 287.5;
  usage.latency_p50_ms = 195.25;
  usage.latency_p95_ms = 612.0;
  usage.latency_p99_ms = 1240.75;
  usage.rate_limit_peak_per_minute = 87;
  usage.rate_limit_peak_per_day = 8430;
  for (int e = 0; e < 10; ++e) usage.top_endpoints.push_back({"/api/v1/endpoint/" + std::to_string(e), 1000 - e});
  for (const char* status : {"200", "201", "204", "400", "401", "403", "404", "429", "500", "503"}) {
    usage.by_status[status] = 100 + status[2];
  }
  const std::int64_t now = *keyscope::parse_iso8601("2026-05-17T12:00:00Z");
  for (int h = 0; h < 24 * 7; ++h) usage.rate_limit_hits_by_hour.push_back({at(now - 3600LL * h), h % 5});
  return keyscope::encode_key_usage(usage);
}

std::string padded(const std::string& body) {
  std::string out = body;
  out.append(simdjson::SIMDJSON_PADDING, '\0');
  return out;
}

struct Contender {
  std::string name;
  std::function<void()> decode;
};

struct Row {
  std::string name;
  double mb_per_s;
};

// MB/s of each contender over `body`: 10 rounds, each giving every contender about seconds/10
// in turn, the best round kept. Round robin, so that a load that comes and goes on the machine
// touches every contender alike instead of whichever ran at the time.
std::vector<Row> throughput(const std::string& body, double seconds, const std::vector<Contender>& contenders) {
  constexpr int kRounds = 10;
  std::vector<Row> rows;
  for (const auto& c : contenders) rows.push_back({c.name, 0});
  for (int round = 0; round < kRounds; ++round) {
    for (std::size_t i = 0; i < contenders.size(); ++i) {
      std::size_t runs = 0;
      const auto start = Clock::now();
      double elapsed = 0;
      while (elapsed < seconds / kRounds) {
        contenders[i].decode();
        ++runs;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      }
      rows[i].mb_per_s = std::max(rows[i].mb_per_s, static_cast<double>(body.size()) * static_cast<double>(runs) / elapsed / 1e6);
    }
  }
  return rows;
}

void report(const char* payload, std::size_t bytes, const std::vector<Row>& rows) {
  std::printf("\n%s (%zu bytes)\n", payload, bytes);
  const double keyscope = rows.front().mb_per_s;
  for (const Row& row : rows) {
    std::printf("  %-44s %9.1f MB/s   keyscope / it: %.2fx\n", row.name.c_str(), row.mb_per_s, keyscope / row.mb_per_s);
  }
}

void require_equal(const keyscope::KeyList& expected, const keyscope::KeyList& got, const char* who) {
  if (expected == got) return;
  for (std::size_t i = 0; i < std::min(expected.data.size(), got.data.size()); ++i) {
    if (expected.data[i] != got.data[i]) {
      std::fprintf(stderr, "%s decoded key %zu differently:\n  keyscope %s\n  it       %s\n", who, i,
                   keyscope::encode_key_info_object(expected.data[i]).c_str(),
                   keyscope::encode_key_info_object(got.data[i]).c_str());
      std::exit(1);
    }
  }
  std::fprintf(stderr, "%s decoded a different key list than keyscope: not timed\n", who);
  std::exit(1);
}

void require_equal(const keyscope::KeyUsage& expected, const keyscope::KeyUsage& got, const char* who) {
  if (expected == got) return;
  std::fprintf(stderr, "%s decoded a different usage:\n  keyscope %s\n  it       %s\n", who,
               keyscope::encode_key_usage_object(expected).c_str(), keyscope::encode_key_usage_object(got).c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  const std::string list = key_list_body(2000), list_padded = padded(list);
  const std::string usage = usage_body(90), usage_padded = padded(usage);

  const keyscope::KeyList list_model = keyscope::decode_key_list(list).value();
  require_equal(list_model, bench::simdjson_key_list(list_padded), "simdjson On-Demand");
  require_equal(list_model, bench::nlohmann_key_list(list), "nlohmann::json");
  const keyscope::KeyUsage usage_model = keyscope::decode_key_usage(usage).value();
  require_equal(usage_model, bench::simdjson_key_usage(usage_padded), "simdjson On-Demand");
  require_equal(usage_model, bench::nlohmann_key_usage(usage), "nlohmann::json");

  std::printf("simdjson %d.%d.%d (implementation: %s), same models from every contender\n",
              int(simdjson::SIMDJSON_VERSION_MAJOR), int(simdjson::SIMDJSON_VERSION_MINOR),
              int(simdjson::SIMDJSON_VERSION_REVISION),
              simdjson::get_active_implementation()->name().c_str());
  volatile std::size_t sink = 0;
  report("key list, 2,000 keys", list.size(), throughput(list, seconds, {
      {"keyscope::decode_key_list -> KeyList", [&] { sink = keyscope::decode_key_list(list)->data.size(); }},
      {"simdjson On-Demand -> KeyList", [&] { sink = bench::simdjson_key_list(list_padded).data.size(); }},
      {"nlohmann::json -> KeyList", [&] { sink = bench::nlohmann_key_list(list).data.size(); }},
      {"simdjson DOM parse only (no models)", [&] { sink = bench::simdjson_dom_parse_only(list_padded); }},
      {"nlohmann::json::parse only (no models)", [&] { sink = bench::nlohmann_parse_only(list); }}}));
  report("usage, 90 days", usage.size(), throughput(usage, seconds, {
      {"keyscope::decode_key_usage -> KeyUsage", [&] { sink = keyscope::decode_key_usage(usage)->daily.size(); }},
      {"simdjson On-Demand -> KeyUsage", [&] { sink = bench::simdjson_key_usage(usage_padded).daily.size(); }},
      {"nlohmann::json -> KeyUsage", [&] { sink = bench::nlohmann_key_usage(usage).daily.size(); }},
      {"simdjson DOM parse only (no models)", [&] { sink = bench::simdjson_dom_parse_only(usage_padded); }},
      {"nlohmann::json::parse only (no models)", [&] { sink = bench::nlohmann_parse_only(usage); }}}));
  (void)sink;
  return 0;
}
