// Blocking calls over CurlTransport run on the caller's thread (Transport::send_blocking), with
// the same retries, waits, timeouts and cancellation as asynchronous calls, which still run on the
// transport's worker thread. Against a real keyscope-sandbox.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "keyscope/client.hpp"
#include "keyscope/curl_transport.hpp"
#include "support/sandbox_process.hpp"

namespace keyscope {
namespace {

using testing::SandboxProcess;
using Clock = std::chrono::steady_clock;

class BlockingCallsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sandbox_ = new SandboxProcess({"--token", "integration-token-2"}); }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }
  void TearDown() override { sandbox_->clear_faults(); }

  // A client on a transport of its own, recording the thread every log record came from.
  Client client() {
    ClientOptions options;
    options.base_url = sandbox_->base_url();
    options.session_token = sandbox_->token();
    options.timeout = std::chrono::milliseconds(5000);
    options.retry.initial_backoff = std::chrono::milliseconds(20);
    options.transport = transport;
    options.logger = [this](std::string_view) {
      std::lock_guard<std::mutex> lock(mutex);
      log_threads.insert(std::this_thread::get_id());
    };
    return Client(options);
  }
  std::string first_active_key() {
    for (const auto& key : client().list_keys().value().data) {
      if (!key.revoked()) return key.id;
    }
    return {};
  }
  // Cancels `cancellation` after `delay`, from another thread.
  std::thread cancel_after(std::shared_ptr<Cancellation> cancellation, std::chrono::milliseconds delay) {
    return std::thread([cancellation, delay] {
      std::this_thread::sleep_for(delay);
      cancellation->cancel();
    });
  }

  std::shared_ptr<CurlTransport> transport = std::make_shared<CurlTransport>();
  std::mutex mutex;
  std::set<std::thread::id> log_threads;
  static SandboxProcess* sandbox_;
};
SandboxProcess* BlockingCallsTest::sandbox_ = nullptr;

TEST_F(BlockingCallsTest, RunOnTheCallersThreadOverOneKeptAliveConnection) {
  Client c = client();
  const std::string key = first_active_key();
  for (int i = 0; i < 20; ++i) {
    auto usage = c.get_usage(key, 7);
    ASSERT_TRUE(usage.ok()) << to_string(usage.error());
    EXPECT_EQ(usage->key_id, key);
  }
  EXPECT_EQ(log_threads, std::set<std::thread::id>{std::this_thread::get_id()});
  EXPECT_EQ(transport->connections_opened(), 1u);
}

TEST_F(BlockingCallsTest, AsynchronousCallsStillRunOnTheTransportsThread) {
  std::promise<Result<KeyList>> promise;
  client().list_keys_async([&](Result<KeyList> r) { promise.set_value(std::move(r)); });
  ASSERT_TRUE(promise.get_future().get().ok());
  ASSERT_EQ(log_threads.size(), 1u);
  EXPECT_NE(*log_threads.begin(), std::this_thread::get_id());
}

TEST_F(BlockingCallsTest, RetryAServerErrorAfterItsWaitOnTheCallersThread) {
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"status","status":503,"times":2})");
  const long long before = sandbox_->stat("requests");
  auto list = client().list_keys();
  ASSERT_TRUE(list.ok()) << to_string(list.error());
  EXPECT_EQ(sandbox_->stat("requests") - before, 3);
  EXPECT_EQ(log_threads, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST_F(BlockingCallsTest, CancellingStopsATransferInProgress) {
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"latency","latency_ms":4000,"times":1})");
  CallOptions call;
  call.cancellation = std::make_shared<Cancellation>();
  std::thread canceller = cancel_after(call.cancellation, std::chrono::milliseconds(200));
  const auto start = Clock::now();
  auto list = client().list_keys(call);
  canceller.join();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::cancelled);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2500));
}

TEST_F(BlockingCallsTest, CancellingEndsARetryWait) {
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"status","status":429,"times":1,"retry_after":4})");
  CallOptions call;
  call.cancellation = std::make_shared<Cancellation>();
  std::thread canceller = cancel_after(call.cancellation, std::chrono::milliseconds(300));
  const long long before = sandbox_->stat("requests");
  const auto start = Clock::now();
  auto list = client().list_keys(call);
  canceller.join();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::cancelled);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_EQ(sandbox_->stat("requests") - before, 1);  // the 429; the retry was never sent
}

// The same for an asynchronous call, whose wait is a timer on the transport's worker thread:
// cancelled, the wait ends at once (not when the 30 s Retry-After has passed) and the callback
// gets a cancelled error.
TEST_F(BlockingCallsTest, CancellingEndsAnAsynchronousCallsRetryWait) {
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"status","status":429,"times":1,"retry_after":30})");
  std::promise<void> retry_announced;
  std::once_flag announced_once;
  ClientOptions options;
  options.base_url = sandbox_->base_url();
  options.session_token = sandbox_->token();
  options.transport = transport;
  options.logger = [&](std::string_view line) {
    if (line.find("keyscope: retrying") != 0) return;
    std::call_once(announced_once, [&] { retry_announced.set_value(); });
  };
  Client c(options);
  CallOptions call;
  call.cancellation = std::make_shared<Cancellation>();
  const long long before = sandbox_->stat("requests");
  auto finished = std::make_shared<std::promise<Result<KeyList>>>();
  auto outcome = finished->get_future();
  c.list_keys_async([finished](Result<KeyList> r) { finished->set_value(std::move(r)); }, call);
  retry_announced.get_future().wait();  // the 429 is in and its wait has begun
  call.cancellation->cancel();
  ASSERT_EQ(outcome.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the cancelled call still waits out its Retry-After";
  const Result<KeyList> list = outcome.get();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::cancelled);
  EXPECT_EQ(sandbox_->stat("requests") - before, 1);  // the 429; the retry was never sent
}

TEST_F(BlockingCallsTest, ATimeoutIsATimeoutError) {
  sandbox_->add_fault(R"({"path_contains":"/api/v1/keys","mode":"latency","latency_ms":2000,"times":1})");
  CallOptions call;
  call.timeout = std::chrono::milliseconds(300);
  call.max_retries = 0;
  const auto start = Clock::now();
  auto list = client().list_keys(call);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, ErrorKind::timeout);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));
}

TEST_F(BlockingCallsTest, ThreadsCallingAtOnceEachGetTheirOwnAnswer) {
  Client c = client();
  const auto keys = c.list_keys().value().data;
  std::vector<std::thread> threads;
  std::vector<std::string> answered(8);
  for (std::size_t t = 0; t < answered.size(); ++t) {
    threads.emplace_back([&, t] {
      const auto& key = keys[t % keys.size()];
      for (int i = 0; i < 10; ++i) {
        auto details = c.get_key(key.id);
        if (!details.ok() || details->id != key.id) return;
      }
      answered[t] = key.id;
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < answered.size(); ++t) EXPECT_EQ(answered[t], keys[t % keys.size()].id) << t;
  EXPECT_LE(transport->connections_opened(), answered.size() + 1);
}

}  // namespace
}  // namespace keyscope
