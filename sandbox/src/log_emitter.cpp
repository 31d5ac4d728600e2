#include "log_emitter.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <queue>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "demo_data.hpp"
#include "log_format.hpp"
#include "log_plan.hpp"
#include "timeutil.hpp"
#include "usage_model.hpp"

namespace sandbox {

namespace {

namespace fs = std::filesystem;

struct Written {
  std::string path;
  std::uint64_t lines = 0, bytes = 0;
};

// Every day's streams merged into one time-ordered file (ties: stream order).
bool write_log(const LogPlan& plan, LogFormat format, const std::string& path, Written& w) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return false;
  LineWriter out(f, format, plan.sources());
  out.header();
  using Entry = std::pair<std::int64_t, size_t>;  // next time, stream
  for (std::int64_t day = plan.first_day(); day <= plan.last_day(); ++day) {
    std::vector<LogStream> streams;
    for (const StreamSpec& s : plan.day_streams(day)) streams.emplace_back(s);
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
    for (size_t i = 0; i < streams.size(); ++i)
      if (!streams[i].done()) heap.push({streams[i].next_time(), i});
    while (!heap.empty()) {
      const size_t i = heap.top().second;
      heap.pop();
      out.write(streams[i].next());
      if (!streams[i].done()) heap.push({streams[i].next_time(), i});
    }
  }
  const bool ok = out.finish();
  w.path = path;
  w.lines = out.lines();
  w.bytes = out.bytes();
  if (std::fclose(f) != 0 || !ok) {
    std::remove(tmp.c_str());
    return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool write_text(const std::string& path, const std::string& text, Written& w) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  w.path = path;
  w.bytes = text.size();
  for (char c : text) w.lines += c == '\n';
  return std::fclose(f) == 0 && ok;
}

std::string planted_json(const Fleet& fleet, const LogPlan& plan, const Options& o, LogFormat format) {
  ojson doc;
  doc["now"] = format_timestamp(fleet.now());
  doc["seed"] = fleet.seed();
  doc["keys"] = fleet.keys().size();
  doc["log_days"] = plan.last_day() - plan.first_day() + 1;
  doc["first_day"] = format_date(plan.first_day());
  doc["last_day"] = format_date(plan.last_day());
  doc["log_format"] = o.log_format;
  doc["file"] = log_file_name(format);
  doc["tolerance"] = {{"relative", 0.02}, {"min_diff", 5}};
  ojson list = ojson::array();
  for (const PlantedIncident& p : plan.incidents()) {
    ojson j;
    j["kind"] = p.kind;
    j["key_id"] = p.in_key_list ? ojson(p.key->id) : ojson(nullptr);
    j["key_prefix"] = p.key->prefix;
    j["name"] = p.in_key_list ? ojson(p.key->name) : ojson(nullptr);
    if (p.key->revoked_at) j["revoked_at"] = format_timestamp(*p.key->revoked_at);
    j["reason"] = p.reason;
    ojson days = ojson::array(), per_day = ojson::array();
    for (const PlantedDay& d : p.days) {
      days.push_back(format_date(d.day));
      per_day.push_back({{"date", format_date(d.day)},
                         {"api_requests", d.api_requests},
                         {"api_errors", d.api_errors},
                         {"log_requests", d.log_requests},
                         {"log_errors", d.log_errors}});
    }
    j["days"] = std::move(days);
    j["per_day"] = std::move(per_day);
    list.push_back(std::move(j));
  }
  doc["incidents"] = std::move(list);
  return doc.dump(2) + "\n";
}

}  // namespace

int emit_logs(const Options& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t now = o.now ? *o.now : unix_now();
  const Fleet fleet(o.seed, o.keys, now);
  const LogPlan plan(fleet, o.log_days);
  const LogFormat format = log_format_from(o.log_format);
  const fs::path dir(o.emit_logs_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    std::fprintf(stderr, "keyscope-sandbox: cannot create %s: %s\n", dir.string().c_str(),
                 ec ? ec.message().c_str() : "not a directory");
    return 1;
  }
  std::vector<Written> written(1);
  const auto fail = [](const std::string& path) {
    std::fprintf(stderr, "keyscope-sandbox: cannot write %s\n", path.c_str());
    return 1;
  };
  const std::string log_path = (dir / log_file_name(format)).string();
  if (!write_log(plan, format, log_path, written[0])) return fail(log_path);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (format == LogFormat::Nginx) {
    written.emplace_back();
    const std::string p = (dir / "nginx_log_format.txt").string();
    if (!write_text(p, std::string(kNginxLogFormat) + "\n", written.back())) return fail(p);
  }
  written.emplace_back();
  const std::string planted = (dir / "planted.json").string();
  if (!write_text(planted, planted_json(fleet, plan, o, format), written.back())) return fail(planted);

  std::fprintf(stderr, "keyscope-sandbox: egress logs for %s..%s (now %s, seed %llu, %zu keys), %s format\n",
               format_date(plan.first_day()).c_str(), format_date(plan.last_day()).c_str(),
               format_timestamp(now).c_str(), static_cast<unsigned long long>(o.seed), fleet.keys().size(),
               o.log_format.c_str());
  for (size_t i = 0; i < written.size(); ++i) {
    const Written& w = written[i];
    std::fprintf(stderr, "  %s: %llu lines, %llu bytes", w.path.c_str(), static_cast<unsigned long long>(w.lines),
                 static_cast<unsigned long long>(w.bytes));
    if (i == 0)
      std::fprintf(stderr, " in %.2f s (%.1f MB/s)", seconds,
                   seconds > 0 ? static_cast<double>(w.bytes) / 1e6 / seconds : 0.0);
    std::fprintf(stderr, "\n");
  }
  for (const PlantedIncident& p : plan.incidents())
    std::fprintf(stderr, "  planted %s: %s (%zu day%s)\n", p.kind.c_str(), p.key->prefix.c_str(), p.days.size(),
                 p.days.size() == 1 ? "" : "s");
  return 0;
}

}  // namespace sandbox
