// Asynchronous stderr logger: request threads never block on a full pipe;
// lines are dropped when the queue is full.
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace sandbox {

class Logger {
 public:
  explicit Logger(bool enabled);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool enabled() const { return enabled_; }
  void log(std::string line);

 private:
  void run();
  bool enabled_;
  bool stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::thread thread_;
};

}  // namespace sandbox
