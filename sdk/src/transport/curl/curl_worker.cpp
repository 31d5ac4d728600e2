#include "transport/curl/curl_worker.hpp"

#include <algorithm>
#include <new>
#include <optional>
#include <stdexcept>

#include "transport/curl/curl_error_mapping.hpp"

namespace keyscope::curl {
namespace {

constexpr long kIdleWaitMs = 1000;
// Cancellation is a flag without a wake-up, so the worker looks at it at least this often.
constexpr long kCancellationCheckMs = 20;

constexpr std::chrono::milliseconds kLongestDelay = std::chrono::hours(24 * 365);

constexpr const char* kCancelledReason = "request cancelled";
constexpr const char* kShutDownReason = "transport shut down before the request completed";

Error setup_error(std::string message, const HttpRequest& request) {
  return transport_error(ErrorKind::connection, std::move(message) + describe_request(request),
                         "connection_failed");
}

template <class Fn>
void call_dropping_exceptions(Fn& fn) noexcept {
  try {
    fn();
  } catch (...) {
    // User code must not take the worker down; there is nobody to report to on this thread.
  }
}

}  // namespace

CurlWorker::CurlWorker(CurlTransportOptions options)
    : options_(std::move(options)),
      max_active_transfers_(std::max<std::size_t>(options_.max_concurrent_requests, 1)),
      easy_pool_(max_active_transfers_) {
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::bad_alloc();
  // A per-host limit of 0 means "unlimited" to libcurl.
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(options_.max_connections_per_host));
  // Idle keep-alive connections kept for reuse: enough for every concurrent transfer.
  curl_multi_setopt(
      multi_, CURLMOPT_MAXCONNECTS,
      static_cast<long>(std::max(max_active_transfers_, options_.max_connections_per_host)));
}

CurlWorker::~CurlWorker() {
  // run() has returned (or never ran): nothing is attached to the multi handle any more.
  curl_multi_cleanup(multi_);
}

void CurlWorker::submit(HttpRequest request, Transport::Completion done) {
  auto transfer = std::make_unique<CurlTransfer>(std::move(request), std::move(done));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!finished_) {
      incoming_transfers_.push_back(std::move(transfer));
      curl_multi_wakeup(multi_);
      return;
    }
  }
  // The worker is gone (a send racing the transport's destruction): answer right here.
  const HttpRequest& late = transfer->request;
  Error error = cancelled_error(late, kShutDownReason);
  complete(std::move(transfer), std::move(error));
}

void CurlWorker::schedule(std::chrono::milliseconds delay, std::function<void()> fn,
                          std::shared_ptr<Cancellation> cancellation) {
  // Clamped so that a huge delay cannot overflow the clock's nanosecond arithmetic.
  using std::chrono::milliseconds;
  const auto bounded = std::clamp<milliseconds>(delay, milliseconds::zero(), kLongestDelay);
  const auto deadline = Clock::now() + bounded;
  std::lock_guard<std::mutex> lock(mutex_);
  if (stop_requested_) return;  // pending deferred functions are dropped on shutdown anyway
  incoming_deferred_.push_back(Deferred{deadline, std::move(fn), std::move(cancellation)});
  curl_multi_wakeup(multi_);
}

void CurlWorker::request_stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stop_requested_ = true;
  curl_multi_wakeup(multi_);
}

void CurlWorker::run() {
  while (take_incoming_work()) {
    complete_cancelled_waiting_transfers();
    start_waiting_transfers();
    int running = 0;
    curl_multi_perform(multi_, &running);
    finish_completed_transfers();
    abort_cancelled_transfers();
    run_due_deferred_functions();
    wait_for_activity();
  }
  shut_down();
}

bool CurlWorker::take_incoming_work() {
  std::vector<TransferPtr> transfers;
  std::vector<Deferred> deferred;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stop_requested_) return false;
    transfers.swap(incoming_transfers_);
    deferred.swap(incoming_deferred_);
  }
  for (auto& transfer : transfers) waiting_.push_back(std::move(transfer));
  for (auto& entry : deferred) {
    deferred_.push(entry.deadline, std::move(entry.fn), std::move(entry.cancellation));
  }
  return true;
}

void CurlWorker::complete_cancelled_waiting_transfers() {
  std::vector<TransferPtr> cancelled;
  std::deque<TransferPtr> still_waiting;
  for (auto& transfer : waiting_) {
    if (transfer->cancel_requested()) {
      cancelled.push_back(std::move(transfer));
    } else {
      still_waiting.push_back(std::move(transfer));
    }
  }
  waiting_.swap(still_waiting);
  for (auto& transfer : cancelled) {
    Error error = cancelled_error(transfer->request, kCancelledReason);
    complete(std::move(transfer), std::move(error));
  }
}

void CurlWorker::start_waiting_transfers() {
  while (!waiting_.empty() && active_.size() < max_active_transfers_) {
    TransferPtr transfer = std::move(waiting_.front());
    waiting_.pop_front();
    start_transfer(std::move(transfer));
  }
}

