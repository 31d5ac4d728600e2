// The curl worker's timer queue (sdk/src/transport/curl/deferred_queue.hpp): deadlines in order,
// and a wait given a Cancellation that ends as soon as that is cancelled.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "transport/curl/deferred_queue.hpp"

namespace keyscope::curl {
namespace {

using std::chrono::seconds;

TEST(DeferredQueueTest, RunsFunctionsWhenTheirDeadlinesPassEarliestFirst) {
  DeferredQueue queue;
  const auto now = DeferredQueue::Clock::now();
  std::string order;
  queue.push(now + seconds(2), [&] { order += "b"; });
  queue.push(now + seconds(1), [&] { order += "a"; });
  queue.push(now + seconds(9), [&] { order += "c"; });
  EXPECT_TRUE(queue.take_due(now).empty());
  for (auto& fn : queue.take_due(now + seconds(5))) fn();
  EXPECT_EQ(order, "ab");
  EXPECT_FALSE(queue.empty());
  EXPECT_FALSE(queue.watches_cancellation());
}

TEST(DeferredQueueTest, ACancelledWaitIsDueAtOnceAndTheOthersKeepTheirDeadlines) {
  DeferredQueue queue;
  const auto now = DeferredQueue::Clock::now();
  auto first = std::make_shared<Cancellation>();
  auto second = std::make_shared<Cancellation>();
  std::string order;
  queue.push(now + seconds(60), [&] { order += "1"; }, first);
  queue.push(now + seconds(30), [&] { order += "x"; });
  queue.push(now + seconds(90), [&] { order += "2"; }, second);
  queue.push(now + seconds(10), [&] { order += "y"; });
  EXPECT_TRUE(queue.watches_cancellation());
  EXPECT_TRUE(queue.take_due(now).empty());

  second->cancel();
  first->cancel();
  for (auto& fn : queue.take_due(now)) fn();
  EXPECT_EQ(order, "12");  // in the order they were added, whatever their deadlines
  EXPECT_FALSE(queue.watches_cancellation());
  ASSERT_TRUE(queue.time_until_next(now).has_value());
  EXPECT_EQ(*queue.time_until_next(now), seconds(10));

  for (auto& fn : queue.take_due(now + seconds(30))) fn();
  EXPECT_EQ(order, "12yx");
  EXPECT_TRUE(queue.empty());
}

TEST(DeferredQueueTest, AnUncancelledWaitRunsAtItsDeadlineAndStopsBeingWatched) {
  DeferredQueue queue;
  const auto now = DeferredQueue::Clock::now();
  int runs = 0;
  queue.push(now + seconds(1), [&] { ++runs; }, std::make_shared<Cancellation>());
  EXPECT_TRUE(queue.watches_cancellation());
  for (auto& fn : queue.take_due(now + seconds(1))) fn();
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(queue.watches_cancellation());
  queue.push(now, [&] { ++runs; }, std::make_shared<Cancellation>());
  queue.clear();
  EXPECT_FALSE(queue.watches_cancellation());
}

}  // namespace
}  // namespace keyscope::curl
