#pragma once
// Numbers in log fields ("200", "0.012", "1.5e3"), read without the C locale (strtod reads
// "0.012" as 0 under de_DE) and without std::from_chars for doubles (missing from the libc++ of
// the Emscripten that builds the npm package).
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

namespace keyscope::logs {

inline std::optional<double> parse_decimal(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  std::uint64_t mantissa = 0;
  int exponent = 0, digits = 0;
  auto is_digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  for (; is_digit(i); ++i, ++digits) {
    if (mantissa < 100000000000000000ULL) mantissa = mantissa * 10 + static_cast<unsigned>(s[i] - '0');
    else ++exponent;  // beyond 17 significant digits: scale only
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; is_digit(i); ++i, ++digits) {
      if (mantissa < 100000000000000000ULL) {
        mantissa = mantissa * 10 + static_cast<unsigned>(s[i] - '0');
        --exponent;
      }
    }
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative_exponent = s[i++] == '-';
    if (!is_digit(i)) return std::nullopt;
    int e = 0;
    for (; is_digit(i); ++i) e = e < 10000 ? e * 10 + (s[i] - '0') : e;
    exponent += negative_exponent ? -e : e;
  }
  if (i != s.size()) return std::nullopt;
  const double value = static_cast<double>(mantissa) * std::pow(10.0, exponent);
  if (!std::isfinite(value)) return std::nullopt;
  return negative ? -value : value;
}

// A whole number in range, or nothing ("200", not "200.5" or "2e2").
inline std::optional<std::int64_t> parse_integer(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// A double that is a whole number inside the int64 range, or nothing. Casting a double outside
// that range to an integer is undefined behaviour (a JSON log line may carry 4e32 anywhere).
inline std::optional<std::int64_t> whole_number(double value) {
  if (!(value > -9.2233720368547758e18 && value < 9.2233720368547758e18)) return std::nullopt;  // NaN too
  const auto whole = static_cast<std::int64_t>(value);
  if (static_cast<double>(whole) != value) return std::nullopt;
  return whole;
}

}  // namespace keyscope::logs
