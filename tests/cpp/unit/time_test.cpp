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

}  // namespace
}  // namespace keyscope
