#pragma once
// Argument checks shared by the throwing C++ API and the non-throwing JSON entry points.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "keyscope/error.hpp"

namespace keyscope::analytics::detail {

std::optional<Error> check_quantile(double q);
std::optional<Error> check_samples(const std::vector<double>& samples);
std::optional<Error> check_sketch_parameters(double relative_accuracy, int max_buckets);

// "1234.56" -> 123456; an Error for anything but digits with an optional '.' and 1-2 digits.
std::optional<Error> parse_bill(std::string_view text, std::int64_t& cents);

inline void throw_if(const std::optional<Error>& error) {
  if (error) throw_error(*error);
}

}  // namespace keyscope::analytics::detail
