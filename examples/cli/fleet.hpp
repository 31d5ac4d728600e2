#pragma once
// The fleet (key list + every active key's usage) with a progress line on terminals.
//
// Client::fetch_fleet has no progress hook, so this drives Client::get_usage_async itself with
// the same bounded concurrency and the same result shape (keyscope::Fleet). When the SDK gains
// a progress callback this file shrinks to one call.
#include <optional>
#include <string>

#include <keyscope/keyscope.hpp>

#include "config.hpp"

namespace keyscope_cli {

struct FleetResult {
  std::optional<keyscope::Fleet> fleet;
  std::optional<keyscope::Error> error;
  keyscope::HttpResponse list_raw;  // the list response (its Date header dates the report)
};

FleetResult fetch_fleet(Context& ctx, int days, int concurrency);

}  // namespace keyscope_cli
