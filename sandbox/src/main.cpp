// keyscope-sandbox entry point: options, signals, run.
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "log_emitter.hpp"
#include "options.hpp"
#include "server.hpp"

int main(int argc, char** argv) {
  int exit_code = 0;
  auto opts = sandbox::parse_options(argc, argv, exit_code);
  if (!opts) return exit_code;
  if (!opts->emit_logs_dir.empty()) return sandbox::emit_logs(*opts);  // writes logs, never serves

  std::signal(SIGPIPE, SIG_IGN);  // peers that hang up must not kill us
  // SIGINT/SIGTERM go to a dedicated thread (blocked in every other thread).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  sandbox::Sandbox server(*opts);
  std::atomic<bool> done{false};
  std::thread waiter([&server, &done, set] {
    int sig = 0;
    sigwait(&set, &sig);
    // A signal may arrive before the server is listening: keep asking until run() returns.
    // Idle keep-alive connections would hold run() for their whole timeout; after a short grace
    // the process exits and the kernel closes them.
    for (int waited_ms = 0; !done.load(); waited_ms += 20) {
      server.stop();
      if (waited_ms >= 300) {
        std::fflush(nullptr);
        std::_Exit(0);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const int rc = server.run();
  done.store(true);
  pthread_kill(waiter.native_handle(), SIGTERM);  // wakes sigwait if no signal came
  waiter.join();
  return rc;
}
