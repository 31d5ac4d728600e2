#include "fleet.hpp"

#include <condition_variable>
#include <mutex>

namespace keyscope_cli {

FleetResult fetch_fleet(Context& ctx, int days, int concurrency) {
  FleetResult out;
  const keyscope::Client& client = *ctx.client;
  auto listed = client.list_keys();
  out.list_raw = listed.raw();
  if (!listed.ok()) {
    out.error = listed.error();
    return out;
  }

  keyscope::Fleet fleet;
  fleet.keys = std::move(listed).value().data;
  fleet.window_days = days;
  std::vector<std::size_t> active;
  for (std::size_t i = 0; i < fleet.keys.size(); ++i) {
    if (!fleet.keys[i].revoked()) active.push_back(i);
  }
  fleet.usages.resize(active.size());

  struct State {
    std::mutex mutex;
    std::condition_variable cv;
    std::size_t next = 0, in_flight = 0, completed = 0;
    std::optional<keyscope::Error> error;
  };
  auto state = std::make_shared<State>();
  auto cancel = std::make_shared<keyscope::Cancellation>();
  keyscope::CallOptions call;
  call.cancellation = cancel;
  Console& console = *ctx.console;
  const std::size_t total = active.size();
  const std::size_t limit = static_cast<std::size_t>(concurrency < 1 ? 1 : concurrency);

  console.progress(0, total, "keys");
  std::unique_lock<std::mutex> lock(state->mutex);
  // Launches from this thread only; callbacks just record and notify.
  while (true) {
    while (!state->error && state->in_flight < limit && state->next < total) {
      const std::size_t slot = state->next++;
      ++state->in_flight;
      const std::string id = fleet.keys[active[slot]].id;
      lock.unlock();
      client.get_usage_async(
          id, days,
          [state, slot, &fleet, &console, total, cancel](keyscope::Result<keyscope::KeyUsage> r) {
            {
              std::lock_guard<std::mutex> guard(state->mutex);
              --state->in_flight;
              // Under the lock so that the counts on screen never go backwards.
              console.progress(++state->completed, total, "keys");
              if (r.ok()) {
                fleet.usages[slot] = std::move(r).value();
              } else if (!state->error && r.error().kind != keyscope::ErrorKind::cancelled) {
                state->error = r.error();
                cancel->cancel();  // stop the rest: the first error decides the exit code
              }
            }
            state->cv.notify_all();
          },
          call);
      lock.lock();
    }
    if (state->in_flight == 0 && (state->error || state->next >= total)) break;
    state->cv.wait(lock);
  }
  lock.unlock();
  console.end_progress();
  if (state->error) {
    out.error = state->error;
    return out;
  }
  out.fleet = std::move(fleet);
  return out;
}

}  // namespace keyscope_cli
