#pragma once
// stderr shared by the verbose logger (called on the transport's thread) and the progress line.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include <unistd.h>

namespace keyscope_cli {

class Console {
 public:
  Console() : tty_(::isatty(STDERR_FILENO) == 1) {}

  bool stderr_is_tty() const { return tty_; }

  // One whole line on stderr; clears a progress line first.
  void line(std::string_view text) {
    std::lock_guard<std::mutex> lock(mutex_);
    clear_progress_locked();
    std::string out(text);
    for (char& c : out) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
  }

  // "\r fetched 37/120 keys" (terminals only).
  void progress(std::size_t done, std::size_t total, const char* what) {
    if (!tty_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    // At most ~20 updates a second, but always the first and the last.
    const auto now = std::chrono::steady_clock::now();
    if (done != 0 && done != total && now - last_ < std::chrono::milliseconds(50)) return;
    last_ = now;
    std::fprintf(stderr, "\r fetched %zu/%zu %s", done, total, what);
    std::fflush(stderr);
    progress_shown_ = true;
  }

  void end_progress() {
    std::lock_guard<std::mutex> lock(mutex_);
    clear_progress_locked();
  }

 private:
  void clear_progress_locked() {
    if (!progress_shown_) return;
    std::fputs("\r\033[K", stderr);
    progress_shown_ = false;
  }

  bool tty_;
  bool progress_shown_ = false;
  std::chrono::steady_clock::time_point last_{};
  std::mutex mutex_;
};

}  // namespace keyscope_cli
