// The client part of both WebAssembly modules (keyscope-core.wasm, keyscope-client.wasm): registers
// the client with embind, plus the module-level helpers (version, body decoding for tests and
// benchmarks, heap accounting). keyscope-core.wasm adds the offline helpers
// (src/analytics_module.cpp); keyscope-client.wasm is this alone.
#include <malloc.h>
#include <emscripten.h>
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

std::string version() { return kVersion; }

}  // namespace
}  // namespace keyscope_wasm

extern "C" {

// Requests in flight, timers waiting and calls not settled: 0 once everything has settled.
EMSCRIPTEN_KEEPALIVE int ks_pending_count() {
  return static_cast<int>(keyscope_wasm::transport_pending_count() + keyscope_wasm::calls_pending_count());
}

// Bytes in live malloc allocations (dlmalloc's mallinfo().uordblks), for the package's leak
// tests: unlike the wasm memory size, it falls again when memory is freed.
EMSCRIPTEN_KEEPALIVE int ks_heap_in_use() { return static_cast<int>(mallinfo().uordblks); }

}  // extern "C"

EMSCRIPTEN_BINDINGS(keyscope) {
  using namespace keyscope_wasm;
  bind_client();
  emscripten::function("decodeBody", &decode_body);
  emscripten::function("version", &version);
}
