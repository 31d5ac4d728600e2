// keyscope reconcile --logs FILE...: the API's usage held against the user's own traffic logs.
// Exits 1 when a discrepancy is beyond tolerance (like diff), 0 when clean.
#include <cstdlib>

#include <keyscope/codec.hpp>

#include "commands.hpp"
#include "errors.hpp"
#include "fleet.hpp"
#include "log_input.hpp"
#include "log_window.hpp"
#include "output.hpp"

namespace keyscope_cli {
namespace lg = keyscope::logs;

namespace {

constexpr int kDiscrepancy = 1;

double tolerance_option(const ParsedArgs& args) {
  const auto it = args.options.find("--tolerance");
  if (it == args.options.end()) return 0.02;
  std::string text = it->second;
  const bool percent_sign = !text.empty() && text.back() == '%';
  if (percent_sign) text.pop_back();
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(value >= 0)) {
    throw UsageError("--tolerance needs a percentage (2%) or a fraction (0.02), got '" + sanitize(it->second) + "'");
  }
  const double fraction = percent_sign ? value / 100 : value;
  if (fraction >= 1) throw UsageError("--tolerance must be below 100% (2% is 2% or 0.02)");
  return fraction;
}

std::string day_text(const std::optional<keyscope::Date>& day) { return day ? day->text : ""; }

Table findings_table(const keyscope::Reconciliation& r) {
  Table t;
  t.columns = {{"severity", "SEVERITY"}, {"kind", "KIND"},   {"key_id", "KEY ID"}, {"key_name", "KEY"},
               {"key_prefix", "PREFIX"}, {"day", "DAY"},     {"api_requests", "API", true},
               {"log_requests", "LOGS", true}, {"reason", "REASON"}};
  for (const auto& f : r.findings) {
    t.rows.push_back({f.severity, f.kind, f.key_id, f.key_name, f.key_prefix, day_text(f.day),
                      Cell(with_thousands(f.api_requests), std::to_string(f.api_requests)),
                      Cell(with_thousands(f.log_requests), std::to_string(f.log_requests)), f.reason});
  }
  return t;
}

Table keys_table(const keyscope::Reconciliation& r) {
  Table t;
  t.columns = {{"key_name", "KEY"},          {"key_prefix", "PREFIX"},      {"api_requests", "API", true},
               {"log_requests", "LOGS", true}, {"agreement", "DAYS AGREEING", true}, {"drift", "DRIFT", true}};
  for (const auto& k : r.keys) {
    t.rows.push_back({k.key_name, k.key_prefix, Cell(with_thousands(k.api_requests)), Cell(with_thousands(k.log_requests)),
                      Cell(std::to_string(k.days_agreeing) + "/" + std::to_string(k.days_compared)),
                      Cell(k.drift ? (*k.drift >= 0 ? "+" : "") + percent(*k.drift) : "-")});
  }
  return t;
}


}  // namespace

int run_reconcile(const ParsedArgs& args, Context& ctx) {
  std::vector<std::string> allowed = log_option_names();
  allowed.insert(allowed.end(), {"--logs", "--days", "--now", "--tolerance", "--min-diff", "--concurrency"});
  require_only(args, "reconcile", allowed);
  std::vector<std::string> files(args.words.begin() + 1, args.words.end());
  if (auto it = args.repeated.find("--logs"); it != args.repeated.end()) files.insert(files.end(), it->second.begin(), it->second.end());
  if (files.empty()) throw UsageError("reconcile needs your logs: --logs FILE... (- for stdin)");
  const int days = days_option(args, 30);
  const int concurrency = concurrency_option(args);
  lg::ReconcileOptions options;
  options.tolerance = tolerance_option(args);
  if (auto it = args.options.find("--min-diff"); it != args.options.end()) options.min_diff = parse_integer("--min-diff", it->second);
  options.window_days = days;
  if (auto error = lg::validate(options)) throw UsageError(error->message);
  lg::ReaderOptions reader_options = log_reader_options(args);
  const auto now_option = args.options.count("--now") ? std::optional<std::string>(args.options.at("--now")) : std::nullopt;
  if (now_option) reference_now(now_option, {});  // a bad --now is a usage error before any request
  ctx.global = args.global;
  if (auto code = connect(ctx)) return *code;

  FleetResult fetched = fetch_fleet(ctx, days, concurrency);
  if (fetched.error) return report_error(*fetched.error, ctx.token);
  // The API's clock (its Date header) decides which days its usage covers; the logs are cut to
  // the same days.
  const LogWindow window = log_window(days, reference_now(now_option, fetched.list_raw));
  window.apply(reader_options);
  options.end_day = window.end_day;
  options.now_unix = window.now_unix;
  const keyscope::LogSummary logs =
      read_log_files(files, reader_options, args.global.verbose).summary(fetched.fleet->keys, days, window.end_day);
  auto result = lg::reconcile(fetched.fleet->keys, fetched.fleet->usages, logs.usages, options);
  if (!result.ok()) return report_error(result.error(), ctx.token);
  const keyscope::Reconciliation& r = *result;
  const int code = lg::has_discrepancy(r) ? kDiscrepancy : 0;

  switch (args.global.format) {
    case Format::json: {
      keyscope::LogSummary stats = logs;
      stats.usages.clear();
      return emit("{\"reconciliation\":" + keyscope::encode_reconciliation_object(r) +
                  ",\"logs\":" + keyscope::encode_log_summary_object(stats) + "}\n") ? kFailure : code;
    }
    case Format::csv: return emit(render_csv(findings_table(r))) ? kFailure : code;
    case Format::table: break;
  }
  std::size_t critical = 0;
  for (const auto& f : r.findings) critical += f.severity == "critical" ? 1 : 0;
  std::string text = "Reconciliation of the API's usage with your logs, " + std::to_string(days) + " days ending " +
                     keyscope::format_iso_date(window.end_day) + " (UTC); a day agrees within " +
                     percent(options.tolerance) + " or " + std::to_string(options.min_diff) + " requests\n" +
                     "API: " + with_thousands(r.api_requests) + " requests; your logs: " + with_thousands(r.log_requests) +
                     " requests\n" + describe_log_stats(logs) + "\n";
  if (r.findings.empty()) {
    text += "No discrepancy: every key agrees with your logs on every day.\n\n";
  } else {
    text += std::to_string(r.findings.size()) + " findings (" + std::to_string(critical) + " critical)\n\n" +
            render_table(without_column(findings_table(r), "key_id")) + "\n";
  }
  text += "Per key\n" + render_table(keys_table(r), "  ");
  return emit(text) ? kFailure : code;
}

}  // namespace keyscope_cli
