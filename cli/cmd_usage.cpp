// keyscope usage KEY_ID [--days N]
#include <algorithm>

#include "commands.hpp"
#include "errors.hpp"
#include "json_out.hpp"
#include "output.hpp"

namespace keyscope_cli {

using Json = nlohmann::ordered_json;

int run_usage(const ParsedArgs& args, Context& ctx) {
  require_only(args, "usage", {"--days"});
  expect_positionals(args, 1, 1, "keyscope usage KEY_ID [--days N]");
  const std::string& id = args.words[1];
  if (auto error = keyscope::validate_key_id(id)) return report_error(*error, {});
  const int days = days_option(args, 30);
  ctx.global = args.global;
  if (auto code = connect(ctx)) return *code;
  auto result = ctx.client->get_usage(id, days);
  if (!result.ok()) return report_error(result.error(), ctx.token);
  const keyscope::KeyUsage& u = *result;

  // The daily series as the API sent it, oldest first for reading.
  std::vector<keyscope::DailyBucket> daily = u.daily;
  std::stable_sort(daily.begin(), daily.end(), [](const auto& a, const auto& b) {
    return a.date.days_since_epoch < b.date.days_since_epoch;
  });
  const auto checks = keyscope::analytics::check_usage(u);
  std::size_t failed = 0;
  for (const auto& c : checks) failed += c.ok ? 0 : 1;

  if (args.global.format == Format::json) {
    Json out = to_json(u);
    Json integrity = Json::array();
    for (const auto& c : checks) {
      integrity.push_back({{"check", c.check}, {"ok", c.ok}, {"expected", c.expected},
                           {"actual", c.actual}, {"message", c.message}});
    }
    out["integrity"] = integrity;  // the SDK's usage object plus the check_usage results
    return emit(render_json(out));
  }

  Table series;
  series.columns = {{"date", "DATE"}, {"requests", "REQUESTS", true}, {"errors", "ERRORS", true},
                    {"error_rate", "ERR%", true}};
  for (const auto& d : daily) {
    const double rate = d.requests ? static_cast<double>(d.errors) / static_cast<double>(d.requests) : 0.0;
    series.rows.push_back({d.date.text, Cell(with_thousands(d.requests), std::to_string(d.requests)),
                           Cell(with_thousands(d.errors), std::to_string(d.errors)),
                           Cell(percent(rate), raw_number(rate))});
  }
  if (args.global.format == Format::csv) return emit(render_csv(series));

  auto count = [](std::int64_t v) { return Cell(with_thousands(v)); };
  auto opt_count = [](const std::optional<std::int64_t>& v) { return Cell(v ? with_thousands(*v) : "-"); };
  Table summary;
  summary.columns = {{"field", ""}, {"value", "", true}};
  summary.show_header = false;
  summary.rows = {
      {"total requests", count(u.total_requests)},
      {"successful", count(u.successful)},
      {"client errors (4xx)", count(u.client_errors)},
      {"server errors (5xx)", count(u.server_errors)},
      {"success rate", u.success_rate ? percent(*u.success_rate, 2) : "-"},
      {"avg latency ms", ms(u.avg_response_time_ms)},
      {"p50 / p95 / p99 ms", ms(u.latency_p50_ms) + " / " + ms(u.latency_p95_ms) + " / " + ms(u.latency_p99_ms)},
      {"peak per minute", opt_count(u.rate_limit_peak_per_minute)},
      {"peak per day", opt_count(u.rate_limit_peak_per_day)},
  };
  std::string out = "Usage of key " + id + " over the last " + std::to_string(u.window_days) + " days\n\n" +
                    render_table(summary);

  if (!u.top_endpoints.empty()) {
    Table endpoints;
    endpoints.columns = {{"path", "TOP ENDPOINTS"}, {"count", "REQUESTS", true}, {"share", "SHARE", true}};
    for (const auto& e : u.top_endpoints) {
      const double share = u.total_requests ? static_cast<double>(e.count) / static_cast<double>(u.total_requests) : 0;
      endpoints.rows.push_back({e.path, count(e.count), percent(share)});
    }
    out += "\n" + render_table(endpoints);
  }
  if (!u.by_status.empty()) {
    Table statuses;
    statuses.columns = {{"status", "STATUS"}, {"count", "REQUESTS", true}};
    for (const auto& [status, n] : u.by_status) statuses.rows.push_back({status, count(n)});
    out += "\n" + render_table(statuses);
  }
  if (!u.rate_limit_hits_by_hour.empty()) {
    Table hits;
    hits.columns = {{"hour", "RATE-LIMITED HOUR"}, {"count", "429s", true}};
    for (const auto& h : u.rate_limit_hits_by_hour) hits.rows.push_back({h.hour.text, count(h.count)});
    out += "\n" + render_table(hits);
  }
  out += "\n" + render_table(series);
  if (failed == 0) {
    out += "\nIntegrity: all " + std::to_string(checks.size()) + " checks passed\n";
  } else {
    out += "\nIntegrity: " + std::to_string(failed) + " of " + std::to_string(checks.size()) + " checks failed\n";
    for (const auto& c : checks) {
      if (!c.ok) out += "  " + c.check + ": " + c.message + "\n";
    }
  }
  return emit(out);
}

}  // namespace keyscope_cli
