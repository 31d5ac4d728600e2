#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "fake_transport.hpp"
#include "keyscope/client.hpp"
#include "test_files.hpp"

namespace keyscope {
namespace {

using testing::FakeTransport;
using testing::read_test_file;
using testing::response;
using testing::transport_failure;

constexpr const char* kKeyId = "00000000-0000-4000-8000-000000000123";
constexpr const char* kToken = "session-TOKEN-value-123";

struct ClientFixture : ::testing::Test {
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
  std::vector<std::string> log_lines;
  std::int64_t now = 1779010000;

  Client make(std::string base_url = "http://127.0.0.1:9/proxy/") {
    ClientOptions options;
    options.base_url = std::move(base_url);
    options.session_token = kToken;
    options.transport = transport;
    options.random = [] { return 0.5; };
    options.now_unix = [this] { return now; };
    options.logger = [this](std::string_view line) { log_lines.emplace_back(line); };
    return Client(options);
  }
};

TEST_F(ClientFixture, SendsTheSessionCookieToThePrefixedUrl) {
  transport->script.push_back(response(200, read_test_file("fixtures/list_keys.json")));
  auto list = make().list_keys();
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  ASSERT_EQ(transport->requests.size(), 1u);
  const HttpRequest& sent = transport->requests[0];
  EXPECT_EQ(sent.url, "http://127.0.0.1:9/proxy/api/v1/keys");
  EXPECT_EQ(*sent.headers.get("Cookie"), std::string("sb-access-token=") + kToken);
  EXPECT_FALSE(sent.headers.get("Authorization"));
  EXPECT_EQ(sent.headers.get("User-Agent")->rfind("keyscope/0.1.0", 0), 0u);
  EXPECT_EQ(list.raw().status, 200);
}

TEST_F(ClientFixture, UsageUrlCarriesDaysAndPerCallTimeout) {
  transport->script.push_back(response(200, read_test_file("fixtures/get_usage.json")));
  CallOptions call;
  call.timeout = std::chrono::milliseconds(1234);
  auto usage = make().get_usage(kKeyId, 7, call);
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(transport->requests[0].url,
            std::string("http://127.0.0.1:9/proxy/api/v1/keys/") + kKeyId + "/usage?days=7");
  EXPECT_EQ(transport->requests[0].timeout.count(), 1234);
}

TEST_F(ClientFixture, BadArgumentsNeverReachTheNetwork) {
  Client client = make();
  EXPECT_EQ(client.get_key("not-a-uuid").error().kind, ErrorKind::validation);
  EXPECT_EQ(client.get_usage(kKeyId, 0).error().code, "invalid_days");
  EXPECT_EQ(client.get_usage(kKeyId, 91).error().kind, ErrorKind::validation);
  CallOptions call;
  call.max_retries = -1;
  EXPECT_EQ(client.list_keys(call).error().kind, ErrorKind::validation);
  EXPECT_EQ(client.fetch_fleet(30, 0).error().code, "invalid_concurrency");
  EXPECT_TRUE(transport->requests.empty());
}

TEST_F(ClientFixture, RefusesBearerKeysBeforeSending) {
  ClientOptions options;
  options.session_token = "Bearer sk_live_abcdefghijklmnopqrstuvwxyz";
  options.transport = transport;
  auto client = Client::create(options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.error().code, "api_key_not_accepted");
  EXPECT_EQ(client.error().message.find("abcdefghijklmnop"), std::string::npos);
  EXPECT_THROW(Client{options}, ValidationError);
  options.session_token = kToken;
  options.base_url = "ftp://example.com";
  EXPECT_EQ(Client::create(options).error().code, "invalid_base_url");
}

TEST_F(ClientFixture, RetriesServerErrorsWithJitteredExponentialBackoff) {
  transport->script.push_back(response(503, ""));
  transport->script.push_back(response(502, "<html>bad gateway</html>"));
  transport->script.push_back(response(200, read_test_file("fixtures/list_keys.json")));
  auto list = make().list_keys();
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  EXPECT_EQ(transport->requests.size(), 3u);
  // random() = 0.5: half of 250 ms, then half of 500 ms.
  ASSERT_EQ(transport->delays.size(), 2u);
  EXPECT_EQ(transport->delays[0].count(), 125);
  EXPECT_EQ(transport->delays[1].count(), 250);
}

// A transport whose timers keep something alive (the npm package's: Node's event loop) ends a
// cancelled call's retry wait at once; for that it gets the call's Cancellation with the wait.
TEST_F(ClientFixture, ARetryWaitCarriesTheCallsCancellation) {
  struct CancellableWaits : FakeTransport {
    std::vector<std::shared_ptr<Cancellation>> cancellations;
    void defer_cancellable(std::chrono::milliseconds delay, std::function<void()> fn,
                           const std::shared_ptr<Cancellation>& cancellation) override {
      cancellations.push_back(cancellation);
      defer(delay, std::move(fn));
    }
  };
  auto waits = std::make_shared<CancellableWaits>();
  transport = waits;
  transport->script.push_back(response(503, ""));
  transport->script.push_back(response(200, read_test_file("fixtures/list_keys.json")));
  CallOptions call;
  call.cancellation = std::make_shared<Cancellation>();
  std::optional<Result<KeyList>> outcome;
  make().list_keys_async([&](Result<KeyList> list) { outcome = std::move(list); }, call);
  ASSERT_TRUE(outcome && outcome->ok());
  ASSERT_EQ(waits->cancellations.size(), 1u);
  EXPECT_EQ(waits->cancellations[0], call.cancellation);
  EXPECT_EQ(waits->delays.size(), 1u);
}

TEST_F(ClientFixture, BackoffIsCappedAtMaxBackoff) {
  ClientOptions options;
  options.base_url = "http://127.0.0.1:9/";
  options.session_token = kToken;
  options.transport = transport;
  options.random = [] { return 0.999; };  // the top of each jitter range
  options.retry.max_retries = 6;
  options.retry.initial_backoff = std::chrono::milliseconds(100);
  options.retry.max_backoff = std::chrono::milliseconds(450);
  for (int i = 0; i < 7; ++i) transport->script.push_back(response(503, ""));
  ASSERT_FALSE(Client(options).list_keys().ok());
  EXPECT_EQ(transport->requests.size(), 7u);
  // Uncapped the ranges are 100, 200, 400, 800, 1600, 3200 ms; the cap holds them at 450.
  std::vector<long long> delays;
  for (auto d : transport->delays) delays.push_back(d.count());
  EXPECT_EQ(delays, (std::vector<long long>{99, 199, 399, 449, 449, 449}));
}

TEST_F(ClientFixture, DefaultBaseUrlIsSocDefenders) {
  ClientOptions options;
  options.session_token = kToken;
  options.transport = transport;
  transport->script.push_back(response(200, read_test_file("fixtures/list_keys.json")));
  ASSERT_TRUE(Client(options).list_keys().ok());
  ASSERT_EQ(transport->requests.size(), 1u);
  EXPECT_EQ(transport->requests[0].url, "https://socdefenders.ai/api/v1/keys");
}

TEST_F(ClientFixture, GivesUpAfterMaxRetriesWithTheLastError) {
  for (int i = 0; i < 3; ++i) {
    transport->script.push_back(response(
        500, R"({"error":{"code":"internal_error","message":"boom","request_id":"req_9"}})"));
  }
  auto list = make().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::server);
  EXPECT_EQ(list.error().status, 500);
  EXPECT_EQ(list.error().code, "internal_error");
  EXPECT_EQ(list.error().request_id, "req_9");
  EXPECT_EQ(transport->requests.size(), 3u);
  EXPECT_EQ(list.raw().status, 500);
}

TEST_F(ClientFixture, NeverRetriesOtherClientErrorsOr501) {
  for (int status : {400, 401, 403, 404, 422, 501}) {
    transport->requests.clear();
    transport->script.push_back(response(status, "{}"));
    auto list = make().list_keys();
    ASSERT_FALSE(list.ok());
    EXPECT_EQ(transport->requests.size(), 1u) << status;
  }
}

TEST_F(ClientFixture, MapsEveryStatusToItsErrorClass) {
  const std::pair<int, ErrorKind> cases[] = {
      {400, ErrorKind::bad_request},       {401, ErrorKind::authentication},
      {403, ErrorKind::permission_denied}, {404, ErrorKind::not_found},
      {409, ErrorKind::bad_request},       {501, ErrorKind::server}};
  for (const auto& [status, kind] : cases) {
    transport->script.push_back(response(status, read_test_file("fixtures/error_NotFound.json")));
    auto result = make().get_key(kKeyId);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, kind) << status;
    EXPECT_EQ(result.error().status, status);
    EXPECT_EQ(result.error().request_id, "req_abc123");
  }
}

