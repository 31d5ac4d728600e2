// CSV with a header line (RFC 4180: quoted fields, doubled quotes, commas and line breaks inside
// quotes; the reader keeps a quoted line break inside one line). Columns are found by header name.
#include <vector>

#include "logs/line_parser.hpp"

namespace keyscope::logs {
namespace {

// Splits one CSV record; false on a stray quote.
bool split_csv(std::string_view line, std::vector<std::string>& cells) {
  cells.clear();
  std::string cell;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') cell += '"', ++i;
        else quoted = false;
      } else {
        cell += c;
      }
    } else if (c == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
      was_quoted = false;
    } else if (c == '"' && cell.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == '\r' && i + 1 == line.size()) {
      // a CRLF line ending
    } else {
      cell += c;
    }
  }
  if (quoted) return false;
  cells.push_back(std::move(cell));
  return true;
}

class CsvParser final : public LineParser {
 public:
  explicit CsvParser(const FieldMap& fields) : resolved_(fields) {}

  bool parse(std::string_view line, LineFields& out, bool& header) override {
    header = false;
    if (!split_csv(line, cells_)) return false;
    if (columns_.empty()) {
      header = true;
      columns_ = cells_;
      resolve();
      return false;
    }
    if (cells_.size() != columns_.size()) return false;
    for (Field field : kAllFields) {
      const int index = index_[static_cast<int>(field)];
      if (index < 0) continue;
      const std::string& cell = cells_[static_cast<std::size_t>(index)];
      if (!cell.empty()) slot(out, field).set_text(cell);
    }
    return true;
  }

  const FieldMap& resolved() const override { return resolved_; }

 private:
  void resolve() {
    for (Field field : kAllFields) {
      std::string& source = field_of(resolved_, field);
      int& index = index_[static_cast<int>(field)];
      index = -1;
      if (!source.empty()) {
        for (std::size_t i = 0; i < columns_.size(); ++i) {
          if (columns_[i] == source || names_match(columns_[i], source)) index = static_cast<int>(i);
          if (index >= 0) break;
        }
        continue;
      }
      for (const std::string& candidate : candidate_names(field)) {
        for (std::size_t i = 0; i < columns_.size() && index < 0; ++i) {
          if (names_match(columns_[i], candidate)) index = static_cast<int>(i);
        }
        if (index >= 0) break;
      }
      if (index >= 0) source = columns_[static_cast<std::size_t>(index)];
    }
  }

  FieldMap resolved_;
  std::vector<std::string> columns_;
  std::vector<std::string> cells_;
  int index_[5] = {-1, -1, -1, -1, -1};
};

}  // namespace

std::unique_ptr<LineParser> make_csv_parser(const FieldMap& fields) {
  return std::make_unique<CsvParser>(fields);
}

}  // namespace keyscope::logs
