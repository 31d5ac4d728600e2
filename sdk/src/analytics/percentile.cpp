// Exact percentiles with numpy's default "linear" method, bit-for-bit: numpy's _lerp computes
// b - (b - a)(1 - t) instead of a + (b - a) t when t >= 0.5.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "analytics/select.hpp"
#include "analytics/validation.hpp"
#include "keyscope/analytics.hpp"

namespace keyscope::analytics {
namespace {

double numpy_lerp(double a, double b, double t) {
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

struct Position {
  std::size_t lower;  // floor((n - 1) q)
  double fraction;    // (n - 1) q - lower
};

Position position_of(std::size_t n, double q) {
  const double virtual_index = static_cast<double>(n - 1) * q;
  if (virtual_index >= static_cast<double>(n - 1)) return {n - 1, 0.0};
  const double lower = std::floor(virtual_index);
  return {static_cast<std::size_t>(lower), virtual_index - lower};
}

std::optional<Error> check(const std::vector<double>& samples, const std::vector<double>& qs) {
  if (auto error = detail::check_samples(samples)) return error;
  for (double q : qs) {
    if (auto error = detail::check_quantile(q)) return error;
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<double>> try_percentiles(std::vector<double> samples, const std::vector<double>& qs) {
  if (auto error = check(samples, qs)) return std::move(*error);
  const std::size_t n = samples.size();
  std::vector<Position> positions;
  for (double q : qs) positions.push_back(position_of(n, q));
  std::vector<std::size_t> order(qs.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return positions[a].lower < positions[b].lower; });

  // Select order statistics left to right: after selecting k, everything right of k is
  // >= samples[k], so the next selection only needs the range to the right.
  const bool full_sort = qs.size() > 16;
  if (full_sort) std::sort(samples.begin(), samples.end());
  std::vector<double> out(qs.size());
  std::size_t begin = 0;
  for (std::size_t index : order) {
    const Position p = positions[index];
    if (!full_sort && p.lower >= begin) {
      const std::size_t bound = begin + detail::select_kth(samples.data() + begin, n - begin, p.lower - begin);
      begin = p.lower + 1;
      if (begin < n) {
        // Move the next order statistic into place so a later query can reuse it.
        const auto last = samples.begin() + static_cast<std::ptrdiff_t>(std::min(bound, n - 1)) + 1;
        auto next = std::min_element(samples.begin() + static_cast<std::ptrdiff_t>(begin), last);
        std::iter_swap(samples.begin() + static_cast<std::ptrdiff_t>(begin), next);
        begin += 1;
      }
    }
    const double a = samples[p.lower];
    const double b = p.lower + 1 < n ? samples[p.lower + 1] : a;
    out[index] = numpy_lerp(a, b, p.fraction);
  }
  return out;
}

Result<double> try_percentile(std::vector<double> samples, double q) {
  auto values = try_percentiles(std::move(samples), {q});
  if (!values.ok()) return values.error();
  return values.value().front();
}

std::vector<double> percentiles(std::vector<double> samples, const std::vector<double>& qs) {
  return try_percentiles(std::move(samples), qs).value();
}

double percentile(std::vector<double> samples, double q) { return try_percentile(std::move(samples), q).value(); }

}  // namespace keyscope::analytics
