// keyscope anomalies [--days N]: detect_anomalies over the fleet (default 90 days of history).
#include "commands.hpp"
#include "errors.hpp"
#include "fleet.hpp"
#include "json_out.hpp"
#include "output.hpp"

namespace keyscope_cli {

using Json = nlohmann::ordered_json;
namespace an = keyscope::analytics;

Table findings_table(const std::vector<an::Finding>& findings) {
  Table t;
  t.columns = {{"severity", "SEVERITY"}, {"kind", "KIND"},       {"key_id", "KEY ID"},
               {"key_name", "KEY"},      {"key_prefix", "PREFIX"}, {"reason", "REASON"}};
  for (const auto& f : findings) {
    t.rows.push_back({an::to_string(f.severity), an::to_string(f.kind), f.key_id, f.key_name,
                      f.key_prefix, f.reason});
  }
  return t;
}


int run_anomalies(const ParsedArgs& args, Context& ctx) {
  require_only(args, "anomalies", {"--days", "--concurrency", "--now"});
  expect_positionals(args, 1, 0, "keyscope anomalies [--days N]");
  const int days = days_option(args, 90);
  const int concurrency = concurrency_option(args);
  const auto now_option = args.options.count("--now") ? std::optional<std::string>(args.options.at("--now")) : std::nullopt;
  if (now_option) reference_now(now_option, {});
  ctx.global = args.global;
  if (auto code = connect(ctx)) return *code;

  FleetResult fetched = fetch_fleet(ctx, days, concurrency);
  if (fetched.error) return report_error(*fetched.error, ctx.token);
  const std::int64_t now = reference_now(now_option, fetched.list_raw);
  const auto findings = an::detect_anomalies(*fetched.fleet, now);

  switch (args.global.format) {
    case Format::json: {
      return emit(render_json(to_json(findings)));
    }
    case Format::csv:
      return emit(render_csv(findings_table(findings)));
    case Format::table:
      break;
  }
  const std::size_t active = fetched.fleet->usages.size();
  if (findings.empty()) {
    return emit("No anomalies across " + std::to_string(active) + " active keys over the last " +
                std::to_string(days) + " days.\n");
  }
  std::size_t critical = 0, warning = 0;
  for (const auto& f : findings) {
    critical += f.severity == an::Severity::critical ? 1 : 0;
    warning += f.severity == an::Severity::warning ? 1 : 0;
  }
  return emit(std::to_string(findings.size()) + " findings across " + std::to_string(active) +
              " active keys, last " + std::to_string(days) + " days, as of " +
              keyscope::format_iso8601(now) + " (" + std::to_string(critical) + " critical, " +
              std::to_string(warning) + " warning, " +
              std::to_string(findings.size() - critical - warning) + " info)\n\n" +
              render_table(without_column(findings_table(findings), "key_id")));
}

}  // namespace keyscope_cli
