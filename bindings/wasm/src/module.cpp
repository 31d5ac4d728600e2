// The client part of both WebAssembly modules (keyscope-core.wasm, keyscope-client.wasm): registers
// the client with embind, plus the module-level helpers (version, heap accounting).
// keyscope-core.wasm adds the offline helpers and the tests' body decoding
// (src/analytics_module.cpp); keyscope-client.wasm is this alone.
#include <malloc.h>
#include <emscripten.h>
#include <emscripten/bind.h>

#include <string>

#include "binding.hpp"

namespace keyscope_wasm {
namespace {

using namespace keyscope;

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
  emscripten::function("version", &version);
}
