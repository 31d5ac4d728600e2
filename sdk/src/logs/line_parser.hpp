#pragma once
// One parser per log format, each turning a line into the five values keyscope needs. A value is
// text or, from JSON, a number; which source names them is resolved once (detected from common
// names or given by the user) and kept.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "keyscope/logs.hpp"
#include "logs/field_names.hpp"

namespace keyscope::logs {

struct FieldValue {
  bool present = false;
  bool is_number = false;
  double number = 0;
  std::string text;
  void set_text(std::string_view value) { present = true, is_number = false, text.assign(value); }
  void set_number(double value) { present = true, is_number = true, number = value; }
  void clear() { present = false, is_number = false, text.clear(); }
};

struct LineFields {
  FieldValue time, key, path, status, latency;
  void clear() { time.clear(), key.clear(), path.clear(), status.clear(), latency.clear(); }
};

inline FieldValue& slot(LineFields& fields, Field field) {
  switch (field) {
    case Field::time: return fields.time;
    case Field::key: return fields.key;
    case Field::path: return fields.path;
    case Field::status: return fields.status;
    case Field::latency: return fields.latency;
  }
  return fields.time;
}

class LineParser {
 public:
  virtual ~LineParser() = default;
  // False when the line cannot be read at all (not JSON, wrong column count, does not match the
  // nginx format): an "unparseable" line. A header line of CSV is consumed and returns false
  // with `header` set.
  virtual bool parse(std::string_view line, LineFields& out, bool& header) = 0;
  virtual const FieldMap& resolved() const = 0;  // read on every line with a latency: no copy
};

std::unique_ptr<LineParser> make_jsonl_parser(const FieldMap& fields);
std::unique_ptr<LineParser> make_csv_parser(const FieldMap& fields);
// Nothing when the format string cannot be used (validate() says why).
std::unique_ptr<LineParser> make_nginx_parser(const std::string& log_format, const FieldMap& fields);
std::optional<Error> check_nginx_format(const std::string& log_format, const FieldMap& fields);

}  // namespace keyscope::logs
