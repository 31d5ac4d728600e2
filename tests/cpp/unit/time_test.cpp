#include <gtest/gtest.h>

#include "keyscope/time.hpp"

namespace keyscope {
namespace {

TEST(Time, ParsesIso8601InUtcWithOffsetsAndFractions) {
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso8601("2026-05-17T09:42:11Z"), 1779010931);
  EXPECT_EQ(parse_iso8601("2026-05-17T11:42:11.250+02:00"), 1779010931);
  EXPECT_EQ(parse_iso8601("2024-02-29T00:00:00Z"), 1709164800);
  for (const char* bad : {"", "2026-05-17", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                          "2026-05-17T24:00:00Z", "2026-05-17T09:42:11", "2026-05-17T09:42:11Zjunk"}) {
    EXPECT_FALSE(parse_iso8601(bad)) << bad;
  }
}

TEST(Time, FormatsBackExactly) {
  EXPECT_EQ(format_iso8601(1779010931), "2026-05-17T09:42:11Z");
  EXPECT_EQ(format_iso_date(20589), "2026-05-16");
  EXPECT_EQ(parse_iso_date("2026-05-16"), 20589);
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z");
}

TEST(Time, CivilFromDaysInvertsDaysFromCivilAcrossEras) {
  for (std::int64_t day : {-719468LL, -1LL, 0LL, 59LL, 11016LL, 19782LL, 20589LL, 2932896LL}) {
    const CivilDate date = civil_from_days(day);
    EXPECT_EQ(days_from_civil(date.year, date.month, date.day), day) << day;
  }
  const CivilDate leap = civil_from_days(*parse_iso_date("2024-02-29"));
  EXPECT_EQ(leap.year, 2024);
  EXPECT_EQ(leap.month, 2u);
  EXPECT_EQ(leap.day, 29u);
}

TEST(Time, ParsesHttpDatesInImfFixdateOnly) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date(" Sun, 17 May 2026 09:42:11 GMT\t"), 1779010931);
  for (const char* bad : {"", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                          "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Foo 1994 08:49:37 GMT",
                          "Sun, 31 Feb 2026 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
                          "Sun, 0x Nov 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(parse_http_date(bad)) << bad;
  }
}

}  // namespace
}  // namespace keyscope
