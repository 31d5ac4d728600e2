#include "server.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <httplib.h>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include "hash.hpp"
#include "timeutil.hpp"
#include "usage_model.hpp"

namespace sandbox {

namespace {

using httplib::Request;
using httplib::Response;

// ---------------------------------------------------------------- thread pool
// httplib runs one connection per task; keep-alive connections hold a thread
// while idle, so the pool grows on demand (64 warm threads, up to 1024).
// Every enqueue is one accepted TCP connection: that is the connection count.
class ElasticPool : public httplib::TaskQueue {
 public:
  ElasticPool(size_t warm, size_t max, std::atomic<std::uint64_t>& accepted)
      : max_(max), accepted_(accepted) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < warm; ++i) spawn_locked();
  }
  ~ElasticPool() override = default;

  void enqueue(std::function<void()> fn) override {
    accepted_.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(fn));
      if (jobs_.size() > idle_ && threads_.size() < max_) spawn_locked();
    }
    cv_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void spawn_locked() {
    threads_.emplace_back([this] {
      std::unique_lock<std::mutex> lock(mu_);
      for (;;) {
        ++idle_;
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) return;  // stopping
        auto fn = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        fn();
        lock.lock();
      }
    });
  }

  size_t max_;
  std::atomic<std::uint64_t>& accepted_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stop_ = false;
};

// ------------------------------------------------------------------- helpers
bool starts_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string printable(const std::string& s, size_t max = 200) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  if (s.size() > max) out += "...";
  return out;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

enum class Auth { Ok, Missing, Invalid, BearerOnly };

Auth check_auth(const Request& req, const std::string& token) {
  bool seen = false;
  const size_t n = req.get_header_value_count("Cookie");
  for (size_t h = 0; h < n; ++h) {
    const std::string header = req.get_header_value("Cookie", h);
    size_t pos = 0;
    while (pos <= header.size()) {
      size_t end = header.find(';', pos);
      if (end == std::string::npos) end = header.size();
      const std::string pair = trim(header.substr(pos, end - pos));
      pos = end + 1;
      const auto eq = pair.find('=');
      if (eq == std::string::npos) continue;
      if (trim(pair.substr(0, eq)) != "sb-access-token") continue;
      std::string value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      seen = true;
      if (constant_time_equal(value, token)) return Auth::Ok;
    }
  }
  if (seen) return Auth::Invalid;
  if (req.has_header("Authorization")) return Auth::BearerOnly;
  return Auth::Missing;
}

void send_json(Response& res, int status, const std::string& body) {
  res.status = status;
  // The charset parameter keeps httplib from compressing: its brotli runs at maximum quality and
  // takes ~0.9 s for a 600 KB key list, which would make every client look slow.
  res.set_content(body, "application/json; charset=utf-8");
}

constexpr std::size_t kOversizeChunk = 64 * 1024;

// A 200 JSON body of exactly `bytes` bytes ({"data":{"pad":"xxx..."}}), streamed rather than
// built: with a Content-Length, or chunked without one.
void send_oversize(Response& res, std::size_t bytes, bool chunked) {
  static const std::string head = "{\"data\":{\"pad\":\"";
  static const std::string tail = "\"}}";
  bytes = std::max(bytes, head.size() + tail.size());
  auto byte_at = [bytes](std::size_t i) {
    if (i < head.size()) return head[i];
    if (i >= bytes - tail.size()) return tail[i - (bytes - tail.size())];
    return 'x';
  };
  auto write = [byte_at](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
    std::string chunk(length, 'x');
    for (std::size_t i = 0; i < length; ++i) chunk[i] = byte_at(offset + i);
    return sink.write(chunk.data(), chunk.size());
  };
  res.status = 200;
  const char* type = "application/json; charset=utf-8";
  if (!chunked) {
    res.set_content_provider(bytes, type, [write](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
      return write(offset, std::min(length, kOversizeChunk), sink);
    });
    return;
  }
  res.set_chunked_content_provider(type, [write, bytes](std::size_t offset, httplib::DataSink& sink) {
    if (offset >= bytes) {
      sink.done();
      return true;
    }
    return write(offset, std::min(bytes - offset, kOversizeChunk), sink);
  });
}

