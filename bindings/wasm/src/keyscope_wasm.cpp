// The keyscope core for WebAssembly: a FetchTransport over the JS host's fetch() and a small
// handle-based API for the ESM face (src/index.js). No Asyncify: every call returns at once and
// completes later through ks_complete(); many requests can be in flight at the same time.
//
// Data crosses the boundary as JSON text (results, errors, analytics) or raw bytes (response
// bodies, copied once into the heap). A body the core decoded without error goes back as it came
// and JS parses it (src/results.js); fleets and analytics come back as the core's JSON. No embind
// object graphs: nothing on the JS side ever needs .delete(), and nothing stays allocated after a
// call settles.
//
// Exceptions: the client and codec return Result<T> and never throw. The analytics JSON entry
// points return Result<std::string> too; the build decides how C++ exceptions are compiled (see
// CMakeLists.txt), the boundary itself never lets one through.
#include <malloc.h>
#include <emscripten.h>
#include <emscripten/bind.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "keyscope/analytics.hpp"
#include "keyscope/analytics_json.hpp"
#include "keyscope/client.hpp"
#include "keyscope/codec.hpp"
#include "keyscope/options.hpp"
#include "keyscope/transport.hpp"
#include "keyscope/validation.hpp"
#include "keyscope/version.hpp"

#ifdef EM_JS_DEPS
EM_JS_DEPS(keyscope_wasm, "$UTF8ToString");
#endif

// The JS host (installed as Module.ksHost by src/index.js before any call).
EM_JS(void, ks_host_fetch, (int client, int request, const char* method, const char* url,
                            const char* header_lines, double timeout_ms),
      {
        Module['ksHost']['fetch'](client, request, UTF8ToString(method), UTF8ToString(url),
                                  UTF8ToString(header_lines), timeout_ms);
      });
EM_JS(void, ks_host_abort, (int request), { Module['ksHost']['abort'](request); });
EM_JS(void, ks_host_defer, (int timer, double delay_ms), { Module['ksHost']['defer'](timer, delay_ms); });
// shape 0: `text` is the result's JSON; 1..3: `text` is the response body the core has just
// decoded without error (1 key list, 2 key details, 3 usage), which JS parses itself.
EM_JS(void, ks_host_settle, (int call, int ok, int shape, const char* text, int length),
      { Module['ksHost']['settle'](call, ok, shape, UTF8ToString(text, length)); });

namespace {

using namespace keyscope;

// "name\nvalue\n" pairs, the same shape ks_complete receives. Request header values never
// hold a newline: the client refuses such a token or user agent before building a request.
std::string headers_to_lines(const Headers& headers) {
  std::string out;
  for (const auto& [name, value] : headers.entries()) {
    out += name;
    out += '\n';
    out += value;
    out += '\n';
  }
  return out;
}

// ---- in-flight state, all on the one JS thread ----------------------------------------------
struct Pending {
  Transport::Completion done;
  std::shared_ptr<Cancellation> cancellation;
};
std::map<int, Pending> g_requests;
std::map<int, std::function<void()>> g_timers;
std::map<int, std::shared_ptr<Cancellation>> g_calls;  // call id -> its cancellation
int g_next_request = 1;
int g_next_timer = 1;

class FetchTransport final : public Transport {
 public:
  explicit FetchTransport(int client) : client_(client) {}

  void send(HttpRequest request, Completion done) override {
    if (request.cancellation && request.cancellation->cancelled()) return done(cancelled_error());
    const int id = g_next_request++;
    g_requests[id] = Pending{std::move(done), request.cancellation};
    const std::string headers = headers_to_lines(request.headers);
    ks_host_fetch(client_, id, request.method.c_str(), request.url.c_str(), headers.c_str(),
                  static_cast<double>(request.timeout.count()));
  }

  void defer(std::chrono::milliseconds delay, std::function<void()> fn) override {
    const int id = g_next_timer++;
    g_timers[id] = std::move(fn);
    ks_host_defer(id, static_cast<double>(delay.count()));
  }

  std::string name() const override { return "fetch"; }

