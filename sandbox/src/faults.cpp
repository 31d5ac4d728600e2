#include "faults.hpp"

namespace sandbox {

const char* fault_mode_name(FaultMode m) {
  switch (m) {
    case FaultMode::Status: return "status";
    case FaultMode::Drop: return "drop";
    case FaultMode::Malformed: return "malformed";
    case FaultMode::Html: return "html";
    case FaultMode::Latency: return "latency";
    case FaultMode::WrongType: return "wrong_type";
    case FaultMode::Oversize: return "oversize";
    case FaultMode::Body: return "body";
    case FaultMode::Redirect: return "redirect";
  }
  return "status";
}

namespace {
bool get_int(const nlohmann::json& spec, const char* name, std::int64_t lo, std::int64_t hi,
             std::optional<std::int64_t>& out, std::string& error) {
  if (!spec.contains(name) || spec[name].is_null()) return true;
  const auto& v = spec[name];
  if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi) {
    error = std::string(name) + " must be an integer between " + std::to_string(lo) + " and " +
            std::to_string(hi);
    return false;
  }
  out = v.get<std::int64_t>();
  return true;
}
}  // namespace

std::optional<std::int64_t> FaultRegistry::add(const nlohmann::json& spec, std::string& error) {
  if (!spec.is_object()) {
    error = "body must be a JSON object";
    return std::nullopt;
  }
  FaultRule r;
  if (spec.contains("path_contains") && !spec["path_contains"].is_null()) {
    if (!spec["path_contains"].is_string()) {
      error = "path_contains must be a string";
      return std::nullopt;
    }
    r.path_contains = spec["path_contains"].get<std::string>();
  }
  std::string mode = "status";
  if (spec.contains("mode")) {
    if (!spec["mode"].is_string()) {
      error = "mode must be a string";
      return std::nullopt;
    }
    mode = spec["mode"].get<std::string>();
  }
  if (mode == "status") r.mode = FaultMode::Status;
  else if (mode == "drop") r.mode = FaultMode::Drop;
  else if (mode == "malformed") r.mode = FaultMode::Malformed;
  else if (mode == "html") r.mode = FaultMode::Html, r.status = 502;
  else if (mode == "latency") r.mode = FaultMode::Latency;
  else if (mode == "wrong_type") r.mode = FaultMode::WrongType;
  else if (mode == "oversize") r.mode = FaultMode::Oversize;
  else if (mode == "body") r.mode = FaultMode::Body, r.status = 200;
  else if (mode == "redirect") r.mode = FaultMode::Redirect, r.status = 302;
  else {
    error = "mode must be one of status, drop, malformed, html, latency, wrong_type, oversize, body, redirect";
    return std::nullopt;
  }
  std::optional<std::int64_t> status, times, retry_after, latency_ms, bytes;
  if (!get_int(spec, "status", 100, 599, status, error) ||
      !get_int(spec, "times", -1, 1000000000, times, error) ||
      !get_int(spec, "retry_after", 0, 86400, retry_after, error) ||
      !get_int(spec, "latency_ms", 0, 600000, latency_ms, error) ||
      !get_int(spec, "bytes", 16, std::int64_t{1} << 30, bytes, error))
    return std::nullopt;
  if (spec.contains("chunked")) {
    if (!spec["chunked"].is_boolean()) {
      error = "chunked must be true or false";
      return std::nullopt;
    }
    r.chunked = spec["chunked"].get<bool>();
  }
  if (r.mode == FaultMode::Body) {
    if (!spec.contains("body") || !spec["body"].is_string()) {
      error = "body must be a string (the response body, served verbatim)";
      return std::nullopt;
    }
    r.body = spec["body"].get<std::string>();
  }
  if (r.mode == FaultMode::Redirect) {
    if (!spec.contains("location") || !spec["location"].is_string() || spec["location"].get<std::string>().empty()) {
      error = "location must be a non-empty string (the Location header)";
      return std::nullopt;
    }
    r.location = spec["location"].get<std::string>();
    if (r.location.find_first_of("\r\n") != std::string::npos) {
      error = "location must not contain a line break";
      return std::nullopt;
    }
    if (status && (*status < 300 || *status > 399)) {
      error = "status must be a 3xx for a redirect";
      return std::nullopt;
    }
  }
  if (bytes) r.bytes = *bytes;
  if (status) r.status = static_cast<int>(*status);
  if (times) r.times = *times;
  r.retry_after = retry_after;
  if (latency_ms) r.latency_ms = *latency_ms;
  std::lock_guard<std::mutex> lock(mu_);
  r.id = next_id_++;
  rules_.push_back(r);
  return r.id;
}

void FaultRegistry::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

std::optional<FaultRule> FaultRegistry::take(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (!it->path_contains.empty() && path.find(it->path_contains) == std::string::npos) continue;
    FaultRule r = *it;
    if (it->times > 0 && --it->times == 0) rules_.erase(it);
    return r;
  }
  return std::nullopt;
}

nlohmann::json FaultRegistry::list() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : rules_) {
    nlohmann::json j = {{"id", r.id}, {"path_contains", r.path_contains},
                        {"mode", fault_mode_name(r.mode)}, {"status", r.status},
                        {"times", r.times}, {"latency_ms", r.latency_ms}};
    if (r.mode == FaultMode::Oversize) j["bytes"] = r.bytes, j["chunked"] = r.chunked;
    if (r.mode == FaultMode::Body) j["body_bytes"] = r.body.size();
    if (r.mode == FaultMode::Redirect) j["location"] = r.location;
    j["retry_after"] = r.retry_after ? nlohmann::json(*r.retry_after) : nlohmann::json(nullptr);
    arr.push_back(j);
  }
  return arr;
}

}  // namespace sandbox
