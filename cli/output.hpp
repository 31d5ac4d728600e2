#pragma once
// The one formatter module: aligned tables (UTF-8 aware widths, control characters escaped),
// RFC 4180 CSV and JSON text. Commands build a Table (or a JSON value) and hand it here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.hpp"

namespace keyscope_cli {

struct Column {
  std::string key;      // CSV header / JSON field: the SDK's snake_case name
  std::string header;   // table header
  bool number = false;  // a number the CLI formats itself: aligned right, CSV without formula guard
};

// A cell shows `display` in tables and `raw` in CSV (e.g. "1.2%" vs "0.0123").
// In CSV a text cell starting with = + - @ tab or CR gets a leading ' (formula injection, see
// csv_cell in output.cpp); a number column's numeric cells are written as they are.
struct Cell {
  std::string display;
  std::string raw;
  Cell(std::string text = {}) : display(text), raw(std::move(text)) {}  // NOLINT
  Cell(const char* text) : Cell(std::string(text)) {}                    // NOLINT
  Cell(std::string d, std::string r) : display(std::move(d)), raw(std::move(r)) {}
};

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  bool show_header = true;  // tables only; CSV always has its header
};

std::string render_table(const Table& table, const std::string& indent = "");
// The table without one column (the table views drop the key id: the prefix identifies a key on
// screen; CSV and JSON keep it).
Table without_column(Table table, const std::string& key);
std::string render_csv(const Table& table);
std::string render_json(const nlohmann::ordered_json& value);  // pretty, trailing newline

// Writes to stdout; false when stdout failed (closed pipe, full disk).
bool print(const std::string& text);

// Display width of UTF-8 text in terminal columns (wide East Asian and emoji count 2,
// combining marks 0). Exposed for tests and headings.
std::size_t display_width(const std::string& text);
// Control characters (and invalid UTF-8) replaced so a key name cannot drive the terminal.
std::string sanitize(const std::string& text);

// A sum of 64-bit counts, exact: a server may send any 64-bit count (the tolerant reader), and
// adding a few of them in 64 bits overflows (undefined behaviour; found by the schema-driven mock
// under UBSan).
__extension__ typedef __int128 WideCount;
std::string decimal(WideCount value);  // "-170141183460469231731687303715884105728"

// Human-readable numbers for tables.
std::string with_thousands(WideCount value);
std::string percent(double fraction, int decimals = 1);
std::string fixed(double value, int decimals);
std::string ms(const std::optional<double>& value);
std::string raw_number(double value);          // shortest round-trip text for CSV

}  // namespace keyscope_cli
