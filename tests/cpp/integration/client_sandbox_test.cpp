// The client over real HTTP (CurlTransport) against a real keyscope-sandbox.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "keyscope/analytics.hpp"
#include "keyscope/client.hpp"
#include "keyscope/curl_transport.hpp"
#include "keyscope/time.hpp"
#include "support/sandbox_process.hpp"

namespace keyscope {
namespace {

using testing::SandboxProcess;
using Clock = std::chrono::steady_clock;

ClientOptions options_for(const SandboxProcess& sandbox) {
  ClientOptions options;
  options.base_url = sandbox.base_url();
  options.session_token = sandbox.token();
  options.timeout = std::chrono::milliseconds(5000);
  options.retry.initial_backoff = std::chrono::milliseconds(20);
  return options;
}

class SandboxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sandbox_ = new SandboxProcess({"--token", "integration-token-1"}); }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }
  void TearDown() override { sandbox_->clear_faults(); }

  Client client() const { return Client(options_for(*sandbox_)); }
  std::string first_active_key() const {
    for (const auto& key : client().list_keys().value().data) {
      if (!key.revoked()) return key.id;
    }
    return {};
  }
  static SandboxProcess* sandbox_;
};
SandboxProcess* SandboxTest::sandbox_ = nullptr;

TEST_F(SandboxTest, ListsTheDemoFleet) {
  auto list = client().list_keys();
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  EXPECT_EQ(list->data.size(), 13u);
  EXPECT_EQ(list->total, 13);
  int revoked = 0;
  for (const auto& key : list->data) {
    EXPECT_EQ(key.id.size(), 36u);
    EXPECT_TRUE(key.key_prefix.rfind("sk_live_", 0) == 0 || key.key_prefix.rfind("sk_test_", 0) == 0);
    revoked += key.revoked();
  }
  EXPECT_EQ(revoked, 1);
  EXPECT_EQ(list.raw().status, 200);
  EXPECT_TRUE(list.raw().headers.get("X-Request-Id"));
}

TEST_F(SandboxTest, GetsEveryKeyAndItsUsageForSeveralWindows) {
  Client c = client();
  for (const auto& key : c.list_keys().value().data) {
    auto details = c.get_key(key.id);
    ASSERT_TRUE(details.ok()) << to_string(details.error());
    EXPECT_EQ(details->id, key.id);
    EXPECT_TRUE(details->rate_limit_per_minute.has_value());
    for (int days : {1, 30, 90}) {
      auto usage = c.get_usage(key.id, days);
      ASSERT_TRUE(usage.ok()) << to_string(usage.error());
      EXPECT_EQ(usage->window_days, days);
      EXPECT_EQ(usage->successful + usage->client_errors + usage->server_errors,
                usage->total_requests);
      EXPECT_LE(usage->daily.size(), static_cast<std::size_t>(days));
    }
  }
}

TEST_F(SandboxTest, RateLimitHeadersAreTracked) {
  Client c = client();
  ASSERT_TRUE(c.list_keys().ok());
  RateLimit state = c.rate_limit();
  ASSERT_TRUE(state.limit.has_value());
  ASSERT_TRUE(state.remaining.has_value());
  EXPECT_LE(*state.remaining, *state.limit);
  EXPECT_TRUE(state.reset_unix.has_value());
}

TEST_F(SandboxTest, WrongTokenIsAnAuthenticationErrorWithRequestId) {
  ClientOptions options = options_for(*sandbox_);
  options.session_token = "not-the-session";
  auto list = Client(options).list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::authentication);
  EXPECT_EQ(list.error().status, 401);
  EXPECT_FALSE(list.error().request_id.empty());
  EXPECT_EQ(to_string(list.error()).find("not-the-session"), std::string::npos);
}

TEST_F(SandboxTest, UnknownKeyIsNotFound) {
  auto details = client().get_key("00000000-0000-4000-8000-00000000dead");
  ASSERT_FALSE(details.ok());
  EXPECT_EQ(details.error().kind, ErrorKind::not_found);
  EXPECT_EQ(details.error().code, "not_found");
  EXPECT_FALSE(details.error().request_id.empty());
}

