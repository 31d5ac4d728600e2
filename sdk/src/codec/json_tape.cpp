#include "codec/json_tape.hpp"

#include "keyscope/utf8.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <limits>
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#endif

#include "core/c_number.hpp"
#include "keyscope/utf8.hpp"

// The scanners of the parser's hot path, inlined into value(): each a call less per value.
#if defined(__GNUC__) || defined(__clang__)
#define KEYSCOPE_HOT_INLINE inline __attribute__((always_inline))
#else
#define KEYSCOPE_HOT_INLINE inline
#endif

namespace keyscope::codec {
namespace {

// Most bytes are above the space: one compare rejects them.
bool is_space(char c) {
  return static_cast<unsigned char>(c) <= ' ' && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Bytes a string holds as they are: printable ASCII other than the quote and the backslash.
// One table lookup a byte keeps the common case of the string scan to a single branch.
constexpr auto kPlainStringBytes = [] {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
  return table;
}();
bool is_plain_string_byte(char c) { return kPlainStringBytes[static_cast<unsigned char>(c)]; }

// The bytes of `word` (eight bytes of text, the first in the lowest bits) that end a plain run:
// a quote, a backslash, a control byte or a non-ASCII byte, each marked by its high bit (the
// classic "has a zero byte" bit trick, eight bytes per step). A borrow can mark a byte after a
// real one too, never before it: the lowest mark is exact.
std::uint64_t plain_run_ends(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u, kHighs = 0x8080808080808080u;
  const auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  const std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighs;
  return below_space | has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\')) | (word & kHighs);
}

// The index of the first byte that plain_run_ends marked (`ends` is not 0).
std::size_t first_marked_byte(std::uint64_t ends) {
#if defined(_MSC_VER) && !defined(__clang__)
  unsigned long bit = 0;
  _BitScanForward64(&bit, ends);
  return bit / 8;
#else
  return static_cast<std::size_t>(__builtin_ctzll(ends)) / 8;
#endif
}

// Loads eight bytes as a little-endian word (the first byte lowest), whatever the host's order.
std::uint64_t load_little_endian(const char* bytes) {
  std::uint64_t word;
  std::memcpy(&word, bytes, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  word = __builtin_bswap64(word);
#endif
  return word;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The four hex digits of a backslash-u escape that start at `at`, or -1.
int read_hex4(std::string_view text, std::size_t at) {
  if (at + 4 > text.size()) return -1;
  int out = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const int digit = hex_value(text[i]);
    if (digit < 0) return -1;
    out = out * 16 + digit;
  }
  return out;
}

}  // namespace

// Recursive descent; the depth cap bounds the recursion. The position is a pointer into the text
// checked against its end (one compare a byte, no index arithmetic), and the common layout of
// machine-written JSON (no space around ',' and ':') is tried before any whitespace is skipped.
class TapeParser {
 public:
  TapeParser(std::string_view text, Tape& tape, int max_depth)
      : text_(text), end_(text.data() + text.size()), p_(text.data()), tape_(tape), max_depth_(max_depth) {}

  std::optional<Tape::Failure> run() {
    tape_.text_ = text_;
    tape_.nodes_.clear();
    // Real documents spend 7 to 13 bytes a node (a 90-day usage, a key list), so a body of
    // ordinary size never has to grow its tape (growing copies it); a huge one grows by doubling
    // rather than reserving 6x its size up front.
    constexpr std::size_t kMostNodesReserved = std::size_t{1} << 16;
    tape_.nodes_.reserve(std::min(text_.size() / 5 + 8, kMostNodesReserved));
    if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") p_ += 3;  // a UTF-8 BOM
    skip_space();
    if (!value(0)) return failure_;
    skip_space();
    if (p_ != end_) return Tape::Failure::syntax;
    return std::nullopt;
  }

 private:
  bool fail(Tape::Failure why = Tape::Failure::syntax) {
    failure_ = why;
    return false;
  }
  void skip_space() {
    while (p_ != end_ && is_space(*p_)) ++p_;
  }
  // The next byte that is not whitespace (skipped), or '\0' at the end of the text ('\0' is
  // never valid there).
  char next_non_space() {
    if (p_ != end_ && !is_space(*p_)) return *p_;
    skip_space();
    return p_ != end_ ? *p_ : '\0';
  }
  bool at(char c) const { return p_ != end_ && *p_ == c; }
  std::size_t offset() const { return static_cast<std::size_t>(p_ - text_.data()); }
  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) {
      return fail();
    }
    p_ += word.size();
    return true;
  }
  std::uint32_t push(JsonKind kind) {
    tape_.nodes_.emplace_back();
    tape_.nodes_.back().kind = kind;
    return static_cast<std::uint32_t>(tape_.nodes_.size() - 1);
  }
  void close(std::uint32_t index) { tape_.nodes_[index].end = static_cast<std::uint32_t>(tape_.nodes_.size()); }

