// libFuzzer target: DDSketch::from_proto on arbitrary bytes (the protobuf DDSketch message of
// DataDog's sketches-proto). Byte 0 picks max_buckets (1..255, or 2048 for 0), the rest is the
// message. Decoding returns a sketch or throws a KeyscopeError (DecodeError, or ValidationError
// when a re-encoding's bin index leaves sint32) — never another exception, a crash, a hang or an
// allocation beyond the input and max_buckets — and a decoded sketch re-encodes to bytes that
// decode to themselves.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "keyscope/analytics.hpp"
#include "keyscope/error.hpp"

using keyscope::analytics::DDSketch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int max_buckets = data[0] == 0 ? 2048 : data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const DDSketch sketch = DDSketch::from_proto(bytes, max_buckets);
    if (sketch.bucket_count() > 2 * static_cast<std::size_t>(max_buckets)) __builtin_trap();
    if (sketch.memory_bytes() > sizeof(DDSketch) + 2 * static_cast<std::size_t>(max_buckets) * sizeof(double)) {
      __builtin_trap();
    }
    if (!std::isfinite(sketch.count()) || sketch.count() < 0) __builtin_trap();
    if (!sketch.empty()) {
      // Not necessarily ordered: with fractional weights summing below 1, ddsketch's rank rule
      // q (count - 1) is negative.
      for (double q : {0.0, 0.5, 0.99, 1.0}) {
        if (std::isnan(sketch.quantile(q))) __builtin_trap();
      }
    }
    std::string again;
    try {
      again = sketch.to_proto();
    } catch (const keyscope::ValidationError&) {
      return 0;  // bin indexes shifted by indexOffset beyond what the message's sint32 holds
    }
    const DDSketch back = DDSketch::from_proto(again, max_buckets);
    if (back.to_proto() != again || back.count() != sketch.count()) __builtin_trap();
  } catch (const keyscope::KeyscopeError& e) {
    (void)keyscope::to_string(e.error());
  } catch (...) {
    __builtin_trap();  // anything but the SDK's typed errors
  }
  return 0;
}