TEST_F(ClientFixture, EveryRedirectIsARedirectErrorNamingTheTargetWithoutSecrets) {
  for (int status : {301, 302, 303, 307, 308}) {
    transport->requests.clear();
    Headers headers;
    headers.add("Location", "https://user:pa55word@evil.example/api/v1/keys?token=abc#frag");
    headers.add("X-Request-Id", "req_redirect");
    transport->script.push_back(response(status, read_test_file("fixtures/error_NotFound.json"), headers));
    auto list = make().list_keys();
    ASSERT_FALSE(list.ok());
    const Error& error = list.error();
    EXPECT_EQ(error.kind, ErrorKind::redirect) << status;
    EXPECT_EQ(error.code, "redirect_refused");
    EXPECT_EQ(error.status, status);
    EXPECT_EQ(error.request_id, "req_redirect");
    EXPECT_EQ(error.message, "the server answered " + std::to_string(status) +
                                 " with a redirect to https://evil.example/api/v1/keys?[redacted]; keyscope "
                                 "does not follow redirects (is the base URL right?)");
    EXPECT_EQ(transport->requests.size(), 1u) << "a redirect is never retried";
  }
}

TEST(RedirectError, WithoutALocationOrWithAnOddOne) {
  EXPECT_EQ(redirect_error(0, "").message,
            "the server answered with a redirect; keyscope does not follow redirects (is the base URL right?)");
  const Error relative = redirect_error(307, "  /login#top ");
  EXPECT_NE(relative.message.find("307 with a redirect to /login;"), std::string::npos) << relative.message;
  const Error keyed = redirect_error(302, "/x/sk_live_ABCDefghijklmnopqrstuvwxyz0123\r\nSet-Cookie: a");
  EXPECT_EQ(keyed.message.find("efghijkl"), std::string::npos) << keyed.message;
  EXPECT_EQ(keyed.message.find('\n'), std::string::npos) << keyed.message;
  const Error long_one = redirect_error(302, "http://h/" + std::string(5000, 'a'));
  EXPECT_LT(long_one.message.size(), 400u);
}

