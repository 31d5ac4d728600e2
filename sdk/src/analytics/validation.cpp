#include "analytics/validation.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace keyscope::analytics::detail {

std::optional<Error> check_quantile(double q) {
  if (!(q >= 0.0 && q <= 1.0)) {
    return validation_error("quantile must be within [0, 1], got " + std::to_string(q));
  }
  return std::nullopt;
}

std::optional<Error> check_samples(const std::vector<double>& samples) {
  if (samples.empty()) return validation_error("samples must not be empty");
  for (double v : samples) {
    if (std::isnan(v)) return validation_error("samples must not contain NaN");
  }
  return std::nullopt;
}

std::optional<Error> check_sketch_parameters(double relative_accuracy, int max_buckets) {
  if (!(relative_accuracy > 0.0 && relative_accuracy < 1.0)) {
    return validation_error("relative_accuracy must be within (0, 1)");
  }
  if (max_buckets < 1) return validation_error("max_buckets must be at least 1");
  return std::nullopt;
}

std::optional<Error> parse_bill(std::string_view text, std::int64_t& cents) {
  const auto invalid = [&] {
    return validation_error("bill must be a non-negative amount with at most 2 decimals, like "
                            "\"1234.56\", got \"" + std::string(text.substr(0, 40)) + "\"");
  };
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 15) return invalid();
  if (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 2)) return invalid();
  std::int64_t value = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return invalid();
    value = value * 10 + (c - '0');
  }
  std::int64_t fraction_cents = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return invalid();
    fraction_cents = fraction_cents * 10 + (c - '0');
  }
  cents = value * 100 + fraction_cents;
  return std::nullopt;
}

}  // namespace keyscope::analytics::detail