 private:
  int client_;
};

struct ClientEntry {
  Client client;
};
std::map<int, std::unique_ptr<ClientEntry>> g_clients;
int g_next_client = 1;

// {"error": <error object>}: how every entry point below reports a failure as JSON text.
std::string error_json(const Error& error) { return "{\"error\":" + encode_error_object(error) + "}"; }

enum Shape { kResultJson = 0, kKeyListBody = 1, kKeyDetailsBody = 2, kUsageBody = 3 };

void settle(int call, bool ok, const std::string& text, Shape shape = kResultJson) {
  g_calls.erase(call);
  ks_host_settle(call, ok ? 1 : 0, shape, text.data(), static_cast<int>(text.size()));
}

template <class T>
void settle_error(int call, const Result<T>& result) {
  settle(call, false, encode_error_object(result.error()));
}

// A decoded response: JS gets the body back rather than a re-encoding of the model (see
// src/results.js), because JSON.parse is faster than anything the wasm can write.
template <class T>
void settle_checked_body(int call, const Result<T>& result, Shape shape) {
  if (!result.ok()) return settle_error(call, result);
  settle(call, true, result.raw().body, shape);
}

// Options arrive as separate scalars from JS (no JSON parsing of secrets on either side).
std::string client_create(std::string base_url, std::string session_token, bool ambient,
                          double timeout_ms, int max_retries, double initial_backoff_ms,
                          double max_backoff_ms, double max_server_wait_ms, bool strict) {
  const int id = g_next_client++;
  ClientOptions options;
  options.strict = strict;
  options.base_url = std::move(base_url);
  options.session_token = std::move(session_token);
  options.ambient_credentials = ambient && options.session_token.empty();
  options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_ms));
  options.retry.max_retries = max_retries;
  if (initial_backoff_ms >= 0) {
    options.retry.initial_backoff = std::chrono::milliseconds(static_cast<std::int64_t>(initial_backoff_ms));
  }
  if (max_backoff_ms >= 0) {
    options.retry.max_backoff = std::chrono::milliseconds(static_cast<std::int64_t>(max_backoff_ms));
  }
  if (max_server_wait_ms >= 0) {
    options.retry.max_server_wait = std::chrono::milliseconds(static_cast<std::int64_t>(max_server_wait_ms));
  }
  options.transport = std::make_shared<FetchTransport>(id);
  options.user_agent_product = std::string("keyscope-js/") + kVersion;
  auto created = Client::create(std::move(options));
  if (!created.ok()) return error_json(created.error());
  g_clients[id] = std::make_unique<ClientEntry>(ClientEntry{created.value()});
  return "{\"client\":" + std::to_string(id) + "}";
}

void client_destroy(int client) { g_clients.erase(client); }

std::string client_user_agent(int client) {
  auto it = g_clients.find(client);
  return it == g_clients.end() ? std::string() : it->second->client.user_agent();
}

std::string client_rate_limit(int client) {
  auto it = g_clients.find(client);
  if (it == g_clients.end()) return "null";
  return encode_rate_limit_object(it->second->client.rate_limit());
}

// A JSON string literal (key ids are UUIDs, but nothing here assumes it).
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
    out += "{\"key_id\":" + json_string(errors[i].key_id) +
           ",\"error\":" + encode_error_object(errors[i].error) + "}";
  }
  return out + "]";
}

std::string fleet_to_json(const Fleet& fleet) {
  std::string out = "{\"keys\":[";
  for (std::size_t i = 0; i < fleet.keys.size(); ++i) {
    if (i) out += ",";
    out += encode_key_info_object(fleet.keys[i]);
  }
  out += "],\"usages\":[";
  for (std::size_t i = 0; i < fleet.usages.size(); ++i) {
    if (i) out += ",";
    out += encode_key_usage_object(fleet.usages[i]);
  }
  out += "],\"window_days\":" + std::to_string(fleet.window_days) +
         ",\"errors\":" + key_errors_json(fleet.errors) + "}";
  return out;
}

