// keyscope report [--days N] [--concurrency N]: the usage_by_key rows, then the anomalies.
#include "commands.hpp"
#include "errors.hpp"
#include "fleet.hpp"
#include "json_out.hpp"
#include "output.hpp"

namespace keyscope_cli {

using Json = nlohmann::ordered_json;
namespace an = keyscope::analytics;

int concurrency_option(const ParsedArgs& args) {
  const auto it = args.options.find("--concurrency");
  if (it == args.options.end()) return 8;
  const long long n = parse_integer("--concurrency", it->second);
  if (auto error = keyscope::validate_concurrency(n)) throw UsageError("--" + error->message);
  return static_cast<int>(n);
}

namespace {

Table rows_table(const std::vector<an::UsageRow>& rows) {
  Table t;
  t.columns = {{"key_id", "KEY ID"},
               {"name", "NAME"},
               {"prefix", "PREFIX"},
               {"environment", "ENV"},
               {"tier", "TIER"},
               {"request_count", "REQUESTS", true},
               {"error_count", "ERRORS", true},
               {"error_rate", "ERR%", true},
               {"latency_p95_ms", "P95 MS", true},
               {"last_activity", "LAST ACTIVITY"}};
  for (const auto& r : rows) {
    t.rows.push_back({r.key_id, r.name, r.prefix, r.environment, r.tier,
                      Cell(with_thousands(r.request_count), std::to_string(r.request_count)),
                      Cell(with_thousands(r.error_count), std::to_string(r.error_count)),
                      Cell(percent(r.error_rate, 2), raw_number(r.error_rate)),
                      // No traffic, no latency: "-" rather than the 0 some servers send.
                      Cell(r.request_count ? ms(r.latency_p95_ms) : "-",
                           r.latency_p95_ms ? raw_number(*r.latency_p95_ms) : ""),
                      Cell(r.last_activity ? r.last_activity->text : "never",
                           r.last_activity ? r.last_activity->text : "")});
  }
  return t;
}


}  // namespace

int run_report(const ParsedArgs& args, Context& ctx) {
  require_only(args, "report", {"--days", "--concurrency", "--now"});
  expect_positionals(args, 1, 0, "keyscope report [--days N] [--concurrency N]");
  const int days = days_option(args, 30);
  const int concurrency = concurrency_option(args);
  const auto now_option = args.options.count("--now") ? std::optional<std::string>(args.options.at("--now")) : std::nullopt;
  if (now_option) reference_now(now_option, {});  // validate before any request
  ctx.global = args.global;
  if (auto code = connect(ctx)) return *code;

  // One key that fails does not blank the report: the others are printed, the failures are
  // listed on stderr and the exit code is the first failure's.
  FleetResult fetched = fetch_fleet(ctx, days, concurrency, keyscope::FleetErrors::collect);
  if (fetched.error) return report_error(*fetched.error, ctx.token);
  const keyscope::Fleet& fleet = *fetched.fleet;
  const std::int64_t now = reference_now(now_option, fetched.list_raw);
  std::vector<keyscope::APIKeyInfo> reported;
  for (const auto& key : fleet.keys) {
    bool failed = false;
    for (const auto& e : fleet.errors) failed = failed || e.key_id == key.id;
    if (!failed) reported.push_back(key);
  }

  const std::vector<an::UsageRow> rows = an::usage_by_key(reported, fleet.usages);
  const std::vector<an::Finding> findings = an::detect_anomalies(reported, fleet.usages, now);
  const int code = report_key_errors(fleet, ctx.token);

  switch (args.global.format) {
    case Format::json: {
      Json out;
      out["window_days"] = days;
      out["generated_at"] = keyscope::format_iso8601(now);
      out["rows"] = to_json(rows);
      out["anomalies"] = to_json(findings);
      Json failures = Json::array();
      for (const auto& e : fleet.errors) {
        failures.push_back({{"key_id", e.key_id}, {"error", Json::parse(keyscope::encode_error_object(e.error))}});
      }
      out["errors"] = failures;
      return emit(render_json(out)) ? kFailure : code;
    }
    case Format::csv:
      return emit(render_csv(rows_table(rows))) ? kFailure : code;
    case Format::table:
      break;
  }

  WideCount requests = 0, errors = 0;
  for (const auto& r : rows) {
    requests += r.request_count;
    errors += r.error_count;
  }
  std::size_t revoked = 0;
  for (const auto& key : fleet.keys) revoked += key.revoked() ? 1 : 0;
  std::string out = "Usage by key, last " + std::to_string(days) + " days (" +
                    std::to_string(rows.size()) + " active keys";
  if (revoked) out += ", " + std::to_string(revoked) + " revoked not shown";
  if (!fleet.errors.empty()) out += ", " + std::to_string(fleet.errors.size()) + " failed: see the errors";
  out += ")\n\n";
  out += render_table(without_column(rows_table(rows), "key_id"));
  out += "\nTotal: " + with_thousands(requests) + " requests, " + with_thousands(errors) + " errors (" +
         percent(requests ? static_cast<double>(errors) / static_cast<double>(requests) : 0.0, 2) + ")\n";
  out += "\nAnomalies";
  if (findings.empty()) {
    out += ": none over the last " + std::to_string(days) + " days\n";
  } else {
    out += " (" + std::to_string(findings.size()) + ", as of " + keyscope::format_iso8601(now) + ")\n\n";
    out += render_table(without_column(findings_table(findings), "key_id"));
  }
  if (days < 90) out += "\n(`keyscope anomalies` looks back 90 days: dormant and stale keys need the history.)\n";
  return emit(out) ? kFailure : code;
}

}  // namespace keyscope_cli
