// keyscope logs summarize FILE...: the user's own traffic logs in the API's usage shape, offline.
#include <keyscope/codec.hpp>

#include "commands.hpp"
#include "log_input.hpp"
#include "log_window.hpp"
#include "output.hpp"

namespace keyscope_cli {
namespace lg = keyscope::logs;

namespace {

Table summary_table(const keyscope::LogSummary& summary) {
  Table t;
  t.columns = {{"key", "KEY"},
               {"requests", "REQUESTS", true},
               {"errors", "ERRORS", true},
               {"error_rate", "ERROR RATE", true},
               {"latency_p50_ms", "P50", true},
               {"latency_p95_ms", "P95", true},
               {"latency_p99_ms", "P99", true},
               {"peak_per_minute", "PEAK/MIN", true},
               {"peak_per_day", "PEAK/DAY", true},
               {"top_endpoint", "TOP ENDPOINT"}};
  for (const auto& u : summary.usages) {
    const std::int64_t errors = u.client_errors + u.server_errors;
    const double rate = u.total_requests ? static_cast<double>(errors) / static_cast<double>(u.total_requests) : 0.0;
    auto opt_ms = [](const std::optional<double>& v) { return Cell(ms(v), v ? raw_number(*v) : ""); };
    t.rows.push_back({u.key_id,
                      Cell(with_thousands(u.total_requests), std::to_string(u.total_requests)),
                      Cell(with_thousands(errors), std::to_string(errors)),
                      Cell(percent(rate), raw_number(rate)),
                      opt_ms(u.latency_p50_ms), opt_ms(u.latency_p95_ms), opt_ms(u.latency_p99_ms),
                      Cell(with_thousands(u.rate_limit_peak_per_minute.value_or(0)), std::to_string(u.rate_limit_peak_per_minute.value_or(0))),
                      Cell(with_thousands(u.rate_limit_peak_per_day.value_or(0)), std::to_string(u.rate_limit_peak_per_day.value_or(0))),
                      u.top_endpoints.empty() ? std::string() : u.top_endpoints[0].path});
  }
  return t;
}

}  // namespace

int run_logs_summarize(const ParsedArgs& args, Context& ctx) {
  std::vector<std::string> allowed = log_option_names();
  allowed.insert(allowed.end(), {"--days", "--now"});
  require_only(args, "logs summarize", allowed);
  std::vector<std::string> files(args.words.begin() + 2, args.words.end());
  if (files.empty()) throw UsageError("logs summarize needs at least one log file (- for stdin)");
  const int days = days_option(args, 30);
  const auto now_option = args.options.count("--now") ? std::optional<std::string>(args.options.at("--now")) : std::nullopt;
  const LogWindow window = log_window(days, reference_now(now_option, {}));
  lg::ReaderOptions options = log_reader_options(args);
  window.apply(options);
  (void)ctx;

  const keyscope::LogSummary summary = read_log_files(files, options, args.global.verbose).summary({}, days, window.end_day);
  switch (args.global.format) {
    case Format::json: return emit(keyscope::encode_log_summary_object(summary) + "\n");
    case Format::csv: return emit(render_csv(summary_table(summary)));
    case Format::table: break;
  }
  std::string text = "Usage from your logs, " + std::to_string(days) + " days ending " +
                     keyscope::format_iso_date(window.end_day) + " (UTC): " + std::to_string(summary.usages.size()) +
                     " keys\n" + describe_log_stats(summary) + "\n";
  if (!summary.usages.empty()) text += render_table(summary_table(summary));
  return emit(text);
}

}  // namespace keyscope_cli
