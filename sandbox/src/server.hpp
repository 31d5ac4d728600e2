// HTTP front of the sandbox: routes, cookie auth, error envelopes, rate
// limiting, CORS, static files, fault injection and the control endpoints.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "demo_data.hpp"
#include "faults.hpp"
#include "in_flight.hpp"
#include "logger.hpp"
#include "options.hpp"
#include "rate_limit.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sandbox {

class Sandbox {
 public:
  explicit Sandbox(Options opts);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Binds, prints the listening line, serves until stop(). Returns an exit code.
  int run();
  void stop();

 private:
  struct Snapshot {
    std::shared_ptr<const Fleet> fleet;
    std::string list_body;
  };
  std::shared_ptr<const Snapshot> snapshot();
  // The sandbox's clock: --now when pinned, else the real UTC time (unix seconds).
  std::int64_t clock_now() const;

  void dispatch(const httplib::Request& req, httplib::Response& res);
  void handle_api(const httplib::Request& req, httplib::Response& res, const std::string& rid);
  void route_api(const httplib::Request& req, httplib::Response& res, const std::string& rid);
  void handle_control(const httplib::Request& req, httplib::Response& res, const std::string& rid);
  // Returns true when the fault produced the whole response.
  bool apply_fault(const FaultRule& rule, const httplib::Request& req, httplib::Response& res,
                   const std::string& rid);

  bool is_api_path(const std::string& path) const;
  bool unknown_method_on_api_path(const httplib::Request& req) const;
  bool cors_match(const httplib::Request& req) const;
  void apply_cors(const httplib::Request& req, httplib::Response& res) const;
  void preflight(const httplib::Request& req, httplib::Response& res) const;
  void rate_headers(httplib::Response& res, const RateDecision& d) const;
  std::string new_request_id();

  Options opts_;
  std::string token_;
  std::unique_ptr<httplib::Server> svr_;
  RateLimiter limiter_;
  FaultRegistry faults_;
  Logger logger_;
  std::mutex snap_mu_;
  std::shared_ptr<const Snapshot> snap_;
  std::int64_t snap_day_ = INT64_MIN;
  std::atomic<bool> stop_requested_{false};
  std::atomic<std::uint64_t> api_requests_{0};
  std::atomic<std::uint64_t> connections_{0};
  InFlightGauge in_flight_;
  std::atomic<std::uint64_t> rid_counter_{0};
  std::uint64_t rid_salt_ = 0;
};

}  // namespace sandbox
