// The offline helpers' part of keyscope-core.wasm -- analytics, DDSketch, log readers and
// reconciliation -- next to the client (src/module.cpp). keyscope-client.wasm leaves them out, so
// a page that only calls the API never downloads them.
#include <emscripten/bind.h>

#include "binding.hpp"

EMSCRIPTEN_BINDINGS(keyscope_analytics) {
  using namespace keyscope_wasm;
  bind_analytics();
  bind_sketch();
  bind_logs();
}
