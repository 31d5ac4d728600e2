#include "fleet.hpp"

namespace keyscope_cli {

FleetResult fetch_fleet(Context& ctx, int days, int concurrency, keyscope::FleetErrors errors) {
  Console& console = *ctx.console;
  auto fetched = ctx.client->fetch_fleet(
      days, concurrency, {},
      [&console](const keyscope::FleetProgressInfo& p) { console.progress(p.done, p.total, "keys"); },
      errors);
  console.end_progress();
  FleetResult out;
  out.list_raw = fetched.raw();
  if (fetched.ok()) {
    out.fleet = std::move(fetched).value();
    if (ctx.global.verbose) {
      // Tolerant by default: what was odd in a usage payload is said, not fatal (--strict).
      for (const auto& usage : out.fleet->usages) {
        for (const auto& check : keyscope::analytics::check_usage(usage)) {
          if (!check.ok) console.line("warning: usage of key " + usage.key_id + ": " + check.message);
        }
      }
    }
  } else {
    out.error = fetched.error();
  }
  return out;
}

}  // namespace keyscope_cli
