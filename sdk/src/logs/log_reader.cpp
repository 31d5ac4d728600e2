// Bytes -> lines -> records -> the aggregate. Lines may be split across chunks anywhere.
#include <cstring>

#include "logs/line_parser.hpp"
#include "logs/log_number.hpp"
#include "logs/log_time.hpp"
#include "logs/valid_utf8.hpp"

namespace keyscope::logs {
namespace {

constexpr double kMaxLatencyMs = 86400.0 * 1000;

// "GET /api/v1/x?q=1 HTTP/1.1" or "https://host/api/v1/x?q=1#f" -> "/api/v1/x".
std::string normalise_path(std::string_view value) {
  const std::size_t space = value.find(' ');
  if (space != std::string_view::npos) {  // a request line: the target is the second word
    value.remove_prefix(space + 1);
    value = value.substr(0, value.find(' '));
  }
  for (std::string_view scheme : {"https://", "http://", "//"}) {
    if (value.substr(0, scheme.size()) == scheme) {
      value.remove_prefix(scheme.size());
      const std::size_t slash = value.find('/');
      value = slash == std::string_view::npos ? std::string_view("/") : value.substr(slash);
      break;
    }
  }
  return std::string(value.substr(0, value.find_first_of("?#")));
}

}  // namespace

struct LogReader::Impl {
  ReaderOptions options;
  std::unique_ptr<LineParser> parser;
  std::string pending;
  bool pending_in_quotes = false;
  bool at_start = true;
  std::int64_t line_number = 0;        // physical lines seen
  std::int64_t record_first_line = 1;  // of the record being assembled (CSV quoted line breaks)
  LineFields fields;
  UsageAggregate aggregate;
  std::string latency_source;
  double latency_scale = 1;

  explicit Impl(ReaderOptions opts) : options(std::move(opts)) {
    switch (options.format) {
      case Format::jsonl: parser = make_jsonl_parser(options.fields); break;
      case Format::csv: parser = make_csv_parser(options.fields); break;
      case Format::nginx: parser = make_nginx_parser(options.nginx_format, options.fields); break;
    }
  }

  void bad(const char* kind) { aggregate.count_bad(kind, record_first_line, options.bad_line_examples); }

  void line(std::string_view text) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (at_start) {
      at_start = false;
      if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    }
    if (text.find_first_not_of(" \t") == std::string_view::npos) return;
    fields.clear();
    bool header = false;
    const bool parsed = parser && parser->parse(text, fields, header);
    if (header) return;
    aggregate.count_line();
    if (!parsed) return bad("unparseable");
    Record record;
    if (!fields.time.present || !fields.key.present || !fields.status.present) return bad("missing_field");
    const auto time = fields.time.is_number ? epoch_number_to_ms(fields.time.number) : parse_log_time_ms(fields.time.text);
    if (!time) return bad("bad_time");
    record.time_unix_ms = *time;
    if (fields.key.is_number) return bad("missing_field");
    bool full_key = false;
    record.key = reduce_key(fields.key.text, options.prefix_length, &full_key);
    fields.key.text.assign(fields.key.text.size(), '*');  // the secret does not linger in memory
    if (record.key.empty() || record.key == "-") return bad("missing_field");
    if (full_key) aggregate.count_full_key();
    make_valid_utf8(record.key);
    std::optional<std::int64_t> status;
    if (fields.status.is_number) {
      status = whole_number(fields.status.number);
    } else {
      status = parse_integer(fields.status.text);
    }
    if (!status || *status < 100 || *status > 599) return bad("bad_status");
    record.status = static_cast<int>(*status);
    const std::int64_t seconds = record.time_unix_ms / 1000;
    if ((options.window_start_unix && seconds < *options.window_start_unix) ||
        (options.window_end_unix && seconds >= *options.window_end_unix)) {
      return bad("out_of_window");
    }
    if (fields.path.present && !fields.path.is_number) {
      record.path = normalise_path(fields.path.text);
      make_valid_utf8(record.path);
    }
    if (fields.latency.present) {
      const auto value = fields.latency.is_number ? std::optional<double>(fields.latency.number)
                                                  : parse_decimal(fields.latency.text);
      // A "latency" beyond a day is no request's (servers and proxies time out long before): the
      // line counts, its latency does not.
      if (value && *value >= 0 && *value * scale() <= kMaxLatencyMs) record.latency_ms = *value * scale();
    }
    aggregate.add(record);
  }

  double scale() {
    const std::string& source = parser->resolved().latency;
    if (source != latency_source) {
      latency_source = source;
      latency_scale = latency_scale_ms(source, options.latency_unit);
    }
    return latency_scale;
  }

  // The end of the record that starts at `from` in `chunk` (npos: it runs past the chunk).
  std::size_t record_end(std::string_view chunk, std::size_t from) {
    if (options.format != Format::csv) {
      const void* nl = std::memchr(chunk.data() + from, '\n', chunk.size() - from);
      return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data()) : std::string_view::npos;
    }
    for (std::size_t i = from; i < chunk.size(); ++i) {
      if (chunk[i] == '"') {
        pending_in_quotes = !pending_in_quotes;
      } else if (chunk[i] == '\n') {
        if (!pending_in_quotes) return i;  // feed() counts the record's last line
        ++line_number;                     // a line break inside a quoted cell
      }
    }
    return std::string_view::npos;
  }

  void feed(std::string_view chunk) {
    std::size_t from = 0;
    while (from < chunk.size()) {
      const std::size_t end = record_end(chunk, from);
      if (end == std::string_view::npos) {
        pending.append(chunk.substr(from));
        return;
      }
      ++line_number;
      if (pending.empty()) {
        line(chunk.substr(from, end - from));
      } else {
        pending.append(chunk.substr(from, end - from));
        line(pending);
        pending.clear();
      }
      record_first_line = line_number + 1;
      from = end + 1;
    }
  }

  void finish() {
    if (pending.empty()) return;
    ++line_number;
    line(pending);
    pending.clear();
    record_first_line = line_number + 1;
  }
};

LogReader::LogReader(ReaderOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
LogReader::~LogReader() = default;
LogReader::LogReader(LogReader&&) noexcept = default;
LogReader& LogReader::operator=(LogReader&&) noexcept = default;

void LogReader::feed(std::string_view chunk) { impl_->feed(chunk); }
void LogReader::finish() { impl_->finish(); }
const UsageAggregate& LogReader::aggregate() const noexcept { return impl_->aggregate; }
UsageAggregate LogReader::take_aggregate() { return std::move(impl_->aggregate); }
FieldMap LogReader::resolved_fields() const { return impl_->parser ? impl_->parser->resolved() : FieldMap{}; }

std::optional<Error> validate(const ReaderOptions& options) {
  if (options.prefix_length < 8 || options.prefix_length > 32) {
    return validation_error("prefix length must be between 8 and 32", "invalid_argument");
  }
  if (options.window_start_unix && options.window_end_unix && *options.window_start_unix >= *options.window_end_unix) {
    return validation_error("the log window is empty (start >= end)", "invalid_argument");
  }
  if (options.format == Format::nginx) {
    if (options.nginx_format.empty()) {
      return validation_error("the nginx format needs the log_format string (--nginx-format)", "invalid_log_format");
    }
    return check_nginx_format(options.nginx_format, options.fields);
  }
  return std::nullopt;
}

}  // namespace keyscope::logs
