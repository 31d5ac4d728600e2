// The client for src/client.js: clients and calls behind integer handles. A call returns at
// once and settles later through the JS host's settle() (ks_host_settle), exactly once.
#include <emscripten.h>
#include <emscripten/bind.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "binding.hpp"

#ifdef EM_JS_DEPS
EM_JS_DEPS(keyscope_client, "$UTF8ToString");
#endif

// shape: a Shape (codes.hpp), what `text` is. `length` bytes are decoded as they are, without
// UTF8ToString's byte-by-byte search for a NUL (a body with one never decodes without error).
EM_JS(void, ks_host_settle, (int call, int ok, int shape, const char* text, int length), {
  const utf8 = Module['ksUtf8'] || (Module['ksUtf8'] = new TextDecoder());
  Module['ksHost']['settle'](call, ok, shape, utf8.decode(HEAPU8.subarray(text, text + length)));
});
// One piece of a fleet, before its settle (kFleet): the usage body of the key at `key_index` in
// the key list, or the key list's body (key_index -1). `checked`: JS checked this usage body
// itself just before (ks_host_check_body) and holds its result: no text then.
EM_JS(void, ks_host_part, (int call, int key_index, const char* text, int length, int checked), {
  const utf8 = Module['ksUtf8'] || (Module['ksUtf8'] = new TextDecoder());
  Module['ksHost']['part'](call, key_index, checked ? null : utf8.decode(HEAPU8.subarray(text, text + length)));
});
// The JS host's check of a 2xx body before the core decodes it (src/host_check.js): 1 when JS
// is sure the core accepts it and has kept the call's result, 0 to have the core decode it.
EM_JS(int, ks_host_check_body, (int call, int shape, const char* body, int length), {
  return Module['ksHost']['checkBody'](call, shape, HEAPU8.subarray(body, body + length)) ? 1 : 0;
});
// One step of a call (a LogEvent as JSON) for the client's logger (src/logger.js).
EM_JS(void, ks_host_log, (int client, const char* text, int length),
      { Module['ksHost']['log'](client, UTF8ToString(text, length)); });
// A fleet fetch's counts (FleetProgressInfo) for the call's onProgress.
EM_JS(void, ks_host_progress, (int call, double done, double total, double failed),
      { Module['ksHost']['progress'](call, done, total, failed); });

