#include "fleet.hpp"

namespace keyscope_cli {

FleetResult fetch_fleet(Context& ctx, int days, int concurrency) {
  Console& console = *ctx.console;
  auto fetched = ctx.client->fetch_fleet(
      days, concurrency, {},
      [&console](std::size_t done, std::size_t total) { console.progress(done, total, "keys"); });
  console.end_progress();
  FleetResult out;
  out.list_raw = fetched.raw();
  if (fetched.ok()) {
    out.fleet = std::move(fetched).value();
  } else {
    out.error = fetched.error();
  }
  return out;
}

}  // namespace keyscope_cli
