#include "logs/log_time.hpp"

#include <cctype>
#include <cmath>
#include <string>

#include "keyscope/time.hpp"
#include "logs/log_number.hpp"

namespace keyscope::logs {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int month_of(std::string_view name) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (name == kMonths[i]) return i + 1;
  }
  return 0;
}

// "17/May/2026:09:42:11 +0000"
std::optional<std::int64_t> parse_clf(std::string_view s) {
  int day, year, hour, minute, second, zh, zm;
  if (s.size() < 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' ||
      s[20] != ' ') {
    return std::nullopt;
  }
  const int month = month_of(s.substr(3, 3));
  if (!month || !digits(s, 0, 2, day) || !digits(s, 7, 4, year) || !digits(s, 12, 2, hour) ||
      !digits(s, 15, 2, minute) || !digits(s, 18, 2, second) || !digits(s, 22, 2, zh) ||
      !digits(s, 24, 2, zm) || (s[21] != '+' && s[21] != '-')) {
    return std::nullopt;
  }
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::int64_t offset = (zh * 3600 + zm * 60) * (s[21] == '-' ? -1 : 1);
  const std::int64_t seconds = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                               hour * 3600 + minute * 60 + second - offset;
  return seconds * 1000;
}

}  // namespace

std::optional<std::int64_t> epoch_number_to_ms(double value) {
  if (!std::isfinite(value) || value < 0) return std::nullopt;
  // Seconds until the year 5138 are below 1e11; milliseconds since 1973 are above it.
  if (value < 1e11) return static_cast<std::int64_t>(std::floor(value * 1000));
  if (value < 1e14) return static_cast<std::int64_t>(std::floor(value));
  if (value < 1e17) return static_cast<std::int64_t>(std::floor(value / 1000));
  // Nanoseconds end where int64 does (the year 2262); beyond is no time, and casting it would be
  // undefined behaviour.
  if (value >= 9.2233720368547758e18) return std::nullopt;
  return static_cast<std::int64_t>(std::floor(value / 1e6));
}

std::optional<std::int64_t> parse_log_time_ms(std::string_view text) {
  while (!text.empty() && (text.front() == '[' || text.front() == ' ')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ']' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (text.size() >= 10 && text[4] == '-' && text[7] == '-') {
    std::string iso(text);
    if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
    if (iso.size() == 10) iso += "T00:00:00";
    // No zone: UTC, as log pipelines write it.
    const bool has_zone = iso.back() == 'Z' || iso.back() == 'z' ||
                          (iso.size() > 19 && iso.find_first_of("+-", 19) != std::string::npos);
    if (!has_zone) iso += 'Z';
    auto seconds = parse_iso8601(iso);
    if (!seconds) return std::nullopt;
    int millis = 0;
    if (iso.size() > 20 && iso[19] == '.') {
      int scale = 100;
      for (std::size_t i = 20; i < iso.size() && std::isdigit(static_cast<unsigned char>(iso[i])) && scale; ++i) {
        millis += (iso[i] - '0') * scale;
        scale /= 10;
      }
    }
    return *seconds * 1000 + millis;
  }
  if (std::isdigit(static_cast<unsigned char>(text.front())) && text.size() > 2 && text[2] == '/') {
    return parse_clf(text);
  }
  const auto number = parse_decimal(text);
  if (!number) return std::nullopt;
  return epoch_number_to_ms(*number);
}

}  // namespace keyscope::logs
