#include "keyscope/analytics.hpp"
#include "keyscope/time.hpp"

namespace keyscope::analytics {

std::vector<DailyBucket> gap_fill(const std::vector<DailyBucket>& daily, std::int64_t window_days,
                                  std::int64_t end_day) {
  std::vector<DailyBucket> series;
  if (window_days <= 0) return series;
  const std::int64_t first_day = end_day - window_days + 1;
  series.resize(static_cast<std::size_t>(window_days));
  for (std::int64_t i = 0; i < window_days; ++i) {
    series[static_cast<std::size_t>(i)].date =
        Date{format_iso_date(first_day + i), first_day + i};
  }
  for (const DailyBucket& bucket : daily) {
    const std::int64_t day = bucket.date.days_since_epoch;
    if (day < first_day || day > end_day) continue;
    DailyBucket& slot = series[static_cast<std::size_t>(day - first_day)];
    slot.requests += bucket.requests;
    slot.errors += bucket.errors;
  }
  return series;
}

}  // namespace keyscope::analytics
