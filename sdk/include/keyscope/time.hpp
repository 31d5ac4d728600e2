#pragma once
/// @file
/// ISO-8601 parsing and formatting, UTC only, no locale or time-zone database.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keyscope {

/// "2026-05-17T09:42:11Z", "2026-05-17T09:42:11.123Z", "2026-05-17T11:42:11+02:00".
std::optional<std::int64_t> parse_iso8601(std::string_view text);
/// "2026-05-17" -> days since 1970-01-01.
std::optional<std::int64_t> parse_iso_date(std::string_view text);
std::string format_iso8601(std::int64_t unix_seconds);  ///< "2026-05-17T09:42:11Z"
/// Proleptic Gregorian year, month 1..12, day 1..31 -> days since 1970-01-01.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
std::string format_iso_date(std::int64_t days_since_epoch);  ///< "2026-05-17"

/// A calendar date as year, month and day.
struct CivilDate {
  std::int64_t year;
  unsigned month;  ///< 1..12
  unsigned day;    ///< 1..31
};
/// Days since 1970-01-01 -> proleptic Gregorian date (the inverse of days_from_civil).
CivilDate civil_from_days(std::int64_t days_since_epoch);
/// "2026-05-17" -> its fields: the dates parse_iso_date accepts, without the day count.
std::optional<CivilDate> parse_iso_date_fields(std::string_view text);

/// An HTTP-date in the IMF-fixdate form servers send (RFC 9110 section 5.6.7),
/// "Sun, 06 Nov 1994 08:49:37 GMT", surrounding blanks allowed -> unix seconds.
std::optional<std::int64_t> parse_http_date(std::string_view text);

}  // namespace keyscope
