// DDSketch <-> JSON text, so sketches can be stored and merged across processes and front doors.
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "keyscope/analytics.hpp"
#include "keyscope/error.hpp"

namespace keyscope::analytics {
namespace {

using nlohmann::json;

json store_to_json(const DDSketch::Store& store) {
  return json{{"offset", store.offset}, {"counts", store.counts}, {"collapsed", store.collapsed}};
}

[[noreturn]] void invalid(const std::string& path, const std::string& message) {
  throw_error(decode_error("invalid DDSketch JSON at " + path + ": " + message, path));
}

double number_at(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) invalid(key, "expected a number");
  return it->get<double>();
}

DDSketch::Store store_from_json(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_object()) invalid(key, "expected an object");
  DDSketch::Store store;
  const json& s = *it;
  const auto offset = s.find("offset");
  const auto counts = s.find("counts");
  if (offset == s.end() || !offset->is_number_integer()) invalid(std::string(key) + ".offset", "expected an integer");
  if (counts == s.end() || !counts->is_array()) invalid(std::string(key) + ".counts", "expected an array");
  store.offset = offset->get<std::int64_t>();
  for (const json& c : *counts) {
    if (!c.is_number() || c.get<double>() < 0) invalid(std::string(key) + ".counts", "expected non-negative numbers");
    store.counts.push_back(c.get<double>());
    store.total += c.get<double>();
  }
  const auto collapsed = s.find("collapsed");
  store.collapsed = collapsed != s.end() && collapsed->is_boolean() && collapsed->get<bool>();
  return store;
}

}  // namespace

std::string DDSketch::to_json() const {
  json out{{"relative_accuracy", relative_accuracy_},
           {"max_buckets", max_buckets_},
           {"count", count_},
           {"zero_count", zero_count_},
           {"sum", sum_},
           {"min", empty() ? json(nullptr) : json(min_)},
           {"max", empty() ? json(nullptr) : json(max_)},
           {"positive", store_to_json(positive_)},
           {"negative", store_to_json(negative_)}};
  return out.dump();
}

DDSketch DDSketch::from_json(std::string_view text) {
  const json in = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (in.is_discarded() || !in.is_object()) invalid("$", "not a JSON object");
  const auto max_buckets = in.find("max_buckets");
  if (max_buckets == in.end() || !max_buckets->is_number_integer()) invalid("max_buckets", "expected an integer");
  DDSketch sketch(number_at(in, "relative_accuracy"), max_buckets->get<int>());
  sketch.positive_ = store_from_json(in, "positive");
  sketch.negative_ = store_from_json(in, "negative");
  sketch.count_ = number_at(in, "count");
  sketch.zero_count_ = number_at(in, "zero_count");
  sketch.sum_ = number_at(in, "sum");
  if (sketch.count_ > 0) {
    sketch.min_ = number_at(in, "min");
    sketch.max_ = number_at(in, "max");
  }
  const double stored = sketch.positive_.total + sketch.negative_.total + sketch.zero_count_;
  if (std::fabs(stored - sketch.count_) > 1e-9 * std::max(1.0, sketch.count_)) {
    invalid("count", "does not equal the sum of the bucket counts and zero_count");
  }
  return sketch;
}

}  // namespace keyscope::analytics
