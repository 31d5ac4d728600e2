#pragma once
// Starts a real keyscope-sandbox on a free loopback port for one test suite and stops it after.
#include <string>
#include <vector>

#include <sys/types.h>

namespace keyscope::testing {

class SandboxProcess {
 public:
  // Extra command-line arguments, e.g. {"--tier", "free"}. Always pinned: seed 42, fixed now.
  explicit SandboxProcess(std::vector<std::string> extra_args = {});
  ~SandboxProcess();
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;

  const std::string& base_url() const { return base_url_; }  // includes any --base-path
  const std::string& origin() const { return origin_; }      // http://127.0.0.1:PORT
  const std::string& token() const { return token_; }

  // Test-only control endpoint: adds a fault rule (JSON object text) / clears them all.
  void add_fault(const std::string& rule_json) const;
  void clear_faults() const;
  std::string stats() const;  // GET /__sandbox/stats body
  // One number of /__sandbox/stats: "requests", "connections", "in_flight", "max_in_flight".
  long long stat(const std::string& name) const;
  void reset_peak() const;  // max_in_flight starts again from in_flight

 private:
  std::string control(const std::string& method, const std::string& path,
                      const std::string& body) const;
  pid_t pid_ = -1;
  std::string base_url_;
  std::string origin_;
  std::string token_;
};

}  // namespace keyscope::testing
