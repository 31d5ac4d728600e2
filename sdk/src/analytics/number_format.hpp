#pragma once
// Short, locale-independent numbers for human-readable reasons ("12.3x", "4,812" is not used).
#include <cmath>
#include <cstdio>
#include <string>

namespace keyscope::analytics::detail {

inline std::string format_number(double value) {
  char buffer[64];
  // Whole numbers, and anything of four digits or more, read best without a fraction or exponent.
  if (std::isfinite(value) && std::fabs(value) < 1e15 &&
      (value == std::floor(value) || std::fabs(value) >= 1000)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4g", value);
  }
  return buffer;
}

inline std::string format_percent(double fraction) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", fraction * 100);
  return buffer;
}

}  // namespace keyscope::analytics::detail