TEST_F(SandboxTest, EveryErrorStatusMapsToItsClass) {
  const std::pair<int, ErrorKind> cases[] = {
      {400, ErrorKind::bad_request}, {403, ErrorKind::permission_denied},
      {404, ErrorKind::not_found},   {501, ErrorKind::server},
      {503, ErrorKind::server},      {429, ErrorKind::rate_limit}};
  CallOptions no_retry;
  no_retry.max_retries = 0;
  for (const auto& [status, kind] : cases) {
    sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"status","times":1,"status":)" +
                        std::to_string(status) + "}");
    auto list = client().list_keys(no_retry);
    ASSERT_FALSE(list.ok()) << status;
    EXPECT_EQ(list.error().kind, kind) << status;
    EXPECT_EQ(list.error().status, status);
    sandbox_->clear_faults();
  }
}

TEST_F(SandboxTest, RetriesServerErrorsUntilSuccess) {
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"status","status":503,"times":2})");
  const long long before = sandbox_->stat("requests");
  auto list = client().list_keys();
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  EXPECT_EQ(list->data.size(), 13u);
  EXPECT_EQ(sandbox_->stat("requests") - before, 3);  // two 503s, then the answer
}

TEST_F(SandboxTest, HonoursRetryAfterOnA429) {
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"status","status":429,"times":1,"retry_after":1})");
  const long long before = sandbox_->stat("requests");
  const auto start = Clock::now();
  auto list = client().list_keys();
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(950));
  EXPECT_EQ(sandbox_->stat("requests") - before, 2);
}

// A 429 without Retry-After: the wait comes from X-RateLimit-Reset (the sandbox's window end,
// ~60 s away, real HTTP headers). The client's clock is moved 58 s ahead so the wait it
// derives is about 2 s instead of the 20 ms backoff; the retry line of the log names the wait.
TEST_F(SandboxTest, HonoursXRateLimitResetWhenThereIsNoRetryAfter) {
  sandbox_->add_fault(
      R"({"path_contains":"/api/v1/keys","mode":"body","status":429,"times":1,)"
      R"("body":"{\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\",\"request_id\":\"req_1\"}}"})");
  ClientOptions options = options_for(*sandbox_);
  options.now_unix = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() + 58;
  };
  std::vector<std::string> lines;
  std::mutex lines_mutex;
  options.logger = [&](std::string_view line) {
    std::lock_guard<std::mutex> lock(lines_mutex);
    lines.emplace_back(line);
  };
  const long long before = sandbox_->stat("requests");
  auto list = Client(options).list_keys();
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  EXPECT_EQ(sandbox_->stat("requests") - before, 2);
  long long waited_ms = -1;
  for (const auto& line : lines) {
    const auto at = line.find(" in ");
    if (line.rfind("keyscope: retrying", 0) == 0 && at != std::string::npos) waited_ms = std::stoll(line.substr(at + 4));
  }
  // reset = ceil(real now + 60), the client's now = real now + 58 (whole seconds): 2..3 s.
  EXPECT_GE(waited_ms, 1000) << ::testing::PrintToString(lines);
  EXPECT_LE(waited_ms, 3000) << ::testing::PrintToString(lines);
}

TEST_F(SandboxTest, TimeoutIsATimeoutError) {
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"latency","latency_ms":2000,"times":1})");
  CallOptions call;
  call.timeout = std::chrono::milliseconds(300);
  call.max_retries = 0;
  auto list = client().list_keys(call);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::timeout);
}

// Each call on a transport of its own: libcurl itself resends a request once when a reused
// keep-alive connection turns out dead, so over the shared transport's pooled connection the
// first drop was retried by curl, not by the client, and the counts below proved nothing.
TEST_F(SandboxTest, DroppedConnectionIsRetriedThenReported) {
  const auto fresh_client = [] {
    ClientOptions options = options_for(*sandbox_);
    options.transport = std::make_shared<CurlTransport>();
    return Client(options);
  };
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"drop","times":1})");
  long long before = sandbox_->stat("requests");
  EXPECT_TRUE(fresh_client().list_keys().ok());
  EXPECT_EQ(sandbox_->stat("requests") - before, 2);
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"drop","times":5})");
  before = sandbox_->stat("requests");
  auto list = fresh_client().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::connection);
  EXPECT_EQ(sandbox_->stat("requests") - before, 3);  // the first try and max_retries (2) more
}

TEST_F(SandboxTest, MalformedBodiesAreDecodeErrors) {
  const std::string key = first_active_key();
  sandbox_->add_fault(R"({"path_contains":"/usage","mode":"malformed","times":1})");
  auto truncated = client().get_usage(key, 30);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.error().kind, ErrorKind::decode);
  sandbox_->add_fault(R"({"path_contains":"/usage","mode":"wrong_type","times":1})");
  auto wrong = client().get_usage(key, 30);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::decode);
  EXPECT_FALSE(wrong.error().json_path.empty());
}

