// The keyscope analytics WebAssembly module (keyscope-analytics.wasm, loaded by
// src/analytics_core.js): the offline helpers -- analytics, DDSketch, log readers and
// reconciliation -- apart from the client (src/module.cpp), so a page that only calls the API
// never downloads them.
#include <malloc.h>
#include <emscripten.h>
#include <emscripten/bind.h>

#include "binding.hpp"

extern "C" {

// Bytes in live malloc allocations of this module's heap (the leak tests' measure).
EMSCRIPTEN_KEEPALIVE int ks_heap_in_use() { return static_cast<int>(mallinfo().uordblks); }

}  // extern "C"

EMSCRIPTEN_BINDINGS(keyscope_analytics) {
  using namespace keyscope_wasm;
  bind_analytics();
  bind_sketch();
  bind_logs();
}
