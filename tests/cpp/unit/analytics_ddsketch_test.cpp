#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "keyscope/analytics.hpp"
#include "keyscope/error.hpp"

namespace keyscope::analytics {
namespace {

std::vector<double> lognormal_samples(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::lognormal_distribution<double> latency(5.0, 1.0);  // ~150 ms median, heavy tail
  std::vector<double> samples(n);
  for (double& v : samples) v = latency(engine);
  return samples;
}

const std::vector<double> kQuantiles = {0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999};

TEST(DDSketch, EveryQuantileWithinRelativeAccuracyOfExact) {
  const auto samples = lognormal_samples(100000, 1);
  DDSketch sketch;
  for (double v : samples) sketch.add(v);
  const auto exact = percentiles(samples, kQuantiles);
  for (std::size_t i = 0; i < kQuantiles.size(); ++i) {
    // ddsketch ranks with q (n - 1) and picks the bucket of the lower order statistic, the same
    // as the exact value at that rank up to interpolation between neighbours.
    const double lower = percentile(samples, std::floor(kQuantiles[i] * 99999) / 99999);
    const double got = sketch.quantile(kQuantiles[i]);
    EXPECT_LE(std::fabs(got - lower) / lower, 0.01 + 1e-12) << kQuantiles[i];
    EXPECT_LE(std::fabs(got - exact[i]) / exact[i], 0.0101) << kQuantiles[i];
  }
  EXPECT_EQ(sketch.count(), 100000);
  EXPECT_EQ(sketch.min(), *std::min_element(samples.begin(), samples.end()));
  EXPECT_EQ(sketch.max(), *std::max_element(samples.begin(), samples.end()));
  EXPECT_LT(sketch.bucket_count(), 2048u);
}

TEST(DDSketch, MergeEqualsSketchOfAll) {
  const auto a = lognormal_samples(50000, 2);
  const auto b = lognormal_samples(30000, 3);
  DDSketch sa, sb, all;
  for (double v : a) { sa.add(v); all.add(v); }
  for (double v : b) { sb.add(v); all.add(v); }
  sa.merge(sb);
  EXPECT_TRUE(sa.has_same_buckets(all));
  EXPECT_NEAR(sa.sum(), all.sum(), 1e-9 * all.sum());
  for (double q : kQuantiles) EXPECT_EQ(sa.quantile(q), all.quantile(q));
}

TEST(DDSketch, NegativesZerosAndWeights) {
  DDSketch sketch;
  for (double v : {-10.0, -1.0, 0.0, 0.0, 1.0, 10.0}) sketch.add(v);
  sketch.add(100.0, 3);
  EXPECT_EQ(sketch.count(), 9);
  EXPECT_EQ(sketch.zero_count(), 2);
  EXPECT_NEAR(sketch.quantile(0), -10, 0.1);
  EXPECT_EQ(sketch.quantile(0.3), 0);
  EXPECT_NEAR(sketch.quantile(1), 100, 1);
  EXPECT_THROW(sketch.add(1, 0), ValidationError);
  EXPECT_THROW(sketch.add(std::nan("")), ValidationError);
  EXPECT_THROW(DDSketch().quantile(0.5), ValidationError);
  EXPECT_THROW(DDSketch(0), ValidationError);
}

TEST(DDSketch, MemoryIsBoundedByCollapsingTheLowestBuckets) {
  DDSketch sketch(0.01, 64);
  for (int e = -300; e <= 300; ++e) sketch.add(std::pow(10.0, e));
  EXPECT_LE(sketch.bucket_count(), 64u);
  EXPECT_NEAR(sketch.quantile(1), 1e300, 1e298);
  EXPECT_EQ(sketch.count(), 601);
  DDSketch other(0.02, 64);
  EXPECT_THROW(sketch.merge(other), ValidationError);
}

TEST(DDSketch, JsonRoundTrip) {
  DDSketch sketch;
  for (double v : lognormal_samples(1000, 4)) sketch.add(v);
  sketch.add(-3);
  sketch.add(0);
  const DDSketch back = DDSketch::from_json(sketch.to_json());
  EXPECT_TRUE(back.has_same_buckets(sketch));
  EXPECT_EQ(back.sum(), sketch.sum());
  for (double q : kQuantiles) EXPECT_EQ(back.quantile(q), sketch.quantile(q));
  EXPECT_TRUE(DDSketch::from_json(DDSketch().to_json()).empty());
  EXPECT_THROW(DDSketch::from_json("{}"), DecodeError);
  EXPECT_THROW(DDSketch::from_json("not json"), DecodeError);
}

}  // namespace
}  // namespace keyscope::analytics
