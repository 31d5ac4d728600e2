#include "usage_model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "timeutil.hpp"

namespace sandbox {

namespace {

ojson nullable_ts(const std::optional<std::int64_t>& t) {
  return t ? ojson(format_timestamp(*t)) : ojson(nullptr);
}

}  // namespace

// Largest-remainder split of `total` by weights; exact sum.
std::array<std::int64_t, kEndpointCount> split_endpoints(const KeyProfile& k, std::int64_t total) {
  std::array<std::int64_t, kEndpointCount> out{};
  const double wsum = std::accumulate(k.endpoint_weights.begin(), k.endpoint_weights.end(), 0.0);
  std::array<double, kEndpointCount> rem{};
  std::int64_t used = 0;
  for (size_t e = 0; e < kEndpointCount; ++e) {
    const double exact = static_cast<double>(total) * k.endpoint_weights[e] / wsum;
    out[e] = static_cast<std::int64_t>(std::floor(exact));
    rem[e] = exact - static_cast<double>(out[e]);
    used += out[e];
  }
  std::array<size_t, kEndpointCount> order{};
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rem[a] > rem[b]; });
  for (size_t i = 0; used < total; i = (i + 1) % kEndpointCount, ++used) ++out[order[i]];
  return out;
}

std::vector<DayBucket> window_days(const Fleet& fleet, const KeyProfile& k, int days) {
  std::vector<DayBucket> out;
  for (int i = 0; i < days; ++i) {
    const std::int64_t day = fleet.today() - i;
    DayStats s = fleet.day_stats(k, day);
    if (s.requests == 0) continue;
    out.push_back({day, s});
  }
  return out;
}

ojson key_info_json(const KeyProfile& k) {
  ojson j;
  j["id"] = k.id;
  j["key_prefix"] = k.prefix;
  j["name"] = k.name;
  j["tier"] = k.tier;
  j["scopes"] = k.scopes;
  j["total_requests"] = k.lifetime_total;
  j["last_used_at"] = nullable_ts(k.last_used_at);
  j["created_at"] = format_timestamp(k.created_at);
  j["expires_at"] = nullable_ts(k.expires_at);
  j["revoked_at"] = nullable_ts(k.revoked_at);
  return j;
}

ojson daily_json(const Fleet& fleet, const KeyProfile& k, int days) {
  ojson arr = ojson::array();
  for (const DayBucket& w : window_days(fleet, k, days)) {
    const DayStats& s = w.stats;
    ojson b;
    b["date"] = format_date(w.day);
    b["requests"] = s.requests;
    b["errors"] = s.errors();
    arr.push_back(std::move(b));
  }
  return arr;
}

ojson key_details_json(const Fleet& fleet, const KeyProfile& k) {
  ojson j;
  j["id"] = k.id;
  j["key_prefix"] = k.prefix;
  j["name"] = k.name;
  j["tier"] = k.tier;
  j["scopes"] = k.scopes;
  j["rate_limit_per_minute"] = k.rate_limit_per_minute();
  j["rate_limit_per_day"] = k.rate_limit_per_day();
  j["total_requests"] = k.lifetime_total;
  j["last_used_at"] = nullable_ts(k.last_used_at);
  j["created_at"] = format_timestamp(k.created_at);
  j["expires_at"] = nullable_ts(k.expires_at);
  j["revoked_at"] = nullable_ts(k.revoked_at);
  j["allowed_ips"] = k.allowed_ips ? ojson(*k.allowed_ips) : ojson(nullptr);
  j["usage"] = {{"daily", daily_json(fleet, k, 7)}};
  return j;
}

