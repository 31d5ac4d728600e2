// DDSketch <-> the protobuf DDSketch message of DataDog's sketches-proto (see analytics.hpp):
//
//   message DDSketch     { IndexMapping mapping = 1; Store positiveValues = 2;
//                          Store negativeValues = 3; double zeroCount = 4; }
//   message IndexMapping { double gamma = 1; double indexOffset = 2;
//                          Interpolation interpolation = 3; }  // NONE 0, LINEAR 1, QUADRATIC 2, CUBIC 3
//   message Store        { map<sint32, double> binCounts = 1;
//                          repeated double contiguousBinCounts = 2 [packed = true];
//                          sint32 contiguousBinIndexOffset = 3; }
//
// A bin index is ceil(log_gamma(v)) + indexOffset, the Python package's key (its
// LogarithmicMapping.key); value(index) = gamma^(index - indexOffset) * 2 / (1 + gamma).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "analytics/protobuf_wire.hpp"
#include "keyscope/analytics.hpp"
#include "keyscope/error.hpp"

namespace keyscope::analytics {
namespace {

using detail::ProtoReader;
using detail::ProtoWriter;
using detail::WireType;

constexpr std::string_view kWhat = "DDSketch protobuf";

Error invalid(const std::string& path, const std::string& problem) {
  return decode_error("invalid " + std::string(kWhat) + " at " + path + ": " + problem, path);
}

// The fields as parsed. A field that appears twice follows protobuf's merge rules: the last
// scalar wins, repeated fields and map entries accumulate (a later map entry replaces an earlier
// one with the same key).
struct MappingFields {
  double gamma = 0;
  double index_offset = 0;
  std::int64_t interpolation = 0;
};

struct StoreFields {
  std::vector<std::pair<std::int32_t, double>> sparse;  // binCounts, in wire order
  std::vector<double> contiguous;
  std::int32_t contiguous_offset = 0;
};

struct SketchFields {
  MappingFields mapping;
  StoreFields positive;
  StoreFields negative;
  double zero_count = 0;
};

void read_mapping(ProtoReader in, MappingFields& mapping) {
  ProtoReader::Field field;
  while (in.next(field)) {
    if (field.number == 1 && field.type == WireType::i64) {
      mapping.gamma = in.fixed64_double();
    } else if (field.number == 2 && field.type == WireType::i64) {
      mapping.index_offset = in.fixed64_double();
    } else if (field.number == 3 && field.type == WireType::varint) {
      mapping.interpolation = static_cast<std::int32_t>(in.varint());  // an enum is an int32
    } else {
      in.skip(field);
    }
  }
}

void read_bin_entry(ProtoReader in, StoreFields& store) {
  std::int32_t key = 0;
  double count = 0;
  ProtoReader::Field field;
  while (in.next(field)) {
    if (field.number == 1 && field.type == WireType::varint) {
      key = detail::unzigzag32(in.varint());
    } else if (field.number == 2 && field.type == WireType::i64) {
      count = in.fixed64_double();
    } else {
      in.skip(field);
    }
  }
  store.sparse.emplace_back(key, count);
}

void read_store(ProtoReader in, StoreFields& store) {
  ProtoReader::Field field;
  while (in.next(field)) {
    if (field.number == 1 && field.type == WireType::len) {
      read_bin_entry(ProtoReader(in.length_delimited(), kWhat, in.path() + ".binCounts", in.error()), store);
    } else if (field.number == 2 && field.type == WireType::len) {  // packed
      const std::string_view bytes = in.length_delimited();
      ProtoReader packed(bytes, kWhat, in.path() + ".contiguousBinCounts", in.error());
      if (bytes.size() % 8 != 0) packed.fail("packed doubles whose length is not a multiple of 8");
      store.contiguous.reserve(store.contiguous.size() + bytes.size() / 8);
      while (!packed.at_end()) store.contiguous.push_back(packed.fixed64_double());
    } else if (field.number == 2 && field.type == WireType::i64) {  // unpacked, also valid
      store.contiguous.push_back(in.fixed64_double());
    } else if (field.number == 3 && field.type == WireType::varint) {
      store.contiguous_offset = detail::unzigzag32(in.varint());
    } else {
      in.skip(field);
    }
  }
}

// The fields of the message; a malformation is recorded in `error`.
SketchFields read_sketch(std::string_view bytes, std::optional<Error>& error) {
  SketchFields sketch;
  ProtoReader in(bytes, kWhat, "$", error);
  ProtoReader::Field field;
  while (in.next(field)) {
    if (field.number == 1 && field.type == WireType::len) {
      read_mapping(ProtoReader(in.length_delimited(), kWhat, "mapping", error), sketch.mapping);
    } else if (field.number == 2 && field.type == WireType::len) {
      read_store(ProtoReader(in.length_delimited(), kWhat, "positiveValues", error), sketch.positive);
    } else if (field.number == 3 && field.type == WireType::len) {
      read_store(ProtoReader(in.length_delimited(), kWhat, "negativeValues", error), sketch.negative);
    } else if (field.number == 4 && field.type == WireType::i64) {
      sketch.zero_count = in.fixed64_double();
    } else {
      in.skip(field);
    }
  }
  return sketch;
}

// The relative accuracy whose gamma, computed as the DDSketch constructor computes it, is the
// message's: the shortest decimal that gives it (a sketch written by DDSketch(0.01) or ddsketch's
// DDSketch(0.01) comes back as 0.01, with the same keys for new values and mergeable with
// DDSketch(0.01)), else the one nearest to the Python package's from_gamma_offset rule
// (gamma - 1) / (gamma + 1) that gives it, else (no accuracy gives exactly this gamma: not
// written by ddsketch or keyscope) the one whose gamma is nearest. Outside (0, 1) when gamma is
// too large for any.
double relative_accuracy_for(double gamma) {
  const double guess = (gamma - 1) / (gamma + 1);
  if (!(guess > 0 && guess < 1)) return guess;
  const auto distance = [gamma](double accuracy) { return std::fabs(DDSketch::create(accuracy, 1)->gamma() - gamma); };
  for (int digits = 1; digits <= 17; ++digits) {
    char text[40];
    std::snprintf(text, sizeof text, "%.*e", digits - 1, guess);
    const double candidate = std::strtod(text, nullptr);
    if (candidate > 0 && candidate < 1 && distance(candidate) == 0) return candidate;
  }
  double best = guess;
  double best_distance = distance(guess);
  for (const double toward : {0.0, 1.0}) {
    double accuracy = guess;
    for (int step = 0; step < 64 && best_distance != 0; ++step) {
      accuracy = std::nextafter(accuracy, toward);
      if (!(accuracy > 0 && accuracy < 1)) break;
      if (distance(accuracy) < best_distance) {
        best = accuracy;
        best_distance = distance(accuracy);
      }
    }
  }
  return best;
}

std::string interpolation_name(std::int64_t interpolation) {
  switch (interpolation) {
    case 1: return "LINEAR";
    case 2: return "QUADRATIC";
    case 3: return "CUBIC";
    default: return std::to_string(interpolation);
  }
}

std::optional<Error> check_count(double count, const std::string& path) {
  if (!std::isfinite(count) || count < 0) {
    return invalid(path, "bin counts must be finite and non-negative, got " + std::to_string(count));
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> DDSketch::try_to_proto() const {
  ProtoWriter mapping;
  mapping.double_field(1, gamma_);  // indexOffset 0 and interpolation NONE are proto3 defaults
  ProtoWriter out;
  out.bytes_field(1, mapping.bytes());
  std::optional<Error> error;
  const auto write_store = [&out, &error](std::uint32_t number, const Store& store) {
    std::size_t first = 0;
    std::size_t last = store.counts.size();
    while (first < last && store.counts[first] == 0) ++first;
    while (last > first && store.counts[last - 1] == 0) --last;
    if (first == last) return;  // an empty store is the default message
    const std::int64_t lowest = store.offset + static_cast<std::int64_t>(first);
    const std::int64_t highest = store.offset + static_cast<std::int64_t>(last) - 1;
    if (lowest < std::numeric_limits<std::int32_t>::min() || highest > std::numeric_limits<std::int32_t>::max()) {
      error = validation_error("this DDSketch has bin indexes beyond the protobuf message's sint32 "
                               "(its relative_accuracy is too small for the format)");
      return;
    }
    ProtoWriter message;
    message.packed_doubles_field(2, store.counts.data() + first, last - first);
    if (lowest != 0) message.sint32_field(3, static_cast<std::int32_t>(lowest));
    out.bytes_field(number, message.bytes());
  };
  write_store(2, positive_);
  write_store(3, negative_);
  if (error) return std::move(*error);
  if (zero_count_ != 0) out.double_field(4, zero_count_);
  return out.take();
}

std::string DDSketch::to_proto() const { return try_to_proto().value(); }

DDSketch DDSketch::from_proto(std::string_view bytes, int max_buckets) { return try_from_proto(bytes, max_buckets).value(); }

Result<DDSketch> DDSketch::try_from_proto(std::string_view bytes, int max_buckets) {
  std::optional<Error> read_error;
  const SketchFields fields = read_sketch(bytes, read_error);
  if (read_error) return std::move(*read_error);

  const MappingFields& mapping = fields.mapping;
  if (mapping.interpolation != 0) {
    return invalid("mapping.interpolation",
            interpolation_name(mapping.interpolation) +
                " interpolation is not supported: keyscope's DDSketch uses the exact logarithmic mapping (NONE)");
  }
  if (!(mapping.gamma > 1) || !std::isfinite(mapping.gamma)) {
    return invalid("mapping.gamma", "gamma must be a finite number above 1 (is the mapping missing?), got " +
                                 std::to_string(mapping.gamma));
  }
  constexpr double kMaxOffset = 9007199254740992.0;  // 2^53: every integer up to it is exact
  if (!(std::fabs(mapping.index_offset) <= kMaxOffset) || mapping.index_offset != std::floor(mapping.index_offset)) {
    return invalid("mapping.indexOffset", "only an integral indexOffset can be represented (bins are shifted by it), got " +
                                       std::to_string(mapping.index_offset));
  }
  const auto index_offset = static_cast<std::int64_t>(mapping.index_offset);
  if (!(fields.zero_count >= 0) || !std::isfinite(fields.zero_count)) {
    return invalid("zeroCount", "must be finite and non-negative, got " + std::to_string(fields.zero_count));
  }

  const double accuracy = relative_accuracy_for(mapping.gamma);
  if (!(accuracy > 0 && accuracy < 1)) {
    return invalid("mapping.gamma", "gamma " + std::to_string(mapping.gamma) + " is too large for a relative accuracy below 1");
  }
  auto created = create(accuracy, max_buckets);
  if (!created.ok()) return created.error();
  DDSketch sketch = std::move(created).value();
  // The keys add() can produce: those of the values from just above min_indexable to DBL_MAX.
  const std::int64_t lowest_key = sketch.key_of(sketch.min_indexable_);
  const std::int64_t highest_key = sketch.key_of(DBL_MAX);

  std::optional<Error> problem;  // the first bin that cannot be kept
  const auto build_store = [&](const StoreFields& store, const std::string& path) {
    // binCounts: the last entry of each key counts (protobuf's map rule).
    std::vector<std::pair<std::int64_t, double>> sparse;
    sparse.reserve(store.sparse.size());
    for (const auto& [key, count] : store.sparse) sparse.emplace_back(key, count);
    std::stable_sort(sparse.begin(), sparse.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < sparse.size(); ++i) {
      if (i + 1 < sparse.size() && sparse[i + 1].first == sparse[i].first) continue;
      sparse[kept++] = sparse[i];
    }
    sparse.resize(kept);

    // Every non-empty bin, in the sketch's keys; the range they span decides what is collapsed.
    std::int64_t min_key = std::numeric_limits<std::int64_t>::max();
    std::int64_t max_key = std::numeric_limits<std::int64_t>::min();
    const std::string sparse_path = path + ".binCounts";
    const std::string contiguous_path = path + ".contiguousBinCounts";
    const auto visit = [&](auto&& use) {
      for (const auto& [key, count] : sparse) use(key - index_offset, count, sparse_path);
      for (std::size_t i = 0; i < store.contiguous.size(); ++i) {
        use(store.contiguous_offset + static_cast<std::int64_t>(i) - index_offset, store.contiguous[i],
            contiguous_path);
      }
    };
    visit([&](std::int64_t key, double count, const std::string& where) {
      if (problem) return;
      problem = check_count(count, where);
      if (problem || count == 0) return;
      if (key < lowest_key || key > highest_key) {
        problem = invalid(where, "bin index " + std::to_string(key + index_offset) +
                                     " is outside the range this mapping can index");
        return;
      }
      min_key = std::min(min_key, key);
      max_key = std::max(max_key, key);
    });

    Store out;
    if (problem || min_key > max_key) return out;
    // What add() leaves after these bins: at most max_buckets buckets ending at the highest key,
    // everything lower in the lowest kept bucket.
    out.offset = std::max(min_key, max_key - static_cast<std::int64_t>(max_buckets) + 1);
    out.collapsed = min_key < out.offset;
    out.counts.assign(static_cast<std::size_t>(max_key - out.offset + 1), 0.0);
    visit([&](std::int64_t key, double count, const std::string&) {
      if (count != 0) out.counts[static_cast<std::size_t>(std::max(key, out.offset) - out.offset)] += count;
    });
    for (double count : out.counts) out.total += count;  // in key order, as a re-decoding adds them
    if (!std::isfinite(out.total) && !problem) problem = invalid(path, "the bin counts add up beyond the range of a double");
    return out;
  };
  sketch.positive_ = build_store(fields.positive, "positiveValues");
  sketch.negative_ = build_store(fields.negative, "negativeValues");
  if (problem) return std::move(*problem);
  sketch.zero_count_ = fields.zero_count;
  sketch.count_ = sketch.zero_count_ + sketch.positive_.total + sketch.negative_.total;
  if (!std::isfinite(sketch.count_)) return invalid("zeroCount", "the counts add up beyond the range of a double");
  if (sketch.count_ == 0) return sketch;

  // The message has no min, max or sum: estimate them from the buckets (count > 0: both exist).
  sketch.min_ = *sketch.try_quantile(0);
  sketch.max_ = *sketch.try_quantile(1);
  double sum = 0;
  for (const auto& [store, sign] : {std::pair<const Store*, double>{&sketch.positive_, 1.0}, {&sketch.negative_, -1.0}}) {
    for (std::size_t i = 0; i < store->counts.size(); ++i) {
      if (store->counts[i] != 0) sum += sign * store->counts[i] * sketch.value_of(store->offset + static_cast<std::int64_t>(i));
    }
  }
  sketch.sum_ = sum;
  return sketch;
}

}  // namespace keyscope::analytics
