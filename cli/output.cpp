#include "output.hpp"

#include <charconv>

#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "keyscope/utf8.hpp"

namespace keyscope_cli {
namespace {

// Decodes one code point; on invalid UTF-8 returns U+FFFD and consumes one byte.
char32_t next_code_point(const std::string& s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto byte = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]) & 0x3F); };
  if (b0 < 0x80) { i += 1; return b0; }
  if ((b0 & 0xE0) == 0xC0 && b0 >= 0xC2 && cont(1)) {
    char32_t cp = (static_cast<char32_t>(b0 & 0x1F) << 6) | byte(1);
    i += 2; return cp;
  }
  if ((b0 & 0xF0) == 0xE0 && cont(1) && cont(2)) {
    char32_t cp = (static_cast<char32_t>(b0 & 0x0F) << 12) | (byte(1) << 6) | byte(2);
    if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) { i += 3; return cp; }
  }
  if ((b0 & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
    char32_t cp = (static_cast<char32_t>(b0 & 0x07) << 18) | (byte(1) << 12) | (byte(2) << 6) | byte(3);
    if (cp >= 0x10000 && cp <= 0x10FFFF) { i += 4; return cp; }
  }
  i += 1;
  return 0xFFFD;
}

int code_point_width(char32_t cp) {
  if (cp == 0) return 0;
  // Combining marks, zero-width characters, variation selectors.
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
      (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
      (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x200B && cp <= 0x200F) ||
      (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x2060 || cp == 0xFEFF) {
    return 0;
  }
  // Wide: Hangul Jamo, CJK, Hangul syllables, compatibility ideographs, fullwidth forms, emoji.
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
      (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

std::string csv_field(const std::string& value) {
  // RFC 4180: quote fields containing a comma, a quote, CR or LF; double the quotes.
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// The whole text is one decimal number ("-12", "0.5", "1e-05"), as raw_number and to_string write.
bool is_number_text(const std::string& text) {
  if (text.empty()) return false;
  const char* begin = text.c_str();
  char* end = nullptr;
  std::strtod(begin, &end);
  return end == begin + text.size() && std::isdigit(static_cast<unsigned char>(text.back()));
}

}  // namespace

// CSV formula injection (OWASP "CSV Injection"): a spreadsheet evaluates a cell that starts
// with =, +, -, @, tab or CR, so `=HYPERLINK(...)` in a key name would become a live formula in
// the report of whoever opens it. Such a text cell (ids, names, prefixes, dates, cost centers,
// reasons: anything a server or a map file supplies) is written with a leading '. A number
// column's cells (counts, rates, latencies, money: text the CLI formats itself) are written
// as they are when they are numbers, so "-3" stays a number a spreadsheet can sum; a number
// column holding anything else is guarded like text.
static std::string csv_cell(const std::string& value, bool number) {
  const bool risky = !value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' ||
                                        value[0] == '@' || value[0] == '\t' || value[0] == '\r');
  if (risky && !(number && is_number_text(value))) return csv_field("'" + value);
  return csv_field(value);
}

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) width += static_cast<std::size_t>(code_point_width(next_code_point(text, i)));
  return width;
}

std::string sanitize(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = next_code_point(text, i);
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "\\x%02X", static_cast<unsigned>(cp));
      out += buffer;
    } else if (cp == 0x202A || cp == 0x202B || cp == 0x202C || cp == 0x202D || cp == 0x202E ||
               (cp >= 0x2066 && cp <= 0x2069)) {
      out += "\\u";  // bidirectional overrides would reorder the row on screen
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "%04X", static_cast<unsigned>(cp));
      out += buffer;
    } else {
      keyscope::append_utf8(out, cp);
    }
  }
  return out;
}

std::string render_table(const Table& table, const std::string& indent) {
  const std::size_t n = table.columns.size();
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths(n, 0);
  std::vector<std::string> header(n);
  for (std::size_t c = 0; c < n; ++c) {
    header[c] = sanitize(table.columns[c].header);
    widths[c] = table.show_header ? display_width(header[c]) : 0;
  }
  for (const auto& row : table.rows) {
    std::vector<std::string> line(n);
    for (std::size_t c = 0; c < n && c < row.size(); ++c) {
      line[c] = sanitize(row[c].display);
      widths[c] = std::max(widths[c], display_width(line[c]));
    }
    cells.push_back(std::move(line));
  }
  auto emit = [&](const std::vector<std::string>& line, std::string& out) {
    std::string text = indent;
    for (std::size_t c = 0; c < n; ++c) {
      const std::size_t pad = widths[c] - display_width(line[c]);
      const bool last = c + 1 == n;
      if (table.columns[c].number) {
        text.append(pad, ' ');
        text += line[c];
      } else {
        text += line[c];
        if (!last) text.append(pad, ' ');
      }
      if (!last) text += "  ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  };
  std::string out;
  if (table.show_header) emit(header, out);
  for (const auto& line : cells) emit(line, out);
  return out;
}

Table without_column(Table table, const std::string& key) {
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i].key != key) continue;
    table.columns.erase(table.columns.begin() + static_cast<std::ptrdiff_t>(i));
    for (auto& row : table.rows) row.erase(row.begin() + static_cast<std::ptrdiff_t>(i));
    break;
  }
  return table;
}

std::string render_csv(const Table& table) {
  std::string out;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (c) out += ',';
    out += csv_cell(table.columns[c].key, false);
  }
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      if (c) out += ',';
      if (c < row.size()) out += csv_cell(row[c].raw, table.columns[c].number);
    }
    out += "\r\n";
  }
  return out;
}

std::string render_json(const nlohmann::ordered_json& value) {
  // Invalid UTF-8 from the server is replaced rather than throwing.
  return value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

bool print(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) return false;
  return std::fflush(stdout) == 0;
}

std::string decimal(WideCount value) {
  // The magnitude unsigned, so the most negative value negates too.
  __extension__ typedef unsigned __int128 Magnitude;
  Magnitude magnitude = value < 0 ? Magnitude{0} - static_cast<Magnitude>(value) : static_cast<Magnitude>(value);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return value < 0 ? "-" + digits : digits;
}

std::string with_thousands(WideCount value) {
  std::string digits = decimal(value);
  if (value < 0) digits.erase(0, 1);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count && count % 3 == 0) out += ',';
    out += *it;
    ++count;
  }
  if (value < 0) out += '-';
  return std::string(out.rbegin(), out.rend());
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string percent(double fraction, int decimals) { return fixed(fraction * 100.0, decimals) + "%"; }

std::string ms(const std::optional<double>& value) {
  if (!value) return "-";
  return fixed(*value, *value == std::floor(*value) ? 0 : 1);
}


std::string raw_number(double value) {
  // Shortest text that reads back as the same double, without the C locale: 290 is "290" (the
  // %g search gave "2.9e+02"), 0.1 is "0.1".
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace keyscope_cli
