// libFuzzer target: the analytics JSON entry points (the functions the npm package and the wheel
// call) on arbitrary text. The first byte picks the helper, the rest is its input. Each must
// return a value or a typed Error — never crash, hang or let an exception out (the header
// promises "never throws") — and a success must be JSON text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "keyscope/analytics_json.hpp"
#include "keyscope/error.hpp"

namespace {

// Every name run_helper_json knows (sdk/src/analytics/analytics_json.cpp), plus one it does not.
constexpr std::string_view kHelpers[] = {
    "usage_by_key", "detect_anomalies", "chargeback", "check_usage",    "gap_fill",    "percentiles",
    "ddsketch",     "environment_of",   "summarize_logs", "reconcile_logs", "no_such_helper"};
constexpr std::size_t kHelperCount = sizeof kHelpers / sizeof kHelpers[0];

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view helper = kHelpers[data[0] % kHelperCount];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const auto result = keyscope::analytics::run_helper_json(helper, input);
    if (result.ok()) {
      const std::string& text = *result;
      // Every output is a JSON array, object or (environment_of) string.
      if (text.empty() || (text.front() != '[' && text.front() != '{' && text.front() != '"')) __builtin_trap();
    } else {
      if (helper == "no_such_helper" && result.error().kind != keyscope::ErrorKind::validation) __builtin_trap();
      (void)keyscope::to_string(result.error());
    }
  } catch (...) {
    __builtin_trap();  // an exception escaped a "never throws" entry point
  }
  return 0;
}
