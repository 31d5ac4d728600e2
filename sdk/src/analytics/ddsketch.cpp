// DDSketch with the Python `ddsketch` package's mapping and quantile rule (see analytics.hpp).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "analytics/validation.hpp"
#include "keyscope/analytics.hpp"

namespace keyscope::analytics {

using Store = DDSketch::Store;

void Store::add(std::int64_t key, double count, int max_buckets) {
  total += count;
  if (counts.empty()) {
    offset = key;
    counts.assign(1, count);
    return;
  }
  const std::int64_t top = offset + static_cast<std::int64_t>(counts.size()) - 1;
  if (key >= offset && key <= top) {
    counts[static_cast<std::size_t>(key - offset)] += count;
    return;
  }
  if (key < offset) {
    // Once the lowest buckets were collapsed, anything lower lands in the lowest bucket.
    if (collapsed) {
      counts.front() += count;
      return;
    }
    const std::int64_t new_offset = std::max(key, top - max_buckets + 1);
    counts.insert(counts.begin(), static_cast<std::size_t>(offset - new_offset), 0.0);
    offset = new_offset;
    if (new_offset > key) collapsed = true;
    counts[static_cast<std::size_t>(std::max(key, new_offset) - offset)] += count;
    return;
  }
  // key > top: extend upwards, collapsing the lowest buckets beyond max_buckets.
  const std::int64_t new_offset = std::max(offset, key - max_buckets + 1);
  if (new_offset > offset) {
    double collapsed_count = 0;
    const std::int64_t drop = std::min<std::int64_t>(new_offset - offset,
                                                     static_cast<std::int64_t>(counts.size()));
    for (std::int64_t i = 0; i < drop; ++i) collapsed_count += counts[static_cast<std::size_t>(i)];
    counts.erase(counts.begin(), counts.begin() + drop);
    if (counts.empty()) counts.assign(1, 0.0);
    offset = new_offset;
    counts.front() += collapsed_count;
    collapsed = true;
  }
  counts.resize(static_cast<std::size_t>(key - offset + 1), 0.0);
  counts.back() += count;
}

std::int64_t Store::key_at_rank(double rank, bool lower) const {
  double running = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    running += counts[i];
    if ((lower && running > rank) || (!lower && running >= rank + 1)) {
      return offset + static_cast<std::int64_t>(i);
    }
  }
  return offset + static_cast<std::int64_t>(counts.size()) - 1;
}

std::size_t Store::non_empty() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(counts.begin(), counts.end(), [](double c) { return c != 0; }));
}

bool Store::same_buckets(const Store& other) const noexcept {
  const auto lowest = [](const Store& s) {
    for (std::size_t i = 0; i < s.counts.size(); ++i)
      if (s.counts[i] != 0) return s.offset + static_cast<std::int64_t>(i);
    return std::numeric_limits<std::int64_t>::max();
  };
  const auto at = [](const Store& s, std::int64_t key) {
    const std::int64_t i = key - s.offset;
    return i >= 0 && i < static_cast<std::int64_t>(s.counts.size()) ? s.counts[static_cast<std::size_t>(i)] : 0.0;
  };
  if (non_empty() != other.non_empty()) return false;
  const std::int64_t from = std::min(lowest(*this), lowest(other));
  if (from == std::numeric_limits<std::int64_t>::max()) return true;
  const std::int64_t to = std::max(offset + static_cast<std::int64_t>(counts.size()),
                                   other.offset + static_cast<std::int64_t>(other.counts.size()));
  for (std::int64_t key = from; key < to; ++key) {
    if (at(*this, key) != at(other, key)) return false;
  }
  return true;
}

double DDSketch::gamma_of(double relative_accuracy) { return 1 + 2 * relative_accuracy / (1 - relative_accuracy); }

DDSketch::DDSketch(double relative_accuracy, int max_buckets, double gamma)
    : relative_accuracy_(relative_accuracy),
      max_buckets_(max_buckets),
      gamma_(gamma),
      min_(std::numeric_limits<double>::infinity()),
      max_(-std::numeric_limits<double>::infinity()) {
  // The same arithmetic as ddsketch.mapping.LogarithmicMapping, so keys agree exactly.
  const double gamma_mantissa = 2 * relative_accuracy / (1 - relative_accuracy);
  multiplier_ = (1 / std::log1p(gamma_mantissa)) * std::log(2.0);
  min_indexable_ = DBL_MIN * gamma_;
}

