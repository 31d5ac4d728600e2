// The soak test's native front door (scripts/soak.sh): every request of a plan through one
// keyscope::Client over libcurl with IN_FLIGHT calls in flight (get_usage_async), each result
// held against the plan — the fault-free answer's fingerprint, or the typed error the injected
// fault must give. The right value where the error was planned is not wrong (the call got
// through after all: more attempts reached the server than max_retries + 1); it is counted as
// "recovered". Samples its own open file descriptors and RSS at start (after the warm-up),
// middle and end. Prints one JSON line (soak.sh parses it).
//
//   KEYSCOPE_SESSION=TOKEN keyscope_soak_driver BASE_URL PLAN.tsv [IN_FLIGHT=256]
//
// Plan lines (tab-separated): phase(warmup|main) key_id days expect fingerprint, where expect is
// "ok" or error class names separated by '/' (any of them is right).
#include <keyscope/keyscope.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <malloc.h>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Step {
  std::string phase, key_id, expect, fingerprint;
  int days = 0;
};

struct Sample {
  long fds = 0, rss_kb = 0, heap_kb = 0;  // heap: malloc's bytes in use (mallinfo2)
};

Sample sample() {
  Sample s;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++s.fds;
    }
    closedir(dir);
    --s.fds;  // the directory stream's own descriptor
  }
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kb = std::strtol(line.c_str() + 6, nullptr, 10);
  }
  s.heap_kb = static_cast<long>(mallinfo2().uordblks / 1024);
  return s;
}

std::string number(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", *v);
  return buf;
}

// The same fingerprint as soak.sh's plan (and the Node and Python drivers).
std::string fingerprint(const keyscope::KeyUsage& u) {
  std::ostringstream out;
  out << u.key_id << '|' << u.window_days << '|' << u.total_requests << '|' << u.successful << '|'
      << u.client_errors << '|' << u.server_errors << '|' << number(u.latency_p50_ms) << '|'
      << number(u.latency_p95_ms) << '|' << number(u.latency_p99_ms) << '|';
  bool first = true;
  for (const auto& [status, count] : u.by_status) {  // std::map: sorted by the status text
    out << (first ? "" : ",") << status << '=' << count;
    first = false;
  }
  out << '|';
  first = true;
  for (const auto& d : u.daily) {
    out << (first ? "" : ",") << d.date.text << ':' << d.requests << ':' << d.errors;
    first = false;
  }
  return out.str();
}

bool expected_error(const std::string& expect, const std::string& name) {
  std::stringstream names(expect);
  std::string one;
  while (std::getline(names, one, '/')) {
    if (one == name) return true;
  }
  return false;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) { out += ' '; continue; }
    out += c;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: KEYSCOPE_SESSION=TOKEN keyscope_soak_driver BASE_URL PLAN.tsv [IN_FLIGHT]\n";
    return 2;
  }
  const char* token = std::getenv("KEYSCOPE_SESSION");
  const std::size_t in_flight_max = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 256;
  std::vector<Step> steps;
  {
    std::ifstream plan(argv[2]);
    std::string line;
    while (std::getline(plan, line)) {
      std::stringstream fields(line);
      Step s;
      std::string days;
      if (!std::getline(fields, s.phase, '\t') || !std::getline(fields, s.key_id, '\t') ||
          !std::getline(fields, days, '\t') || !std::getline(fields, s.expect, '\t')) {
        continue;
      }
      std::getline(fields, s.fingerprint);
      s.days = std::atoi(days.c_str());
      steps.push_back(std::move(s));
    }
  }

  keyscope::CurlTransportOptions transport_options;
  transport_options.max_concurrent_requests = in_flight_max;  // really in flight, not queued
  transport_options.max_connections_per_host = in_flight_max;
  keyscope::ClientOptions options;
  options.base_url = argv[1];
  options.session_token = token ? token : "";
  options.transport = std::make_shared<keyscope::CurlTransport>(transport_options);
  auto created = keyscope::Client::create(options);
  if (!created.ok()) {
    std::cerr << keyscope::to_string(created.error()) << "\n";
    return 2;
  }
  const keyscope::Client client = *created;

  std::mutex mu;
  std::condition_variable cv;
  std::size_t in_flight = 0, done_main = 0, total_main = 0, ok = 0, wrong = 0, expected_errors = 0,
              recovered_count = 0;
  std::map<std::string, std::size_t> errors_by_type;
  std::vector<std::string> wrong_examples;
  Sample start, middle, end;
  for (const auto& s : steps) total_main += s.phase == "main";

  const auto begin = std::chrono::steady_clock::now();
  auto run_phase = [&](const std::string& phase) {
    for (const auto& step : steps) {
      if (step.phase != phase) continue;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return in_flight < in_flight_max; });
        ++in_flight;
      }
      client.get_usage_async(step.key_id, step.days, [&, step](keyscope::Result<keyscope::KeyUsage> r) {
        std::string problem;
        std::string error_name;
        bool recovered = false;
        if (r.ok()) {
          if (fingerprint(*r) != step.fingerprint) problem = "wrong value: " + fingerprint(*r);
          else recovered = step.expect != "ok";  // right value where the plan expected the error
        } else {
          error_name = keyscope::error_class_name(r.error().kind);
          if (!expected_error(step.expect, error_name)) {
            problem = "expected " + step.expect + ", got " + keyscope::to_string(r.error());
          }
        }
        std::lock_guard<std::mutex> lock(mu);
        if (step.phase == "main") {
          if (!problem.empty()) {
            ++wrong;
            if (wrong_examples.size() < 5) wrong_examples.push_back(step.key_id + ": " + problem);
          } else if (r.ok()) {
            ++ok;
            recovered_count += recovered;
          } else {
            ++expected_errors;
            ++errors_by_type[error_name];
          }
          if (++done_main == total_main / 2) middle = sample();
        } else if (!problem.empty()) {
          ++wrong;
          if (wrong_examples.size() < 5) wrong_examples.push_back("warm-up " + step.key_id + ": " + problem);
        }
        --in_flight;
        cv.notify_all();
      });
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  };
  run_phase("warmup");
  start = sample();
  run_phase("main");
  end = sample();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();

  std::ostringstream out;
  out << "{\"front_door\":\"native\",\"requests\":" << total_main << ",\"ok\":" << ok
      << ",\"expected_errors\":" << expected_errors << ",\"recovered\":" << recovered_count
      << ",\"wrong\":" << wrong << ",\"errors_by_type\":{";
  bool first = true;
  for (const auto& [name, count] : errors_by_type) {
    out << (first ? "" : ",") << '"' << name << "\":" << count;
    first = false;
  }
  out << "},\"fds\":[" << start.fds << ',' << middle.fds << ',' << end.fds << "],\"rss_kb\":["
      << start.rss_kb << ',' << middle.rss_kb << ',' << end.rss_kb << "],\"heap_kb\":[" << start.heap_kb << ','
      << middle.heap_kb << ',' << end.heap_kb << "],\"seconds\":" << seconds
      << ",\"wrong_examples\":[";
  for (std::size_t i = 0; i < wrong_examples.size(); ++i) {
    out << (i ? "," : "") << '"' << json_escape(wrong_examples[i]) << '"';
  }
  out << "]}";
  std::cout << out.str() << std::endl;
  return wrong == 0 ? 0 : 1;
}
