#pragma once
// The fleet (key list + every active key's usage) with a progress line on terminals.
#include <optional>
#include <string>

#include <keyscope/keyscope.hpp>

#include "config.hpp"

namespace keyscope_cli {

struct FleetResult {
  std::optional<keyscope::Fleet> fleet;
  std::optional<keyscope::Error> error;
  keyscope::HttpResponse list_raw;  // the list response (its Date header dates the report)
                                    // or, on failure, the failed response
};

FleetResult fetch_fleet(Context& ctx, int days, int concurrency,
                        keyscope::FleetErrors errors = keyscope::FleetErrors::cancel_on_first);

}  // namespace keyscope_cli
