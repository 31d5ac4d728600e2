// What the emitted egress logs hold (--emit-logs): per key and UTC day the
// API's own figures (usage_model.hpp's window_days, the code path behind
// `daily`), except for four planted incidents that a reconciliation must find.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "demo_data.hpp"
#include "log_stream.hpp"

namespace sandbox {

struct PlantedDay {
  std::int64_t day = 0;
  std::int64_t api_requests = 0, api_errors = 0;  // as GET .../usage serves them
  std::int64_t log_requests = 0, log_errors = 0;  // lines in the log (errors: status >= 400)
};

struct PlantedIncident {
  std::string kind;  // api_exceeds_logs | revoked_key_in_use | unknown_key | logs_exceed_api
  const KeyProfile* key = nullptr;  // the fleet key; for unknown_key the synthetic one
  bool in_key_list = true;
  std::string reason;
  std::vector<PlantedDay> days;  // newest first, only days inside the window
};

class LogPlan {
 public:
  // The `days` UTC days ending on the fleet's today (inclusive).
  LogPlan(const Fleet& fleet, int days);
  LogPlan(const LogPlan&) = delete;
  LogPlan& operator=(const LogPlan&) = delete;

  std::int64_t first_day() const { return fleet_.today() - days_ + 1; }
  std::int64_t last_day() const { return fleet_.today(); }
  const std::vector<LogSource>& sources() const { return sources_; }
  // Incidents with at least one day in the window, in the order of the kinds above.
  const std::vector<PlantedIncident>& incidents() const { return incidents_; }
  // Every line of one day, as streams (each within that day, up to the clock's now today).
  std::vector<StreamSpec> day_streams(std::int64_t day) const;

 private:
  struct KeyDay {  // one fleet key on one day
    DayStats api;  // the API's figures
    DayStats log;  // the lines of the key's own traffic (planted changes applied)
    std::int64_t refused = 0;  // extra 401 lines after revocation
  };
  const KeyDay& key_day(size_t key, std::int64_t day) const;
  std::int64_t time_share(std::int64_t start_ms, std::int64_t end_ms, double per_day, std::uint64_t salt,
                          std::int64_t day) const;
  std::int64_t day_end_ms(std::int64_t day) const;  // exclusive; today: just after now
  void plan_incidents();

  const Fleet& fleet_;
  int days_;
  KeyProfile unknown_;  // a key the organisation uses that its key list lacks
  std::vector<LogSource> sources_;  // fleet keys in list order, then the unknown key
  std::vector<std::vector<KeyDay>> window_;  // [key][today - day]
  size_t leaked_ = 0, drifting_ = 0, revoked_ = 0;  // key positions
  std::vector<PlantedIncident> incidents_;
};

}  // namespace sandbox