TEST_F(ClientFixture, HonoursRetryAfterOn429) {
  transport->script.push_back(response(429, read_test_file("fixtures/error_RateLimited.json"),
                                       {{"Retry-After", "2"}, {"X-RateLimit-Remaining", "0"}}));
  transport->script.push_back(response(200, read_test_file("fixtures/list_keys.json")));
  auto list = make().list_keys();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(transport->delays.size(), 1u);
  EXPECT_EQ(transport->delays[0].count(), 2000);
}

TEST_F(ClientFixture, HonoursRateLimitResetWhenNoRetryAfter) {
  transport->script.push_back(response(429, "{}", {{"X-RateLimit-Reset", std::to_string(now + 5)}}));
  transport->script.push_back(response(200, read_test_file("fixtures/list_keys.json")));
  ASSERT_TRUE(make().list_keys().ok());
  EXPECT_EQ(transport->delays.at(0).count(), 5000);
}

TEST_F(ClientFixture, ALongServerWaitIsReturnedNotSlept) {
  transport->script.push_back(response(429, read_test_file("fixtures/error_RateLimited.json"),
                                       {{"Retry-After", "120"}}));
  auto list = make().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::rate_limit);
  EXPECT_EQ(list.error().retry_after_seconds, 120.0);
  EXPECT_EQ(transport->requests.size(), 1u);
  EXPECT_TRUE(transport->delays.empty());
}

TEST_F(ClientFixture, RetriesTimeoutsAndConnectionFailures) {
  transport->script.push_back(transport_failure(ErrorKind::timeout, "timed out"));
  transport->script.push_back(transport_failure(ErrorKind::connection, "reset"));
  transport->script.push_back(transport_failure(ErrorKind::timeout, "timed out"));
  auto list = make().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::timeout);
  EXPECT_EQ(transport->requests.size(), 3u);
  CallOptions call;
  call.max_retries = 0;
  transport->requests.clear();
  transport->script.push_back(transport_failure(ErrorKind::connection, "reset"));
  EXPECT_EQ(make().list_keys(call).error().kind, ErrorKind::connection);
  EXPECT_EQ(transport->requests.size(), 1u);
}

TEST_F(ClientFixture, AResponseTooLargeIsNotRetried) {
  // The same request brings the same oversized body back: retrying only downloads it again.
  Error too_large = transport_failure(ErrorKind::connection, "response larger than 33554432 bytes");
  too_large.code = "response_too_large";
  transport->script.push_back(too_large);
  auto list = make().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code, "response_too_large");
  EXPECT_EQ(transport->requests.size(), 1u);
}