  bool value(int depth) {
    if (p_ == end_) return fail();
    switch (*p_) {
      case '{': return container(depth + 1, JsonKind::object, '}');
      case '[': return container(depth + 1, JsonKind::array, ']');
      case '"': return string();
      case 't': case 'f': {
        const bool truth = *p_ == 't';
        if (!literal(truth ? "true" : "false")) return false;
        const auto index = push(JsonKind::boolean);
        tape_.nodes_[index].number.boolean = truth;
        close(index);
        return true;
      }
      case 'n':
        if (!literal("null")) return false;
        close(push(JsonKind::null));
        return true;
      default: return number();
    }
  }

  // An object or an array: `{` or `[` at p_, members or elements up to `closer`.
  bool container(int depth, JsonKind kind, char closer) {
    if (depth > max_depth_) return fail(Tape::Failure::too_deep);
    const auto index = push(kind);
    ++p_;
    if (next_non_space() == closer) {
      ++p_;
      close(index);
      return true;
    }
    std::uint64_t names_seen = 0;  // a 64-bit Bloom filter of the member names so far
    bool unique = kind == JsonKind::object;
    for (;;) {
      if (kind == JsonKind::object) {
        if (!member_name()) return fail();
        if (unique) unique = name_is_new(index, names_seen);
      }
      if (!value(depth)) return false;
      const char next = next_non_space();
      if (next == ',') {
        ++p_;
        skip_space();
        continue;
      }
      if (next != closer) return fail();
      ++p_;
      tape_.nodes_[index].unique_names = unique;
      close(index);
      return true;
    }
  }

  // Whether the member name just read (the last node) differs from the object's earlier ones.
  // The filter answers "new" for almost every name; a possible repeat is checked exactly. An
  // escaped name counts as a repeat: "\u0061" and "a" are the same name.
  bool name_is_new(std::uint32_t object, std::uint64_t& seen) const {
    const std::uint32_t name_index = static_cast<std::uint32_t>(tape_.nodes_.size() - 1);
    const Tape::Node& name = tape_.nodes_[name_index];
    if (name.escaped) return false;
    const std::string_view raw(text_.data() + name.begin, name.length);
    const std::uint64_t bit = std::uint64_t{1} << (name_hash(raw, end_) >> 58);
    if (!(seen & bit)) {
      seen |= bit;
      return true;
    }
    for (std::uint32_t i = object + 1; i < name_index; i = tape_.nodes_[i + 1].end) {
      const Tape::Node& earlier = tape_.nodes_[i];
      if (text_.substr(earlier.begin, earlier.length) == raw) return false;
    }
    return true;
  }

  // Constant time whatever the name's length: its first and last eight bytes and its length. A
  // shorter name is read as one word (the text goes on past it: at least its quote and a ':')
  // with the bytes beyond it masked off.
  static std::uint64_t name_hash(std::string_view name, const char* text_end) {
    std::uint64_t head = 0, tail = 0;
    if (name.size() >= 8) {
      std::memcpy(&head, name.data(), 8);
      std::memcpy(&tail, name.data() + name.size() - 8, 8);
    } else if (!name.empty() && text_end - name.data() >= 8) {
      const std::uint64_t name_bytes = ~std::uint64_t{0} >> (64 - 8 * name.size());
      head = load_little_endian(name.data()) & name_bytes;
    } else {
      for (std::size_t i = 0; i < name.size(); ++i) {
        head |= std::uint64_t{static_cast<unsigned char>(name[i])} << (8 * i);
      }
    }
    return ((head * 0x9E3779B97F4A7C15u) ^ (tail * 0xC2B2AE3D27D4EB4Fu) ^ name.size()) * 0x165667B19E3779F9u;
  }

