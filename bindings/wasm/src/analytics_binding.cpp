// The analytics helpers for src/analytics.js: API-shaped JSON in, the core's JSON out, through
// the same entry points the shared vectors (tests/vectors) run.
#include <emscripten/bind.h>

#include "binding.hpp"

namespace keyscope_wasm {
namespace {

std::string run_helper(std::string helper, std::string input) {
  return wrap(keyscope::analytics::run_helper_json(helper, input));
}

}  // namespace

void bind_analytics() { emscripten::function("runHelper", &run_helper); }

}  // namespace keyscope_wasm