// Served with 400 this body made the Release CLI die with SIGSEGV (a dangling JSON path in the
// error envelope reader): now a BadRequestError that keeps the request id.
TEST_F(SandboxTest, AnErrorEnvelopeWithAnObjectCodeIsABadRequestNotACrash) {
  sandbox_->add_fault(
      R"({"path_contains":"/api/v1/keys","mode":"body","status":400,"times":1,)"
      R"("body":"{\"error\": {\"code\": {\"param\": \"days\"}, \"request_id\": \"req_abc124\"}}"})");
  auto list = client().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::bad_request);
  EXPECT_EQ(list.error().status, 400);
  EXPECT_EQ(list.error().code, "http_400");
  EXPECT_EQ(list.error().request_id, "req_abc124");
}

TEST_F(SandboxTest, ProxyHtmlPagesAreServerErrorsNotCrashes) {
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"html","times":3})");
  auto list = client().list_keys();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::server);
  EXPECT_EQ(list.error().status, 502);
}

// A redirect to another origin is never followed (the session cookie must not go there): it is a
// RedirectError naming the target without its query, and the other origin sees no request.
TEST_F(SandboxTest, ARedirectToAnotherOriginIsARedirectErrorAndNotFollowed) {
  SandboxProcess elsewhere({"--token", "integration-token-1"});
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"redirect","status":302,"times":0,"location":")" +
                      elsewhere.origin() + R"(/api/v1/keys?sb-access-token=leak&q=secret-query"})");
  auto list = client().list_keys();
  ASSERT_FALSE(list.ok());
  const Error& error = list.error();
  EXPECT_EQ(error.kind, ErrorKind::redirect) << to_string(error);
  EXPECT_STREQ(error_class_name(error.kind), "RedirectError");
  EXPECT_EQ(error.code, "redirect_refused");
  EXPECT_EQ(error.status, 302);
  EXPECT_NE(error.message.find("to " + elsewhere.origin() + "/api/v1/keys?[redacted]"), std::string::npos)
      << error.message;
  EXPECT_NE(error.message.find("does not follow redirects"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("secret-query"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("leak"), std::string::npos) << error.message;
  EXPECT_EQ(list.raw().status, 302);
  EXPECT_EQ(elsewhere.stat("requests"), 0);
  EXPECT_THROW(list.value(), RedirectError);
}

TEST_F(SandboxTest, FiftyConcurrentRequestsOverlap) {
  const std::string key = first_active_key();
  sandbox_->add_fault(R"({"path_contains":"/usage","mode":"latency","latency_ms":200,"times":50})");
  Client c = client();
  std::mutex mutex;
  std::condition_variable finished;
  int done = 0, ok = 0;
  sandbox_->reset_peak();
  for (int i = 0; i < 50; ++i) {
    c.get_usage_async(key, 7, [&](Result<KeyUsage> usage) {
      std::lock_guard<std::mutex> lock(mutex);
      ++done;
      ok += usage.ok();
      finished.notify_one();
    });
  }
  std::unique_lock<std::mutex> lock(mutex);
  ASSERT_TRUE(finished.wait_for(lock, std::chrono::seconds(30), [&] { return done == 50; }));
  EXPECT_EQ(ok, 50);
  // Counted by the sandbox, not timed: the transport runs up to 16 requests at once.
  EXPECT_GE(sandbox_->stat("max_in_flight"), 8);
}

TEST_F(SandboxTest, AnOversizedBodyIsAConnectionErrorAndNotFetchedAgain) {
  const std::string key = first_active_key();
  CurlTransportOptions small;
  small.max_response_bytes = 64 * 1024;
  ClientOptions options = options_for(*sandbox_);
  options.transport = std::make_shared<CurlTransport>(small);
  Client c(options);
  for (const char* chunked : {"false", "true"}) {
    sandbox_->add_fault(std::string(R"({"path_contains":"/usage","mode":"oversize","bytes":8388608,"times":3,"chunked":)") +
                        chunked + "}");
    const long long before = sandbox_->stat("requests");
    auto usage = c.get_usage(key, 7);
    ASSERT_FALSE(usage.ok());
    EXPECT_EQ(usage.error().kind, ErrorKind::connection);
    EXPECT_EQ(usage.error().code, "response_too_large") << to_string(usage.error());
    EXPECT_EQ(sandbox_->stat("requests") - before, 1);
    sandbox_->clear_faults();
  }
  EXPECT_TRUE(c.get_usage(key, 7).ok());
}

TEST_F(SandboxTest, FetchFleetReturnsUsageForEveryActiveKey) {
  auto fleet = client().fetch_fleet(30, 8);
  ASSERT_TRUE(fleet.ok()) << to_string(fleet.error());
  EXPECT_EQ(fleet->keys.size(), 13u);
  EXPECT_EQ(fleet->usages.size(), 12u);
}

// One bad key does not blank the fleet: the others are fetched, the failure is listed; the default
// mode still ends at the first error.
TEST_F(SandboxTest, FetchFleetCollectsPerKeyErrorsNextToTheUsages) {
  auto keys = client().list_keys().value();
  std::string victim;
  for (const auto& key : keys.data) {
    if (!key.revoked()) victim = key.id;  // the last active key
  }
  sandbox_->add_fault(R"({"path_contains":")" + victim + R"(/usage","mode":"status","status":404,"times":0})");
  auto collected = client().fetch_fleet(30, 4, {}, {}, FleetErrors::collect);
  ASSERT_TRUE(collected.ok()) << to_string(collected.error());
  EXPECT_EQ(collected->usages.size(), 11u);
  ASSERT_EQ(collected->errors.size(), 1u);
  EXPECT_EQ(collected->errors[0].key_id, victim);
  EXPECT_EQ(collected->errors[0].error.kind, ErrorKind::not_found);
  for (const auto& usage : collected->usages) EXPECT_NE(usage.key_id, victim);
  auto failed = client().fetch_fleet(30, 4);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::not_found);
}

