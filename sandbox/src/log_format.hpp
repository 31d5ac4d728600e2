// Formatting of emitted egress log lines (--emit-logs): JSON lines, nginx
// combined + request time + Authorization, CSV. One big buffer, digits written
// by hand, no per-line flush.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "log_stream.hpp"

namespace sandbox {

enum class LogFormat { Jsonl, Nginx, Csv };

LogFormat log_format_from(const std::string& name);  // jsonl | nginx | csv (else jsonl)
const char* log_file_name(LogFormat f);              // egress.jsonl | egress.log | egress.csv
// The nginx log_format the nginx lines follow (written to nginx_log_format.txt).
extern const char kNginxLogFormat[];
extern const char kUpstreamHost[];

class LineWriter {
 public:
  LineWriter(std::FILE* out, LogFormat format, const std::vector<LogSource>& sources);
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  void header();  // the CSV header line; nothing for the others
  void write(const LogRecord& r);
  bool finish();  // flushes; false on a write error
  std::uint64_t lines() const { return lines_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  void ensure(size_t n);
  void flush();
  void put(const char* s, size_t n);
  void put(const std::string& s) { put(s.data(), s.size()); }
  void put(const char* s);
  void put_uint(std::uint64_t v);
  void put_digits(unsigned v, int width);  // zero-padded
  void put_time_iso(std::int64_t ts_ms);    // 2026-05-17T09:42:11.123Z
  void put_time_local(std::int64_t ts_ms);  // 17/May/2026:09:42:11 +0000
  void set_day(std::int64_t day);
  void put_path(const LogRecord& r, bool csv);

  std::FILE* out_;
  LogFormat format_;
  const std::vector<LogSource>& sources_;
  std::vector<char> buf_;
  size_t len_ = 0;
  bool failed_ = false;
  std::uint64_t lines_ = 0, bytes_ = 0;
  std::int64_t day_ = INT64_MIN;
  char iso_date_[16] = {};    // "2026-05-17T"
  char local_date_[16] = {};  // "17/May/2026:"
};

}  // namespace sandbox