TEST_F(ClientFixture, AnUnusableCaBundleIsNotRetried) {
  // The same bundle would fail the same way on every attempt.
  Error bad_bundle = transport_failure(ErrorKind::connection, "the CA bundle x.pem cannot be used");
  bad_bundle.code = "invalid_ca_bundle";
  transport->script.push_back(bad_bundle);
  auto list = make().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code, "invalid_ca_bundle");
  EXPECT_EQ(transport->requests.size(), 1u);
}

TEST_F(ClientFixture, ATlsFailureIsNotRetried) {
  // An untrusted certificate stays untrusted: retrying only makes the user wait for the backoff.
  Error untrusted = transport_failure(ErrorKind::connection, "TLS failure: certificate verify failed");
  untrusted.code = "tls_failed";
  transport->script.push_back(untrusted);
  auto list = make().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().code, "tls_failed");
  EXPECT_EQ(transport->requests.size(), 1u);
}

TEST_F(ClientFixture, DecodeErrorsAreTypedAndNotRetried) {
  transport->script.push_back(response(200, "<html>maintenance</html>", {{"X-Request-Id", "req_h"}}));
  auto list = make().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::decode);
  EXPECT_EQ(list.error().status, 200);
  EXPECT_EQ(list.error().request_id, "req_h");
  EXPECT_EQ(transport->requests.size(), 1u);
}

// The npm package checks bodies in JS first (CallOptions::host_checked_body).
TEST_F(ClientFixture, ABodyTheHostCheckedIsNotDecodedAgain) {
  const std::string body = read_test_file("fixtures/get_usage.json");
  std::vector<std::string> asked;
  CallOptions call;
  call.host_checked_body = [&](std::string_view seen) {
    asked.emplace_back(seen);
    return true;
  };
  transport->script.push_back(response(200, body));
  auto usage = make().get_usage(kKeyId, 7, call);
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(asked, std::vector<std::string>{body});
  EXPECT_EQ(usage.raw().body, body);      // what the host builds its result from
  EXPECT_EQ(usage.value(), KeyUsage{});   // the core did not decode it
}

TEST_F(ClientFixture, ABodyTheHostIsNotSureOfIsDecodedByTheCore) {
  CallOptions call;
  int asked = 0;
  call.host_checked_body = [&](std::string_view) { return ++asked, false; };
  transport->script.push_back(response(200, read_test_file("fixtures/get_usage.json")));
  transport->script.push_back(response(200, "<html>maintenance</html>"));
  Client client = make();
  auto usage = client.get_usage(kKeyId, 7, call);
  ASSERT_TRUE(usage.ok());
  EXPECT_FALSE(usage.value().key_id.empty());
  auto broken = client.list_keys(call);
  EXPECT_EQ(broken.error().kind, ErrorKind::decode);
  EXPECT_EQ(asked, 2);
}

TEST_F(ClientFixture, StrictClientsAndErrorResponsesNeverAskTheHost) {
  CallOptions call;
  int asked = 0;
  call.host_checked_body = [&](std::string_view) { return ++asked, true; };
  transport->script.push_back(response(404, R"({"error":{"message":"no such key"}})"));
  EXPECT_EQ(make().get_usage(kKeyId, 7, call).error().kind, ErrorKind::not_found);
  ClientOptions options;
  options.session_token = kToken;
  options.transport = transport;
  options.strict = true;
  // The fixture's daily series does not add up to its total: a strict client refuses it, whatever
  // the host would say of its types.
  transport->script.push_back(response(200, read_test_file("fixtures/get_usage.json")));
  auto strict = Client(options).get_usage(kKeyId, 7, call);
  EXPECT_EQ(strict.error().kind, ErrorKind::decode);
  EXPECT_EQ(asked, 0);
}

TEST_F(ClientFixture, TracksTheLastRateLimitStateEvenOnErrors) {
  Client client = make();
  transport->script.push_back(response(
      404, "{}", {{"X-RateLimit-Limit", "1000"}, {"X-RateLimit-Remaining", "998"}, {"X-RateLimit-Reset", "1779010060"}}));
  ASSERT_FALSE(client.get_key(kKeyId).ok());
  RateLimit state = client.rate_limit();
  EXPECT_EQ(state.limit, 1000);
  EXPECT_EQ(state.remaining, 998);
  EXPECT_EQ(state.reset_unix, 1779010060);
}

