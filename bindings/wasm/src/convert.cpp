// Results the core computed (usage rows, per-key failures, numbers) as JSON text for
// src/client.js and src/sketch.js. Models the API sent come back as their own checked body instead (see
// src/results.js).
#include <cmath>
#include <cstdio>

#include "binding.hpp"

namespace keyscope_wasm {

using namespace keyscope;

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string key_errors_json(const std::vector<KeyFetchError>& errors) {
  std::string out = "[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i) out += ",";
    out += "{\"key_id\":" + json_string(errors[i].key_id) + ",\"error\":" + encode_error_object(errors[i].error) + "}";
  }
  return out + "]";
}

// usage_by_key over the keys that answered: a failed key is left out (as `keyscope report`
// does), not reported with zeros.
std::string usage_rows_json(const Fleet& fleet) {
  if (fleet.errors.empty()) return analytics::encode_usage_rows(analytics::usage_by_key(fleet.keys, fleet.usages));
  std::vector<APIKeyInfo> answered;
  for (const auto& key : fleet.keys) {
    bool failed = false;
    for (const auto& e : fleet.errors) failed = failed || e.key_id == key.id;
    if (!failed) answered.push_back(key);
  }
  return analytics::encode_usage_rows(analytics::usage_by_key(answered, fleet.usages));
}

namespace {
const char* kind_name(LogEvent::Kind kind) {
  switch (kind) {
    case LogEvent::Kind::response: return "response";
    case LogEvent::Kind::failure: return "failure";
    case LogEvent::Kind::retry: return "retry";
  }
  return "response";
}
}  // namespace

std::string log_event_json(const LogEvent& e) {
  return "{\"event\":\"" + std::string(kind_name(e.kind)) + "\",\"method\":" + json_string(e.method) +
         ",\"url\":" + json_string(e.url) + ",\"attempt\":" + std::to_string(e.attempt) +
         ",\"status\":" + std::to_string(e.status) + ",\"elapsed_ms\":" + std::to_string(e.elapsed.count()) +
         ",\"wait_ms\":" + std::to_string(e.wait.count()) + ",\"request_id\":" + json_string(e.request_id) +
         ",\"error\":" + json_string(e.error) + ",\"message\":" + json_string(e.message) +
         ",\"line\":" + json_string(e.line) + "}";
}

std::string number_json(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace keyscope_wasm