// The analytics input of a fleet fetched with FleetErrors::collect: the keys that failed are
// left out, so usage_by_key reports only the keys that answered (as `keyscope report` does).
std::string answered_fleet_json(const Fleet& fleet) {
  if (fleet.errors.empty()) return fleet_to_json(fleet);
  Fleet answered = fleet;
  answered.keys.clear();
  for (const auto& key : fleet.keys) {
    bool failed = false;
    for (const auto& e : fleet.errors) failed = failed || e.key_id == key.id;
    if (!failed) answered.keys.push_back(key);
  }
  answered.errors.clear();
  return fleet_to_json(answered);
}

// op: 0 list_keys, 1 get_key, 2 get_usage, 3 fetch_fleet, 4 usage_by_key.
// timeout_ms / max_retries < 0: the client's defaults. collect_errors (ops 3 and 4): the fleet
// fetch collects per-key errors (FleetErrors::collect); op 4 then settles {"rows", "errors"}.
void client_call(int client, int op, std::string key_id, int days, int concurrency,
                 double timeout_ms, int max_retries, int call, bool collect_errors) {
  auto it = g_clients.find(client);
  if (it == g_clients.end()) {
    Error error = validation_error("the client was closed", "client_closed");
    return settle(call, false, encode_error_object(error));
  }
  const Client& c = it->second->client;
  CallOptions options;
  if (timeout_ms >= 0) options.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_ms));
  if (max_retries >= 0) options.max_retries = max_retries;
  options.cancellation = std::make_shared<Cancellation>();
  g_calls[call] = options.cancellation;
  switch (op) {
    case 0:
      return c.list_keys_async([call](Result<KeyList> r) { settle_checked_body(call, r, kKeyListBody); },
                               options);
    case 1:
      return c.get_key_async(
          key_id, [call](Result<APIKeyDetails> r) { settle_checked_body(call, r, kKeyDetailsBody); },
          options);
    case 2:
      return c.get_usage_async(
          key_id, days, [call](Result<KeyUsage> r) { settle_checked_body(call, r, kUsageBody); },
          options);
    case 3:
    case 4:
      return c.fetch_fleet_async(
          days, concurrency,
          [call, op, collect_errors](Result<Fleet> r) {
            if (!r.ok()) return settle_error(call, r);
            if (op == 3) return settle(call, true, fleet_to_json(r.value()));
            auto rows = analytics::usage_by_key_json(answered_fleet_json(r.value()));
            if (!rows.ok()) return settle_error(call, rows);
            if (!collect_errors) return settle(call, true, rows.value());
            settle(call, true, "{\"rows\":" + rows.value() + ",\"errors\":" +
                                   key_errors_json(r.value().errors) + "}");
          },
          options, {}, collect_errors ? FleetErrors::collect : FleetErrors::cancel_on_first);
    default: {
      Error error = validation_error("unknown operation", "invalid_argument");
      return settle(call, false, encode_error_object(error));
    }
  }
}

// Cancels a call: its retry loop stops and every fetch it has in flight is aborted.
void call_cancel(int call) {
  auto it = g_calls.find(call);
  if (it == g_calls.end()) return;
  std::shared_ptr<Cancellation> cancellation = it->second;
  cancellation->cancel();
  std::vector<int> to_abort;
  for (const auto& [id, pending] : g_requests) {
    if (pending.cancellation == cancellation) to_abort.push_back(id);
  }
  for (int id : to_abort) ks_host_abort(id);
}

// {"ok": <output JSON>} or {"error": <error object>} — one JSON text either way.
std::string wrap(const Result<std::string>& result) {
  if (result.ok()) return "{\"ok\":" + result.value() + "}";
  return error_json(result.error());
}

std::string run_helper(std::string helper, std::string input) {
  return wrap(analytics::run_helper_json(helper, input));
}

// Decodes a response body the way a call does (tests, benchmarks): "" when it is valid, else
// {"error": ...}. With `reencode`, {"ok": <the core's JSON of the decoded model>}: the reference
// src/results.js is tested against.
std::string decode_body(std::string kind, std::string body, bool reencode) {
  auto answer = [reencode](const auto& result, auto encode) -> std::string {
    if (!result.ok()) return error_json(result.error());
    return reencode ? "{\"ok\":" + encode(result.value()) + "}" : std::string();
  };
  if (kind == "usage") return answer(decode_key_usage(body), encode_key_usage_object);
  if (kind == "keys") return answer(decode_key_list(body), encode_key_list);
  return answer(decode_key_details(body), encode_key_details);
}

