#pragma once
// The core's log records (ClientOptions::log_event) -> logging.getLogger("keyscope"), through
// keyscope/_logging.py. A record below the logger's level never takes the GIL: the level is read
// (with the GIL, at the start of each call) into an atomic the transport's thread checks.
#include <atomic>

#include "binding.hpp"

namespace keyscope_python {

class PythonLog {
 public:
  // Reads the "keyscope" logger's effective level. GIL held.
  void refresh();
  // Any thread, GIL not held: takes the GIL only when the logger accepts the record's level.
  void emit(const keyscope::LogEvent& event) const;

 private:
  std::atomic<int> threshold_{1000};  // above every logging level: nothing until refresh()
};

// _core.python_log_calls(): how many records were handed to Python (tests).
void bind_logging(py::module_& m);

}  // namespace keyscope_python
