#pragma once
/// @file
/// The two value types the API's models are made of besides strings and numbers: an instant and a
/// calendar date, each kept as the text the API sent plus its parsed number.
#include <cstdint>
#include <string>

namespace keyscope {

/// An ISO-8601 instant as sent by the API, and the same instant in UTC seconds.
struct Timestamp {
  std::string text;              ///< "2026-05-17T09:42:11Z", exactly as received
  std::int64_t unix_seconds = 0;  ///< parsed, UTC
  friend bool operator==(const Timestamp& a, const Timestamp& b) { return a.text == b.text; }
  friend bool operator!=(const Timestamp& a, const Timestamp& b) { return !(a == b); }
};

/// A calendar date ("2026-05-16") and its day number since 1970-01-01.
struct Date {
  std::string text;  ///< "2026-05-16", exactly as received
  std::int64_t days_since_epoch = 0;
  friend bool operator==(const Date& a, const Date& b) { return a.text == b.text; }
  friend bool operator!=(const Date& a, const Date& b) { return !(a == b); }
};

}  // namespace keyscope
