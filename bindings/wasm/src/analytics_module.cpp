// The offline helpers' part of keyscope-core.wasm -- analytics, DDSketch, log readers and
// reconciliation -- next to the client (src/module.cpp). keyscope-client.wasm leaves them out, so
// a page that only calls the API never downloads them; nor the body decoding that only the
// main entry's test and benchmark hooks (src/index.js __internal) use, and the model encoders
// that come with it.
#include <emscripten/bind.h>

#include <string>

#include "binding.hpp"

namespace keyscope_wasm {
namespace {

using namespace keyscope;

// Decodes a response body the way a call does (tests, benchmarks): "" when it is valid, else
// {"error": ...}. With `reencode`, {"ok": <the core's JSON of the decoded model>}: the reference
// src/results.js is tested against.
std::string decode_body(std::string kind, std::string body, bool reencode) {
  auto answer = [reencode](const auto& result, auto encode) -> std::string {
    if (!result.ok()) return error_json(result.error());
    return reencode ? ok_json(encode(result.value())) : std::string();
  };
  if (kind == "usage") return answer(decode_key_usage(body), encode_key_usage_object);
  if (kind == "keys") return answer(decode_key_list(body), encode_key_list);
  return answer(decode_key_details(body), encode_key_details);
}

}  // namespace
}  // namespace keyscope_wasm

EMSCRIPTEN_BINDINGS(keyscope_analytics) {
  using namespace keyscope_wasm;
  bind_analytics();
  bind_sketch();
  bind_logs();
  emscripten::function("decodeBody", &decode_body);
}