Result<DDSketch> DDSketch::create(double relative_accuracy, int max_buckets) {
  if (auto error = detail::check_sketch_parameters(relative_accuracy, max_buckets)) return std::move(*error);
  return DDSketch(relative_accuracy, max_buckets, gamma_of(relative_accuracy));
}

DDSketch::DDSketch(double relative_accuracy, int max_buckets)
    : DDSketch(create(relative_accuracy, max_buckets).value()) {}

std::int64_t DDSketch::key_of(double value) const {
  // Python's math.log(value, 2) is log(value) / log(2), not log2(value).
  return static_cast<std::int64_t>(std::ceil(std::log(value) / std::log(2.0) * multiplier_));
}

double DDSketch::value_of(std::int64_t key) const {
  return std::pow(2.0, static_cast<double>(key) / multiplier_) * (2.0 / (1 + gamma_));
}

std::optional<Error> DDSketch::try_add(double value, double count) {
  if (!std::isfinite(value)) return validation_error("DDSketch values must be finite");
  if (!(count > 0)) return validation_error("DDSketch counts must be positive");
  if (value > min_indexable_) {
    positive_.add(key_of(value), count, max_buckets_);
  } else if (value < -min_indexable_) {
    negative_.add(key_of(-value), count, max_buckets_);
  } else {
    zero_count_ += count;
  }
  count_ += count;
  sum_ += value * count;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  return std::nullopt;
}

std::optional<Error> DDSketch::try_merge(const DDSketch& other) {
  if (other.relative_accuracy_ != relative_accuracy_ || other.max_buckets_ != max_buckets_) {
    return validation_error("cannot merge DDSketches with different relative_accuracy or max_buckets");
  }
  if (other.count_ == 0) return std::nullopt;
  const auto merge_store = [this](Store& into, const Store& from) {
    for (std::size_t i = 0; i < from.counts.size(); ++i) {
      if (from.counts[i] != 0) into.add(from.offset + static_cast<std::int64_t>(i), from.counts[i], max_buckets_);
    }
    into.collapsed = into.collapsed || from.collapsed;
  };
  merge_store(positive_, other.positive_);
  merge_store(negative_, other.negative_);
  zero_count_ += other.zero_count_;
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  return std::nullopt;
}

Result<double> DDSketch::try_quantile(double q) const {
  if (auto error = detail::check_quantile(q)) return std::move(*error);
  if (count_ == 0) return validation_error("quantile of an empty DDSketch");
  const double rank = q * (count_ - 1);
  if (rank < negative_.total) {
    const double reversed_rank = negative_.total - rank - 1;
    return -value_of(negative_.key_at_rank(reversed_rank, false));
  }
  if (rank < zero_count_ + negative_.total) return 0.0;
  return value_of(positive_.key_at_rank(rank - zero_count_ - negative_.total, true));
}

// The throwing conveniences (analytics.hpp).
void DDSketch::add(double value, double count) { detail::throw_if(try_add(value, count)); }
void DDSketch::merge(const DDSketch& other) { detail::throw_if(try_merge(other)); }
double DDSketch::quantile(double q) const { return try_quantile(q).value(); }

std::size_t DDSketch::bucket_count() const noexcept {
  return positive_.non_empty() + negative_.non_empty();
}

std::size_t DDSketch::memory_bytes() const noexcept {
  return sizeof(*this) +
         (positive_.counts.capacity() + negative_.counts.capacity()) * sizeof(double);
}

bool DDSketch::has_same_buckets(const DDSketch& other) const noexcept {
  return relative_accuracy_ == other.relative_accuracy_ && max_buckets_ == other.max_buckets_ &&
         zero_count_ == other.zero_count_ && count_ == other.count_ && min_ == other.min_ &&
         max_ == other.max_ && positive_.same_buckets(other.positive_) &&
         negative_.same_buckets(other.negative_);
}

}  // namespace keyscope::analytics