  // `"name" :` (the name becomes the member's key node).
  bool member_name() {
    if (!at('"') || !string()) return false;
    if (next_non_space() != ':') return false;
    ++p_;
    skip_space();
    return true;
  }

  // Validates escapes (surrogates paired) and UTF-8 (RFC 3629) without copying anything.
  KEYSCOPE_HOT_INLINE bool string() {
    const auto index = push(JsonKind::string);
    const char* const begin = ++p_;
    bool escaped = false;
    for (;;) {
      bool marked = false;
      for (; end_ - p_ >= 8; p_ += 8) {
        const std::uint64_t ends = plain_run_ends(load_little_endian(p_));
        if (ends != 0) {
          p_ += first_marked_byte(ends);
          marked = true;
          break;
        }
      }
      if (!marked) {
        while (p_ != end_ && is_plain_string_byte(*p_)) ++p_;
        if (p_ == end_) return fail();  // no closing quote
      }
      // Past the plain bytes: a quote, a backslash, a control byte or a non-ASCII lead byte.
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        auto& node = tape_.nodes_[index];
        node.begin = static_cast<std::uint32_t>(begin - text_.data());
        node.length = static_cast<std::uint32_t>(p_ - begin);
        node.escaped = escaped;
        node.end = index + 1;
        ++p_;
        return true;
      }
      if (c == '\\') {
        escaped = true;
        if (!escape()) return fail();
      } else if (c < 0x20 || !utf8_sequence(c)) {
        return fail();
      }
    }
  }