void send_error(Response& res, const std::string& rid, int status, const std::string& code,
                const std::string& message, const ojson& details = nullptr) {
  ojson err;
  err["code"] = code;
  err["message"] = message;
  err["request_id"] = rid;
  if (!details.is_null()) err["details"] = details;
  ojson doc;
  doc["error"] = std::move(err);
  send_json(res, status, doc.dump());
}

const char* code_for_status(int status) {
  switch (status) {
    case 400: return "invalid_parameter";
    case 401: return "invalid_session";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 429: return "rate_limit_exceeded";
    default: return status >= 500 ? "internal_error" : "bad_request";
  }
}

const char* message_for_status(int status) {
  switch (status) {
    case 400: return "The request is malformed";
    case 401: return "Authentication required";
    case 403: return "Forbidden";
    case 404: return "The requested resource was not found";
    case 405: return "Method not allowed";
    case 413: return "Request body too large";
    case 414: return "Request URI too long";
    case 429: return "Rate limit exceeded";
    case 502: return "Bad gateway";
    case 503: return "Service temporarily unavailable";
    case 504: return "Gateway timeout";
    default: return status >= 500 ? "Internal server error" : "Bad request";
  }
}

// Abort the TCP connection that carried `req` so the client gets no response.
// httplib does not hand the socket to handlers; the connection is found by its
// (local port, peer address, peer port), which is unique.
bool drop_connection(const Request& req) {
  std::vector<int> fds;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9') fds.push_back(std::atoi(e->d_name));
    }
    closedir(dir);
  } else {
    for (int fd = 0; fd < 65536; ++fd) fds.push_back(fd);
  }
  for (int fd : fds) {
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    int lport = -1, pport = -1;
    char paddr[INET6_ADDRSTRLEN] = {0};
    if (local.ss_family == AF_INET) lport = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    if (local.ss_family == AF_INET6) lport = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    if (peer.ss_family == AF_INET) {
      auto* p = reinterpret_cast<sockaddr_in*>(&peer);
      pport = ntohs(p->sin_port);
      inet_ntop(AF_INET, &p->sin_addr, paddr, sizeof paddr);
    } else if (peer.ss_family == AF_INET6) {
      auto* p = reinterpret_cast<sockaddr_in6*>(&peer);
      pport = ntohs(p->sin6_port);
      inet_ntop(AF_INET6, &p->sin6_addr, paddr, sizeof paddr);
    }
    if (lport != req.local_port || pport != req.remote_port) continue;
    if (!req.remote_addr.empty() && req.remote_addr != paddr) continue;
    linger lg{1, 0};  // close() will send RST
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::shutdown(fd, SHUT_RDWR);
    return true;
  }
  return false;
}

// RFC 9110 token characters (a method name is a token).
bool is_token(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0) continue;
    if (std::string("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string::npos) return false;
  }
  return true;
}

bool expects_body(const Request& req) {
  return req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
         req.method == "PRI" || (req.method == "DELETE" && req.has_header("Content-Length"));
}

bool safe_redirect(const std::string& next) {
  if (next.empty() || next[0] != '/' || next.size() > 2048) return false;
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return false;
  for (unsigned char c : next)
    if (c < 0x20 || c >= 0x7f) return false;
  return true;
}

}  // namespace

// ------------------------------------------------------------------ Sandbox
Sandbox::Sandbox(Options opts)
    : opts_(std::move(opts)),
      svr_(std::make_unique<httplib::Server>()),
      limiter_(opts_.per_minute_limit()),
      logger_(!opts_.quiet) {
  std::random_device rd;
  rid_salt_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  token_ = opts_.token;
  if (token_.empty()) {
    static const char* hex = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) token_.push_back(hex[rd() % 16]);
  }
}

Sandbox::~Sandbox() = default;

void Sandbox::stop() {
  stop_requested_.store(true);
  if (svr_->is_running()) svr_->stop();
}

std::int64_t Sandbox::clock_now() const { return opts_.now ? *opts_.now : unix_now(); }

std::shared_ptr<const Sandbox::Snapshot> Sandbox::snapshot() {
  const std::int64_t now = clock_now();
  const std::int64_t day = day_of(now);
  std::lock_guard<std::mutex> lock(snap_mu_);
  if (!snap_ || snap_day_ != day) {
    auto s = std::make_shared<Snapshot>();
    s->fleet = std::make_shared<const Fleet>(opts_.seed, opts_.keys, now);
    s->list_body = key_list_body(*s->fleet);
    snap_ = std::move(s);
    snap_day_ = day;
  }
  return snap_;
}

