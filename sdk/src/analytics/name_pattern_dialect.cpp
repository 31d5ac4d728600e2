#include "analytics/name_pattern_dialect.hpp"

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "keyscope/error.hpp"

namespace keyscope::analytics {
namespace {

constexpr std::size_t kMaxPatternBytes = 1000;
constexpr int kMaxDepth = 32;
constexpr unsigned kMaxRepeat = 1000;

// One code point of valid UTF-8 as bytes, for std::regex (lead byte decides the length).
constexpr const char* kMultiByteCodePoint =
    "[\\xC2-\\xDF][\\x80-\\xBF]|[\\xE0-\\xEF][\\x80-\\xBF]{2}|[\\xF0-\\xF4][\\x80-\\xBF]{3}";

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

// Recursive descent over the pattern. The first construct outside the dialect is recorded in
// error_ and ends the input (i_ = p_.size()), so every loop stops and each function returns at
// once; what the functions return after that is never used.
class Translator {
 public:
  explicit Translator(std::string_view pattern) : p_(pattern) {}

  Result<EngineSources> run() {
    if (p_.size() > kMaxPatternBytes) refuse("a pattern longer than 1000 bytes", kMaxPatternBytes);
    Piece whole = alternation(0);
    if (!error_ && i_ < p_.size()) malformed("an unmatched )", i_);
    if (error_) return std::move(*error_);
    return EngineSources{whole.unicode, whole.bytes, groups_};
  }

 private:
  bool at(char c) const { return i_ < p_.size() && p_[i_] == c; }
  bool at(std::string_view s) const { return p_.substr(i_, s.size()) == s; }  // i_ <= p_.size() always
  void skip(std::size_t n = 1) { i_ = std::min(i_ + n, p_.size()); }

  void fail(std::string message) {
    if (!error_) error_ = validation_error(std::move(message), "invalid_name_pattern");
    i_ = p_.size();
  }
  void refuse(const std::string& construct, std::size_t offset) {
    fail("name_pattern: " + construct + " at offset " + std::to_string(offset) +
         " is not supported (see the pattern dialect in the README)");
  }
  void malformed(const std::string& why, std::size_t offset) {
    fail("name_pattern is not a valid regular expression: " + why + " at offset " + std::to_string(offset));
  }

  Piece alternation(int depth) {
    Piece out = sequence(depth);
    while (at('|')) {
      skip();
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
        if (!atom_piece.repeatable) return refuse("a quantifier after an anchor or \\b/\\B", i_), out;
        if (atom_piece.has_capture) {
          return refuse("repeating the capture group (its value would differ by engine)", start), out;
        }
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
      skip();
      const unsigned low = number(start);
      q = "{" + std::to_string(low);
      if (at(',')) {
        skip();
        q += ",";
        if (!at('}') && !error_) {
          const unsigned high = number(start);
          if (high < low) return malformed("a repeat {m,n} with n < m", start), q;
          q += std::to_string(high);
        }
      }
      if (!at('}')) return refuse("a literal '{' (write \\{)", start), q;
      skip();
      q += "}";
    } else {
      q = std::string(1, p_[i_]);
      skip();
    }
    if (at('?')) {
      skip();
      q += "?";
    }
    if (quantifier_ahead()) refuse("a quantifier after a quantifier (possessive or nested)", i_);
    return q;
  }

  unsigned number(std::size_t brace) {
    unsigned value = 0;
    std::size_t digits = 0;
    while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') {
      if (++digits > 4) return refuse("a repeat count above 1000", brace), 0u;
      value = value * 10 + static_cast<unsigned>(p_[i_++] - '0');
    }
    if (digits == 0) return refuse("a literal '{' (write \\{)", brace), 0u;
    if (value > kMaxRepeat) return refuse("a repeat count above 1000", brace), 0u;
    return value;
  }

  Piece atom(int depth) {
    const std::size_t start = i_;
    const char c = p_[i_];
    switch (c) {
      case '(': return group(depth);
      case '[': return set_piece(bracket_class());
      case '.': {
        skip();
        CharSet dot;
        dot.add('\n', '\n');
        dot.add('\r', '\r');
        return set_piece(dot.complement());
      }
      case '^': case '$': {
        skip();
        Piece anchor;
        anchor.unicode = anchor.bytes = std::string(1, c);
        anchor.repeatable = false;
        return anchor;
      }
      case '\\': return escape();
      case '*': case '+': case '?': return malformed("nothing to repeat", start), Piece{};
      case '{': return refuse("a literal '{' (write \\{)", start), Piece{};
      case '}': return refuse("a literal '}' (write \\})", start), Piece{};
      case ']': return refuse("a literal ']' (write \\])", start), Piece{};
      default: break;
    }
    std::uint32_t code_point = 0;
    const std::string_view utf8 = next_code_point(code_point);
    if (error_) return Piece{};
    return literal_piece(code_point, utf8);
  }

