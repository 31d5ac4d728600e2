// libFuzzer target: every decoder on arbitrary bytes must return a value or a DecodeError —
// never crash, hang or leak — and whatever decodes must survive an encode/decode round trip.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "keyscope/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto list = keyscope::decode_key_list(body); list.ok()) {
    auto again = keyscope::decode_key_list(keyscope::encode_key_list(*list));
    if (!again.ok() || !(*again == *list)) __builtin_trap();
  }
  if (auto details = keyscope::decode_key_details(body); details.ok()) {
    auto again = keyscope::decode_key_details(keyscope::encode_key_details(*details));
    if (!again.ok() || !(*again == *details)) __builtin_trap();
  }
  if (auto usage = keyscope::decode_key_usage(body); usage.ok()) {
    auto again = keyscope::decode_key_usage(keyscope::encode_key_usage(*usage));
    if (!again.ok() || !(*again == *usage)) __builtin_trap();
  }
  keyscope::Error error;
  keyscope::decode_error_envelope(body, error);
  return 0;
}
