// DDSketch handles for src/sketch.js: the core's mergeable quantile sketch, behind an integer id
// (the JS DDSketch frees it through dispose() or a FinalizationRegistry).
#include <emscripten/bind.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "binding.hpp"

namespace keyscope_wasm {
namespace {

using keyscope::analytics::DDSketch;

std::map<int, std::unique_ptr<DDSketch>> g_sketches;
int g_next_sketch = 1;

using keyscope::Result;

// The sketch behind `id`, or nullptr once it was disposed.
DDSketch* sketch_at(int id) {
  auto it = g_sketches.find(id);
  return it == g_sketches.end() ? nullptr : it->second.get();
}

keyscope::Error disposed() { return keyscope::validation_error("the sketch was disposed", "disposed"); }

Result<std::string> keep(Result<DDSketch> sketch) {
  if (!sketch.ok()) return sketch.error();
  const int id = g_next_sketch++;
  g_sketches[id] = std::make_unique<DDSketch>(std::move(sketch).value());
  return std::to_string(id);
}

std::string summary_json(const DDSketch& s) {
  return "{\"count\":" + number_json(s.count()) + ",\"sum\":" + number_json(s.sum()) +
         ",\"min\":" + number_json(s.min()) + ",\"max\":" + number_json(s.max()) +
         ",\"zero_count\":" + number_json(s.zero_count()) +
         ",\"bucket_count\":" + std::to_string(s.bucket_count()) + "}";
}

std::string sketch_create(double relative_accuracy, int max_buckets) {
  return wrap(keep(DDSketch::create(relative_accuracy, max_buckets)));
}

std::string sketch_from_json(std::string text) { return wrap(keep(DDSketch::try_from_json(text))); }

// values: `length` doubles at `pointer` in the wasm heap (copied there by JS).
std::string sketch_add(int id, std::uintptr_t pointer, int length, double count) {
  return guarded([&]() -> Result<std::string> {
    DDSketch* sketch = sketch_at(id);
    if (!sketch) return disposed();
    const double* values = reinterpret_cast<const double*>(pointer);
    for (int i = 0; i < length; ++i) {
      if (auto error = sketch->try_add(values[i], count)) return std::move(*error);
    }
    return std::string("null");
  });
}

std::string sketch_merge(int id, int other) {
  return guarded([&]() -> Result<std::string> {
    DDSketch* into = sketch_at(id);
    DDSketch* from = sketch_at(other);
    if (!into || !from) return disposed();
    if (auto error = into->try_merge(*from)) return std::move(*error);
    return std::string("null");
  });
}

std::string sketch_quantiles(int id, std::uintptr_t pointer, int length) {
  return guarded([&]() -> Result<std::string> {
    const DDSketch* sketch = sketch_at(id);
    if (!sketch) return disposed();
    const double* qs = reinterpret_cast<const double*>(pointer);
    std::string out = "[";
    for (int i = 0; i < length; ++i) {
      Result<double> q = sketch->try_quantile(qs[i]);
      if (!q.ok()) return q.error();
      if (i) out += ",";
      out += number_json(q.value());
    }
    return out + "]";
  });
}

std::string sketch_summary(int id) {
  const DDSketch* sketch = sketch_at(id);
  return sketch ? ok_json(summary_json(*sketch)) : error_json(disposed());
}
std::string sketch_to_json(int id) {
  const DDSketch* sketch = sketch_at(id);
  return sketch ? ok_json(sketch->to_json()) : error_json(disposed());
}

// The protobuf bytes of the last sketchToProto stay here until the next one; JS copies them out
// of the heap at {"pointer", "length"} (an embind std::string return would not be binary-safe).
std::string g_proto_bytes;

std::string sketch_to_proto(int id) {
  return guarded([&]() -> Result<std::string> {
    const DDSketch* sketch = sketch_at(id);
    if (!sketch) return disposed();
    Result<std::string> bytes = sketch->try_to_proto();
    if (!bytes.ok()) return bytes.error();
    g_proto_bytes = std::move(bytes).value();
    return "{\"pointer\":" + std::to_string(reinterpret_cast<std::uintptr_t>(g_proto_bytes.data())) +
           ",\"length\":" + std::to_string(g_proto_bytes.size()) + "}";
  });
}

// bytes: a Uint8Array, which embind copies byte for byte into the std::string.
std::string sketch_from_proto(std::string bytes, int max_buckets) {
  return wrap(keep(DDSketch::try_from_proto(bytes, max_buckets)));
}

void sketch_free(int id) { g_sketches.erase(id); }

}  // namespace

void bind_sketch() {
  emscripten::function("sketchCreate", &sketch_create);
  emscripten::function("sketchFromJson", &sketch_from_json);
  emscripten::function("sketchAdd", &sketch_add);
  emscripten::function("sketchMerge", &sketch_merge);
  emscripten::function("sketchQuantiles", &sketch_quantiles);
  emscripten::function("sketchSummary", &sketch_summary);
  emscripten::function("sketchToJson", &sketch_to_json);
  emscripten::function("sketchToProto", &sketch_to_proto);
  emscripten::function("sketchFromProto", &sketch_from_proto);
  emscripten::function("sketchFree", &sketch_free);
}

}  // namespace keyscope_wasm