std::string Sandbox::new_request_id() {
  const std::uint64_t n = rid_counter_.fetch_add(1, std::memory_order_relaxed);
  char buf[24];
  std::snprintf(buf, sizeof buf, "req_%016llx",
                static_cast<unsigned long long>(splitmix64(rid_salt_ + n)));
  return buf;
}

bool Sandbox::is_api_path(const std::string& path) const {
  const std::string api = opts_.base_path + "/api";
  return path == api || starts_with(path, api + "/");
}

bool Sandbox::unknown_method_on_api_path(const Request& req) const {
  // Only the request line was read: method, target and version are set, the path is not.
  if (!req.path.empty() || !is_token(req.method)) return false;
  if (req.version != "HTTP/1.1" && req.version != "HTTP/1.0") return false;
  return is_api_path(req.target.substr(0, req.target.find('?')));
}

bool Sandbox::cors_match(const Request& req) const {
  return !opts_.cors_origin.empty() && req.has_header("Origin") &&
         req.get_header_value("Origin") == opts_.cors_origin;
}

void Sandbox::apply_cors(const Request& req, Response& res) const {
  if (opts_.cors_origin.empty()) return;
  res.set_header("Vary", "Origin");
  if (!cors_match(req)) return;
  res.set_header("Access-Control-Allow-Origin", opts_.cors_origin);
  res.set_header("Access-Control-Allow-Credentials", "true");
  res.set_header("Access-Control-Expose-Headers",
                 "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id, Retry-After");
}

void Sandbox::preflight(const Request& req, Response& res) const {
  res.status = 204;
  res.set_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
  const std::string asked = req.get_header_value("Access-Control-Request-Headers");
  res.set_header("Access-Control-Allow-Headers", asked.empty() ? "Content-Type" : printable(asked, 1000));
  res.set_header("Access-Control-Max-Age", "600");
}

void Sandbox::rate_headers(Response& res, const RateDecision& d) const {
  res.set_header("X-RateLimit-Limit", std::to_string(d.limit));
  res.set_header("X-RateLimit-Remaining", std::to_string(d.remaining));
  res.set_header("X-RateLimit-Reset", std::to_string(d.reset));
}

void Sandbox::dispatch(const Request& req, Response& res) {
  const std::string rid = new_request_id();
  res.set_header("X-Request-Id", rid);
  apply_cors(req, res);
  if (opts_.control && starts_with(req.path, "/__sandbox/")) {
    handle_control(req, res, rid);
    return;
  }
  if (is_api_path(req.path)) {
    handle_api(req, res, rid);
    return;
  }
  if (req.method == "OPTIONS" && cors_match(req)) {
    preflight(req, res);
    return;
  }
  rate_headers(res, limiter_.peek(token_));
  send_error(res, rid, 404, "not_found", "The requested resource was not found");
}

void Sandbox::handle_api(const Request& req, Response& res, const std::string& rid) {
  api_requests_.fetch_add(1, std::memory_order_relaxed);
  const InFlightGauge::Scope in_flight(in_flight_);
  if (opts_.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(opts_.latency_ms));
  if (req.method == "OPTIONS" && cors_match(req)) {
    preflight(req, res);
    return;
  }
  if (auto rule = faults_.take(req.path)) {
    if (apply_fault(*rule, req, res, rid)) return;
  }
  if (req.method != "GET") {
    rate_headers(res, limiter_.peek(token_));
    res.set_header("Allow", "GET");
    send_error(res, rid, 405, "method_not_allowed", "Only GET is supported on this endpoint");
    return;
  }
  switch (check_auth(req, token_)) {
    case Auth::Ok: break;
    case Auth::Missing:
      rate_headers(res, limiter_.peek(token_));
      send_error(res, rid, 401, "missing_api_key", "Authentication required: sign in to get a session cookie");
      return;
    case Auth::Invalid:
      rate_headers(res, limiter_.peek(token_));
      send_error(res, rid, 401, "invalid_session", "The session cookie is invalid or expired: sign in again");
      return;
    case Auth::BearerOnly:
      rate_headers(res, limiter_.peek(token_));
      send_error(res, rid, 401, "invalid_auth_method",
                 "Key-management endpoints take the session cookie sb-access-token, not an Authorization header");
      return;
  }
  const RateDecision d = limiter_.consume(token_);
  rate_headers(res, d);
  if (!d.allowed) {
    res.set_header("Retry-After", std::to_string(d.retry_after));
    send_error(res, rid, 429, "rate_limit_exceeded", "Rate limit exceeded");
    return;
  }
  route_api(req, res, rid);
}

