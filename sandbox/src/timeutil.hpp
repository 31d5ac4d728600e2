// UTC calendar arithmetic and ISO-8601 formatting (no time zones, no locale).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace sandbox {

constexpr std::int64_t kSecondsPerDay = 86400;

// Days since 1970-01-01 for a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d);

// Floor division of unix seconds into a day number.
std::int64_t day_of(std::int64_t unix_seconds);

// "YYYY-MM-DDTHH:MM:SSZ"
std::string format_timestamp(std::int64_t unix_seconds);
// "YYYY-MM-DD"
std::string format_date(std::int64_t day);
// IMF-fixdate of RFC 9110 (the HTTP Date header): "Sun, 17 May 2026 12:00:00 GMT"
std::string format_http_date(std::int64_t unix_seconds);

// Accepts "YYYY-MM-DDTHH:MM:SSZ" (optionally with fractional seconds, "+00:00"
// instead of "Z", or a space instead of "T") and "YYYY-MM-DD".
std::optional<std::int64_t> parse_timestamp(const std::string& text);

std::int64_t unix_now();

}  // namespace sandbox