ojson key_usage_json(const Fleet& fleet, const KeyProfile& k, int days) {
  std::array<std::int64_t, kStatusCount> by_status{};
  std::int64_t total = 0, peak_day = 0;
  ojson daily = ojson::array();
  std::vector<HourHits> hits;
  for (const DayBucket& w : window_days(fleet, k, days)) {
    const std::int64_t day = w.day;
    const DayStats& s = w.stats;
    total += s.requests;
    peak_day = std::max(peak_day, s.requests);
    for (size_t c = 0; c < kStatusCount; ++c) by_status[c] += s.by_status[c];
    ojson b;
    b["date"] = format_date(day);
    b["requests"] = s.requests;
    b["errors"] = s.errors();
    daily.push_back(std::move(b));
    auto h = fleet.day_rate_limit_hits(k, day, s.count(429));
    std::sort(h.begin(), h.end(), [](const HourHits& x, const HourHits& y) { return x.hour_start > y.hour_start; });
    hits.insert(hits.end(), h.begin(), h.end());
  }
  std::int64_t client = 0, server = 0;
  for (size_t c = 1; c < kStatusCount; ++c) (kStatusCodes[c] >= 500 ? server : client) += by_status[c];
  const std::int64_t successful = total - client - server;
  const double success_rate =
      total == 0 ? 1.0 : std::round(static_cast<double>(successful) * 10000.0 / static_cast<double>(total)) / 10000.0;

  std::int64_t peak_minute = 0;
  if (total > 0) {
    if (k.incident == Incident::RatePressure) {
      peak_minute = k.rate_limit_per_minute();
    } else {
      peak_minute = static_cast<std::int64_t>(std::ceil(static_cast<double>(peak_day) / 1440.0 * k.peak_factor));
      peak_minute = std::max<std::int64_t>(1, std::min(peak_minute, peak_day));
      peak_minute = std::min<std::int64_t>(peak_minute, k.rate_limit_per_minute() / 2);
      peak_minute = std::max<std::int64_t>(1, peak_minute);
    }
  }

  ojson top = ojson::array();
  if (total > 0) {
    const auto counts = split_endpoints(k, total);
    std::array<size_t, kEndpointCount> order{};
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return counts[a] > counts[b]; });
    for (size_t e : order)
      if (counts[e] > 0) top.push_back({{"path", kEndpointPaths[e]}, {"count", counts[e]}});
  }

  ojson status = ojson::object();
  for (size_t c = 0; c < kStatusCount; ++c)
    if (by_status[c] > 0) status[std::to_string(kStatusCodes[c])] = by_status[c];

  ojson hits_json = ojson::array();
  for (const auto& h : hits)
    hits_json.push_back({{"hour", format_timestamp(h.hour_start)}, {"count", h.count}});

  ojson j;
  j["key_id"] = k.id;
  j["window_days"] = days;
  j["total_requests"] = total;
  j["successful"] = successful;
  j["client_errors"] = client;
  j["server_errors"] = server;
  j["success_rate"] = success_rate;
  if (total > 0) {
    j["avg_response_time_ms"] = k.latency_avg;
    j["latency_p50_ms"] = k.latency_p50;
    j["latency_p95_ms"] = k.latency_p95;
    j["latency_p99_ms"] = k.latency_p99;
  } else {
    j["avg_response_time_ms"] = 0;
    j["latency_p50_ms"] = 0;
    j["latency_p95_ms"] = 0;
    j["latency_p99_ms"] = 0;
  }
  j["rate_limit_peak_per_minute"] = peak_minute;
  j["rate_limit_peak_per_day"] = peak_day;
  j["top_endpoints"] = std::move(top);
  j["by_status"] = std::move(status);
  j["daily"] = std::move(daily);
  j["rate_limit_hits_by_hour"] = std::move(hits_json);
  return j;
}

std::string key_list_body(const Fleet& fleet) {
  ojson data = ojson::array();
  for (const auto& k : fleet.keys()) data.push_back(key_info_json(k));
  ojson doc;
  doc["data"] = std::move(data);
  doc["meta"] = {{"total", fleet.keys().size()}};
  return doc.dump();
}

}  // namespace sandbox
