#pragma once
// strtod in the C locale whatever the process's locale is: a Python notebook that ran
// locale.setlocale(locale.LC_ALL, "de_DE.UTF-8") reads "1.5" as 1 with plain strtod (',' is
// the decimal point there). musl (the WebAssembly build) reads numbers the same in every locale.
#include <cstdlib>

#if !defined(__EMSCRIPTEN__)
#include <locale.h>
#endif

namespace keyscope::detail {

inline double strtod_c(const char* text, char** end) {
#if defined(__EMSCRIPTEN__)
  return std::strtod(text, end);
#else
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  return strtod_l(text, end, c_locale);
#endif
}

}  // namespace keyscope::detail
