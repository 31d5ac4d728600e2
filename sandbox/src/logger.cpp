#include "logger.hpp"

#include <cstdio>

namespace sandbox {

namespace {
constexpr size_t kMaxQueued = 10000;
}

Logger::Logger(bool enabled) : enabled_(enabled) {
  if (enabled_) thread_ = std::thread([this] { run(); });
}

Logger::~Logger() {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void Logger::log(std::string line) {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= kMaxQueued) return;
    queue_.push_back(std::move(line));
  }
  cv_.notify_one();
}

void Logger::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty() && stop_) return;
    std::deque<std::string> batch;
    batch.swap(queue_);
    lock.unlock();
    for (auto& l : batch) {
      l.push_back('\n');
      std::fwrite(l.data(), 1, l.size(), stderr);
    }
    std::fflush(stderr);
    lock.lock();
  }
}

}  // namespace sandbox