// The npm package's direct getUsage sends this itself (bindings/wasm/src/direct.js): it must be
// exactly what the call sends, its arguments put where the placeholders are.
TEST_F(ClientFixture, UsageRequestTemplateIsWhatTheCallSends) {
  Client client = make();
  const HttpRequest plan = client.usage_request_template();
  transport->script.push_back(response(200, read_test_file("fixtures/get_usage.json")));
  ASSERT_TRUE(client.get_usage(kKeyId, 7).ok());
  const HttpRequest& sent = transport->requests.at(0);
  std::string url = plan.url;
  url.replace(url.find("{key_id}"), 8, kKeyId);
  url.replace(url.find("{days}"), 6, "7");
  EXPECT_EQ(plan.url, "http://127.0.0.1:9/proxy/api/v1/keys/{key_id}/usage?days={days}");
  EXPECT_EQ(url, sent.url);
  EXPECT_EQ(plan.method, sent.method);
  EXPECT_EQ(plan.headers.entries(), sent.headers.entries());
  EXPECT_EQ(plan.timeout, sent.timeout);
}

TEST_F(ClientFixture, RecordedResponseHeadersBecomeTheRateLimit) {
  Client client = make();
  client.record_response_headers(
      {{"X-RateLimit-Limit", "60"}, {"X-RateLimit-Remaining", "59"}, {"Retry-After", "Sun, 17 May 2026 09:00:30 GMT"}},
      1779008400);  // 2026-05-17T09:00:00Z: the Retry-After date is 30 s later
  RateLimit state = client.rate_limit();
  EXPECT_EQ(state.limit, 60);
  EXPECT_EQ(state.remaining, 59);
  EXPECT_EQ(state.retry_after_seconds, 30.0);
  client.record_response_headers({{"Content-Type", "application/json"}}, now);  // no rate-limit headers: kept
  EXPECT_EQ(client.rate_limit().remaining, 59);
}

TEST_F(ClientFixture, LogsNeverContainTheToken) {
  // Secrets reach every kind of log line: the URL (a proxy that routes by session and an API key
  // in the path) is in the response, failure and retry lines; a transport failure's message
  // echoes the cookie. Only the redaction stands between them and the log.
  transport->script.push_back(transport_failure(
      ErrorKind::connection, std::string("proxy refused Cookie: sb-access-token=") + kToken + " for " + kToken));
  transport->script.push_back(response(503, "busy"));
  transport->script.push_back(response(200, read_test_file("fixtures/list_keys.json")));
  ASSERT_TRUE(make(std::string("http://127.0.0.1:9/s/") + kToken + "/sk_live_abcdefghijklmnop/").list_keys().ok());
  ASSERT_EQ(log_lines.size(), 5u);  // failed, retrying, 503, retrying, 200
  for (const auto& line : log_lines) {
    EXPECT_EQ(line.find(kToken), std::string::npos) << line;
    EXPECT_EQ(line.find("abcdefghijklmnop"), std::string::npos) << line;
    EXPECT_NE(line.find("/s/[redacted]/sk_live_abcd[redacted]/api/v1/keys"), std::string::npos) << line;
  }
  EXPECT_NE(log_lines[0].find("sb-access-token=[redacted]"), std::string::npos) << log_lines[0];
}

TEST_F(ClientFixture, LogEventsCarryTheFieldsOfEveryAttemptAndRetry) {
  std::vector<LogEvent> events;
  ClientOptions options;
  options.base_url = "http://127.0.0.1:9/proxy/";
  options.session_token = kToken;
  options.transport = transport;
  options.random = [] { return 0.5; };
  options.log_event = [&](const LogEvent& event) { events.push_back(event); };
  transport->script.push_back(transport_failure(ErrorKind::timeout, std::string("slow ") + kToken));
  transport->script.push_back(response(503, "busy", {{"X-Request-Id", std::string("req-") + kToken}}));
  transport->script.push_back(response(200, read_test_file("fixtures/get_usage.json"),
                                       {{"X-Request-Id", "req-3"}}));
  ASSERT_TRUE(Client(options).get_usage(kKeyId, 7).ok());
  ASSERT_EQ(events.size(), 5u);  // failed, retrying, 503, retrying, 200
  const std::string path = std::string("/api/v1/keys/") + kKeyId + "/usage?days=7";
  EXPECT_EQ(events[0].kind, LogEvent::Kind::failure);
  EXPECT_EQ(events[0].error, "TimeoutError");
  EXPECT_EQ(events[0].status, 0);
  EXPECT_EQ(events[1].kind, LogEvent::Kind::retry);
  EXPECT_EQ(events[1].attempt, 1);
  EXPECT_EQ(events[1].wait, transport->delays[0]);
  EXPECT_EQ(events[2].kind, LogEvent::Kind::response);
  EXPECT_EQ(events[2].status, 503);
  EXPECT_EQ(events[2].attempt, 2);
  EXPECT_EQ(events[2].request_id, "req-[redacted]");
  EXPECT_EQ(events[3].error, "ServerError");
  EXPECT_EQ(events[3].wait, transport->delays[1]);
  EXPECT_EQ(events[4].status, 200);
  EXPECT_EQ(events[4].attempt, 3);
  EXPECT_EQ(events[4].request_id, "req-3");
  for (const auto& event : events) {
    EXPECT_EQ(event.method, "GET");
    EXPECT_EQ(event.path, path);
    EXPECT_EQ(event.line.find(kToken), std::string::npos) << event.line;
    EXPECT_EQ(event.line.rfind("keyscope: ", 0), 0u) << event.line;
  }
}

