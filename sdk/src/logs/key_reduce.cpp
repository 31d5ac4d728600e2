// What a log's key field may hold, reduced to what keyscope keeps: a key id or a key prefix;
// and the names of the reader's options (formats, latency units, fields).
#include <cctype>

#include "keyscope/logs.hpp"

namespace keyscope::logs {
namespace {

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string reduce_key(std::string_view value, std::size_t prefix_length, bool* was_full_key) {
  if (was_full_key) *was_full_key = false;
  value = trim(value);
  if (starts_with_nocase(value, "bearer ")) value = trim(value.substr(7));
  if (is_uuid(value)) return std::string(value);
  if (value.size() > prefix_length) {
    // sk_live_/sk_test_ keys are secrets past their prefix; anything else this long might be
    // one too, so it is cut the same way.
    if (was_full_key) *was_full_key = true;
    value = value.substr(0, prefix_length);
  }
  return std::string(value);
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "jsonl" || name == "json") return Format::jsonl;
  if (name == "csv") return Format::csv;
  if (name == "nginx") return Format::nginx;
  return std::nullopt;
}

std::optional<LatencyUnit> parse_latency_unit(std::string_view name) {
  if (name == "s") return LatencyUnit::seconds;
  if (name == "ms") return LatencyUnit::milliseconds;
  if (name == "us") return LatencyUnit::microseconds;
  return std::nullopt;
}

std::string* field_source(FieldMap& fields, std::string_view name) {
  if (name == "time") return &fields.time;
  if (name == "key") return &fields.key;
  if (name == "path") return &fields.path;
  if (name == "status") return &fields.status;
  if (name == "latency") return &fields.latency;
  return nullptr;
}

const char* to_string(Format format) noexcept {
  switch (format) {
    case Format::jsonl: return "jsonl";
    case Format::csv: return "csv";
    case Format::nginx: return "nginx";
  }
  return "jsonl";
}

}  // namespace keyscope::logs
