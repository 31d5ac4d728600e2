#pragma once
// Median and median absolute deviation, the robust location/scale behind the anomaly rules.
#include <vector>

namespace keyscope::analytics::detail {

// Median of values (mean of the two middle ones for an even count); 0 for an empty set.
double median(std::vector<double> values);

// Median of |x - median|. Scaled by 1.4826 it estimates the standard deviation of normal data.
double median_absolute_deviation(const std::vector<double>& values);

inline constexpr double kMadToSigma = 1.4826;

}  // namespace keyscope::analytics::detail