std::string validate(std::string what, std::string value) {
  std::optional<Error> error;
  if (what == "key_id") error = validate_key_id(value);
  else if (what == "base_url") error = validate_base_url(value);
  else if (what == "session_token") error = validate_session_token(value);
  return error ? encode_error_object(*error) : std::string("null");
}

std::string version() { return kVersion; }

// ---- DDSketch handles (the JS DDSketch frees them via dispose() or a FinalizationRegistry) ----
std::map<int, std::unique_ptr<analytics::DDSketch>> g_sketches;
int g_next_sketch = 1;

template <class Fn>
std::string guarded(Fn fn) {
  try {
    return "{\"ok\":" + fn() + "}";
  } catch (const KeyscopeError& e) {
    return error_json(e.error());
  } catch (const std::exception& e) {
    return error_json(validation_error(e.what()));
  }
}

analytics::DDSketch& sketch_at(int id) {
  auto it = g_sketches.find(id);
  if (it == g_sketches.end()) throw_error(validation_error("the sketch was disposed", "disposed"));
  return *it->second;
}

std::string number(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

std::string sketch_summary(const analytics::DDSketch& s) {
  return "{\"count\":" + number(s.count()) + ",\"sum\":" + number(s.sum()) +
         ",\"min\":" + number(s.min()) + ",\"max\":" + number(s.max()) +
         ",\"zero_count\":" + number(s.zero_count()) +
         ",\"bucket_count\":" + std::to_string(s.bucket_count()) + "}";
}

std::string sketch_create(double relative_accuracy, int max_buckets) {
  return guarded([&] {
    auto sketch = std::make_unique<analytics::DDSketch>(relative_accuracy, max_buckets);
    const int id = g_next_sketch++;
    g_sketches[id] = std::move(sketch);
    return std::to_string(id);
  });
}

std::string sketch_from_json(std::string text) {
  return guarded([&] {
    auto sketch = std::make_unique<analytics::DDSketch>(analytics::DDSketch::from_json(text));
    const int id = g_next_sketch++;
    g_sketches[id] = std::move(sketch);
    return std::to_string(id);
  });
}

// values: `length` doubles at `pointer` in the wasm heap (copied there by JS).
std::string sketch_add(int id, std::uintptr_t pointer, int length, double count) {
  return guarded([&] {
    analytics::DDSketch& sketch = sketch_at(id);
    const double* values = reinterpret_cast<const double*>(pointer);
    for (int i = 0; i < length; ++i) sketch.add(values[i], count);
    return std::string("null");
  });
}

std::string sketch_merge(int id, int other) {
  return guarded([&] {
    sketch_at(id).merge(sketch_at(other));
    return std::string("null");
  });
}

std::string sketch_quantiles(int id, std::uintptr_t pointer, int length) {
  return guarded([&] {
    const analytics::DDSketch& sketch = sketch_at(id);
    const double* qs = reinterpret_cast<const double*>(pointer);
    std::string out = "[";
    for (int i = 0; i < length; ++i) {
      if (i) out += ",";
      out += number(sketch.quantile(qs[i]));
    }
    return out + "]";
  });
}

std::string sketch_summary_json(int id) { return guarded([&] { return sketch_summary(sketch_at(id)); }); }
std::string sketch_to_json(int id) { return guarded([&] { return sketch_at(id).to_json(); }); }

// The protobuf bytes of the last sketchToProto stay here until the next one; JS copies them out
// of the heap at {"pointer", "length"} (an embind std::string return would not be binary-safe).
std::string g_proto_bytes;

std::string sketch_to_proto(int id) {
  return guarded([&] {
    g_proto_bytes = sketch_at(id).to_proto();
    return "{\"pointer\":" + std::to_string(reinterpret_cast<std::uintptr_t>(g_proto_bytes.data())) +
           ",\"length\":" + std::to_string(g_proto_bytes.size()) + "}";
  });
}

// bytes: a Uint8Array, which embind copies byte for byte into the std::string.
std::string sketch_from_proto(std::string bytes, int max_buckets) {
  return guarded([&] {
    auto sketch = std::make_unique<analytics::DDSketch>(analytics::DDSketch::from_proto(bytes, max_buckets));
    const int id = g_next_sketch++;
    g_sketches[id] = std::move(sketch);
    return std::to_string(id);
  });
}
void sketch_free(int id) { g_sketches.erase(id); }

}  // namespace

