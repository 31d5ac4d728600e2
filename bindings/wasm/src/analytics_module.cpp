// The keyscope analytics WebAssembly module (keyscope-analytics.wasm, loaded by
// src/analytics_core.js): the offline helpers -- analytics, DDSketch, log readers and
// reconciliation -- apart from the client (src/module.cpp), so a page that only calls the API
// never downloads them.
#include <emscripten/bind.h>

#include "binding.hpp"

EMSCRIPTEN_BINDINGS(keyscope_analytics) {
  using namespace keyscope_wasm;
  bind_analytics();
  bind_sketch();
  bind_logs();
}
