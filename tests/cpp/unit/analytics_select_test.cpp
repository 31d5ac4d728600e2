// detail::select_kth (Floyd-Rivest with a bounded fallback) puts the k-th order statistic in
// place on every input shape, exactly where a full sort would.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "analytics/select.hpp"

namespace keyscope::analytics::detail {
namespace {

void expect_selects(std::vector<double> values, const char* shape) {
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = values.size();
  for (std::size_t k : {std::size_t{0}, n / 100, n / 2, n - n / 100 - 1, n - 1}) {
    std::vector<double> work = values;
    const std::size_t bound = select_kth(work.data(), n, k);
    ASSERT_EQ(work[k], sorted[k]) << shape << " n=" << n << " k=" << k;
    // The next order statistic lies within k+1 .. bound: what percentiles() reads as the upper
    // neighbour of an interpolation.
    if (k + 1 < n) {
      ASSERT_GT(bound, k) << shape << " k=" << k;
      const auto last = work.begin() + static_cast<std::ptrdiff_t>(std::min(bound, n - 1)) + 1;
      ASSERT_EQ(*std::min_element(work.begin() + static_cast<std::ptrdiff_t>(k) + 1, last), sorted[k + 1])
          << shape << " n=" << n << " k=" << k << " bound=" << bound;
    }
    ASSERT_TRUE(std::all_of(work.begin(), work.begin() + static_cast<std::ptrdiff_t>(k),
                            [&](double v) { return v <= work[k]; }))
        << shape << " k=" << k;
    ASSERT_TRUE(std::all_of(work.begin() + static_cast<std::ptrdiff_t>(k), work.end(),
                            [&](double v) { return v >= work[k]; }))
        << shape << " k=" << k;
    std::sort(work.begin(), work.end());
    ASSERT_EQ(work, sorted) << shape << ": select_kth must only permute";
  }
}

TEST(SelectKth, EveryShapeAndSize) {
  std::mt19937_64 engine(20260517);
  std::lognormal_distribution<double> latency(5.0, 1.0);
  for (std::size_t n : {1u, 2u, 3u, 17u, 600u, 601u, 5000u, 200001u}) {
    std::vector<double> random(n), few(n), ascending(n), descending(n), organ(n), equal(n, 4.25);
    for (std::size_t i = 0; i < n; ++i) {
      random[i] = latency(engine);
      few[i] = static_cast<double>(engine() % 3);
      ascending[i] = static_cast<double>(i);
      descending[i] = static_cast<double>(n - i);
      organ[i] = static_cast<double>(std::min(i, n - i));
    }
    expect_selects(random, "lognormal");
    expect_selects(few, "three distinct values");
    expect_selects(ascending, "ascending");
    expect_selects(descending, "descending");
    expect_selects(organ, "organ pipe");
    expect_selects(equal, "all equal");
  }
}

TEST(SelectKth, SignedZerosInfinitiesAndNegatives) {
  expect_selects({0.0, -0.0, -1e308, 1e308, -INFINITY, INFINITY, -3.5, 2.0, -0.0, 7.0}, "mixed");
}

}  // namespace
}  // namespace keyscope::analytics::detail