// Raw exports for the hot path: the body is copied from the JS-allocated buffer exactly once.
extern "C" {

// kind: 0 a response (any status), 1 timeout, 2 connection failure, 3 cancelled by the caller,
// 4 response larger than the client's limit (src/index.js finish()).
EMSCRIPTEN_KEEPALIVE void ks_complete(int request, int kind, int status, const char* headers,
                                      int headers_length, const char* body, int body_length,
                                      const char* message) {
  auto it = g_requests.find(request);
  if (it == g_requests.end()) return;
  Pending pending = std::move(it->second);
  g_requests.erase(it);
  if (kind == 0) {
    HttpResponse response;
    response.status = status;
    // headers: "name\nvalue\n" pairs (header values never contain a newline)
    std::string_view text(headers, static_cast<std::size_t>(headers_length));
    while (!text.empty()) {
      const auto name_end = text.find('\n');
      if (name_end == std::string_view::npos) break;
      const auto value_end = text.find('\n', name_end + 1);
      if (value_end == std::string_view::npos) break;
      response.headers.add(std::string(text.substr(0, name_end)),
                           std::string(text.substr(name_end + 1, value_end - name_end - 1)));
      text.remove_prefix(value_end + 1);
    }
    response.body.assign(body, static_cast<std::size_t>(body_length));
    return pending.done(Result<HttpResponse>(std::move(response)));
  }
  Error error;
  if (kind == 3 || (pending.cancellation && pending.cancellation->cancelled())) {
    error = cancelled_error();
  } else if (kind == 1) {
    error = timeout_error(message ? message : "the request timed out");
  } else if (kind == 4) {
    error = connection_error(message ? message : "the response was too large", "response_too_large");
  } else if (kind == 5) {
    error = redirect_error(0, "");
  } else {
    error = connection_error(message ? message : "the connection failed");
  }
  pending.done(Result<HttpResponse>(std::move(error)));
}

EMSCRIPTEN_KEEPALIVE void ks_timer_fire(int timer) {
  auto it = g_timers.find(timer);
  if (it == g_timers.end()) return;
  auto fn = std::move(it->second);
  g_timers.erase(it);
  fn();
}

EMSCRIPTEN_KEEPALIVE int ks_pending_count() {
  return static_cast<int>(g_requests.size() + g_timers.size() + g_calls.size());
}

// Bytes in live malloc allocations (dlmalloc's mallinfo().uordblks), for the package's leak
// tests: unlike the wasm memory size, it falls again when memory is freed.
EMSCRIPTEN_KEEPALIVE int ks_heap_in_use() {
  return static_cast<int>(mallinfo().uordblks);
}

}  // extern "C"

EMSCRIPTEN_BINDINGS(keyscope) {
  emscripten::function("clientCreate", &client_create);
  emscripten::function("clientDestroy", &client_destroy);
  emscripten::function("clientUserAgent", &client_user_agent);
  emscripten::function("clientRateLimit", &client_rate_limit);
  emscripten::function("clientCall", &client_call);
  emscripten::function("callCancel", &call_cancel);
  emscripten::function("runHelper", &run_helper);
  emscripten::function("decodeBody", &decode_body);
  emscripten::function("validate", &validate);
  emscripten::function("version", &version);
  emscripten::function("sketchCreate", &sketch_create);
  emscripten::function("sketchFromJson", &sketch_from_json);
  emscripten::function("sketchAdd", &sketch_add);
  emscripten::function("sketchMerge", &sketch_merge);
  emscripten::function("sketchQuantiles", &sketch_quantiles);
  emscripten::function("sketchSummary", &sketch_summary_json);
  emscripten::function("sketchToJson", &sketch_to_json);
  emscripten::function("sketchToProto", &sketch_to_proto);
  emscripten::function("sketchFromProto", &sketch_from_proto);
  emscripten::function("sketchFree", &sketch_free);
}
