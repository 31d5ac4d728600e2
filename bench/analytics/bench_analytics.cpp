// Analytics throughput on N lognormal latency samples: exact percentiles (selection) and the
// DDSketch (add + quantiles), with the sketch's memory and observed relative error.
// Usage: keyscope_bench_analytics [N=10000000] [samples.f64 to write the samples for numpy]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <vector>

#include "keyscope/analytics.hpp"

namespace {

using Clock = std::chrono::steady_clock;
const std::vector<double> kQuantiles = {0.5, 0.9, 0.95, 0.99, 0.999};

// Lognormal(5, 1) via Box-Muller on raw mt19937_64 output, identical on every platform.
std::vector<double> samples_of(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  const auto unit = [&] { return (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53; };
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; i += 2) {
    const double r = std::sqrt(-2 * std::log(unit())), t = 2 * M_PI * unit();
    out[i] = std::exp(5 + r * std::cos(t));
    if (i + 1 < n) out[i + 1] = std::exp(5 + r * std::sin(t));
  }
  return out;
}

template <class F>
double best_seconds(int runs, F f) {
  double best = 1e300;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace keyscope::analytics;
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const std::vector<double> samples = samples_of(n, 20260517);
  if (argc > 2) {
    std::ofstream out(argv[2], std::ios::binary);
    out.write(reinterpret_cast<const char*>(samples.data()), static_cast<std::streamsize>(n * sizeof(double)));
  }

  std::vector<double> exact;
  const double exact_s = best_seconds(3, [&] { exact = percentiles(samples, kQuantiles); });
  std::vector<double> sorted_copy;
  const double sort_s = best_seconds(1, [&] {
    sorted_copy = samples;
    std::sort(sorted_copy.begin(), sorted_copy.end());
  });

  DDSketch sketch;
  const double sketch_s = best_seconds(3, [&] {
    sketch = DDSketch();
    for (double v : samples) sketch.add(v);
  });
  std::vector<double> approx;
  const double query_s = best_seconds(3, [&] {
    approx.clear();
    for (double q : kQuantiles) approx.push_back(sketch.quantile(q));
  });

  double max_error = 0;
  for (std::size_t i = 0; i < kQuantiles.size(); ++i) {
    max_error = std::max(max_error, std::fabs(approx[i] - exact[i]) / exact[i]);
  }
  std::printf("samples                 %zu\n", n);
  std::printf("exact percentiles       %.3f s  %.1f M samples/s  (%zu quantiles, Floyd-Rivest selection)\n",
              exact_s, n / exact_s / 1e6, kQuantiles.size());
  std::printf("std::sort baseline      %.3f s  %.1f M samples/s\n", sort_s, n / sort_s / 1e6);
  std::printf("ddsketch add            %.3f s  %.1f M samples/s\n", sketch_s, n / sketch_s / 1e6);
  std::printf("ddsketch quantiles      %.6f s for %zu quantiles\n", query_s, kQuantiles.size());
  std::printf("ddsketch memory         %zu bytes, %zu buckets (alpha %.2f)\n", sketch.memory_bytes(),
              sketch.bucket_count(), sketch.relative_accuracy());
  std::printf("ddsketch max rel error  %.5f (bound %.2f)\n", max_error, sketch.relative_accuracy());
  for (std::size_t i = 0; i < kQuantiles.size(); ++i) {
    std::printf("  q=%-6g exact %.6f  sketch %.6f\n", kQuantiles[i], exact[i], approx[i]);
  }
  std::printf("EXACT_SECONDS %.6f\nEXACT_VALUES", exact_s);
  for (double v : exact) std::printf(" %.17g", v);
  std::printf("\n");
  return 0;
}
