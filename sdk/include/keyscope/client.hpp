#pragma once
/// @file
/// The keyscope client (Client) and the callback types of its asynchronous calls.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "keyscope/models.hpp"
#include "keyscope/options.hpp"
#include "keyscope/result.hpp"

namespace keyscope {

/// What an asynchronous call runs with its result, exactly once.
template <class T>
using Callback = std::function<void(Result<T>)>;

/// A fleet fetch's counts: `done` of the `total` active keys have answered or failed, `failed` of
/// them failed.
struct FleetProgressInfo {
  std::size_t done = 0;    ///< keys answered or failed so far
  std::size_t total = 0;   ///< active keys in the fleet
  std::size_t failed = 0;  ///< of `done`, the keys whose usage call failed
};

/// Called once the key list is in (done 0), then after each key's usage arrives or fails, with
/// counts that never go back (on the transport's thread).
using FleetProgress = std::function<void(const FleetProgressInfo& progress)>;

/// Called with each usage a fleet fetch keeps, as it arrives: the key's index in Fleet::keys and
/// the response body it was decoded from (on the transport's thread, before `done`). A fetch that
/// ends in an error may have called it for keys that answered before (or while) it failed.
using FleetUsageBody = std::function<void(std::size_t key_index, const std::string& body)>;

/// The keyscope client: auth, retries, rate-limit tracking and error mapping over a Transport.
/// No I/O of its own. Cheap to copy (a shared handle); safe to use from several threads.
class Client {
 public:
  /// Validates the options (base URL, token shape, retries, timeout); never throws.
  static Result<Client> create(ClientOptions options);
  /// Validates the options as create() does, throwing ValidationError.
  explicit Client(ClientOptions options);

  ///@{
  /// Asynchronous calls: return at once; `done` runs exactly once, on the transport's thread.
  void list_keys_async(Callback<KeyList> done, CallOptions call = {}) const;
  void get_key_async(const std::string& key_id, Callback<APIKeyDetails> done,
                     CallOptions call = {}) const;
  void get_usage_async(const std::string& key_id, int days, Callback<KeyUsage> done,
                       CallOptions call = {}) const;
  ///@}
  /// The key list, then the usage of every non-revoked key, at most `concurrency` in flight.
  /// FleetErrors::cancel_on_first: the first error ends the fetch (calls still in flight are
  /// cancelled unless the caller gave its own cancellation). FleetErrors::collect: every key is
  /// fetched and the failures are listed in Fleet::errors (a failed key list is still an error,
  /// and so are authentication, permission and rate-limit errors, which every key would meet).
  /// On success raw() is the key-list response. `usage_body`: see FleetUsageBody (the npm package
  /// hands those bodies to JS instead of re-encoding Fleet::usages).
  void fetch_fleet_async(int days, int concurrency, Callback<Fleet> done, CallOptions call = {},
                         FleetProgress progress = {},
                         FleetErrors errors = FleetErrors::cancel_on_first,
                         FleetUsageBody usage_body = {}) const;

  ///@{
  /// Blocking calls (native builds), as the asynchronous ones above. Do not call them from inside
  /// a callback.
  Result<KeyList> list_keys(CallOptions call = {}) const;
  Result<APIKeyDetails> get_key(const std::string& key_id, CallOptions call = {}) const;
  Result<KeyUsage> get_usage(const std::string& key_id, int days = 30, CallOptions call = {}) const;
  Result<Fleet> fetch_fleet(int days = 30, int concurrency = 8, CallOptions call = {},
                            FleetProgress progress = {},
                            FleetErrors errors = FleetErrors::cancel_on_first) const;
  ///@}

  /// The rate-limit headers of the most recent response (errors included).
  RateLimit rate_limit() const;

  ///@{
  /// For a host that sends a call's first attempt itself (the npm package's direct getUsage,
  /// bindings/wasm/src/direct.js) and hands the call to the client when the answer is anything
  /// but a success it can settle alone. usage_request_template(): the request
  /// get_usage_async(key_id, days) sends first (method, URL, headers, the client's timeout), with
  /// the literal text "{key_id}" and "{days}" in its URL where a call puts its arguments.
  /// record_response_headers(): the rate-limit headers of a response received that way become
  /// rate_limit(), as if a call had received them at `received_unix`.
  HttpRequest usage_request_template() const;
  void record_response_headers(const Headers& headers, std::int64_t received_unix) const;
  ///@}
  /// The options as validated (ClientOptions::transport filled in with the default on native
  /// builds when none was given).
  const ClientOptions& options() const;
  /// The User-Agent header every request carries: "keyscope/<version> (<transport name>)", then
  /// ClientOptions::user_agent_product when set.
  std::string user_agent() const;

  struct Impl;

 private:
  explicit Client(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace keyscope
