#pragma once
// The engine behind CurlTransport: one thread runs run(), driving a curl multi handle and the
// deferred-function timers. submit(), schedule() and request_stop() may be called from any
// thread, including from completions and deferred functions running on the worker itself.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include "keyscope/curl_transport.hpp"
#include "transport/curl/curl_easy_pool.hpp"
#include "transport/curl/curl_transfer.hpp"
#include "transport/curl/deferred_queue.hpp"

namespace keyscope::curl {

class CurlWorker {
 public:
  explicit CurlWorker(CurlTransportOptions options);
  ~CurlWorker();
  CurlWorker(const CurlWorker&) = delete;
  CurlWorker& operator=(const CurlWorker&) = delete;

  void submit(HttpRequest request, Transport::Completion done);
  // `cancellation` (may be null) ends the wait early: fn then runs at the next look at the
  // cancellations (every 20 ms while one is watched).
  void schedule(std::chrono::milliseconds delay, std::function<void()> fn,
                std::shared_ptr<Cancellation> cancellation = nullptr);
  // run() then cancels everything outstanding and returns.
  void request_stop();
  void run();

  std::size_t connections_opened() const noexcept { return connections_opened_.load(); }

 private:
  using Clock = DeferredQueue::Clock;
  using TransferPtr = std::unique_ptr<CurlTransfer>;
  struct Deferred {
    Clock::time_point deadline;
    std::function<void()> fn;
    std::shared_ptr<Cancellation> cancellation;
  };

  bool take_incoming_work();  // false once a stop was requested
  void complete_cancelled_waiting_transfers();
  void start_waiting_transfers();
  void start_transfer(TransferPtr transfer);
  void finish_completed_transfers();
  void abort_cancelled_transfers();
  void run_due_deferred_functions();
  void wait_for_activity();
  void shut_down();

  // Takes the transfer off the multi handle and returns its easy handle to the pool.
  TransferPtr detach(CURL* easy, long* response_code);
  // Calls the completion outside every lock; an exception thrown by it is dropped.
  static void complete(TransferPtr transfer, Result<HttpResponse> result);

  const CurlTransportOptions options_;
  const std::size_t max_active_transfers_;
  CURLM* multi_ = nullptr;
  std::atomic<std::size_t> connections_opened_{0};

  // Shared with other threads.
  std::mutex mutex_;
  std::vector<TransferPtr> incoming_transfers_;
  std::vector<Deferred> incoming_deferred_;
  bool stop_requested_ = false;
  bool finished_ = false;

  // Worker thread only.
  CurlEasyPool easy_pool_;
  std::deque<TransferPtr> waiting_;  // FIFO until a slot is free
  std::unordered_map<CURL*, TransferPtr> active_;
  DeferredQueue deferred_;
};

}  // namespace keyscope::curl
