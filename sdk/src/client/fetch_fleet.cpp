// The key list, then every active key's usage with at most `concurrency` requests in flight.
#include <algorithm>
#include <mutex>

#include "client/client_impl.hpp"
#include "keyscope/validation.hpp"

namespace keyscope {
namespace {

// Errors that every other key would meet too: collecting them would only hammer the API.
bool ends_the_fleet(const Error& error) {
  return error.kind == ErrorKind::authentication || error.kind == ErrorKind::permission_denied ||
         error.kind == ErrorKind::rate_limit;
}

struct FleetFetch : std::enable_shared_from_this<FleetFetch> {
  Client client;
  int days = 30;
  CallOptions call;
  Callback<Fleet> done;
  FleetProgress progress;
  FleetUsageBody usage_body;
  bool cancel_on_error = false;  // only a cancellation of our own: never the caller's
  bool collect = false;          // FleetErrors::collect
  std::vector<std::optional<Error>> failed;  // collect: by slot
  HttpResponse list_raw;

  std::mutex mutex;
  Fleet fleet;
  std::vector<std::size_t> active;  // indexes into fleet.keys
  std::size_t next = 0;
  std::size_t in_flight = 0;
  std::size_t completed = 0;
  std::size_t failed_count = 0;
  std::optional<Error> first_error;
  HttpResponse error_raw;
  bool reported = false;  // synchronous transports can finish inside launch_more

  explicit FleetFetch(Client c) : client(std::move(c)) {}

  void launch_more(std::unique_lock<std::mutex>& lock, std::size_t limit) {
    while (!first_error && in_flight < limit && next < active.size()) {
      const std::size_t slot = next++;
      ++in_flight;
      const std::string key_id = fleet.keys[active[slot]].id;
      lock.unlock();
      auto self = shared_from_this();
      client.get_usage_async(
          key_id, days,
          [self, slot, limit](Result<KeyUsage> result) { self->on_usage(slot, limit, std::move(result)); },
          call);
      lock.lock();
    }
  }

  void on_usage(std::size_t slot, std::size_t limit, Result<KeyUsage> result) {
    std::unique_lock<std::mutex> lock(mutex);
    --in_flight;
    ++completed;
    if (!result.ok()) ++failed_count;
    if (progress) progress({completed, active.size(), failed_count});  // under the lock: counts never go back
    if (result.ok()) {
      if (usage_body) usage_body(active[slot], result.raw().body);
      fleet.usages[slot] = std::move(result).value();
    } else if (collect && !ends_the_fleet(result.error())) {
      failed[slot] = result.error();
    } else if (!first_error) {
      first_error = result.error();
      error_raw = result.raw();
      if (cancel_on_error) call.cancellation->cancel();  // the first error decides the outcome
    }
    launch_more(lock, limit);
    const bool finished = in_flight == 0 && (first_error || completed == active.size());
    if (!finished || reported) return;
    reported = true;
    lock.unlock();
    if (first_error) return done(Result<Fleet>(std::move(*first_error), std::move(error_raw)));
    if (collect) keep_fetched();
    done(Result<Fleet>(std::move(fleet), std::move(list_raw)));
  }

  // Usages of the keys that were fetched, in key order; the others become Fleet::errors.
  void keep_fetched() {
    std::vector<KeyUsage> fetched;
    for (std::size_t slot = 0; slot < active.size(); ++slot) {
      if (failed[slot]) {
        fleet.errors.push_back(KeyFetchError{fleet.keys[active[slot]].id, std::move(*failed[slot])});
      } else {
        fetched.push_back(std::move(fleet.usages[slot]));
      }
    }
    fleet.usages = std::move(fetched);
  }
};

}  // namespace

void Client::fetch_fleet_async(int days, int concurrency, Callback<Fleet> done,
                               CallOptions call, FleetProgress progress, FleetErrors errors,
                               FleetUsageBody usage_body) const {
  if (auto error = validate_days(days)) return done(std::move(*error));
  if (auto error = validate_concurrency(concurrency)) {
    return done(std::move(*error));
  }
  auto fetch = std::make_shared<FleetFetch>(*this);
  fetch->days = days;
  fetch->call = call;
  fetch->done = std::move(done);
  fetch->progress = std::move(progress);
  fetch->usage_body = std::move(usage_body);
  fetch->collect = errors == FleetErrors::collect;
  if (!fetch->call.cancellation) {
    fetch->call.cancellation = std::make_shared<Cancellation>();
    fetch->cancel_on_error = true;
  }
  // The fleet reads the key list itself: a host's check of bodies is for the usages only.
  CallOptions list_call = call;
  list_call.host_checked_body = nullptr;
  list_keys_async(
      [fetch, concurrency](Result<KeyList> listed) {
        if (!listed.ok()) return fetch->done(Result<Fleet>(listed.error(), listed.raw()));
        std::unique_lock<std::mutex> lock(fetch->mutex);
        fetch->list_raw = listed.raw();
        fetch->fleet.keys = std::move(listed).value().data;
        fetch->fleet.window_days = fetch->days;
        for (std::size_t i = 0; i < fetch->fleet.keys.size(); ++i) {
          if (!fetch->fleet.keys[i].revoked()) fetch->active.push_back(i);
        }
        fetch->fleet.usages.resize(fetch->active.size());
        fetch->failed.resize(fetch->active.size());
        if (fetch->progress) fetch->progress({0, fetch->active.size(), 0});
        if (fetch->active.empty()) {
          lock.unlock();
          return fetch->done(Result<Fleet>(std::move(fetch->fleet), std::move(fetch->list_raw)));
        }
        fetch->launch_more(lock, static_cast<std::size_t>(concurrency));
      },
      list_call);
}

}  // namespace keyscope
