#pragma once
// Shared declarations of the keyscope WebAssembly core (the npm package's C++ half). One file per
// concern, as bindings/python/src/_core, in two modules (CMakeLists.txt): module.cpp registers
// the client core (fetch_transport.cpp the transport host, client_binding.cpp the client);
// analytics_module.cpp the offline helpers (analytics_binding.cpp, sketch_binding.cpp,
// logs_binding.cpp); both have convert.cpp (the results as JSON) and errors.cpp (failures as JSON).
//
// Data crosses the boundary as JSON text (results, errors, analytics) or raw bytes (response
// bodies, copied once into the heap). No embind object graphs: nothing on the JS side ever needs
// .delete(), and nothing stays allocated after a call settles. Every call runs on the one JS
// thread.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codes.hpp"
#include "keyscope/analytics_json.hpp"
#include "keyscope/keyscope.hpp"

namespace keyscope_wasm {

// errors.cpp: {"error": <the core's error object>}, how every entry point reports a failure as
// JSON text; {"ok": <text>} for a success.
std::string error_json(const keyscope::Error& error);
std::string ok_json(const std::string& text);
// {"ok": <value>} or {"error": ...} of a Result<std::string> whose value is JSON text.
std::string wrap(const keyscope::Result<std::string>& result);
// {"ok": <value>} or {"error": ...} of fn(), which returns a Result<std::string>. The module is
// built without C++ exceptions (CMakeLists.txt): every failure is a Result, never a throw.
template <class Fn>
std::string guarded(Fn fn) {
  return wrap(fn());
}

// convert.cpp: results the core computed, as JSON text for JS.
std::string json_string(const std::string& text);  // a JSON string literal
std::string key_errors_json(const std::vector<keyscope::KeyFetchError>& errors);
// usage_by_key's rows of the keys that answered (FleetErrors::collect leaves the failed ones out).
std::string usage_rows_json(const keyscope::Fleet& fleet);
std::string number_json(double value);  // a finite number, or null
// {"event", "method", "url", "attempt", "status", "elapsed_ms", "wait_ms", "request_id", "error",
// "message", "line"}: one step of a call for src/logger.js (its strings are already redacted).
std::string log_event_json(const keyscope::LogEvent& event);

// fetch_transport.cpp: a keyscope::Transport over the JS host's fetch() (src/transport.js).
std::shared_ptr<keyscope::Transport> make_fetch_transport(int client);
// Headers as "name\nvalue\n" pairs, the shape the JS host and the core exchange them in.
std::string headers_to_lines(const keyscope::Headers& headers);
keyscope::Headers headers_of_lines(std::string_view lines);
// The call of `cancellation` was cancelled: aborts its fetches in flight and ends its retry waits
// at once (the call then finishes as cancelled).
void end_transport_work_of(const std::shared_ptr<keyscope::Cancellation>& cancellation);
std::size_t transport_pending_count();  // requests in flight + timers waiting

// client_binding.cpp
std::size_t calls_pending_count();

// The embind registrations of each concern: bind_client from module.cpp, the others from
// analytics_module.cpp.
void bind_client();
void bind_analytics();
void bind_sketch();
void bind_logs();

}  // namespace keyscope_wasm