  bool escape() {
    ++p_;  // the backslash
    if (p_ == end_) return false;
    const char c = *p_++;
    switch (c) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': return true;
      case 'u': {
        const int unit = hex4();
        if (unit < 0) return false;
        if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a lone low surrogate
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
          p_ += 2;
          const int low = hex4();
          return low >= 0xDC00 && low <= 0xDFFF;
        }
        return true;
      }
      default: return false;
    }
  }

  int hex4() {
    const int unit = read_hex4(text_, offset());
    if (unit >= 0) p_ += 4;
    return unit;
  }

  bool utf8_sequence(unsigned char lead) {
    int continuation = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the first continuation byte
    if (lead >= 0xC2 && lead <= 0xDF) continuation = 1;
    else if (lead == 0xE0) continuation = 2, low = 0xA0;
    else if (lead >= 0xE1 && lead <= 0xEC) continuation = 2;
    else if (lead == 0xED) continuation = 2, high = 0x9F;
    else if (lead >= 0xEE && lead <= 0xEF) continuation = 2;
    else if (lead == 0xF0) continuation = 3, low = 0x90;
    else if (lead >= 0xF1 && lead <= 0xF3) continuation = 3;
    else if (lead == 0xF4) continuation = 3, high = 0x8F;
    else return false;
    if (end_ - p_ <= continuation) return false;
    for (int i = 1; i <= continuation; ++i) {
      const auto c = static_cast<unsigned char>(p_[i]);
      if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xBF)) return false;
    }
    p_ += continuation + 1;
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? ; integers that overflow 64 bits become
  // doubles, as in nlohmann.
  KEYSCOPE_HOT_INLINE bool number() {
    const char* const begin = p_;
    const bool negative = at('-');
    if (negative) ++p_;
    // The integer part, its value gathered on the way: at most 19 digits cannot overflow.
    std::uint64_t magnitude = 0;
    const char* const integer_begin = p_;
    if (at('0')) {
      ++p_;
    } else {  // a first digit of 1-9: '0' was taken above
      for (; p_ != end_ && is_digit(*p_); ++p_) {
        magnitude = magnitude * 10 + static_cast<std::uint64_t>(*p_ - '0');
      }
      if (p_ == integer_begin) return fail();
    }
    const char after = p_ != end_ ? *p_ : '\0';
    const bool plain_integer = after != '.' && after != 'e' && after != 'E' && p_ - integer_begin <= 19;
    if (plain_integer && (!negative || magnitude <= kMinMagnitude)) {
      auto& node = tape_.nodes_[push(JsonKind::floating)];
      set_integer(magnitude, negative, node);
      node.end = static_cast<std::uint32_t>(tape_.nodes_.size());
      return true;
    }
    bool integral = true;
    if (at('.')) {
      integral = false;
      ++p_;
      if (!digits()) return fail();
    }
    if (at('e') || at('E')) {
      integral = false;
      ++p_;
      if (at('+') || at('-')) ++p_;
      if (!digits()) return fail();
    }
    const auto index = push(JsonKind::floating);
    auto& node = tape_.nodes_[index];
    close(index);
    const std::string_view digits(begin, static_cast<std::size_t>(p_ - begin));
    if (integral && read_integer(digits, negative, node)) return true;
    if (read_decimal_exactly(digits, negative, node.number.floating)) return true;
    // Beyond the exact fast path. strtod needs a terminator; numbers are short.
    node.number.floating = detail::strtod_c(std::string(digits).c_str(), nullptr);
    if (!std::isfinite(node.number.floating)) return fail();  // "1e400": nlohmann refuses it too
    return true;
  }

  // One or more digits.
  bool digits() {
    const char* const begin = p_;
    while (p_ != end_ && is_digit(*p_)) ++p_;
    return p_ > begin;
  }

  static constexpr std::uint64_t kMinMagnitude = std::uint64_t{1} << 63;  // -INT64_MIN

  // By hand: libc's strtoull is generic and slow where it matters most (WebAssembly).
  static bool read_integer(std::string_view digits, bool negative, Tape::Node& node) {
    std::uint64_t magnitude = 0;
    for (std::size_t i = negative ? 1 : 0; i < digits.size(); ++i) {
      const auto digit = static_cast<std::uint64_t>(digits[i] - '0');
      if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
      magnitude = magnitude * 10 + digit;
    }
    if (negative && magnitude > kMinMagnitude) return false;
    set_integer(magnitude, negative, node);
    return true;
  }

  // A negative magnitude is at most kMinMagnitude.
  static void set_integer(std::uint64_t magnitude, bool negative, Tape::Node& node) {
    if (!negative) {
      node.kind = JsonKind::unsigned_integer;
      node.number.unsigned_integer = magnitude;
      return;
    }
    node.kind = JsonKind::integer;
    node.number.integer = magnitude == kMinMagnitude ? std::numeric_limits<std::int64_t>::min()
                                                     : -static_cast<std::int64_t>(magnitude);
  }

  // Clinger's fast path: a decimal whose significant digits fit in 53 bits, scaled by at most
  // 10^22, is one exact integer times or divided by one exact power of ten, so one IEEE
  // operation rounds it correctly, as strtod would. It matters in WebAssembly, where musl's
  // strtod works in software-emulated 128-bit long double (~3 us a number).
  static bool read_decimal_exactly(std::string_view digits, bool negative, double& out) {
    static constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                              1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                              1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    constexpr std::uint64_t kExactMantissa = std::uint64_t{1} << 53;
    std::uint64_t mantissa = 0;
    int scale = 0;  // the power of ten the mantissa is multiplied by
    std::size_t i = negative ? 1 : 0;
    for (bool fraction = false; i < digits.size(); ++i) {
      const char c = digits[i];
      if (c == '.') {
        fraction = true;
        continue;
      }
      if (!is_digit(c)) break;
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      if (mantissa >= kExactMantissa) return false;
      if (fraction) --scale;
    }
    if (i < digits.size()) {  // an exponent: [eE][+-]?digits
      ++i;
      const bool negative_exponent = digits[i] == '-';
      if (digits[i] == '+' || digits[i] == '-') ++i;
      int exponent = 0;
      for (; i < digits.size(); ++i) {
        exponent = exponent * 10 + (digits[i] - '0');
        if (exponent > 1000) return false;
      }
      scale += negative_exponent ? -exponent : exponent;
    }
    if (scale < -22 || scale > 22) return false;
    const double value = static_cast<double>(mantissa);
    out = scale < 0 ? value / kPowersOfTen[-scale] : value * kPowersOfTen[scale];
    if (negative) out = -out;
    return true;
  }

  std::string_view text_;
  const char* const end_;
  const char* p_;  // the position in text_
  Tape& tape_;
  int max_depth_;
  Tape::Failure failure_ = Tape::Failure::syntax;
};