void Sandbox::route_api(const Request& req, Response& res, const std::string& rid) {
  std::string rest = req.path.substr(opts_.base_path.size());  // "/api..."
  if (rest.size() > 1 && rest.back() == '/') rest.pop_back();
  const std::string keys = "/api/v1/keys";
  if (rest == keys) {
    const auto snap = snapshot();
    send_json(res, 200, snap->list_body);
    return;
  }
  if (!starts_with(rest, keys + "/")) {
    send_error(res, rid, 404, "not_found", "The requested resource was not found");
    return;
  }
  const std::string tail = rest.substr(keys.size() + 1);
  const auto slash = tail.find('/');
  const std::string key_id = tail.substr(0, slash);
  const std::string sub = slash == std::string::npos ? "" : tail.substr(slash + 1);
  if (slash != std::string::npos && sub != "usage") {
    send_error(res, rid, 404, "not_found", "The requested resource was not found");
    return;
  }
  if (!is_uuid(key_id)) {
    send_error(res, rid, 400, "invalid_parameter", "keyId must be a UUID", {{"param", "keyId"}});
    return;
  }
  int days = 30;
  if (!sub.empty() && req.has_param("days")) {
    const std::string v = req.get_param_value("days");
    bool ok = !v.empty() && v.size() <= 4 &&
              std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (ok) days = std::stoi(v);
    if (!ok || days < 1 || days > 90) {
      send_error(res, rid, 400, "invalid_parameter", "days must be between 1 and 90", {{"param", "days"}});
      return;
    }
  }
  const auto snap = snapshot();
  const KeyProfile* key = snap->fleet->find(lower(key_id));
  if (key == nullptr) {
    send_error(res, rid, 404, "not_found", "API key not found", {{"param", "keyId"}});
    return;
  }
  ojson doc;
  doc["data"] = sub.empty() ? key_details_json(*snap->fleet, *key)
                            : key_usage_json(*snap->fleet, *key, days);
  send_json(res, 200, doc.dump());
}

bool Sandbox::apply_fault(const FaultRule& rule, const Request& req, Response& res,
                          const std::string& rid) {
  switch (rule.mode) {
    case FaultMode::Latency:
      std::this_thread::sleep_for(std::chrono::milliseconds(rule.latency_ms));
      return false;
    case FaultMode::Drop:
      if (!drop_connection(req)) logger_.log("fault drop: connection not found, answering 502");
      res.set_header("Connection", "close");
      send_error(res, rid, 502, "internal_error", "Connection dropped by fault injection");
      return true;
    case FaultMode::Status: {
      rate_headers(res, limiter_.peek(token_));
      std::optional<std::int64_t> retry = rule.retry_after;
      if (!retry && rule.status == 429) retry = 1;
      if (retry) res.set_header("Retry-After", std::to_string(*retry));
      send_error(res, rid, rule.status, code_for_status(rule.status), message_for_status(rule.status));
      return true;
    }
    case FaultMode::Malformed:
      rate_headers(res, limiter_.peek(token_));
      send_json(res, 200, "{\"data\": {\"key_id\": 42, ");
      return true;
    case FaultMode::Html:
      rate_headers(res, limiter_.peek(token_));
      res.status = rule.status;
      res.set_content(
          "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
          "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
          "</body>\r\n</html>\r\n",
          "text/html");
      return true;
    case FaultMode::Oversize:
      rate_headers(res, limiter_.peek(token_));
      send_oversize(res, static_cast<std::size_t>(rule.bytes), rule.chunked);
      return true;
    case FaultMode::Body:
      rate_headers(res, limiter_.peek(token_));
      send_json(res, rule.status, rule.body);
      return true;
    case FaultMode::Redirect:
      res.status = rule.status;
      res.set_header("Location", rule.location);
      res.set_content("redirecting\n", "text/plain");
      return true;
    case FaultMode::WrongType: {
      rate_headers(res, limiter_.peek(token_));
      Response inner;
      route_api(req, inner, rid);
      ojson doc;
      if (inner.status == 200) doc = ojson::parse(inner.body, nullptr, false);
      if (doc.is_object() && doc["data"].is_object()) {
        doc["data"]["total_requests"] = std::to_string(doc["data"].value("total_requests", 0));
      } else if (doc.is_object() && doc["data"].is_array() && !doc["data"].empty()) {
        auto& first = doc["data"][0];
        first["total_requests"] = std::to_string(first.value("total_requests", 0));
      } else {
        doc = ojson::object();
        doc["data"] = {{"key_id", 42}, {"total_requests", "142587"}};
      }
      send_json(res, 200, doc.dump());
      return true;
    }
  }
  return false;
}

