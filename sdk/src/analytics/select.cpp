#include "analytics/select.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

namespace keyscope::analytics::detail {
namespace {

using Index = std::ptrdiff_t;

// Ranges shorter than this are left to the partition loop alone (the sampling does not pay).
constexpr Index kSampleAbove = 600;

// `boundary` (the outermost call only) tracks the last pivot that closed the range from the
// right: every value from it on is >= every value before it, and the pivot is the smallest of
// them (see select_kth).
void floyd_rivest(double* a, Index left, Index right, Index k, int& budget, Index* boundary) {
  while (right > left) {
    if (--budget < 0) {
      std::nth_element(a + left, a + k, a + right + 1);
      return;
    }
    if (right - left > kSampleAbove) {
      // Select within a sample of about n^(2/3) values around k's expected place first.
      const double n = static_cast<double>(right - left + 1);
      const double i = static_cast<double>(k - left + 1);
      const double z = std::log(n);
      const double s = 0.5 * std::exp(2.0 * z / 3.0);
      const double sd = 0.5 * std::sqrt(z * s * (n - s) / n) * (i - n / 2 < 0 ? -1.0 : 1.0);
      const Index new_left = std::max(left, static_cast<Index>(static_cast<double>(k) - i * s / n + sd));
      const Index new_right =
          std::min(right, static_cast<Index>(static_cast<double>(k) + (n - i) * s / n + sd));
      floyd_rivest(a, new_left, new_right, k, budget, nullptr);
    }
    // Partition [left, right] around t = a[k], which the sample step has placed near its rank.
    const double t = a[k];
    Index i = left;
    Index j = right;
    std::swap(a[left], a[k]);
    if (a[right] > t) std::swap(a[right], a[left]);
    while (i < j) {
      std::swap(a[i], a[j]);
      ++i;
      --j;
      while (a[i] < t) ++i;
      while (a[j] > t) --j;
    }
    if (a[left] == t) {
      std::swap(a[left], a[j]);
    } else {
      ++j;
      std::swap(a[j], a[right]);
    }
    if (j <= k) left = j + 1;
    if (k <= j) {
      right = j - 1;
      if (boundary && j > k) *boundary = j;
    }
  }
}

}  // namespace

std::size_t select_kth(double* values, std::size_t size, std::size_t k) {
  if (size < 2 || k >= size) return size;
  // Each pass shrinks the range by a large factor on any input the sampling is not defeated
  // on; 4 log2(n) + 64 passes (recursive ones included) is far beyond that.
  int budget = 64;
  for (std::size_t n = size; n > 1; n >>= 1) budget += 4;
  Index boundary = static_cast<Index>(size);
  floyd_rivest(values, 0, static_cast<Index>(size) - 1, static_cast<Index>(k), budget, &boundary);
  return static_cast<std::size_t>(boundary);
}

}  // namespace keyscope::analytics::detail
