// libFuzzer target: every decoder on arbitrary bytes must return a value or a DecodeError —
// never crash, hang or leak — and whatever decodes must survive an encode/decode round trip.
// Differential too: the tape parser the decoders use must accept exactly what nlohmann accepts,
// and read numbers as the same doubles.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <nlohmann/json.hpp>

#include "codec/json_reader.hpp"
#include "codec/json_tape.hpp"
#include "keyscope/codec.hpp"

namespace {

bool nesting_at_most(std::string_view text, int limit) {
  int depth = 0;
  for (char c : text) {  // counts brackets inside strings too: only ever errs towards "deeper"
    if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

// KEYSCOPE_FUZZ_CODEC_DIFFERENTIAL=0 skips the nlohmann comparison (for measuring its cost;
// tests/fuzz/README.md has the figures and why it stays on).
bool differential() {
  static const bool on = [] {
    const char* v = std::getenv("KEYSCOPE_FUZZ_CODEC_DIFFERENTIAL");
    return v == nullptr || std::strcmp(v, "0") != 0;
  }();
  return on;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  // nlohmann stops reading at a NUL byte outside strings ("1\0garbage" parses as 1); the tape
  // and JSON.parse refuse such input, so only NUL-free input is compared.
  if (differential() && body.find('\0') == std::string_view::npos && nesting_at_most(body, keyscope::codec::kMaxDepth)) {
    keyscope::codec::Tape tape;
    const bool tape_ok = !keyscope::codec::Tape::parse(body, tape, keyscope::codec::kMaxDepth);
    const bool nlohmann_ok = !nlohmann::json::parse(body.begin(), body.end(), nullptr, false).is_discarded();
    if (tape_ok != nlohmann_ok) __builtin_trap();
    // A lone number reads as the same double (bit for bit) as nlohmann's strtod-based reading.
    if (tape_ok && keyscope::codec::TapeValue(tape, 0).kind() == keyscope::codec::JsonKind::floating) {
      const double read = keyscope::codec::TapeValue(tape, 0).floating();
      const double expected = nlohmann::json::parse(body.begin(), body.end()).get<double>();
      if (std::memcmp(&read, &expected, sizeof read) != 0) __builtin_trap();
    }
  }
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