TEST_F(ClientFixture, LogEventsAreTheLogLinesAsRedactedFields) {
  // The same secrets as above, where a structured logger reads them: the URL, a failure's
  // message and a response's request id.
  std::vector<LogEvent> events;
  transport->script.push_back(transport_failure(
      ErrorKind::connection, std::string("proxy refused Cookie: sb-access-token=") + kToken + " for " + kToken));
  transport->script.push_back(response(503, "busy", {{"X-Request-Id", std::string("req-") + kToken}}));
  transport->script.push_back(response(200, read_test_file("fixtures/list_keys.json"), {{"X-Request-Id", "req-7"}}));
  ClientOptions options;
  options.base_url = std::string("http://127.0.0.1:9/s/") + kToken + "/sk_live_abcdefghijklmnop/";
  options.session_token = kToken;
  options.transport = transport;
  options.random = [] { return 0.5; };
  options.logger = [this](std::string_view line) { log_lines.emplace_back(line); };
  options.log_event = [&events](const LogEvent& event) { events.push_back(event); };
  ASSERT_TRUE(Client(options).list_keys().ok());

  ASSERT_EQ(events.size(), 5u);
  using Kind = LogEvent::Kind;
  EXPECT_EQ(events[0].kind, Kind::failure);
  EXPECT_EQ(events[0].error, "ConnectionError");
  EXPECT_EQ(events[0].attempt, 1);
  EXPECT_EQ(events[1].kind, Kind::retry);
  EXPECT_EQ(events[1].attempt, 1);
  EXPECT_EQ(events[1].wait, transport->delays.at(0));
  EXPECT_EQ(events[2].kind, Kind::response);
  EXPECT_EQ(events[2].status, 503);
  EXPECT_EQ(events[2].attempt, 2);
  EXPECT_EQ(events[2].request_id, "req-[redacted]");
  EXPECT_EQ(events[3].kind, Kind::retry);
  EXPECT_EQ(events[3].status, 503);
  EXPECT_EQ(events[3].error, "ServerError");
  EXPECT_EQ(events[4].status, 200);
  EXPECT_EQ(events[4].request_id, "req-7");
  EXPECT_EQ(events[4].attempt, 3);
  ASSERT_EQ(log_lines.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const LogEvent& e = events[i];
    EXPECT_EQ(e.line, log_lines[i]);
    EXPECT_EQ(e.method, "GET");
    EXPECT_EQ(e.url, "http://127.0.0.1:9/s/[redacted]/sk_live_abcd[redacted]/api/v1/keys");
    for (const std::string* field : {&e.url, &e.request_id, &e.message, &e.line}) {
      EXPECT_EQ(field->find(kToken), std::string::npos) << *field;
      EXPECT_EQ(field->find("abcdefghijklmnop"), std::string::npos) << *field;
    }
  }
  EXPECT_NE(events[0].message.find("sb-access-token=[redacted]"), std::string::npos) << events[0].message;
}

TEST_F(ClientFixture, ErrorMessagesNeverContainTheToken) {
  transport->script.push_back(response(
      400, R"({"error":{"code":"x","message":"bad cookie session-TOKEN-value-123","request_id":"r"}})"));
  auto list = make().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(to_string(list.error()).find(kToken), std::string::npos);
}

TEST_F(ClientFixture, CancelledCallsSendNothing) {
  CallOptions call;
  call.cancellation = std::make_shared<Cancellation>();
  call.cancellation->cancel();
  auto list = make().list_keys(call);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::cancelled);
  EXPECT_TRUE(transport->requests.empty());
}