void Sandbox::handle_control(const Request& req, Response& res, const std::string& rid) {
  const std::string& path = req.path;
  if (req.method == "OPTIONS" && cors_match(req)) {
    preflight(req, res);
    return;
  }
  if (path == "/__sandbox/faults") {
    if (req.method == "POST") {
      const auto spec = nlohmann::json::parse(req.body, nullptr, false);
      std::string error;
      const auto id = spec.is_discarded() ? std::nullopt : faults_.add(spec, error);
      if (!id) {
        send_error(res, rid, 400, "invalid_parameter", spec.is_discarded() ? "body must be JSON" : error);
        return;
      }
      send_json(res, 200, ojson{{"id", *id}}.dump());
    } else if (req.method == "DELETE") {
      faults_.clear();
      send_json(res, 200, ojson{{"cleared", true}}.dump());
    } else if (req.method == "GET") {
      send_json(res, 200, nlohmann::json{{"rules", faults_.list()}}.dump());
    } else {
      res.set_header("Allow", "GET, POST, DELETE");
      send_error(res, rid, 405, "method_not_allowed", "Use POST, DELETE or GET");
    }
    return;
  }
  if (path == "/__sandbox/stats") {
    if (req.method == "DELETE") {
      in_flight_.reset_peak();
    } else if (req.method != "GET") {
      res.set_header("Allow", "GET, DELETE");
      send_error(res, rid, 405, "method_not_allowed", "Use GET or DELETE");
      return;
    }
    ojson j;
    j["requests"] = api_requests_.load();
    j["connections"] = connections_.load();
    j["in_flight"] = in_flight_.now();
    j["max_in_flight"] = in_flight_.peak();
    send_json(res, 200, j.dump());
    return;
  }
  if (path == "/__sandbox/login" || path == "/__sandbox/logout") {
    if (req.method != "GET") {
      send_error(res, rid, 405, "method_not_allowed", "Use GET");
      return;
    }
    std::string next = req.has_param("next") ? req.get_param_value("next") : "/";
    if (!safe_redirect(next)) next = "/";
    if (path == "/__sandbox/login") {
      if (!req.has_param("token") || !constant_time_equal(req.get_param_value("token"), token_)) {
        send_error(res, rid, 401, "invalid_session", "Wrong sandbox token");
        return;
      }
      res.set_header("Set-Cookie", "sb-access-token=" + token_ + "; Path=/; HttpOnly; SameSite=Lax");
    } else {
      res.set_header("Set-Cookie", "sb-access-token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    }
    res.set_header("Location", next);
    send_json(res, 302, ojson{{"redirect", next}}.dump());
    return;
  }
  send_error(res, rid, 404, "not_found", "Unknown control endpoint");
}

int Sandbox::run() {
  auto& svr = *svr_;
  std::atomic<std::uint64_t>& conns = connections_;
  svr.new_task_queue = [&conns] { return new ElasticPool(64, 1024, conns); };
  svr.set_keep_alive_max_count(1000000);
  svr.set_keep_alive_timeout(10);
  svr.set_tcp_nodelay(true);  // without it Nagle + delayed ACK add ~40 ms to every response
  svr.set_payload_max_length(1 << 20);

  if (!opts_.static_dir.empty()) {
    const std::pair<const char*, const char*> types[] = {
        {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"}, {"mjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"}, {"wasm", "application/wasm"},
        {"json", "application/json"}, {"map", "application/json"},
        {"png", "image/png"}, {"svg", "image/svg+xml"}, {"ico", "image/x-icon"},
        {"txt", "text/plain; charset=utf-8"}, {"ts", "text/plain; charset=utf-8"}};
    for (const auto& t : types) svr.set_file_extension_and_mimetype_mapping(t.first, t.second);
    if (!svr.set_mount_point("/", opts_.static_dir, {{"Cache-Control", "no-store"}})) {
      std::cerr << "keyscope-sandbox: --static directory not found: " << opts_.static_dir << "\n";
      return 2;
    }
    svr.set_file_request_handler([this](const Request& req, Response& res) {
      res.set_header("X-Request-Id", new_request_id());
      apply_cors(req, res);
    });
  }

  svr.set_pre_routing_handler([this](const Request& req, Response& res) {
    if (expects_body(req)) return httplib::Server::HandlerResponse::Unhandled;  // body read later
    if (!opts_.static_dir.empty() && (req.method == "GET" || req.method == "HEAD") &&
        !is_api_path(req.path) && !(opts_.control && starts_with(req.path, "/__sandbox/")))
      return httplib::Server::HandlerResponse::Unhandled;  // static files
    dispatch(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  auto with_body = [this](const Request& req, Response& res) { dispatch(req, res); };
  svr.Post("/__sandbox/faults", with_body);
  svr.Delete("/__sandbox/faults", with_body);
  svr.Delete("/__sandbox/stats", with_body);

  svr.set_error_handler(httplib::Server::HandlerWithResponse([this](const Request& req, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 404) {  // nothing matched: our router decides (405 on API paths, ...)
      dispatch(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (res.status == 400 && unknown_method_on_api_path(req)) {
      // httplib refuses a method it does not know (QUERY, ...) as a malformed request line,
      // before parsing the path; on an API path that is a method other than GET: 405.
      const std::string rid = new_request_id();
      res.set_header("X-Request-Id", rid);
      apply_cors(req, res);
      rate_headers(res, limiter_.peek(token_));
      res.set_header("Allow", "GET");
      send_error(res, rid, 405, "method_not_allowed", "Only GET is supported on this endpoint");
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string rid = new_request_id();
    res.set_header("X-Request-Id", rid);
    apply_cors(req, res);
    rate_headers(res, limiter_.peek(token_));
    send_error(res, rid, res.status, res.status == 400 ? "bad_request" : code_for_status(res.status),
               message_for_status(res.status));
    return httplib::Server::HandlerResponse::Handled;
  }));
  svr.set_exception_handler([this](const Request&, Response& res, std::exception_ptr) {
    const std::string rid = new_request_id();
    res.set_header("X-Request-Id", rid);
    send_error(res, rid, 500, "internal_error", "Internal server error");
  });
  // Every response (API, control, static files, errors) is dated by the sandbox's clock, so a
  // client that takes "now" from the Date header agrees with --now.
  svr.set_post_routing_handler([this](const Request&, Response& res) {
    if (!res.has_header("Date")) res.set_header("Date", format_http_date(clock_now()));
  });
  svr.set_logger([this](const Request& req, const Response& res) {
    if (!logger_.enabled()) return;
    logger_.log(printable(req.method, 16) + " " + printable(req.path) + " " + std::to_string(res.status) +
                " " + res.get_header_value("X-Request-Id"));
  });

  // Build today's data before accepting connections.
  snapshot();

  int port = opts_.port;
  if (port == 0) {
    port = svr.bind_to_any_port(opts_.host);
    if (port <= 0) {
      std::cerr << "keyscope-sandbox: cannot bind " << opts_.host << "\n";
      return 1;
    }
  } else if (!svr.bind_to_port(opts_.host, port)) {
    std::cerr << "keyscope-sandbox: cannot bind " << opts_.host << ":" << port << "\n";
    return 1;
  }
  if (!opts_.port_file.empty()) {
    const std::string tmp = opts_.port_file + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << port << "\n";
    }
    if (std::rename(tmp.c_str(), opts_.port_file.c_str()) != 0) {
      std::cerr << "keyscope-sandbox: cannot write " << opts_.port_file << "\n";
      return 1;
    }
  }
  const std::string host =
      opts_.host.find(':') != std::string::npos ? "[" + opts_.host + "]" : opts_.host;
  std::cout << "keyscope-sandbox listening on http://" << host << ":" << port << opts_.base_path
            << " token=" << token_ << std::endl;
  if (stop_requested_.load()) return 0;
  const bool ok = svr.listen_after_bind();
  return ok || stop_requested_.load() ? 0 : 1;
}

}  // namespace sandbox
