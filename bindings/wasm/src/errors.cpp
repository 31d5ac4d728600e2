// Failures as JSON text: {"error": <the core's error object>}, which src/errors.js turns into the
// matching KeyscopeError subclass. No C++ exception ever reaches JS.
#include "binding.hpp"

namespace keyscope_wasm {

std::string error_json(const keyscope::Error& error) {
  return "{\"error\":" + keyscope::encode_error_object(error) + "}";
}

std::string ok_json(const std::string& text) { return "{\"ok\":" + text + "}"; }

std::string wrap(const keyscope::Result<std::string>& result) {
  return result.ok() ? ok_json(result.value()) : error_json(result.error());
}

}  // namespace keyscope_wasm
