#pragma once
// The window of days both log commands work on: N days ending on the reference day.
#include <cstdint>

#include <keyscope/logs.hpp>

namespace keyscope_cli {

struct LogWindow {
  int days = 30;
  std::int64_t now_unix = 0;
  std::int64_t end_day = 0;  // days since epoch, UTC

  void apply(keyscope::logs::ReaderOptions& options) const {
    options.window_start_unix = (end_day - days + 1) * 86400;
    options.window_end_unix = (end_day + 1) * 86400;
  }
};

inline LogWindow log_window(int days, std::int64_t now_unix) {
  LogWindow window;
  window.days = days;
  window.now_unix = now_unix;
  window.end_day = now_unix >= 0 ? now_unix / 86400 : (now_unix - 86399) / 86400;
  return window;
}

}  // namespace keyscope_cli