namespace keyscope_wasm {
namespace {

using namespace keyscope;

std::map<int, std::unique_ptr<Client>> g_clients;
int g_next_client = 1;
std::map<int, std::shared_ptr<Cancellation>> g_calls;  // call id -> its cancellation

void settle(int call, bool ok, const std::string& text, Shape shape = kResultJson) {
  g_calls.erase(call);
  ks_host_settle(call, ok ? 1 : 0, shape, text.data(), static_cast<int>(text.size()));
}

template <class T>
void settle_error(int call, const Result<T>& result) {
  settle(call, false, encode_error_object(result.error()));
}

// A decoded response: JS gets the body back rather than a re-encoding of the model (see
// src/results.js), because JSON.parse is faster than anything the wasm can write. A body JS
// checked itself (ask_host_first) is not sent back: JS already holds the result.
template <class T>
void settle_checked_body(int call, const Result<T>& result, Shape shape, const std::shared_ptr<bool>& host_checked) {
  if (!result.ok()) return settle_error(call, result);
  if (*host_checked) return settle(call, true, std::string(), kHostChecked);
  settle(call, true, result.raw().body, shape);
}

// Has a single call's 2xx body checked by JS first; `checked` records JS's answer for the settle.
void ask_host_first(int call, Shape shape, CallOptions& options, const std::shared_ptr<bool>& checked) {
  options.host_checked_body = [call, shape, checked](std::string_view body) {
    *checked = ks_host_check_body(call, shape, body.data(), static_cast<int>(body.size())) != 0;
    return *checked;
  };
}

std::chrono::milliseconds ms(double value) { return std::chrono::milliseconds(static_cast<std::int64_t>(value)); }

// Options arrive as separate scalars from JS (no JSON parsing of secrets on either side); a
// negative delay is the core's default. log_requests: every step of every call goes to the JS
// host's log(), redacted by the core.
std::string client_create(std::string base_url, std::string session_token, bool ambient,
                          double timeout_ms, int max_retries, double initial_backoff_ms,
                          double max_backoff_ms, double max_server_wait_ms, bool strict, bool log_requests) {
  const int id = g_next_client++;
  ClientOptions options;
  options.strict = strict;
  options.base_url = std::move(base_url);
  options.session_token = std::move(session_token);
  options.ambient_credentials = ambient && options.session_token.empty();
  options.timeout = ms(timeout_ms);
  options.retry.max_retries = max_retries;
  if (initial_backoff_ms >= 0) options.retry.initial_backoff = ms(initial_backoff_ms);
  if (max_backoff_ms >= 0) options.retry.max_backoff = ms(max_backoff_ms);
  if (max_server_wait_ms >= 0) options.retry.max_server_wait = ms(max_server_wait_ms);
  options.transport = make_fetch_transport(id);
  options.user_agent_product = std::string("keyscope-js/") + kVersion;
  if (log_requests) {
    options.log_event = [id](const LogEvent& event) {
      const std::string text = log_event_json(event);
      ks_host_log(id, text.data(), static_cast<int>(text.size()));
    };
  }
  auto created = Client::create(std::move(options));
  if (!created.ok()) return error_json(created.error());
  g_clients[id] = std::make_unique<Client>(created.value());
  return "{\"client\":" + std::to_string(id) + "}";
}

void client_destroy(int client) { g_clients.erase(client); }

std::string client_user_agent(int client) {
  auto it = g_clients.find(client);
  return it == g_clients.end() ? std::string() : it->second->user_agent();
}

std::string client_rate_limit(int client) {
  auto it = g_clients.find(client);
  if (it == g_clients.end()) return "null";
  return encode_rate_limit_object(it->second->rate_limit());
}

// The direct getUsage's plan (src/direct.js): "<method>\n<timeout ms>\n<URL with {key_id} and
// {days}>\n" then the header lines (src/fetch_transport.cpp's shape). Empty when every call must run in the
// core: a strict client (its 2xx bodies are the core's to judge) or one with a logger (each step
// is the core's to log).
std::string client_direct_plan(int client) {
  auto it = g_clients.find(client);
  if (it == g_clients.end()) return std::string();
  const Client& c = *it->second;
  if (c.options().strict || c.options().log_event) return std::string();
  const HttpRequest request = c.usage_request_template();
  return request.method + "\n" + std::to_string(request.timeout.count()) + "\n" + request.url + "\n" + headers_to_lines(request.headers);
}

// A direct getUsage's response headers ("name\nvalue\n" pairs), received at `received_unix`.
void client_record_headers(int client, std::string header_lines, double received_unix) {
  auto it = g_clients.find(client);
  if (it == g_clients.end()) return;
  it->second->record_response_headers(headers_of_lines(header_lines), static_cast<std::int64_t>(received_unix));
}

void hand_over(int call, int key_index, const std::string& body, bool checked = false) {
  ks_host_part(call, key_index, body.data(), static_cast<int>(body.size()), checked ? 1 : 0);
}

// fetchFleet: the usage bodies went to JS as they arrived (hand_over); the key list's body
// follows, then the rest. JS parses the bodies as getUsage does: no re-encoding of the models.
void settle_fleet(int call, int op, bool collect_errors, const Result<Fleet>& fleet) {
  if (!fleet.ok()) return settle_error(call, fleet);
  if (op == kFetchFleet) {
    hand_over(call, -1, fleet.raw().body);
    return settle(call, true,
                  "{\"window_days\":" + std::to_string(fleet.value().window_days) +
                      ",\"errors\":" + key_errors_json(fleet.value().errors) + "}",
                  kFleet);
  }
  const std::string rows = usage_rows_json(fleet.value());
  if (!collect_errors) return settle(call, true, rows);
  settle(call, true, "{\"rows\":" + rows + ",\"errors\":" + key_errors_json(fleet.value().errors) + "}");
}

// op: an Op (codes.hpp). timeout_ms / max_retries < 0: the client's defaults. collect_errors
// (kFetchFleet, kUsageByKey): the fleet fetch collects per-key errors (FleetErrors::collect);
// kUsageByKey then settles {"rows", "errors"}. report_progress: the fleet's counts go to the JS
// host's progress().
void client_call(int client, int op, std::string key_id, int days, int concurrency,
                 double timeout_ms, int max_retries, int call, bool collect_errors, bool report_progress) {
  auto it = g_clients.find(client);
  if (it == g_clients.end()) {
    return settle(call, false, encode_error_object(validation_error("the client was closed", "client_closed")));
  }
  const Client& c = *it->second;
  CallOptions options;
  if (timeout_ms >= 0) options.timeout = ms(timeout_ms);
  if (max_retries >= 0) options.max_retries = max_retries;
  options.cancellation = std::make_shared<Cancellation>();
  g_calls[call] = options.cancellation;
  auto checked = std::make_shared<bool>(false);
  switch (op) {
    case kListKeys:
      ask_host_first(call, kKeyListBody, options, checked);
      return c.list_keys_async(
          [call, checked](Result<KeyList> r) { settle_checked_body(call, r, kKeyListBody, checked); }, options);
    case kGetKey:
      ask_host_first(call, kKeyDetailsBody, options, checked);
      return c.get_key_async(
          key_id, [call, checked](Result<APIKeyDetails> r) { settle_checked_body(call, r, kKeyDetailsBody, checked); },
          options);
    case kGetUsage:
      ask_host_first(call, kUsageBody, options, checked);
      return c.get_usage_async(
          key_id, days, [call, checked](Result<KeyUsage> r) { settle_checked_body(call, r, kUsageBody, checked); },
          options);
    case kFetchFleet:
    case kUsageByKey: {
      FleetProgress progress;
      if (report_progress) {
        progress = [call](const FleetProgressInfo& s) {
          ks_host_progress(call, static_cast<double>(s.done), static_cast<double>(s.total), static_cast<double>(s.failed));
        };
      }
      FleetUsageBody usage_body;
      if (op == kFetchFleet) {  // usageByKey needs the core's models: its bodies are the core's to decode
        // A usage body's check and its hand-over happen in one synchronous chain (the check, the
        // call's completion, the fleet's on_usage), so `checked` is that body's answer.
        ask_host_first(call, kUsageBody, options, checked);
        usage_body = [call, checked](std::size_t key_index, const std::string& body) {
          hand_over(call, static_cast<int>(key_index), body, *checked);
        };
      }
      return c.fetch_fleet_async(
          days, concurrency,
          [call, op, collect_errors](Result<Fleet> r) { settle_fleet(call, op, collect_errors, r); },
          options, std::move(progress), collect_errors ? FleetErrors::collect : FleetErrors::cancel_on_first,
          std::move(usage_body));
    }
    default:
      return settle(call, false, encode_error_object(validation_error("unknown operation", "invalid_argument")));
  }
}

// Cancels a call: its retry loop stops and every fetch it has in flight is aborted.
void call_cancel(int call) {
  auto it = g_calls.find(call);
  if (it == g_calls.end()) return;
  std::shared_ptr<Cancellation> cancellation = it->second;
  cancellation->cancel();
  end_transport_work_of(cancellation);
}

}  // namespace

std::size_t calls_pending_count() { return g_calls.size(); }

void bind_client() {
  emscripten::function("clientCreate", &client_create);
  emscripten::function("clientDestroy", &client_destroy);
  emscripten::function("clientUserAgent", &client_user_agent);
  emscripten::function("clientRateLimit", &client_rate_limit);
  emscripten::function("clientDirectPlan", &client_direct_plan);
  emscripten::function("clientRecordHeaders", &client_record_headers);
  emscripten::function("clientCall", &client_call);
  emscripten::function("callCancel", &call_cancel);
}

}  // namespace keyscope_wasm
