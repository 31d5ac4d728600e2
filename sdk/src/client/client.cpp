#include "keyscope/client.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "client/client_impl.hpp"
#include "client/response_policy.hpp"
#include "keyscope/analytics.hpp"
#include "keyscope/codec.hpp"
#include "keyscope/redact.hpp"
#include "keyscope/validation.hpp"
#include "keyscope/version.hpp"
#ifdef KEYSCOPE_HAVE_CURL
#include "keyscope/curl_transport.hpp"
#endif

namespace keyscope {
namespace {

std::optional<Error> validate_options(const ClientOptions& options) {
  if (auto error = validate_base_url(options.base_url)) return error;
  if (!options.ambient_credentials || !options.session_token.empty()) {
    if (auto error = validate_session_token(options.session_token)) return error;
  }
  if (auto error = validate_max_retries(options.retry.max_retries)) return error;
  if (auto error = validate_timeout_ms(options.timeout.count())) return error;
  if (options.retry.initial_backoff.count() < 0 || options.retry.max_backoff.count() < 0 ||
      options.retry.max_server_wait.count() < 0) {
    return validation_error("retry delays must not be negative");
  }
  return std::nullopt;
}

std::optional<Error> validate_call(const CallOptions& call) {
  if (call.timeout) {
    if (auto error = validate_timeout_ms(call.timeout->count())) return error;
  }
  if (call.max_retries) {
    if (auto error = validate_max_retries(*call.max_retries)) return error;
  }
  return std::nullopt;
}

// Runs the request, then decodes a 2xx body with `decode` (unless the host has checked it:
// CallOptions::host_checked_body); errors pass through with their raw.
template <class T, class Decode>
void get_and_decode(const std::shared_ptr<Client::Impl>& impl, std::string path,
                    const CallOptions& call, Decode decode, Callback<T> done, bool blocking) {
  std::function<bool(std::string_view)> host_checked;
  if (!impl->options.strict) host_checked = call.host_checked_body;
  impl->execute(std::move(path), call,
                [decode, host_checked = std::move(host_checked), done = std::move(done)](Result<HttpResponse> outcome) {
                  if (!outcome.ok()) return done(Result<T>(outcome.error(), outcome.raw()));
                  HttpResponse response = std::move(outcome).value();
                  if (host_checked && host_checked(response.body)) return done(Result<T>(T{}, std::move(response)));
                  Result<T> decoded = decode(response.body);
                  if (!decoded.ok()) {
                    Error error = decoded.error();
                    error.status = response.status;
                    if (auto id = response.headers.get(header::kRequestId)) error.request_id = *id;
                    return done(Result<T>(std::move(error), std::move(response)));
                  }
                  done(Result<T>(std::move(decoded).value(), std::move(response)));
                },
                blocking);
}

// Starts a call and waits for its result. A blocking call over a transport with a blocking path
// has its result before start() returns; otherwise it arrives from the transport's thread. Not a
// std::promise: its set_value makes a futex system call every time (glibc's pthread_once wakes
// waiters unconditionally), and a sequential caller would pay it once a request.
template <class T>
Result<T> wait_for(const std::function<void(Callback<T>)>& start) {
  struct Handoff {
    std::mutex mutex;
    std::condition_variable arrived;
    std::optional<Result<T>> result;
  };
  auto handoff = std::make_shared<Handoff>();
  start([handoff](Result<T> result) {
    std::lock_guard<std::mutex> lock(handoff->mutex);
    handoff->result.emplace(std::move(result));
    handoff->arrived.notify_one();
  });
  std::unique_lock<std::mutex> lock(handoff->mutex);
  handoff->arrived.wait(lock, [&] { return handoff->result.has_value(); });
  return std::move(*handoff->result);
}

std::string trim_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Result<Client> Client::create(ClientOptions options) {
  if (auto error = validate_options(options)) return std::move(*error);
  if (!options.transport) {
#ifdef KEYSCOPE_HAVE_CURL
    options.transport = default_transport();
#else
    return validation_error("a transport is required in this build", "missing_transport");
#endif
  }
  auto impl = std::make_shared<Impl>();
  impl->base_url = trim_trailing_slashes(options.base_url);
  impl->user_agent = std::string("keyscope/") + kVersion + " (" + options.transport->name() + ")";
  if (!options.user_agent_product.empty()) impl->user_agent += " " + options.user_agent_product;
  impl->options = std::move(options);
  return Client(std::move(impl));
}

Client::Client(ClientOptions options) : Client(create(std::move(options)).value()) {}

Client::Client(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

namespace {

// Each endpoint's call, written once: the *_async methods start it, the blocking ones start it
// with `blocking` and wait.
void start_list_keys(const std::shared_ptr<Client::Impl>& impl, Callback<KeyList> done,
                     const CallOptions& call, bool blocking) {
  if (auto error = validate_call(call)) return done(std::move(*error));
  const DecodeOptions decoding{impl->options.strict};
  get_and_decode<KeyList>(impl, "/api/v1/keys", call,
                          [decoding](std::string_view body) { return decode_key_list(body, decoding); },
                          std::move(done), blocking);
}

void start_get_key(const std::shared_ptr<Client::Impl>& impl, const std::string& key_id,
                   Callback<APIKeyDetails> done, const CallOptions& call, bool blocking) {
  if (auto error = validate_key_id(key_id)) return done(std::move(*error));
  if (auto error = validate_call(call)) return done(std::move(*error));
  const DecodeOptions decoding{impl->options.strict};
  get_and_decode<APIKeyDetails>(impl, "/api/v1/keys/" + key_id, call,
                                [decoding](std::string_view body) { return decode_key_details(body, decoding); },
                                std::move(done), blocking);
}

// Written once for the call and for usage_request_template().
std::string usage_path(std::string_view key_id, std::string_view days) {
  std::string path = "/api/v1/keys/";
  path += key_id;
  path += "/usage?days=";
  path += days;
  return path;
}

void start_get_usage(const std::shared_ptr<Client::Impl>& impl, const std::string& key_id, int days,
                     Callback<KeyUsage> done, const CallOptions& call, bool blocking) {
  if (auto error = validate_key_id(key_id)) return done(std::move(*error));
  if (auto error = validate_days(days)) return done(std::move(*error));
  if (auto error = validate_call(call)) return done(std::move(*error));
  get_and_decode<KeyUsage>(impl, usage_path(key_id, std::to_string(days)),
                           call, [strict = impl->options.strict](std::string_view body) -> Result<KeyUsage> {
                             auto usage = decode_key_usage(body, DecodeOptions{strict});
                             if (strict && usage.ok()) {
                               if (auto error = analytics::implausible_usage(*usage)) return std::move(*error);
                             }
                             return usage;
                           },
                           std::move(done), blocking);
}

}  // namespace

void Client::list_keys_async(Callback<KeyList> done, CallOptions call) const {
  start_list_keys(impl_, std::move(done), call, false);
}

void Client::get_key_async(const std::string& key_id, Callback<APIKeyDetails> done,
                           CallOptions call) const {
  start_get_key(impl_, key_id, std::move(done), call, false);
}

void Client::get_usage_async(const std::string& key_id, int days, Callback<KeyUsage> done,
                             CallOptions call) const {
  start_get_usage(impl_, key_id, days, std::move(done), call, false);
}

Result<KeyList> Client::list_keys(CallOptions call) const {
  return wait_for<KeyList>([&](Callback<KeyList> done) { start_list_keys(impl_, std::move(done), call, true); });
}

Result<APIKeyDetails> Client::get_key(const std::string& key_id, CallOptions call) const {
  return wait_for<APIKeyDetails>(
      [&](Callback<APIKeyDetails> done) { start_get_key(impl_, key_id, std::move(done), call, true); });
}

Result<KeyUsage> Client::get_usage(const std::string& key_id, int days, CallOptions call) const {
  return wait_for<KeyUsage>(
      [&](Callback<KeyUsage> done) { start_get_usage(impl_, key_id, days, std::move(done), call, true); });
}

Result<Fleet> Client::fetch_fleet(int days, int concurrency, CallOptions call,
                                  FleetProgress progress, FleetErrors errors) const {
  return wait_for<Fleet>([&](Callback<Fleet> done) {
    fetch_fleet_async(days, concurrency, std::move(done), call, progress, errors);
  });
}

RateLimit Client::rate_limit() const { return impl_->rate_limit(); }
const ClientOptions& Client::options() const { return impl_->options; }
std::string Client::user_agent() const { return impl_->user_agent; }

HttpRequest Client::usage_request_template() const {
  return impl_->first_request(usage_path("{key_id}", "{days}"), CallOptions{});
}

void Client::record_response_headers(const Headers& headers, std::int64_t received_unix) const {
  impl_->record_rate_limit(headers, received_unix);
}

void Client::Impl::record_rate_limit(const Headers& headers, std::int64_t received_unix) {
  RateLimit parsed = client::parse_rate_limit(headers, received_unix);
  if (!parsed.limit && !parsed.remaining && !parsed.reset_unix && !parsed.retry_after_seconds) return;
  std::lock_guard<std::mutex> lock(mutex_);
  last_rate_limit_ = parsed;
}

RateLimit Client::Impl::rate_limit() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_rate_limit_;
}

double Client::Impl::next_random() {
  if (options.random) return options.random();
  std::lock_guard<std::mutex> lock(mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

std::int64_t Client::Impl::now_unix() const {
  if (options.now_unix) return options.now_unix();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace keyscope