std::optional<Tape::Failure> Tape::parse(std::string_view text, Tape& out, int max_depth) {
  if (text.size() >= std::numeric_limits<std::uint32_t>::max()) return Failure::too_large;
  return TapeParser(text, out, max_depth).run();
}

std::string Tape::string(const Node& node) const {
  const std::string_view raw = raw_string(node);
  if (!node.escaped) return std::string(raw);
  return unescape_json_string(raw);  // valid and surrogates paired: the parser checked
}

double TapeValue::as_double() const {
  switch (kind()) {
    case JsonKind::integer: return static_cast<double>(integer());
    case JsonKind::unsigned_integer: return static_cast<double>(unsigned_integer());
    default: return floating();
  }
}

std::optional<TapeValue> TapeValue::find(std::string_view key) const {
  std::optional<TapeValue> found;
  for (std::uint32_t i = index_ + 1; i < node().end; i = tape_->node(i + 1).end) {
    const Tape::Node& name = tape_->node(i);
    const bool match = name.escaped ? tape_->string(name) == key : tape_->raw_string(name) == key;
    if (match) found = TapeValue(*tape_, i + 1);
  }
  return found;
}

std::optional<TapeValue> TapeValue::find(std::string_view key, std::uint32_t& cursor) const {
  const Tape::Node& object = node();
  if (!object.unique_names) return find(key);
  const std::uint32_t first = index_ + 1;
  const std::uint32_t start = cursor > index_ && cursor < object.end ? cursor : first;
  // From the cursor to the end, then from the first member up to the cursor.
  for (int pass = 0; pass < 2; ++pass) {
    const std::uint32_t stop = pass == 0 ? object.end : start;
    for (std::uint32_t i = pass == 0 ? start : first; i < stop; i = tape_->node(i + 1).end) {
      if (tape_->raw_string(tape_->node(i)) == key) {
        cursor = tape_->node(i + 1).end;
        return TapeValue(*tape_, i + 1);
      }
    }
  }
  return std::nullopt;
}

namespace {

// Whether the unescaped member name at `name` (`length` bytes) is `key`, byte by byte: a name
// never holds a raw NUL (the parser refuses control bytes), so a shorter key differs at its
// terminator and nothing past it is read.
bool name_is(const char* name, std::uint32_t length, const char* key) {
  for (std::uint32_t i = 0; i < length; ++i) {
    if (name[i] != key[i]) return false;
  }
  return key[length] == '\0';
}

}  // namespace

std::optional<TapeValue> TapeValue::find(const char* key, std::uint32_t& cursor) const {
  const Tape::Node& object = node();
  if (!object.unique_names) return find(std::string_view(key));
  const std::uint32_t first = index_ + 1;
  const std::uint32_t start = cursor > index_ && cursor < object.end ? cursor : first;
  const char* const text = tape_->text_.data();
  // From the cursor to the end, then from the first member up to the cursor.
  for (int pass = 0; pass < 2; ++pass) {
    const std::uint32_t stop = pass == 0 ? object.end : start;
    for (std::uint32_t i = pass == 0 ? start : first; i < stop; i = tape_->node(i + 1).end) {
      const Tape::Node& name = tape_->node(i);
      if (name_is(text + name.begin, name.length, key)) {
        cursor = tape_->node(i + 1).end;
        return TapeValue(*tape_, i + 1);
      }
    }
  }
  return std::nullopt;
}

std::size_t TapeValue::size() const {
  std::size_t count = 0;
  if (is_array()) for_each_element([&](TapeValue) { ++count; });
  return count;
}

}  // namespace keyscope::codec
