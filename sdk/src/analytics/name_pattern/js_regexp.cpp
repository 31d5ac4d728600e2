// NamePattern over the JS host's RegExp (WebAssembly builds). The compiled expressions live in
// a JS-side table keyed by a small integer; the C++ object owns its entry.
#include <emscripten.h>

#include <cstdlib>

#include "analytics/name_pattern.hpp"

#ifdef EM_JS_DEPS
EM_JS_DEPS(keyscope_name_pattern, "$UTF8ToString,$stringToUTF8,$lengthBytesUTF8");
#endif

// Returns a handle > 0, or 0 and writes why into a malloc'ed string at *error (caller frees).
// The source is the dialect's code-point form, compiled with the u flag.
// The table also keeps `toHeap`, which copies a JS string into a malloc'ed C string.
EM_JS(int, ks_regexp_compile, (const char* pattern, char** error), {
  const table = Module['ksRegExps'] || (Module['ksRegExps'] = {
    next: 1,
    items: new Map(),
    toHeap: (text) => {
      const size = lengthBytesUTF8(text) + 1;
      const out = _malloc(size);
      stringToUTF8(text, out, size);
      return out;
    },
  });
  try {
    const source = UTF8ToString(pattern);
    const regexp = new RegExp(source, "u");
    const id = table.next++;
    table.items.set(id, regexp);
    return id;
  } catch (e) {
    HEAP32[error >> 2] = table.toHeap(String(e && e.message || e));
    return 0;
  }
});

// The first capture group of the first match as a malloc'ed string, or 0.
EM_JS(char*, ks_regexp_first_group, (int id, const char* text), {
  const table = Module['ksRegExps'];
  const match = table.items.get(id).exec(UTF8ToString(text));
  if (!match || match[1] === undefined || match[1] === "") return 0;
  return table.toHeap(match[1]);
});

EM_JS(void, ks_regexp_free, (int id), { Module['ksRegExps'].items.delete(id); });

namespace keyscope::analytics {

struct NamePattern::Engine {
  int id = 0;
  ~Engine() {
    if (id) ks_regexp_free(id);
  }
};

NamePattern::NamePattern() : engine_(std::make_unique<Engine>()) {}

std::optional<std::string> NamePattern::start(const EngineSources& sources) {
  char* error = nullptr;
  engine_->id = ks_regexp_compile(sources.unicode.c_str(), &error);
  if (engine_->id) return std::nullopt;
  std::string why = error ? error : "unknown error";
  std::free(error);
  return why;
}

NamePattern::~NamePattern() = default;

std::optional<std::string> NamePattern::first_group(const std::string& text) const {
  char* group = ks_regexp_first_group(engine_->id, text.c_str());
  if (!group) return std::nullopt;
  std::string out(group);
  std::free(group);
  return out;
}

}  // namespace keyscope::analytics
