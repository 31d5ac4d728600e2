// The transport host: a keyscope::Transport whose send() asks the JS host (src/transport.js) to
// fetch(), and whose defer() asks it for a setTimeout. No Asyncify: send() returns at once and
// the exchange completes later through ks_complete(); many requests can be in flight at once.
#include <emscripten.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "binding.hpp"

#ifdef EM_JS_DEPS
EM_JS_DEPS(keyscope_fetch_transport, "$UTF8ToString");
#endif

EM_JS(void, ks_host_fetch, (int client, int request, const char* method, const char* url,
                            const char* header_lines, double timeout_ms),
      {
        Module['ksHost']['fetch'](client, request, UTF8ToString(method), UTF8ToString(url),
                                  UTF8ToString(header_lines), timeout_ms);
      });
EM_JS(void, ks_host_abort, (int request), { Module['ksHost']['abort'](request); });
EM_JS(void, ks_host_defer, (int timer, double delay_ms), { Module['ksHost']['defer'](timer, delay_ms); });
EM_JS(void, ks_host_clear_timer, (int timer), { Module['ksHost']['clearTimer'](timer); });

namespace keyscope_wasm {

using namespace keyscope;

// Request header values never hold a newline: the client refuses such a token or user agent
// before building a request.
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

Headers headers_of_lines(std::string_view lines) {
  Headers headers;
  while (!lines.empty()) {
    const auto name_end = lines.find('\n');
    if (name_end == std::string_view::npos) break;
    const auto value_end = lines.find('\n', name_end + 1);
    if (value_end == std::string_view::npos) break;
    headers.add(std::string(lines.substr(0, name_end)),
                std::string(lines.substr(name_end + 1, value_end - name_end - 1)));
    lines.remove_prefix(value_end + 1);
  }
  return headers;
}

namespace {

struct Pending {
  Transport::Completion done;
  std::shared_ptr<Cancellation> cancellation;
};
std::map<int, Pending> g_requests;
struct Timer {
  std::function<void()> fn;
  std::shared_ptr<Cancellation> cancellation;  // cuts the wait short (end_transport_work_of); may be null
};
std::map<int, Timer> g_timers;
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
    defer_cancellable(delay, std::move(fn), nullptr);
  }

  // A retry wait holds a JS timer, which keeps Node's event loop alive: a cancelled call's wait
  // ends at once (end_transport_work_of) instead of when the timer would fire.
  void defer_cancellable(std::chrono::milliseconds delay, std::function<void()> fn,
                         const std::shared_ptr<Cancellation>& cancellation) override {
    const int id = g_next_timer++;
    g_timers[id] = Timer{std::move(fn), cancellation};
    ks_host_defer(id, static_cast<double>(delay.count()));
  }

  std::string name() const override { return "fetch"; }

 private:
  int client_;
};

HttpResponse response_of(int status, std::string_view header_lines, const char* body, int body_length) {
  HttpResponse response;
  response.status = status;
  response.headers = headers_of_lines(header_lines);
  response.body.assign(body, static_cast<std::size_t>(body_length));
  return response;
}

Error failure_of(int kind, const Pending& pending, const char* message) {
  if (kind == kCancelled || (pending.cancellation && pending.cancellation->cancelled())) {
    return cancelled_error();
  }
  switch (kind) {
    case kTimedOut: return timeout_error(message ? message : "the request timed out");
    case kTooLarge: return connection_error(message ? message : "the response was too large", "response_too_large");
    case kRedirectHidden: return redirect_error(0, "");
    default: return connection_error(message ? message : "the connection failed");
  }
}

}  // namespace

std::shared_ptr<Transport> make_fetch_transport(int client) { return std::make_shared<FetchTransport>(client); }

void end_transport_work_of(const std::shared_ptr<Cancellation>& cancellation) {
  std::vector<int> to_abort;
  for (const auto& [id, pending] : g_requests) {
    if (pending.cancellation == cancellation) to_abort.push_back(id);
  }
  for (int id : to_abort) ks_host_abort(id);
  // Waits between attempts end now: each continues its call, which finishes as cancelled.
  std::vector<std::function<void()>> to_continue;
  for (auto it = g_timers.begin(); it != g_timers.end();) {
    if (cancellation && it->second.cancellation == cancellation) {
      ks_host_clear_timer(it->first);
      to_continue.push_back(std::move(it->second.fn));
      it = g_timers.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& fn : to_continue) fn();
}

std::size_t transport_pending_count() { return g_requests.size() + g_timers.size(); }

}  // namespace keyscope_wasm

// Raw exports for the hot path: the body is copied from the JS-allocated buffer exactly once.
extern "C" {

// kind: a Completion (codes.hpp); status, headers and body only for kResponse.
EMSCRIPTEN_KEEPALIVE void ks_complete(int request, int kind, int status, const char* headers,
                                      int headers_length, const char* body, int body_length,
                                      const char* message) {
  using namespace keyscope_wasm;
  auto it = g_requests.find(request);
  if (it == g_requests.end()) return;
  Pending pending = std::move(it->second);
  g_requests.erase(it);
  if (kind == kResponse) {
    std::string_view lines(headers, static_cast<std::size_t>(headers_length));
    return pending.done(keyscope::Result<keyscope::HttpResponse>(response_of(status, lines, body, body_length)));
  }
  pending.done(keyscope::Result<keyscope::HttpResponse>(failure_of(kind, pending, message)));
}

// "name\n..." of the response headers the client reads (keyscope::kResponseHeadersRead), lower
// case, NUL-terminated: the only headers src/transport.js copies into ks_complete.
EMSCRIPTEN_KEEPALIVE const char* ks_response_header_names() {
  static const std::string names = [] {
    std::string out;
    for (const char* name : keyscope::kResponseHeadersRead) {
      for (const char* c = name; *c; ++c) out += static_cast<char>(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
      out += '\n';
    }
    return out;
  }();
  return names.c_str();
}

EMSCRIPTEN_KEEPALIVE void ks_timer_fire(int timer) {
  using namespace keyscope_wasm;
  auto it = g_timers.find(timer);
  if (it == g_timers.end()) return;
  auto fn = std::move(it->second.fn);
  g_timers.erase(it);
  fn();
}

}  // extern "C"