void CurlWorker::start_transfer(TransferPtr transfer) {
  if (std::optional<Error> refused = refuse_unsafe_request(transfer->request)) {
    complete(std::move(transfer), std::move(*refused));
    return;
  }
  CURL* easy = easy_pool_.acquire();
  if (easy == nullptr) {
    Error error = setup_error("could not allocate a libcurl handle", transfer->request);
    complete(std::move(transfer), std::move(error));
    return;
  }
  const CURLcode configured = transfer->configure(easy, options_);
  if (configured != CURLE_OK) {
    easy_pool_.release(easy);
    Error error = error_for_failed_transfer(configured, *transfer);
    complete(std::move(transfer), std::move(error));
    return;
  }
  if (curl_multi_add_handle(multi_, easy) != CURLM_OK) {
    easy_pool_.release(easy);
    Error error = setup_error("could not start the transfer", transfer->request);
    complete(std::move(transfer), std::move(error));
    return;
  }
  active_.emplace(easy, std::move(transfer));
}

void CurlWorker::finish_completed_transfers() {
  // Collected first: a CURLMsg is invalid once its handle leaves the multi handle.
  std::vector<std::pair<CURL*, CURLcode>> completed;
  int remaining = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &remaining)) {
    if (message->msg == CURLMSG_DONE) {
      completed.emplace_back(message->easy_handle, message->data.result);
    }
  }
  for (const auto& [easy, code] : completed) {
    long response_code = 0;
    TransferPtr transfer = detach(easy, &response_code);
    if (transfer == nullptr) continue;
    if (code == CURLE_OK) {
      HttpResponse response = transfer->take_response(static_cast<int>(response_code));
      complete(std::move(transfer), std::move(response));
    } else {
      Error error = error_for_failed_transfer(code, *transfer);
      complete(std::move(transfer), std::move(error));
    }
  }
}

void CurlWorker::abort_cancelled_transfers() {
  std::vector<CURL*> cancelled;
  for (const auto& [easy, transfer] : active_) {
    if (transfer->cancel_requested()) cancelled.push_back(easy);
  }
  for (CURL* easy : cancelled) {
    long response_code = 0;
    TransferPtr transfer = detach(easy, &response_code);
    Error error = cancelled_error(transfer->request, kCancelledReason);
    complete(std::move(transfer), std::move(error));
  }
}

void CurlWorker::run_due_deferred_functions() {
  for (auto& fn : deferred_.take_due(Clock::now())) {
    if (fn) call_dropping_exceptions(fn);
  }
}

void CurlWorker::wait_for_activity() {
  long timeout_ms = kIdleWaitMs;

  long curl_timeout_ms = -1;
  curl_multi_timeout(multi_, &curl_timeout_ms);
  if (curl_timeout_ms >= 0) timeout_ms = std::min(timeout_ms, curl_timeout_ms);

  if (const auto until_deferred = deferred_.time_until_next(Clock::now())) {
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*until_deferred).count();
    timeout_ms = std::min(timeout_ms, static_cast<long>(ms));
  }

  const auto cancellable = [](const CurlTransfer& transfer) {
    return transfer.request.cancellation != nullptr;
  };
  const bool watching_cancellation =
      std::any_of(active_.begin(), active_.end(),
                  [&](const auto& entry) { return cancellable(*entry.second); }) ||
      std::any_of(waiting_.begin(), waiting_.end(),
                  [&](const TransferPtr& transfer) { return cancellable(*transfer); });
  if (watching_cancellation || deferred_.watches_cancellation()) {
    timeout_ms = std::min(timeout_ms, kCancellationCheckMs);
  }

  if (!waiting_.empty() && active_.size() < max_active_transfers_) timeout_ms = 0;

  curl_multi_poll(multi_, nullptr, 0, static_cast<int>(timeout_ms), nullptr);
}

void CurlWorker::shut_down() {
  std::vector<TransferPtr> outstanding;
  std::vector<CURL*> active_handles;
  for (const auto& entry : active_) active_handles.push_back(entry.first);
  for (CURL* easy : active_handles) {
    long response_code = 0;
    outstanding.push_back(detach(easy, &response_code));
  }
  for (auto& transfer : waiting_) outstanding.push_back(std::move(transfer));
  waiting_.clear();
  deferred_.clear();

  // Completions may send again; those requests are cancelled too, until nothing is left.
  while (true) {
    for (auto& transfer : outstanding) {
      Error error = cancelled_error(transfer->request, kShutDownReason);
      complete(std::move(transfer), std::move(error));
    }
    outstanding.clear();
    std::vector<Deferred> dropped_deferred;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      dropped_deferred.swap(incoming_deferred_);
      outstanding.swap(incoming_transfers_);
      if (outstanding.empty()) {
        finished_ = true;
        break;
      }
    }
  }
}

CurlWorker::TransferPtr CurlWorker::detach(CURL* easy, long* response_code) {
  const auto found = active_.find(easy);
  if (found == active_.end()) return nullptr;
  TransferPtr transfer = std::move(found->second);
  active_.erase(found);

  curl_multi_remove_handle(multi_, easy);
  *response_code = transfer->read_finished(connections_opened_);
  transfer->easy = nullptr;
  easy_pool_.release(easy);
  return transfer;
}

void CurlWorker::complete(TransferPtr transfer, Result<HttpResponse> result) {
  Transport::Completion done = std::move(transfer->done);
  transfer.reset();
  if (!done) return;
  auto call = [&] { done(std::move(result)); };
  call_dropping_exceptions(call);
}

}  // namespace keyscope::curl
