#include "log_format.hpp"

#include <cstring>

#include "timeutil.hpp"

namespace sandbox {

const char kNginxLogFormat[] =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
    "\"$http_referer\" \"$http_user_agent\" $request_time \"$http_authorization\"";
const char kUpstreamHost[] = "api.socdefenders.ai";

namespace {
constexpr size_t kBufferSize = size_t{8} << 20;
constexpr size_t kMaxLine = 1024;  // far above any line: sources and paths are short
const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace

LogFormat log_format_from(const std::string& name) {
  if (name == "nginx") return LogFormat::Nginx;
  if (name == "csv") return LogFormat::Csv;
  return LogFormat::Jsonl;
}

const char* log_file_name(LogFormat f) {
  switch (f) {
    case LogFormat::Nginx: return "egress.log";
    case LogFormat::Csv: return "egress.csv";
    case LogFormat::Jsonl: break;
  }
  return "egress.jsonl";
}

LineWriter::LineWriter(std::FILE* out, LogFormat format, const std::vector<LogSource>& sources)
    : out_(out), format_(format), sources_(sources), buf_(kBufferSize) {}

void LineWriter::flush() {
  if (len_ == 0) return;
  if (!failed_ && std::fwrite(buf_.data(), 1, len_, out_) != len_) failed_ = true;
  bytes_ += len_;
  len_ = 0;
}

void LineWriter::ensure(size_t n) {
  if (len_ + n > buf_.size()) flush();
}

void LineWriter::put(const char* s, size_t n) {
  std::memcpy(buf_.data() + len_, s, n);
  len_ += n;
}

void LineWriter::put(const char* s) { put(s, std::strlen(s)); }

void LineWriter::put_uint(std::uint64_t v) {
  char tmp[24];
  int i = 24;
  do {
    tmp[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  put(tmp + i, static_cast<size_t>(24 - i));
}

void LineWriter::put_digits(unsigned v, int width) {
  char* p = buf_.data() + len_;
  for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
  len_ += static_cast<size_t>(width);
}

void LineWriter::set_day(std::int64_t day) {
  if (day == day_) return;
  day_ = day;
  std::int64_t y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  std::snprintf(iso_date_, sizeof iso_date_, "%04d-%02u-%02uT", static_cast<int>(y), m, d);
  std::snprintf(local_date_, sizeof local_date_, "%02u/%s/%04d:", d, kMonths[m - 1], static_cast<int>(y));
}

void LineWriter::put_time_iso(std::int64_t ts_ms) {
  const std::int64_t s = ts_ms / 1000;  // logs start in 1970+: no negative times
  set_day(s / kSecondsPerDay);
  const auto sod = static_cast<unsigned>(s % kSecondsPerDay);
  put(iso_date_, 11);
  put_digits(sod / 3600, 2);
  put(":", 1);
  put_digits(sod / 60 % 60, 2);
  put(":", 1);
  put_digits(sod % 60, 2);
  put(".", 1);
  put_digits(static_cast<unsigned>(ts_ms % 1000), 3);
  put("Z", 1);
}

void LineWriter::put_time_local(std::int64_t ts_ms) {
  const std::int64_t s = ts_ms / 1000;
  set_day(s / kSecondsPerDay);
  const auto sod = static_cast<unsigned>(s % kSecondsPerDay);
  put(local_date_, 12);
  put_digits(sod / 3600, 2);
  put(":", 1);
  put_digits(sod / 60 % 60, 2);
  put(":", 1);
  put_digits(sod % 60, 2);
  put(" +0000", 6);
}

void LineWriter::put_path(const LogRecord& r, bool csv) {
  const char* path = kEndpointPaths[static_cast<size_t>(r.endpoint)];
  const char* query = query_string(r.endpoint, r.query);
  // RFC 4180: a field with a comma is quoted (paths and queries have no quotes or line breaks).
  const bool quote = csv && std::strchr(query, ',') != nullptr;
  if (quote) put("\"", 1);
  put(path);
  put(query);
  if (quote) put("\"", 1);
}

void LineWriter::header() {
  if (format_ != LogFormat::Csv) return;
  ensure(kMaxLine);
  put("ts,api_key,endpoint,status_code,latency_ms\r\n");
  ++lines_;
}

void LineWriter::write(const LogRecord& r) {
  ensure(kMaxLine);
  const LogSource& src = sources_[static_cast<size_t>(r.source)];
  const unsigned tenths = r.latency_tenths;
  switch (format_) {
    case LogFormat::Jsonl:
      put("{\"timestamp\":\"");
      put_time_iso(r.ts_ms);
      put("\",\"method\":\"GET\",\"path\":\"");
      put_path(r, false);
      put("\",\"status\":");
      put_uint(static_cast<unsigned>(r.status));
      put(",\"duration_ms\":");
      put_uint(tenths / 10);
      put(".", 1);
      put_digits(tenths % 10, 1);
      put(",\"authorization\":\"");
      put(src.authorization);
      put("\",\"upstream_host\":\"");
      put(kUpstreamHost);
      put("\"}\n");
      break;
    case LogFormat::Nginx: {
      const unsigned ms = (tenths + 5) / 10;  // $request_time: seconds, millisecond resolution
      put(src.remote_addr);
      put(" - - [");
      put_time_local(r.ts_ms);
      put("] \"GET ");
      put_path(r, false);
      put(" HTTP/1.1\" ");
      put_uint(static_cast<unsigned>(r.status));
      put(" ", 1);
      put_uint(r.bytes);
      put(" \"-\" \"");
      put(src.user_agent);
      put("\" ");
      put_uint(ms / 1000);
      put(".", 1);
      put_digits(ms % 1000, 3);
      put(" \"");
      put(src.authorization);
      put("\"\n");
      break;
    }
    case LogFormat::Csv:
      put_time_iso(r.ts_ms);
      put(",", 1);
      put(src.authorization);
      put(",", 1);
      put_path(r, true);
      put(",", 1);
      put_uint(static_cast<unsigned>(r.status));
      put(",", 1);
      put_uint(tenths / 10);
      put(".", 1);
      put_digits(tenths % 10, 1);
      put("\r\n", 2);
      break;
  }
  ++lines_;
}

bool LineWriter::finish() {
  flush();
  if (std::fflush(out_) != 0) failed_ = true;
  return !failed_;
}

}  // namespace sandbox
