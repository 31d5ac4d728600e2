#pragma once
// The keyscope client: auth, retries, rate-limit tracking and error mapping over a Transport.
// No I/O of its own. Cheap to copy (a shared handle); safe to use from several threads.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "keyscope/models.hpp"
#include "keyscope/options.hpp"
#include "keyscope/result.hpp"

namespace keyscope {

template <class T>
using Callback = std::function<void(Result<T>)>;

// A fleet fetch's counts: of the `total` active keys, `done` have had their usage request
// finish, `failed` of those without a usage.
struct FleetStatus {
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t failed = 0;
};

// Called once the key list has arrived (done 0) and after each key's usage request finishes,
// on the transport's thread. Takes a callable of (const FleetStatus&) or of (done, total).
class FleetProgress {
 public:
  FleetProgress() = default;
  template <class F, std::enable_if_t<std::is_invocable_v<F&, const FleetStatus&>, int> = 0>
  FleetProgress(F f) {  // implicit: a lambda converts, as it would to a std::function
    if (non_empty(f)) fn_ = std::move(f);
  }
  template <class F, std::enable_if_t<!std::is_invocable_v<F&, const FleetStatus&> &&
                                          std::is_invocable_v<F&, std::size_t, std::size_t>,
                                      int> = 0>
  FleetProgress(F f) {
    if (non_empty(f)) fn_ = [f = std::move(f)](const FleetStatus& s) mutable { f(s.done, s.total); };
  }

  explicit operator bool() const noexcept { return static_cast<bool>(fn_); }
  void operator()(const FleetStatus& status) const { fn_(status); }

 private:
  // An empty std::function or a null function pointer is no callback.
  template <class F>
  static bool non_empty(const F& f) {
    if constexpr (std::is_constructible_v<bool, const F&>) return static_cast<bool>(f);
    else return true;
  }
  std::function<void(const FleetStatus&)> fn_;
};

class Client {
 public:
  // Validates the options (base URL, token shape, retries, timeout); never throws.
  static Result<Client> create(ClientOptions options);
  // Same, throwing ValidationError.
  explicit Client(ClientOptions options);

  // Asynchronous calls: return at once; `done` runs exactly once, on the transport's thread.
  void list_keys_async(Callback<KeyList> done, CallOptions call = {}) const;
  void get_key_async(const std::string& key_id, Callback<APIKeyDetails> done,
                     CallOptions call = {}) const;
  void get_usage_async(const std::string& key_id, int days, Callback<KeyUsage> done,
                       CallOptions call = {}) const;
  // The key list, then the usage of every non-revoked key, at most `concurrency` in flight.
  // FleetErrors::cancel_on_first: the first error ends the fetch (calls still in flight are
  // cancelled unless the caller gave its own cancellation). FleetErrors::collect: every key is
  // fetched and the failures are listed in Fleet::errors (a failed key list is still an error,
  // and so are authentication, permission and rate-limit errors, which every key would meet).
  // On success raw() is the key-list response.
  void fetch_fleet_async(int days, int concurrency, Callback<Fleet> done, CallOptions call = {},
                         FleetProgress progress = {},
                         FleetErrors errors = FleetErrors::cancel_on_first) const;

  // Blocking calls (native builds). Do not call them from inside a callback.
  Result<KeyList> list_keys(CallOptions call = {}) const;
  Result<APIKeyDetails> get_key(const std::string& key_id, CallOptions call = {}) const;
  Result<KeyUsage> get_usage(const std::string& key_id, int days = 30, CallOptions call = {}) const;
  Result<Fleet> fetch_fleet(int days = 30, int concurrency = 8, CallOptions call = {},
                            FleetProgress progress = {},
                            FleetErrors errors = FleetErrors::cancel_on_first) const;

  // The rate-limit headers of the most recent response (errors included).
  RateLimit rate_limit() const;
  const ClientOptions& options() const;
  std::string user_agent() const;

  struct Impl;

 private:
  explicit Client(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace keyscope