TEST_F(ClientFixture, FetchFleetGetsUsageForEveryActiveKey) {
  std::string list_body = R"({"data":[)";
  for (int i = 0; i < 20; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    list_body += std::string(i ? "," : "") + R"({"id":")" + id +
                 R"(","key_prefix":"sk_live_ab","name":"k)" + std::to_string(i) + "\"" +
                 (i == 3 ? R"(,"revoked_at":"2026-01-01T00:00:00Z")" : "") + "}";
  }
  list_body += "]}";
  transport->router = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.find("/usage") == std::string::npos) return response(200, list_body);
    const std::string id = request.url.substr(request.url.find("/keys/") + 6, 36);
    return response(200, R"({"data":{"key_id":")" + id + R"(","window_days":7,"total_requests":5}})");
  };
  std::vector<std::pair<std::size_t, std::size_t>> progress;
  auto fleet = make().fetch_fleet(7, 4, {}, [&](const FleetProgressInfo& p) {
    progress.emplace_back(p.done, p.total);
    EXPECT_EQ(p.failed, 0u);
  });
  ASSERT_TRUE(fleet.ok()) << to_string(fleet.error());
  ASSERT_EQ(progress.size(), 20u);  // 0 of 19, then once per key
  EXPECT_EQ(progress.front(), std::make_pair(std::size_t{0}, std::size_t{19}));
  EXPECT_EQ(progress.back(), std::make_pair(std::size_t{19}, std::size_t{19}));
  EXPECT_EQ(fleet.raw().status, 200);  // the key-list response
  EXPECT_EQ(fleet->keys.size(), 20u);
  ASSERT_EQ(fleet->usages.size(), 19u);
  std::size_t u = 0;
  for (const auto& key : fleet->keys) {
    if (key.revoked()) continue;
    EXPECT_EQ(fleet->usages[u++].key_id, key.id);
  }
  EXPECT_EQ(transport->requests.size(), 20u);
}

TEST_F(ClientFixture, FetchFleetProgressCountsTheKeysThatFailed) {
  std::string list_body = R"({"data":[)";
  for (int i = 0; i < 6; ++i) {
    list_body += std::string(i ? "," : "") + R"({"id":"00000000-0000-4000-8000-00000000000)" + std::to_string(i) +
                 R"(","key_prefix":"sk_live_ab","name":"k)" + std::to_string(i) + "\"}";
  }
  list_body += "]}";
  transport->router = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.find("/usage") == std::string::npos) return response(200, list_body);
    const std::string id = request.url.substr(request.url.find("/keys/") + 6, 36);
    if (id.back() == '2' || id.back() == '4') return response(404, "{}");
    return response(200, R"({"data":{"key_id":")" + id + R"(","window_days":7,"total_requests":5}})");
  };
  std::vector<FleetProgressInfo> seen;
  auto fleet = make().fetch_fleet(7, 1, {}, [&](const FleetProgressInfo& status) { seen.push_back(status); },
                                  FleetErrors::collect);
  ASSERT_TRUE(fleet.ok()) << to_string(fleet.error());
  ASSERT_EQ(seen.size(), 7u);  // 0 of 6, then once per key
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].done, i);
    EXPECT_EQ(seen[i].total, 6u);
  }
  EXPECT_EQ(seen[2].failed, 0u);
  EXPECT_EQ(seen[3].failed, 1u);  // key 2 (the third request) failed
  EXPECT_EQ(seen.back().failed, 2u);
  EXPECT_EQ(fleet->errors.size(), 2u);
}

TEST_F(ClientFixture, FetchFleetHandsOverTheBodyOfEveryUsageItKeeps) {
  std::string list_body = R"({"data":[)";
  for (int i = 0; i < 5; ++i) {
    list_body += std::string(i ? "," : "") + R"({"id":"00000000-0000-4000-8000-00000000000)" + std::to_string(i) +
                 R"(","key_prefix":"sk_live_ab","name":"k)" + std::to_string(i) + "\"" +
                 (i == 1 ? R"(,"revoked_at":"2026-01-01T00:00:00Z")" : "") + "}";
  }
  list_body += "]}";
  auto usage_body = [](const std::string& id) {
    return R"({"data":{"key_id":")" + id + R"(","window_days":7,"total_requests":5}})";
  };
  transport->router = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.find("/usage") == std::string::npos) return response(200, list_body);
    const std::string id = request.url.substr(request.url.find("/keys/") + 6, 36);
    if (id.back() == '3') return response(404, "{}");
    return response(200, usage_body(id));
  };
  std::map<std::size_t, std::string> bodies;
  std::optional<Result<Fleet>> fleet;
  make().fetch_fleet_async(
      7, 1, [&](Result<Fleet> r) { fleet = std::move(r); }, {}, {}, FleetErrors::collect,
      [&](std::size_t key_index, const std::string& body) { EXPECT_TRUE(bodies.emplace(key_index, body).second); });
  ASSERT_TRUE(fleet.has_value());
  ASSERT_TRUE(fleet->ok()) << to_string(fleet->error());
  // Key 1 is revoked (never fetched), key 3 failed: the bodies are those of Fleet::usages.
  ASSERT_EQ(bodies.size(), 3u);
  ASSERT_EQ((*fleet)->usages.size(), 3u);
  std::size_t u = 0;
  for (const auto& [key_index, body] : bodies) {
    const std::string& id = (*fleet)->keys.at(key_index).id;
    EXPECT_EQ(body, usage_body(id));
    EXPECT_EQ((*fleet)->usages[u++].key_id, id);
  }
}

