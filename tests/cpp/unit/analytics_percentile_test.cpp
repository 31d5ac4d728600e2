#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "keyscope/analytics.hpp"
#include "keyscope/error.hpp"

namespace keyscope::analytics {
namespace {

TEST(Percentile, NumpyLinearDefinition) {
  // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 75, 100]) == [1, 1.75, 2.5, 3.25, 4]
  EXPECT_EQ(percentiles({4, 1, 3, 2}, {0, 0.25, 0.5, 0.75, 1}),
            (std::vector<double>{1, 1.75, 2.5, 3.25, 4}));
  EXPECT_EQ(percentile({42}, 0.99), 42);
  EXPECT_EQ(percentile({1, 2}, 0.5), 1.5);
  EXPECT_EQ(percentile({-5, 5, 0}, 0.5), 0);
}

TEST(Percentile, ResultsFollowTheRequestedOrder) {
  EXPECT_EQ(percentiles({10, 20, 30, 40, 50}, {1, 0, 0.5, 0.5}), (std::vector<double>{50, 10, 30, 30}));
}

TEST(Percentile, SelectionMatchesFullSortOnRandomData) {
  std::mt19937_64 engine(7);
  std::vector<double> samples;
  for (int i = 0; i < 10001; ++i) samples.push_back(static_cast<double>(engine() % 1000) / 7.0);
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  const std::vector<double> qs = {0.001, 0.01, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 0.5, 0.3333};
  const auto got = percentiles(samples, qs);
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const double h = (sorted.size() - 1) * qs[i];
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const double expected = sorted[lo] + (h - lo) * (sorted[std::min(lo + 1, sorted.size() - 1)] - sorted[lo]);
    EXPECT_NEAR(got[i], expected, 1e-12) << qs[i];
  }
}

TEST(Percentile, RejectsBadArguments) {
  EXPECT_THROW(percentile({}, 0.5), ValidationError);
  EXPECT_THROW(percentile({1}, -0.1), ValidationError);
  EXPECT_THROW(percentile({1}, 1.1), ValidationError);
  EXPECT_THROW(percentile({1}, std::nan("")), ValidationError);
  EXPECT_THROW(percentile({1, std::nan("")}, 0.5), ValidationError);
}

}  // namespace
}  // namespace keyscope::analytics
