// DDSketch <-> JSON text, so sketches can be stored and merged across processes and front doors.
#include <cmath>
#include <cstdint>
#include <limits>

#include "codec/json_reader.hpp"
#include "codec/json_writer.hpp"
#include "keyscope/analytics.hpp"
#include "keyscope/error.hpp"

namespace keyscope::analytics {
namespace {

using codec::int64_of;
using codec::is_number;
using codec::JsonKind;
using codec::TapeValue;

void write_store(codec::JsonWriter& out, const DDSketch::Store& store) {
  out.begin_object();
  out.key("offset").value(store.offset);
  out.key("counts").value(store.counts);
  out.key("collapsed").value(store.collapsed);
  out.end_object();
}

Error invalid(const std::string& path, const std::string& message) {
  return decode_error("invalid DDSketch JSON at " + path + ": " + message, path);
}

Result<double> number_at(const TapeValue& object, const char* key) {
  const auto v = object.find(key);
  if (!v || !is_number(*v)) return invalid(key, "expected a number");
  return v->as_double();
}

Result<DDSketch::Store> store_from_json(const TapeValue& object, const char* key) {
  const auto s = object.find(key);
  if (!s || !s->is_object()) return invalid(key, "expected an object");
  DDSketch::Store store;
  const auto offset = s->find("offset");
  const auto counts = s->find("counts");
  if (!offset || !int64_of(*offset)) return invalid(std::string(key) + ".offset", "expected an integer");
  if (!counts || !counts->is_array()) return invalid(std::string(key) + ".counts", "expected an array");
  store.offset = *int64_of(*offset);
  bool ok = true;
  counts->for_each_element([&](TapeValue c) {
    ok = ok && is_number(c) && c.as_double() >= 0;
    if (!ok) return;
    store.counts.push_back(c.as_double());
    store.total += c.as_double();
  });
  if (!ok) return invalid(std::string(key) + ".counts", "expected non-negative numbers");
  const auto collapsed = s->find("collapsed");
  store.collapsed = collapsed && collapsed->kind() == JsonKind::boolean && collapsed->boolean();
  return store;
}

}  // namespace

std::string DDSketch::to_json() const {
  codec::JsonWriter out;
  out.begin_object();
  out.key("relative_accuracy").value(relative_accuracy_);
  out.key("max_buckets").value(max_buckets_);
  out.key("count").value(count_);
  out.key("zero_count").value(zero_count_);
  out.key("sum").value(sum_);
  out.key("min");
  if (empty()) out.null();
  else out.value(min_);
  out.key("max");
  if (empty()) out.null();
  else out.value(max_);
  out.key("positive");
  write_store(out, positive_);
  out.key("negative");
  write_store(out, negative_);
  out.end_object();
  return out.take();
}

Result<DDSketch> DDSketch::try_from_json(std::string_view text) {
  codec::Tape tape;
  if (codec::parse_object(text, tape)) return invalid("$", "not a JSON object");
  const TapeValue in(tape, 0);
  const auto max_buckets = in.find("max_buckets");
  const auto buckets = max_buckets ? int64_of(*max_buckets) : std::nullopt;
  if (!buckets || *buckets < INT32_MIN || *buckets > INT32_MAX) return invalid("max_buckets", "expected an integer");
  const auto accuracy = number_at(in, "relative_accuracy");
  if (!accuracy.ok()) return accuracy.error();
  auto created = create(accuracy.value(), static_cast<int>(*buckets));
  if (!created.ok()) return created.error();
  DDSketch sketch = std::move(created).value();
  auto positive = store_from_json(in, "positive");
  if (!positive.ok()) return positive.error();
  auto negative = store_from_json(in, "negative");
  if (!negative.ok()) return negative.error();
  sketch.positive_ = std::move(positive).value();
  sketch.negative_ = std::move(negative).value();
  for (const auto& [key, field] : {std::pair<const char*, double*>{"count", &sketch.count_},
                                   {"zero_count", &sketch.zero_count_}, {"sum", &sketch.sum_}}) {
    const auto value = number_at(in, key);
    if (!value.ok()) return value.error();
    *field = value.value();
  }
  if (sketch.count_ > 0) {
    const auto min = number_at(in, "min");
    if (!min.ok()) return min.error();
    const auto max = number_at(in, "max");
    if (!max.ok()) return max.error();
    sketch.min_ = min.value();
    sketch.max_ = max.value();
  }
  const double stored = sketch.positive_.total + sketch.negative_.total + sketch.zero_count_;
  if (std::fabs(stored - sketch.count_) > 1e-9 * std::max(1.0, sketch.count_)) {
    return invalid("count", "does not equal the sum of the bucket counts and zero_count");
  }
  return sketch;
}

DDSketch DDSketch::from_json(std::string_view text) { return try_from_json(text).value(); }

}  // namespace keyscope::analytics