// The npm package checks the fleet's usage bodies in JS (CallOptions::host_checked_body); the key
// list the fleet needs itself is always the core's to decode.
TEST_F(ClientFixture, FetchFleetAsksTheHostAboutUsageBodiesOnly) {
  const std::string list_body = R"({"data":[{"id":"00000000-0000-4000-8000-000000000001","key_prefix":"sk_live_a","name":"a"},)"
                                R"({"id":"00000000-0000-4000-8000-000000000002","key_prefix":"sk_live_b","name":"b"}]})";
  transport->router = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.find("/usage") == std::string::npos) return response(200, list_body);
    const std::string id = request.url.substr(request.url.find("/keys/") + 6, 36);
    return response(200, R"({"data":{"key_id":")" + id + R"(","total_requests":5}})");
  };
  std::vector<std::string> asked;
  CallOptions call;
  call.host_checked_body = [&](std::string_view body) {
    asked.emplace_back(body);
    return body.find("000000000001") != std::string_view::npos;  // sure of the first key's only
  };
  std::vector<std::size_t> handed;
  std::optional<Result<Fleet>> fleet;
  make().fetch_fleet_async(
      7, 1, [&](Result<Fleet> r) { fleet = std::move(r); }, call, {}, FleetErrors::cancel_on_first,
      [&](std::size_t key_index, const std::string&) { handed.push_back(key_index); });
  ASSERT_TRUE(fleet.has_value());
  ASSERT_TRUE(fleet->ok()) << to_string(fleet->error());
  ASSERT_EQ(asked.size(), 2u);  // the two usages, not the list
  EXPECT_EQ(asked[0].find("\"data\":["), std::string::npos);
  EXPECT_EQ(handed, (std::vector<std::size_t>{0, 1}));
  ASSERT_EQ((*fleet)->keys.size(), 2u);
  EXPECT_EQ((*fleet)->usages[0], KeyUsage{});  // the host's, not decoded
  EXPECT_EQ((*fleet)->usages[1].key_id, "00000000-0000-4000-8000-000000000002");
}

TEST_F(ClientFixture, FetchFleetFailsWithTheFirstError) {
  transport->router = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.find("/usage") == std::string::npos) {
      return response(200, read_test_file("fixtures/list_keys.json"));
    }
    return response(404, read_test_file("fixtures/error_NotFound.json"));
  };
  auto fleet = make().fetch_fleet(7, 2);
  ASSERT_FALSE(fleet.ok());
  EXPECT_EQ(fleet.error().kind, ErrorKind::not_found);
}

TEST_F(ClientFixture, FetchFleetProgressCountsTheFailures) {
  std::string list_body = R"({"data":[)";
  for (int i = 0; i < 4; ++i) {
    list_body += std::string(i ? "," : "") + R"({"id":"00000000-0000-4000-8000-00000000000)" +
                 std::to_string(i) + R"(","key_prefix":"sk_live_ab","name":"k)" + std::to_string(i) + "\"}";
  }
  list_body += "]}";
  transport->router = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url.find("/usage") == std::string::npos) return response(200, list_body);
    const std::string id = request.url.substr(request.url.find("/keys/") + 6, 36);
    if (id.back() == '1' || id.back() == '3') return response(404, read_test_file("fixtures/error_NotFound.json"));
    return response(200, R"({"data":{"key_id":")" + id + R"(","window_days":7,"total_requests":5}})");
  };
  std::vector<std::vector<std::size_t>> seen;
  auto fleet = make().fetch_fleet(7, 1, {}, [&](const FleetProgressInfo& p) {
    seen.push_back({p.done, p.total, p.failed});
  }, FleetErrors::collect);
  ASSERT_TRUE(fleet.ok()) << to_string(fleet.error());
  EXPECT_EQ(fleet->errors.size(), 2u);
  const std::vector<std::vector<std::size_t>> expected = {
      {0, 4, 0}, {1, 4, 0}, {2, 4, 1}, {3, 4, 1}, {4, 4, 2}};
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace keyscope
