// Test-only fault injection: rules added through POST /__sandbox/faults are
// consumed by the next matching API requests.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sandbox {

enum class FaultMode { Status, Drop, Malformed, Html, Latency, WrongType, Oversize, Body, Redirect };

struct FaultRule {
  std::int64_t id = 0;
  std::string path_contains;  // empty matches every API path
  FaultMode mode = FaultMode::Status;
  int status = 503;
  std::optional<std::int64_t> retry_after;
  std::int64_t latency_ms = 1000;
  std::int64_t bytes = 40 << 20;  // oversize: body length
  bool chunked = false;           // oversize: no Content-Length, chunked transfer encoding
  std::string body;               // body: served verbatim as application/json
  std::string location;           // redirect: the Location header
  std::int64_t times = 1;  // <= 0: every matching request until cleared
};

const char* fault_mode_name(FaultMode m);

class FaultRegistry {
 public:
  // Parses and stores a rule; returns its id or an error message.
  std::optional<std::int64_t> add(const nlohmann::json& spec, std::string& error);
  void clear();
  // Takes one use of the first live rule matching `path`.
  std::optional<FaultRule> take(const std::string& path);
  nlohmann::json list() const;

 private:
  mutable std::mutex mu_;
  std::vector<FaultRule> rules_;
  std::int64_t next_id_ = 1;
};

}  // namespace sandbox