  Piece group(int depth) {
    const std::size_t start = i_;
    if (depth >= kMaxDepth) return refuse("nesting deeper than 32 groups", start), Piece{};
    skip();
    bool capturing = true;
    if (at('?')) {
      if (at("?:")) {
        skip(2);
        capturing = false;
      } else if (at("?=")) {
        return refuse("a lookahead (?=", start), Piece{};
      } else if (at("?!")) {
        return refuse("a negative lookahead (?!", start), Piece{};
      } else if (at("?<=")) {
        return refuse("a lookbehind (?<=", start), Piece{};
      } else if (at("?<!")) {
        return refuse("a negative lookbehind (?<!", start), Piece{};
      } else if (at("?<") || at("?P")) {
        return refuse("a named group", start), Piece{};
      } else {
        return refuse("inline flags or a group modifier (?", start), Piece{};
      }
    }
    Piece inner = alternation(depth + 1);
    if (error_) return Piece{};
    if (!at(')')) return malformed("a missing )", start), Piece{};
    skip();
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
    if (i_ + 1 >= p_.size()) return malformed("a trailing backslash", start), 0u;
    const char c = p_[i_ + 1];
    if (c >= '0' && c <= '9') return refuse("a backreference or octal escape \\" + std::string(1, c), start), 0u;
    if (c == 'k') return refuse("a named backreference \\k", start), 0u;
    if (c == 'p' || c == 'P') return refuse("a Unicode property escape \\" + std::string(1, c), start), 0u;
    if (c == 'x' || c == 'u') {
      return refuse("the escape \\" + std::string(1, c) + " (write the character itself)", start), 0u;
    }
    if (c == 'c') return refuse("a control escape \\c", start), 0u;
    if (in_class && (c == 'b' || c == 'B')) return refuse("\\" + std::string(1, c) + " inside a class", start), 0u;
    if (const unsigned control = control_escape(c)) {
      skip(2);
      return control;
    }
    if (is_syntax_char(c)) {
      skip(2);
      return static_cast<unsigned char>(c);
    }
    if (static_cast<unsigned char>(c) >= 0x80) return refuse("a backslash before a non-ASCII character", start), 0u;
    return refuse("the escape \\" + std::string(1, c), start), 0u;
  }

  Piece escape() {
    const std::size_t start = i_;
    const char c = i_ + 1 < p_.size() ? p_[i_ + 1] : '\0';
    if (is_class_escape(c)) {
      skip(2);
      return set_piece(escape_class(c));
    }
    if (c == 'b' || c == 'B') {
      skip(2);
      Piece assertion;
      assertion.unicode = assertion.bytes = std::string("\\") + c;
      assertion.repeatable = false;
      return assertion;
    }
    const unsigned escaped = escaped_char(start, false);
    if (error_) return Piece{};
    return literal_piece(escaped, {});
  }

  // One member of a class: a character (as `single`) or a class escape's set.
  bool class_member(unsigned& single, CharSet& set) {
    const std::size_t start = i_;
    const char c = p_[i_];
    if (c == '\\') {
      const char next = i_ + 1 < p_.size() ? p_[i_ + 1] : '\0';
      if (is_class_escape(next)) {
        skip(2);
        set = escape_class(next);
        return false;
      }
      single = escaped_char(start, true);
      return true;
    }
    if (c == '[') return refuse("an unescaped [ inside a class (write \\[)", start), true;
    if (static_cast<unsigned char>(c) >= 0x80) return refuse("a non-ASCII character inside a class", start), true;
    skip();
    single = static_cast<unsigned char>(c);
    return true;
  }

  // The set of a class; meaningless once error_ is set.
  CharSet bracket_class() {
    const std::size_t start = i_;
    skip();
    const bool negate = at('^');
    if (negate) skip();
    const std::size_t first = i_;
    CharSet set;
    for (;;) {
      if (i_ >= p_.size()) return malformed("a missing ]", start), set;
      if (at(']')) {
        if (i_ == first) return refuse("an empty class [] or [^]", start), set;
        skip();
        break;
      }
      const std::size_t member_at = i_;
      unsigned low = 0;
      CharSet escape_set;
      if (!class_member(low, escape_set)) {
        if (at('-') && i_ + 1 < p_.size() && p_[i_ + 1] != ']') return refuse("a class escape as a range end", member_at), set;
        set.add(escape_set);
        continue;
      }
      if (error_) return set;
      if (p_[member_at] == '-' && member_at != first && !at(']')) {
        return refuse("a '-' inside a class that is not a range (write \\-)", member_at), set;
      }
      if (at('-') && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
        skip();
        unsigned high = 0;
        CharSet high_set;
        if (!class_member(high, high_set)) return refuse("a class escape as a range end", member_at), set;
        if (error_) return set;
        if (high < low) return malformed("a range out of order", member_at), set;
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
    if (length == 0 || start + length > p_.size()) return malformed("invalid UTF-8", start), std::string_view();
    code_point = length == 1 ? lead : lead & (0xFFu >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(p_[start + k]);
      if ((byte & 0xC0u) != 0x80u) return malformed("invalid UTF-8", start), std::string_view();
      code_point = (code_point << 6) | (byte & 0x3Fu);
    }
    const std::uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < minimum[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return malformed("invalid UTF-8", start), std::string_view();
    }
    skip(length);
    return p_.substr(start, length);
  }

  std::string_view p_;
  std::size_t i_ = 0;
  std::size_t groups_ = 0;
  std::optional<Error> error_;
};

}  // namespace

Result<EngineSources> translate_name_pattern(std::string_view pattern) { return Translator(pattern).run(); }

}  // namespace keyscope::analytics
