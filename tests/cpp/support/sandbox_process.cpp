#include "support/sandbox_process.hpp"

#include <csignal>
#include <cstdio>
#include <future>
#include <regex>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keyscope/curl_transport.hpp"

namespace keyscope::testing {
namespace {

std::string read_first_line(int fd, int timeout_ms) {
  std::string line;
  char c = 0;
  while (true) {
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) throw std::runtime_error("sandbox did not start in time");
    const ssize_t n = read(fd, &c, 1);
    if (n <= 0) throw std::runtime_error("sandbox exited before printing its address: " + line);
    if (c == '\n') return line;
    line.push_back(c);
  }
}

}  // namespace

SandboxProcess::SandboxProcess(std::vector<std::string> extra_args) {
  std::vector<std::string> args = {KEYSCOPE_SANDBOX_PATH, "--port", "0", "--seed", "42",
                                   "--now", "2026-05-17T12:00:00Z", "--quiet"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  const std::string line = read_first_line(out[0], 10000);
  // Keep draining stdout in the background is unnecessary: the sandbox prints one line.
  close(out[0]);
  std::smatch match;
  if (!std::regex_search(line, match, std::regex(R"(listening on (\S+) token=(\S+))"))) {
    throw std::runtime_error("unexpected sandbox banner: " + line);
  }
  base_url_ = match[1];
  token_ = match[2];
  std::smatch origin;
  std::regex_search(base_url_, origin, std::regex(R"(^http://[^/]+)"));
  origin_ = origin[0];
}

SandboxProcess::~SandboxProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string SandboxProcess::control(const std::string& method, const std::string& path,
                                    const std::string& body) const {
  HttpRequest request;
  request.method = method;
  request.url = origin_ + path;
  request.body = body;
  request.headers.add("Content-Type", "application/json");
  request.timeout = std::chrono::milliseconds(5000);
  std::promise<Result<HttpResponse>> promise;
  auto future = promise.get_future();
  default_transport()->send(request, [&promise](Result<HttpResponse> result) {
    promise.set_value(std::move(result));
  });
  Result<HttpResponse> result = future.get();
  if (!result.ok() || result.value().status >= 300) {
    throw std::runtime_error("sandbox control " + method + " " + path + " failed");
  }
  return result.value().body;
}

void SandboxProcess::add_fault(const std::string& rule_json) const {
  control("POST", "/__sandbox/faults", rule_json);
}

void SandboxProcess::clear_faults() const { control("DELETE", "/__sandbox/faults", ""); }

std::string SandboxProcess::stats() const { return control("GET", "/__sandbox/stats", ""); }

long long SandboxProcess::stat(const std::string& name) const {
  return nlohmann::json::parse(stats()).at(name).get<long long>();
}

void SandboxProcess::reset_peak() const { control("DELETE", "/__sandbox/stats", ""); }

}  // namespace keyscope::testing