// The planted incidents of sandbox/README.md's roster, found over real HTTP (the unit test
// DetectAnomalies.DemoRosterBuiltInCode... runs the same rules on a copy built in code).
TEST_F(SandboxTest, SandboxFleetGivesExactlyThePlantedFindings) {
  auto fleet = client().fetch_fleet(90, 8);
  ASSERT_TRUE(fleet.ok()) << to_string(fleet.error());
  const auto findings = analytics::detect_anomalies(fleet->keys, fleet->usages, *parse_iso8601("2026-05-17T12:00:00Z"));
  std::set<std::string> found;
  for (const auto& f : findings) found.insert(f.key_name.substr(0, f.key_name.find(" [")) + " " + analytics::to_string(f.kind));
  const std::set<std::string> planted = {
      "Threat hunting notebook spike",          "Legacy ingest dormant_reactivated",
      "Partner feed error_burst",               "CI load tests test_key_production_traffic",
      "Browser extension rate_limit_pressure",  "Contractor access expired_not_revoked",
      "New automation never_used",              "Quarterly audit expiring_soon",
      "Archive export stale"};
  EXPECT_EQ(found, planted);
}

TEST(SandboxBasePath, WorksBehindAPathPrefix) {
  SandboxProcess sandbox({"--base-path", "/proxy/keyscope"});
  ASSERT_NE(sandbox.base_url().find("/proxy/keyscope"), std::string::npos);
  auto list = Client(options_for(sandbox)).list_keys();
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  EXPECT_EQ(list->data.size(), 13u);
}

TEST(SandboxFreeTier, RealRateLimitGivesRateLimitErrorWithRetryAfter) {
  SandboxProcess sandbox({"--tier", "free"});
  ClientOptions options = options_for(sandbox);
  options.retry.max_retries = 0;
  Client c(options);
  std::optional<Error> limited;
  for (int i = 0; i < 15 && !limited; ++i) {
    auto list = c.list_keys();
    if (!list.ok()) limited = list.error();
  }
  ASSERT_TRUE(limited.has_value());
  EXPECT_EQ(limited->kind, ErrorKind::rate_limit);
  EXPECT_EQ(limited->status, 429);
  ASSERT_TRUE(limited->retry_after_seconds.has_value());
  EXPECT_GT(*limited->retry_after_seconds, 0);
  EXPECT_EQ(c.rate_limit().remaining, 0);
  EXPECT_EQ(c.rate_limit().limit, 10);
}

TEST(SandboxFreeTier, AServerWaitBeyondTheCapIsRaisedNotSlept) {
  SandboxProcess sandbox({"--tier", "free"});
  ClientOptions options = options_for(sandbox);
  options.retry.max_server_wait = std::chrono::milliseconds(0);
  Client c(options);
  std::optional<Error> limited;
  const auto start = Clock::now();
  for (int i = 0; i < 15 && !limited; ++i) {
    auto list = c.list_keys();
    if (!list.ok()) limited = list.error();
  }
  ASSERT_TRUE(limited.has_value());
  EXPECT_EQ(limited->kind, ErrorKind::rate_limit);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace keyscope
