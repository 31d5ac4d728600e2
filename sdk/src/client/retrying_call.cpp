// One GET with auth, retries and error mapping. Asynchronous calls are driven by transport
// completions (no blocking); a blocking call runs every attempt and every wait on the caller's
// thread when its transport has a blocking path (Transport::send_blocking).
#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "client/client_impl.hpp"
#include "client/response_policy.hpp"
#include "keyscope/redact.hpp"

namespace keyscope {
namespace {

struct RetryingCall : std::enable_shared_from_this<RetryingCall> {
  std::shared_ptr<Client::Impl> client;
  std::string path;  // after the base URL, for log records
  HttpRequest request;
  int max_retries = 0;
  int attempt = 0;
  std::chrono::steady_clock::time_point started;
  std::function<void(Result<HttpResponse>)> done;
  bool blocking = false;  // on the caller's thread, while the transport has a blocking path

  void start() {
    if (request.cancellation && request.cancellation->cancelled()) return finish(cancelled(), {});
    ++attempt;
    started = std::chrono::steady_clock::now();
    if (blocking) {
      if (auto outcome = client->options.transport->send_blocking(request)) return on_outcome(std::move(*outcome));
      blocking = false;  // this transport has none: wait on send() like an asynchronous call
    }
    auto self = shared_from_this();
    client->options.transport->send(request, [self](Result<HttpResponse> outcome) {
      self->on_outcome(std::move(outcome));
    });
  }

  void on_outcome(Result<HttpResponse> outcome) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    const bool received = outcome.ok();
    HttpResponse raw = received ? std::move(outcome).value() : outcome.raw();
    std::optional<Error> error;
    if (received) {
      client->record_rate_limit(raw.headers, client->now_unix());
      client->log([&] {
        LogEvent event = log_event(LogEvent::Kind::response);
        event.status = raw.status;
        event.elapsed = elapsed;
        event.request_id = raw.headers.get(header::kRequestId).value_or("");
        event.line = "keyscope: GET " + event.url + " -> " + std::to_string(raw.status) +
                     " in " + std::to_string(elapsed.count()) + " ms (attempt " +
                     std::to_string(attempt) + ")" +
                     (event.request_id.empty() ? std::string() : " request_id " + event.request_id);
        return event;
      });
      if (raw.status >= 200 && raw.status < 300) return finish(std::nullopt, std::move(raw));
      error = client::error_from_response(raw);
    } else {
      error = outcome.error();
      client->log([&] {
        LogEvent event = log_event(LogEvent::Kind::failure);
        event.elapsed = elapsed;
        event.error = error_class_name(error->kind);
        event.message = error->message;
        event.line = "keyscope: GET " + event.url + " failed after " +
                     std::to_string(elapsed.count()) + " ms (attempt " + std::to_string(attempt) +
                     "): " + redact(error->message, client->options.session_token);
        return event;
      });
    }
    error->message = redact(error->message, client->options.session_token);

    std::optional<double> server_wait;
    if (raw.status != 0) server_wait = client::server_requested_wait(raw, client->now_unix());
    if (error->kind == ErrorKind::rate_limit) error->retry_after_seconds = server_wait;
    if (!client::is_retryable(*error) || attempt > max_retries) {
      return finish(std::move(error), std::move(raw));
    }
    std::chrono::milliseconds delay =
        client::backoff_delay(client->options.retry, attempt - 1, client->next_random());
    if (server_wait) {
      const auto requested = std::chrono::milliseconds(static_cast<std::int64_t>(*server_wait * 1000.0));
      if (requested > client->options.retry.max_server_wait) {
        // Sleeping that long would look like a hang: hand the wait to the caller instead.
        error->retry_after_seconds = *server_wait;
        return finish(std::move(error), std::move(raw));
      }
      delay = requested;
    }
    client->log([&] {
      LogEvent event = log_event(LogEvent::Kind::retry);
      event.status = raw.status;
      event.wait = delay;
      event.request_id = raw.headers.get(header::kRequestId).value_or("");
      event.error = error_class_name(error->kind);
      event.line = "keyscope: retrying GET " + event.url + " in " +
                   std::to_string(delay.count()) + " ms after " + event.error +
                   (raw.status ? " " + std::to_string(raw.status) : std::string());
      return event;
    });
    if (blocking) {
      sleep_unless_cancelled(delay);
      return start();  // at most max_retries + 1 levels deep
    }
    auto self = shared_from_this();
    client->options.transport->defer_cancellable(delay, [self] { self->start(); }, request.cancellation);
  }

  // A retry's wait on the caller's thread, cut short by the call's Cancellation (start() then
  // finishes the call as cancelled).
  void sleep_unless_cancelled(std::chrono::milliseconds delay) const {
    constexpr std::chrono::milliseconds kSlice{20};
    const auto until = std::chrono::steady_clock::now() + delay;
    for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
      if (request.cancellation && request.cancellation->cancelled()) return;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, kSlice));
    }
  }

  LogEvent log_event(LogEvent::Kind kind) const {
    LogEvent event;
    event.kind = kind;
    event.method = request.method;
    event.path = redact(path);
    event.url = redact(request.url);
    event.attempt = attempt;
    return event;
  }

  static Error cancelled() { return cancelled_error(); }

  // On success the response is the value (raw() stays empty: the caller makes it the raw of
  // its own Result, so the body is never copied).
  void finish(std::optional<Error> error, HttpResponse raw) {
    auto callback = std::move(done);
    if (error) callback(Result<HttpResponse>(std::move(*error), std::move(raw)));
    else callback(Result<HttpResponse>(std::move(raw)));
  }
};

}  // namespace

HttpRequest Client::Impl::first_request(const std::string& path, const CallOptions& call) const {
  HttpRequest request;
  request.method = "GET";
  request.url = base_url + path;
  request.timeout = call.timeout.value_or(options.timeout);
  request.cancellation = call.cancellation;
  request.headers.add("Accept", "application/json");
  request.headers.add("User-Agent", user_agent);
  if (!options.session_token.empty()) request.headers.add("Cookie", "sb-access-token=" + options.session_token);
  return request;
}

void Client::Impl::execute(std::string path, const CallOptions& call,
                           std::function<void(Result<HttpResponse>)> done, bool blocking) {
  auto retrying = std::make_shared<RetryingCall>();
  retrying->client = shared_from_this();
  retrying->request = first_request(path, call);
  retrying->path = std::move(path);
  retrying->max_retries = call.max_retries.value_or(options.retry.max_retries);
  retrying->done = std::move(done);
  retrying->blocking = blocking;
  retrying->start();
}

}  // namespace keyscope
