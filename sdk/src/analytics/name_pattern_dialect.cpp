#include "analytics/name_pattern_dialect.hpp"

#include <bitset>
#include <cstdint>
#include <cstdio>

#include "keyscope/error.hpp"

namespace keyscope::analytics {
namespace {

constexpr std::size_t kMaxPatternBytes = 1000;
constexpr int kMaxDepth = 32;
constexpr unsigned kMaxRepeat = 1000;

// One code point of valid UTF-8 as bytes, for std::regex (lead byte decides the length).
constexpr const char* kMultiByteCodePoint =
    "[\\xC2-\\xDF][\\x80-\\xBF]|[\\xE0-\\xEF][\\x80-\\xBF]{2}|[\\xF0-\\xF4][\\x80-\\xBF]{3}";

[[noreturn]] void refuse(const std::string& construct, std::size_t offset) {
  throw_error(validation_error("name_pattern: " + construct + " at offset " + std::to_string(offset) +
                                   " is not supported (see the pattern dialect in the README)",
                               "invalid_name_pattern"));
}

[[noreturn]] void malformed(const std::string& why, std::size_t offset) {
  throw_error(validation_error("name_pattern is not a valid regular expression: " + why + " at offset " +
                                   std::to_string(offset),
                               "invalid_name_pattern"));
}

std::string hex_escape(unsigned byte) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02X", byte & 0xFFu);
  return buf;
}

bool plain(unsigned c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// An ASCII character as a regex atom (inside or outside a class) in both flavours.
std::string ascii_atom(unsigned c) { return plain(c) ? std::string(1, static_cast<char>(c)) : hex_escape(c); }

struct CharSet {
  std::bitset<128> ascii;
  bool non_ascii = false;  // every code point from U+0080

  void add(unsigned lo, unsigned hi) {
    for (unsigned c = lo; c <= hi; ++c) ascii.set(c);
  }
  void add(const CharSet& other) {
    ascii |= other.ascii;
    non_ascii = non_ascii || other.non_ascii;
  }
  CharSet complement() const {
    CharSet out;
    out.ascii = ~ascii;
    out.non_ascii = !non_ascii;
    return out;
  }
  bool empty() const { return ascii.none() && !non_ascii; }

  // The ASCII members as class contents, runs of three or more as ranges.
  std::string members() const {
    std::string out;
    for (unsigned c = 0; c < 128;) {
      if (!ascii.test(c)) {
        ++c;
        continue;
      }
      unsigned end = c;
      while (end + 1 < 128 && ascii.test(end + 1)) ++end;
      if (end - c >= 2) {
        out += ascii_atom(c) + "-" + ascii_atom(end);
      } else {
        for (unsigned x = c; x <= end; ++x) out += ascii_atom(x);
      }
      c = end + 1;
    }
    return out;
  }
};

CharSet escape_class(char c) {
  CharSet set;
  switch (c) {
    case 'd': case 'D': set.add('0', '9'); break;
    case 'w': case 'W': set.add('a', 'z'); set.add('A', 'Z'); set.add('0', '9'); set.add('_', '_'); break;
    default: set.add('\t', '\r'); set.add(' ', ' '); break;  // 's', 'S': \t \n \v \f \r and space
  }
  return (c == 'D' || c == 'W' || c == 'S') ? set.complement() : set;
}

bool is_class_escape(char c) {
  return c == 'd' || c == 'D' || c == 'w' || c == 'W' || c == 's' || c == 'S';
}

// \t \n \v \f \r as their character, else 0.
unsigned control_escape(char c) {
  switch (c) {
    case 't': return '\t';
    case 'n': return '\n';
    case 'v': return '\v';
    case 'f': return '\f';
    case 'r': return '\r';
    default: return 0;
  }
}

bool is_syntax_char(char c) {
  return std::string_view("^$\\.*+?()[]{}|/-").find(c) != std::string_view::npos;
}

struct Piece {
  std::string unicode;
  std::string bytes;
  bool has_capture = false;
  bool repeatable = true;  // false for anchors and assertions
};

Piece set_piece(const CharSet& set) {
  Piece piece;
  const std::string members = set.members();
  piece.unicode = "[" + members + (set.non_ascii ? "\\u0080-\\u{10FFFF}" : "") + "]";
  if (!set.non_ascii) {
    piece.bytes = "[" + members + "]";
  } else {
    piece.bytes = "(?:" + (members.empty() ? std::string() : "[" + members + "]|") + kMultiByteCodePoint + ")";
  }
  return piece;
}

Piece literal_piece(std::uint32_t code_point, std::string_view utf8) {
  Piece piece;
  if (code_point < 0x80) {
    piece.unicode = piece.bytes = ascii_atom(code_point);
    return piece;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\u{%X}", static_cast<unsigned>(code_point));
  piece.unicode = buf;
  piece.bytes = "(?:";
  for (char byte : utf8) piece.bytes += hex_escape(static_cast<unsigned char>(byte));
  piece.bytes += ")";
  return piece;
}

class Translator {
 public:
  explicit Translator(std::string_view pattern) : p_(pattern) {}

  EngineSources run() {
    if (p_.size() > kMaxPatternBytes) refuse("a pattern longer than 1000 bytes", kMaxPatternBytes);
    Piece whole = alternation(0);
    if (i_ < p_.size()) malformed("an unmatched )", i_);
    return EngineSources{whole.unicode, whole.bytes, groups_};
  }

 private:
  bool at(char c) const { return i_ < p_.size() && p_[i_] == c; }
  bool at(std::string_view s) const { return p_.substr(i_, s.size()) == s; }

  Piece alternation(int depth) {
    Piece out = sequence(depth);
    while (at('|')) {
      ++i_;
      Piece next = sequence(depth);
      out.unicode += "|" + next.unicode;
      out.bytes += "|" + next.bytes;
      out.has_capture = out.has_capture || next.has_capture;
    }
    return out;
  }

  Piece sequence(int depth) {
    Piece out;
    while (i_ < p_.size() && !at('|') && !at(')')) {
      const std::size_t start = i_;
      Piece atom_piece = atom(depth);
      if (quantifier_ahead()) {
        if (!atom_piece.repeatable) refuse("a quantifier after an anchor or \\b/\\B", i_);
        if (atom_piece.has_capture) refuse("repeating the capture group (its value would differ by engine)", start);
        const std::string q = quantifier();
        atom_piece.unicode += q;
        atom_piece.bytes += q;
      }
      out.unicode += atom_piece.unicode;
      out.bytes += atom_piece.bytes;
      out.has_capture = out.has_capture || atom_piece.has_capture;
    }
    return out;
  }

  bool quantifier_ahead() const { return at('*') || at('+') || at('?') || at('{'); }

  // * + ? {m} {m,} {m,n}, then an optional lazy ?; nothing may follow.
  std::string quantifier() {
    const std::size_t start = i_;
    std::string q;
    if (at('{')) {
      ++i_;
      const unsigned low = number(start);
      q = "{" + std::to_string(low);
      if (at(',')) {
        ++i_;
        q += ",";
        if (!at('}')) {
          const unsigned high = number(start);
          if (high < low) malformed("a repeat {m,n} with n < m", start);
          q += std::to_string(high);
        }
      }
      if (!at('}')) refuse("a literal '{' (write \\{)", start);
      ++i_;
      q += "}";
    } else {
      q = std::string(1, p_[i_++]);
    }
    if (at('?')) {
      ++i_;
      q += "?";
    }
    if (quantifier_ahead()) refuse("a quantifier after a quantifier (possessive or nested)", i_);
    return q;
  }

  unsigned number(std::size_t brace) {
    unsigned value = 0;
    std::size_t digits = 0;
    while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') {
      if (++digits > 4) refuse("a repeat count above 1000", brace);
      value = value * 10 + static_cast<unsigned>(p_[i_++] - '0');
    }
    if (digits == 0) refuse("a literal '{' (write \\{)", brace);
    if (value > kMaxRepeat) refuse("a repeat count above 1000", brace);
    return value;
  }

  Piece atom(int depth) {
    const std::size_t start = i_;
    const char c = p_[i_];
    switch (c) {
      case '(': return group(depth);
      case '[': return set_piece(bracket_class());
      case '.': {
        ++i_;
        CharSet dot;
        dot.add('\n', '\n');
        dot.add('\r', '\r');
        return set_piece(dot.complement());
      }
      case '^': case '$': {
        ++i_;
        Piece anchor;
        anchor.unicode = anchor.bytes = std::string(1, c);
        anchor.repeatable = false;
        return anchor;
      }
      case '\\': return escape();
      case '*': case '+': case '?': malformed("nothing to repeat", start);
      case '{': refuse("a literal '{' (write \\{)", start);
      case '}': refuse("a literal '}' (write \\})", start);
      case ']': refuse("a literal ']' (write \\])", start);
      default: break;
    }
    std::uint32_t code_point = 0;
    const std::string_view utf8 = next_code_point(code_point);
    return literal_piece(code_point, utf8);
  }

  Piece group(int depth) {
    const std::size_t start = i_;
    if (depth >= kMaxDepth) refuse("nesting deeper than 32 groups", start);
    ++i_;
    bool capturing = true;
    if (at('?')) {
      if (at("?:")) {
        i_ += 2;
        capturing = false;
      } else if (at("?=")) {
        refuse("a lookahead (?=", start);
      } else if (at("?!")) {
        refuse("a negative lookahead (?!", start);
      } else if (at("?<=")) {
        refuse("a lookbehind (?<=", start);
      } else if (at("?<!")) {
        refuse("a negative lookbehind (?<!", start);
      } else if (at("?<") || at("?P")) {
        refuse("a named group", start);
      } else {
        refuse("inline flags or a group modifier (?", start);
      }
    }
    Piece inner = alternation(depth + 1);
    if (!at(')')) malformed("a missing )", start);
    ++i_;
    Piece out;
    if (capturing) {
      ++groups_;
      out.unicode = "(" + inner.unicode + ")";
      out.bytes = "(" + inner.bytes + ")";
      out.has_capture = true;
    } else {
      out.unicode = "(?:" + inner.unicode + ")";
      out.bytes = "(?:" + inner.bytes + ")";
      out.has_capture = inner.has_capture;
    }
    return out;
  }

  // The escapes both contexts refuse, or a control / syntax character escape's character.
  unsigned escaped_char(std::size_t start, bool in_class) {
    if (i_ + 1 >= p_.size()) malformed("a trailing backslash", start);
    const char c = p_[i_ + 1];
    if (c >= '0' && c <= '9') refuse("a backreference or octal escape \\" + std::string(1, c), start);
    if (c == 'k') refuse("a named backreference \\k", start);
    if (c == 'p' || c == 'P') refuse("a Unicode property escape \\" + std::string(1, c), start);
    if (c == 'x' || c == 'u') refuse("the escape \\" + std::string(1, c) + " (write the character itself)", start);
    if (c == 'c') refuse("a control escape \\c", start);
    if (in_class && (c == 'b' || c == 'B')) refuse("\\" + std::string(1, c) + " inside a class", start);
    if (const unsigned control = control_escape(c)) {
      i_ += 2;
      return control;
    }
    if (is_syntax_char(c)) {
      i_ += 2;
      return static_cast<unsigned char>(c);
    }
    if (static_cast<unsigned char>(c) >= 0x80) refuse("a backslash before a non-ASCII character", start);
    refuse("the escape \\" + std::string(1, c), start);
  }

  Piece escape() {
    const std::size_t start = i_;
    const char c = i_ + 1 < p_.size() ? p_[i_ + 1] : '\0';
    if (is_class_escape(c)) {
      i_ += 2;
      return set_piece(escape_class(c));
    }
    if (c == 'b' || c == 'B') {
      i_ += 2;
      Piece assertion;
      assertion.unicode = assertion.bytes = std::string("\\") + c;
      assertion.repeatable = false;
      return assertion;
    }
    return literal_piece(escaped_char(start, false), {});
  }

  // One member of a class: a character (as `single`) or a class escape's set.
  bool class_member(unsigned& single, CharSet& set) {
    const std::size_t start = i_;
    const char c = p_[i_];
    if (c == '\\') {
      const char next = i_ + 1 < p_.size() ? p_[i_ + 1] : '\0';
      if (is_class_escape(next)) {
        i_ += 2;
        set = escape_class(next);
        return false;
      }
      single = escaped_char(start, true);
      return true;
    }
    if (c == '[') refuse("an unescaped [ inside a class (write \\[)", start);
    if (static_cast<unsigned char>(c) >= 0x80) refuse("a non-ASCII character inside a class", start);
    ++i_;
    single = static_cast<unsigned char>(c);
    return true;
  }

  CharSet bracket_class() {
    const std::size_t start = i_;
    ++i_;
    const bool negate = at('^');
    if (negate) ++i_;
    const std::size_t first = i_;
    CharSet set;
    for (;;) {
      if (i_ >= p_.size()) malformed("a missing ]", start);
      if (at(']')) {
        if (i_ == first) refuse("an empty class [] or [^]", start);
        ++i_;
        break;
      }
      const std::size_t member_at = i_;
      unsigned low = 0;
      CharSet escape_set;
      if (!class_member(low, escape_set)) {
        if (at('-') && i_ + 1 < p_.size() && p_[i_ + 1] != ']') refuse("a class escape as a range end", member_at);
        set.add(escape_set);
        continue;
      }
      if (p_[member_at] == '-' && member_at != first && !at(']')) {
        refuse("a '-' inside a class that is not a range (write \\-)", member_at);
      }
      if (at('-') && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
        ++i_;
        unsigned high = 0;
        CharSet high_set;
        if (!class_member(high, high_set)) refuse("a class escape as a range end", member_at);
        if (high < low) malformed("a range out of order", member_at);
        set.add(low, high);
        continue;
      }
      set.add(low, low);
    }
    if (negate) set = set.complement();
    if (set.empty()) refuse("a class that matches nothing", start);
    return set;
  }

  // Decodes the UTF-8 code point at i_ (a character outside a class).
  std::string_view next_code_point(std::uint32_t& code_point) {
    const std::size_t start = i_;
    const auto lead = static_cast<unsigned char>(p_[i_]);
    std::size_t length = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                                                                 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
    if (length == 0 || start + length > p_.size()) malformed("invalid UTF-8", start);
    code_point = length == 1 ? lead : lead & (0xFFu >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(p_[start + k]);
      if ((byte & 0xC0u) != 0x80u) malformed("invalid UTF-8", start);
      code_point = (code_point << 6) | (byte & 0x3Fu);
    }
    const std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < minimum[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      malformed("invalid UTF-8", start);
    }
    i_ += length;
    return p_.substr(start, length);
  }

  std::string_view p_;
  std::size_t i_ = 0;
  std::size_t groups_ = 0;
};

}  // namespace

EngineSources translate_name_pattern(std::string_view pattern) { return Translator(pattern).run(); }

}  // namespace keyscope::analytics
