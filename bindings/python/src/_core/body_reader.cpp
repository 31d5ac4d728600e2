// The fast reader of body_reader.hpp. The JSON grammar checks mirror the core's tape parser
// (sdk/src/codec/json_tape.cpp): RFC 8259 exactly, UTF-8 validated inside strings, surrogate
// escapes paired, at most 64 levels. What the core would refuse, this reader hands over too; it
// also hands over some documents the core accepts (escaped member names, repeated members,
// integers written with a fraction or exponent) -- the core reads those.
#include "body_reader.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "convert_values.hpp"
#include "keyscope/utf8.hpp"
#include "model_class.hpp"

#if defined(__GNUC__)
#define KEYSCOPE_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define KEYSCOPE_ALWAYS_INLINE inline
#endif

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define KEYSCOPE_BODY_READER_SSE2 1
#endif

namespace keyscope_python::body {
namespace {

constexpr int kMaxDepth = 64;        // the core's (sdk/src/codec/json_reader.hpp)
constexpr std::size_t kMaxFields = 32;  // a bit per field in a presence mask

// Printable ASCII other than the quote and the backslash.
constexpr auto kPlainStringBytes = [] {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
  return table;
}();

PyObject* new_ref(PyObject* object) {  // Py_NewRef, which Python 3.9 lacks
  Py_INCREF(object);
  return object;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A reference the reader owns until it hands it on with release().
class Owned {
 public:
  Owned() = default;
  explicit Owned(PyObject* object) : object_(object) {}
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  Owned& operator=(Owned&& other) noexcept {
    if (this != &other) {
      Py_XDECREF(object_);
      object_ = std::exchange(other.object_, nullptr);
    }
    return *this;
  }
  ~Owned() { Py_XDECREF(object_); }
  explicit operator bool() const { return object_ != nullptr; }
  PyObject* get() const { return object_; }
  PyObject* release() { return std::exchange(object_, nullptr); }

 private:
  PyObject* object_ = nullptr;
};

// A JSON string as it stands in the body: its bytes between the quotes.
struct RawString {
  std::string_view raw;
  bool escaped = false;
  bool ascii = true;
};

// What a model spec needs at run time: its class, and for each field the member names it
// answers to and the object they stand in (0: the model's own, k: the k-th parent object).
struct Compiled {
  const ModelClass* model = nullptr;
  std::vector<std::string_view> keys, aliases;
  std::vector<int> context;
  std::vector<std::string_view> parents;  // parent object k is parents[k - 1]
  bool has_alias = false;
};

const Compiled& compiled(const ModelSpec& spec) {
  // One per spec, made on first use and kept for the life of the process (like cached_attr).
  static auto* table = new std::vector<std::pair<const ModelSpec*, Compiled*>>();
  for (const auto& entry : *table)
    if (entry.first == &spec) return *entry.second;
  auto* out = new Compiled();
  std::vector<const char*> names;
  for (std::size_t i = 0; i < spec.count; ++i) {
    const FieldSpec& f = spec.fields[i];
    names.push_back(f.name);
    out->keys.emplace_back(f.key);
    out->aliases.emplace_back(f.alias ? f.alias : "");
    out->has_alias = out->has_alias || f.alias;
    int context = 0;
    if (f.parent) {
      const auto found = std::find(out->parents.begin(), out->parents.end(), std::string_view(f.parent));
      if (found == out->parents.end()) out->parents.emplace_back(f.parent);
      context = static_cast<int>(std::find(out->parents.begin(), out->parents.end(), std::string_view(f.parent)) -
                                 out->parents.begin()) + 1;
    }
    out->context.push_back(context);
  }
  out->model = new ModelClass(spec.class_name, names);
  table->emplace_back(&spec, out);
  return *out;
}

std::uint32_t load4(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
std::uint64_t load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Member names are short: two overlapping loads compare 4 to 16 bytes without a call to memcmp.
KEYSCOPE_ALWAYS_INLINE bool same(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n >= 4 && n <= 8) return load4(x) == load4(y) && load4(x + n - 4) == load4(y + n - 4);
  if (n > 8 && n <= 16) return load8(x) == load8(y) && load8(x + n - 8) == load8(y + n - 8);
  return std::memcmp(x, y, n) == 0;
}

// The fields read so far of one model: new references (or nullptr), released unless taken.
struct FieldValues {
  explicit FieldValues(std::size_t n) : count(n) {
    std::fill_n(values, n, nullptr);
    std::fill_n(aliases, n, nullptr);  // (a few stores: not worth a branch)
  }
  FieldValues(const FieldValues&) = delete;
  FieldValues& operator=(const FieldValues&) = delete;
  ~FieldValues() {
    for (std::size_t i = 0; i < count; ++i) {
      Py_XDECREF(values[i]);
      Py_XDECREF(aliases[i]);
    }
  }
  std::size_t count;
  PyObject* values[kMaxFields];
  PyObject* aliases[kMaxFields];  // what an alias member (key_preview) held
};

class Reader {
 public:
  Reader(const char* text, std::size_t size) : p_(text), end_(text + size) {}

  PyObject* run(const ModelSpec& spec, bool whole_document) {
    if (end_ - p_ >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) p_ += 3;  // a UTF-8 BOM
    skip_space();
    Owned out = whole_document ? model(spec, 1) : envelope(spec);
    if (!out) return nullptr;
    skip_space();
    if (p_ != end_) return nullptr;
    return out.release();
  }

 private:
  // {"data": <spec>, anything else}
  Owned envelope(const ModelSpec& spec) {
    if (!consume('{')) return {};
    Owned data;
    bool first = true;
    for (;;) {
      skip_space();
      if (first && consume('}')) break;
      RawString key;
      if (!member_name(key)) return {};
      skip_space();
      if (key.raw == "data") {
        if (data) return {};  // repeated
        if (p_ == end_ || *p_ != '{') return {};  // null, missing or not an object: the core says
        data = model(spec, 2);
        if (!data) return {};
      } else if (!skip_value(2)) {
        return {};
      }
      first = false;
      skip_space();
      if (consume(',')) continue;
      if (consume('}')) break;
      return {};
    }
    return data;
  }

  // An object of `spec`'s fields (and, for fields with a parent, the parent's object).
  Owned model(const ModelSpec& spec, int depth) {
    if (depth > kMaxDepth) return {};
    const Compiled& c = compiled(spec);
    FieldValues read(spec.count);
    std::uint32_t parents_seen = 0;
    if (!members(spec, c, 0, depth, read, parents_seen)) return {};
    for (std::size_t i = 0; i < spec.count; ++i) {
      read.values[i] = finish(spec.fields[i], read.values[i], std::exchange(read.aliases[i], nullptr));
      if (!read.values[i]) return {};
    }
    bool track = false;
    for (std::size_t i = 0; i < spec.count; ++i) track = track || needs_tracking(read.values[i]);
    read.count = 0;  // make() takes the values over
    Owned instance(c.model->make(read.values, track));
    if (!instance) PyErr_Clear();
    return instance;
  }

  // The members of one object: `context` 0 for the model's own object, k for the k-th parent
  // object ("usage" of usage.daily), whose members fill the fields with that parent.
  bool members(const ModelSpec& spec, const Compiled& c, int context, int depth, FieldValues& read,
               std::uint32_t& parents_seen) {
    if (!consume('{')) return false;
    std::size_t guess = 0;  // members usually come in schema order
    bool first = true;
    for (;;) {
      skip_space();
      if (first && consume('}')) return true;
      first = false;
      RawString key;
      std::size_t field = spec.count;
      bool as_alias = false;
      if (guess < spec.count && c.context[guess] == context && next_name_is(c.keys[guess])) {
        field = guess;  // the member the schema's order expects, matched in place
      } else if (!member_name(key)) {
        return false;
      }
      skip_space();
      for (std::size_t k = 0; k < spec.count && field == spec.count; ++k) {
        std::size_t i = guess + k;
        if (i >= spec.count) i -= spec.count;
        if (c.context[i] != context) continue;
        if (same(c.keys[i], key.raw)) {
          field = i;
          break;
        }
        if (c.has_alias && !c.aliases[i].empty() && same(c.aliases[i], key.raw)) {
          field = i;
          as_alias = true;
          break;
        }
      }
      if (field < spec.count) {
        guess = field + 1;
        PyObject*& slot = as_alias ? read.aliases[field] : read.values[field];
        if (slot) return false;  // repeated
        slot = read_field(spec.fields[field], depth + 1).release();
        if (!slot) return false;
      } else if (int parent = context == 0 ? parent_named(c, key.raw) : 0) {
        const std::uint32_t bit = std::uint32_t{1} << parent;
        if (parents_seen & bit) return false;  // repeated
        parents_seen |= bit;
        if (literal("null")) {
          // null: as if missing
        } else if (p_ == end_ || *p_ != '{' || depth + 1 > kMaxDepth ||
                   !members(spec, c, parent, depth + 1, read, parents_seen)) {
          return false;
        }
      } else if (!skip_value(depth + 1)) {
        return false;
      }
      skip_space();
      if (consume(',')) continue;
      return consume('}');
    }
  }

  // k when `name` is the k-th parent object of the spec's fields, else 0.
  static int parent_named(const Compiled& c, std::string_view name) {
    for (std::size_t k = 0; k < c.parents.size(); ++k)
      if (same(c.parents[k], name)) return static_cast<int>(k) + 1;
    return 0;
  }

  // A field's value as read (nullptr Owned for null), or a failed read (ok_ false).
  Owned read_field(const FieldSpec& f, int depth) {
    if (literal("null")) return Owned(new_ref(Py_None));
    switch (f.kind) {
      case Kind::string: return f.repeats ? repeated_string() : string_value();
      case Kind::integer: return integer_value();
      case Kind::floating: return float_value();
      case Kind::timestamp: return timestamp_value();
      case Kind::date: return date_value();
      case Kind::strings: return string_tuple(depth);
      case Kind::integers: return integer_tuple(depth);
      case Kind::counts: return counts(depth);
      case Kind::models: return model_tuple(*f.item, depth);
    }
    return {};
  }

  // The field's final value (a new reference, or nullptr to hand over) from what was read
  // (`value` and `alias`, new references or nullptr, taken over): None and defaults as the core
  // fills them.
  static PyObject* finish(const FieldSpec& f, PyObject* value, PyObject* alias) {
    if (value == Py_None) {
      Py_DECREF(value);
      value = nullptr;
    }
    if (alias == Py_None) {
      Py_DECREF(alias);
      alias = nullptr;
    }
    if (alias) {
      // The first non-empty of (key, alias), else the first present (the core's `aliased`).
      if (!value || (PyUnicode_GET_LENGTH(value) == 0 && PyUnicode_GET_LENGTH(alias) != 0)) std::swap(value, alias);
      Py_XDECREF(alias);
    }
    if (value) return value;
    if (f.required) return nullptr;
    if (f.optional) return new_ref(Py_None);
    switch (f.kind) {
      case Kind::string: return PyUnicode_FromStringAndSize("", 0);
      case Kind::integer: return PyLong_FromLong(0);
      case Kind::floating: return PyFloat_FromDouble(0.0);
      case Kind::strings: case Kind::integers: case Kind::models: return PyTuple_New(0);
      case Kind::counts: return PyDict_New();
      // The core's default instant or date (1970-01-01) is not the Python model's None: let
      // the core decide.
      case Kind::timestamp: case Kind::date: return nullptr;
    }
    return nullptr;
  }

  // -- scalars -----------------------------------------------------------------------------------

  Owned string_value() {
    RawString s;
    if (!string(s)) return {};
    return make_str(s);
  }

  // An open-enum string ("pro", "free"): one str per distinct value in this body.
  Owned repeated_string() {
    RawString s;
    if (!string(s)) return {};
    for (const auto& [raw, object] : repeated_)
      if (same(raw, s.raw)) return Owned(new_ref(object.get()));
    Owned made = make_str(s);
    if (made && repeated_.size() < 16) repeated_.emplace_back(s.raw, Owned(new_ref(made.get())));
    return made;
  }

  Owned make_str(const RawString& s) {
    if (!s.escaped) {
      if (s.ascii) {
        PyObject* out = PyUnicode_New(static_cast<Py_ssize_t>(s.raw.size()), 127);
        if (!out) return {};
        std::memcpy(PyUnicode_1BYTE_DATA(out), s.raw.data(), s.raw.size());
        return Owned(out);
      }
      return Owned(PyUnicode_DecodeUTF8(s.raw.data(), static_cast<Py_ssize_t>(s.raw.size()), "strict"));
    }
    const std::string text = keyscope::unescape_json_string(s.raw);  // escapes validated by string()
    return Owned(PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "strict"));
  }

  Owned integer_value() {
    std::int64_t n = 0;
    if (!integer(n)) return {};
    return Owned(PyLong_FromLongLong(n));
  }

  Owned float_value() {
    double d = 0;
    if (!number_as_double(d)) return {};
    return Owned(PyFloat_FromDouble(d));
  }

  Owned timestamp_value() {
    RawString s;
    if (!string(s) || s.escaped) return {};
    const auto seconds = keyscope::parse_iso8601(s.raw);  // the core says what is an instant
    if (!seconds) return {};
    // The API's own form, "YYYY-MM-DDTHH:MM:SSZ", from year 1 and without a leap second: the
    // instant's UTC fields are the ones written.
    const std::string_view t = s.raw;
    if (t.size() == 20 && t[10] == 'T' && t[19] == 'Z') {
      const int year = digits_at(t, 0, 4), second = digits_at(t, 17, 2);
      if (year >= 1 && second <= 59) {
        return Owned(utc_datetime_of(year, digits_at(t, 5, 2), digits_at(t, 8, 2), digits_at(t, 11, 2),
                                     digits_at(t, 14, 2), second));
      }
    }
    return checked([&] { return utc_datetime(*seconds); });
  }

  Owned date_value() {
    RawString s;
    if (!string(s) || s.escaped) return {};
    const auto date = keyscope::parse_iso_date_fields(s.raw);  // the core says what is a date
    if (!date) return {};
    if (date->year >= 1) {
      return Owned(date_of(static_cast<int>(date->year), static_cast<int>(date->month), static_cast<int>(date->day)));
    }
    const std::int64_t days = keyscope::days_from_civil(date->year, date->month, date->day);
    return checked([&] { return date_from_days(days); });  // year 0: clamped
  }

  // The number written with `count` digits at `at` (checked by the core's parser).
  static int digits_at(std::string_view text, std::size_t at, std::size_t count) {
    int out = 0;
    for (std::size_t i = at; i < at + count; ++i) out = out * 10 + (text[i] - '0');
    return out;
  }

  // A py::object maker run without letting a C++ exception through.
  template <class Make>
  static Owned checked(Make make) {
    try {
      return Owned(make().release().ptr());
    } catch (const py::error_already_set&) {
      return {};
    }
  }

  // -- containers --------------------------------------------------------------------------------

  Owned string_tuple(int depth) {
    // Bodies repeat the same few lists (scopes): one tuple per distinct list text in this body,
    // found by the list's text before any str is made.
    const char* begin = p_;
    if (p_ == end_ || *p_ != '[' || !skip_value(depth)) return {};
    const std::string_view raw(begin, static_cast<std::size_t>(p_ - begin));
    for (const auto& [text, tuple] : repeated_lists_)
      if (same(text, raw)) return Owned(new_ref(tuple.get()));
    p_ = begin + 1;
    Owned done = elements([&] { return string_value(); });
    if (done && repeated_lists_.size() < 16) repeated_lists_.emplace_back(raw, Owned(new_ref(done.get())));
    return done;
  }

  Owned integer_tuple(int depth) {
    if (!consume('[') || depth > kMaxDepth) return {};
    return elements([&] { return integer_value(); });
  }

  Owned model_tuple(const ModelSpec& item, int depth) {
    if (!consume('[') || depth > kMaxDepth) return {};
    return elements([&]() -> Owned {
      if (p_ == end_ || *p_ != '{') return {};
      return model(item, depth + 1);
    });
  }

  // The elements of an array whose '[' was read, each by `element` (null refused), as a tuple.
  // The elements wait on stack_, which nested arrays share.
  template <class Element>
  Owned elements(Element element) {
    const std::size_t base = stack_.size();
    auto drop = [&] {
      for (std::size_t i = base; i < stack_.size(); ++i) Py_DECREF(stack_[i]);
      stack_.resize(base);
      return Owned();
    };
    skip_space();
    if (!consume(']')) {
      for (;;) {
        skip_space();
        if (p_ != end_ && *p_ == 'n') return drop();  // a null element: the core's error
        Owned value = element();
        if (!value) return drop();
        stack_.push_back(value.release());
        skip_space();
        if (consume(',')) continue;
        if (consume(']')) break;
        return drop();
      }
    }
    PyObject* tuple = make_tuple(stack_.data() + base, stack_.size() - base);
    stack_.resize(base);  // the tuple took them over (or released them)
    if (!tuple) PyErr_Clear();
    return Owned(tuple);
  }

  // {"200": 3532943, ...} -> dict in the order of the core's std::map (UTF-8 bytes).
  Owned counts(int depth) {
    if (!consume('{') || depth > kMaxDepth) return {};
    std::vector<std::pair<std::string_view, std::int64_t>> entries;
    bool first = true;
    for (;;) {
      skip_space();
      if (first && consume('}')) break;
      first = false;
      RawString key;
      if (!member_name(key) || key.escaped) return {};
      skip_space();
      std::int64_t n = 0;
      if (!integer(n)) return {};
      entries.emplace_back(key.raw, n);
      skip_space();
      if (consume(',')) continue;
      if (consume('}')) break;
      return {};
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Owned out(PyDict_New());
    if (!out) return {};
    for (std::size_t i = 0; i < entries.size(); ++i) {
      // A repeated key: the last one counts, as in the core.
      if (i + 1 < entries.size() && entries[i + 1].first == entries[i].first) continue;
      const RawString key{entries[i].first, false, is_ascii(entries[i].first)};
      Owned name = make_str(key);
      Owned count(PyLong_FromLongLong(entries[i].second));
      if (!name || !count || PyDict_SetItem(out.get(), name.get(), count.get()) != 0) {
        PyErr_Clear();
        return {};
      }
    }
    return out;
  }

  static bool is_ascii(std::string_view text) {
    for (char c : text)
      if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
  }

  // -- JSON grammar ------------------------------------------------------------------------------

  KEYSCOPE_ALWAYS_INLINE void skip_space() {
    // Compact bodies have no blanks: one compare settles the common case.
    while (p_ != end_ && static_cast<unsigned char>(*p_) <= ' ' && is_space(*p_)) ++p_;
  }
  bool consume(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool literal(std::string_view word) {
    if (p_ == end_ || *p_ != word[0] || static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // Whether the string at p_ is exactly `name` (which has no quote, backslash or control
  // byte, so its bytes followed by '"' are the whole string); if so, p_ moves past it and the ':'.
  bool next_name_is(std::string_view name) {
    const std::size_t n = name.size();
    if (static_cast<std::size_t>(end_ - p_) < n + 2 || p_[0] != '"' || p_[n + 1] != '"' ||
        !same(name, std::string_view(p_ + 1, n))) {
      return false;
    }
    const char* start = p_;
    p_ += n + 2;
    skip_space();
    if (consume(':')) return true;
    p_ = start;  // the general path says what is wrong
    return false;
  }

  // `"name" :` with the name unescaped (an escaped name is handed over).
  bool member_name(RawString& key) {
    if (!string(key) || key.escaped) return false;
    skip_space();
    return consume(':');
  }

  // A string at p_: its raw bytes, validated as the core validates them.
  bool string(RawString& out) {
    if (!consume('"')) return false;
    const char* begin = p_;
    out.escaped = false;
    out.ascii = true;
    for (;;) {
      skip_plain_bytes();
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.raw = std::string_view(begin, static_cast<std::size_t>(p_ - begin));
        ++p_;
        return true;
      }
      if (c == '\\') {
        out.escaped = true;
        if (!escape()) return false;
      } else if (c < 0x20 || !utf8_sequence(c)) {
        return false;
      } else {
        out.ascii = false;
      }
    }
  }

  // Past the bytes a string holds as they are (printable ASCII but '"' and '\\'), 16 at a time
  // where SSE2 is there.
  void skip_plain_bytes() {
#ifdef KEYSCOPE_BODY_READER_SSE2
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i first_plain = _mm_set1_epi8(0x20);
    while (end_ - p_ >= 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
      // Signed: below 0x20 is a control byte or (negative) a byte of 0x80 and above.
      const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                                           _mm_cmpgt_epi8(first_plain, bytes));
      const int mask = _mm_movemask_epi8(special);
      if (mask != 0) {
        p_ += __builtin_ctz(static_cast<unsigned>(mask));
        return;
      }
      p_ += 16;
    }
#endif
    while (p_ != end_ && kPlainStringBytes[static_cast<unsigned char>(*p_)]) ++p_;
  }

  bool escape() {
    ++p_;  // the backslash
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': return true;
      case 'u': {
        const int unit = hex4();
        if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return false;  // a lone low surrogate
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
    if (end_ - p_ < 4) return -1;
    int out = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(p_[i]);
      if (digit < 0) return -1;
      out = out * 16 + digit;
    }
    p_ += 4;
    return out;
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

  // A number token: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  struct Number {
    std::string_view text;
    bool integral = true;
    bool negative = false;
    int integer_digits = 0;
    long exponent = 0;
  };

  bool number(Number& out) {
    const char* begin = p_;
    out = Number{};
    out.negative = consume('-');
    const char* int_begin = p_;
    if (consume('0')) {
    } else if (!digits()) {
      return false;
    }
    out.integer_digits = static_cast<int>(std::min<std::ptrdiff_t>(p_ - int_begin, 100000));
    if (consume('.')) {
      out.integral = false;
      if (!digits()) return false;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      out.integral = false;
      ++p_;
      bool negative_exponent = false;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) negative_exponent = *p_++ == '-';
      const char* exp_begin = p_;
      if (!digits()) return false;
      if (p_ - exp_begin > 6) return false;  // huge exponents: the core decides
      long e = 0;
      for (const char* q = exp_begin; q < p_; ++q) e = e * 10 + (*q - '0');
      out.exponent = negative_exponent ? -e : e;
    }
    out.text = std::string_view(begin, static_cast<std::size_t>(p_ - begin));
    return true;
  }

  bool digits() {
    const char* begin = p_;
    while (p_ != end_ && is_digit(*p_)) ++p_;
    return p_ > begin;
  }

  // A JSON integer within 64 bits (anything else: the core decides), in one pass.
  bool integer(std::int64_t& out) {
    const bool negative = consume('-');
    if (p_ == end_ || !is_digit(*p_)) return false;
    std::uint64_t magnitude = 0;
    if (*p_ == '0') {
      ++p_;
    } else {
      const char* begin = p_;
      magnitude = leading_digits();
      // 18 digits cannot overflow: check only past them.
      while (p_ != end_ && is_digit(*p_) && p_ - begin < 18) magnitude = magnitude * 10 + static_cast<std::uint64_t>(*p_++ - '0');
      while (p_ != end_ && is_digit(*p_)) {
        const auto digit = static_cast<std::uint64_t>(*p_ - '0');
        if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
        magnitude = magnitude * 10 + digit;
        ++p_;
      }
    }
    // A fraction, an exponent or a digit after a leading 0: not an integer this reader reads.
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E' || is_digit(*p_))) return false;
    if (negative) {
      if (magnitude > (std::uint64_t{1} << 63)) return false;
      out = magnitude == (std::uint64_t{1} << 63) ? std::numeric_limits<std::int64_t>::min()
                                                  : -static_cast<std::int64_t>(magnitude);
      return true;
    }
    if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
    out = static_cast<std::int64_t>(magnitude);
    return true;
  }

  // The value of the up to 8 digits at p_ (at least one), read 8 bytes at a time where 8 bytes
  // remain (byte-parallel, as fast JSON parsers do), p_ moved past them; 0 and p_ unmoved where
  // they do not (the caller's loop reads them).
  std::uint64_t leading_digits() {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end_ - p_ < 8) return 0;
    const std::uint64_t bytes = load8(p_);
    // Per byte: zero when it is '0'..'9' (its high nibble is 3 before and after adding 6). A
    // carry out of a byte of 0xFA or more reaches only later bytes, past the first non-digit.
    const std::uint64_t high = bytes & 0xF0F0F0F0F0F0F0F0u;
    const std::uint64_t shifted = (bytes + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u;
    const std::uint64_t other = (high ^ 0x3030303030303030u) | (shifted ^ 0x3030303030303030u);
    const std::uint64_t non_digit = (other | ((other & 0x7F7F7F7F7F7F7F7Fu) + 0x7F7F7F7F7F7F7F7Fu)) & 0x8080808080808080u;
    const int count = non_digit == 0 ? 8 : __builtin_ctzll(non_digit) / 8;
    // The digits moved to the high bytes (zeros before them), then combined pairwise.
    std::uint64_t v = count == 0 ? 0 : (bytes & 0x0F0F0F0F0F0F0F0Fu) << (8 * (8 - count));
    v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFu;
    v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFu;
    v = (v * 10000 + (v >> 32)) & 0xFFFFFFFFu;
    p_ += count;
    return v;
#else
    return 0;
#endif
  }

  static bool magnitude_of(const Number& n, std::uint64_t& out) {
    out = 0;
    for (std::size_t i = n.negative ? 1 : 0; i < n.text.size(); ++i) {
      const auto digit = static_cast<std::uint64_t>(n.text[i] - '0');
      if (out > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
      out = out * 10 + digit;
    }
    return true;
  }

  // Any JSON number as the core reads it into a double: an integer within 64 bits converted
  // (so "-0" is 0.0), anything else correctly rounded (the core's exact path or strtod, Python's
  // dtoa here: the same double).
  bool number_as_double(double& out) {
    Number n;
    if (!number(n)) return false;
    std::uint64_t magnitude = 0;
    if (n.integral && magnitude_of(n, magnitude)) {
      if (!n.negative) {
        out = static_cast<double>(magnitude);
        return true;
      }
      if (magnitude <= (std::uint64_t{1} << 63)) {
        out = magnitude == (std::uint64_t{1} << 63)
                  ? static_cast<double>(std::numeric_limits<std::int64_t>::min())
                  : static_cast<double>(-static_cast<std::int64_t>(magnitude));
        return true;
      }
    }
    if (n.text.size() > 400) return false;
    char buffer[401];
    std::memcpy(buffer, n.text.data(), n.text.size());
    buffer[n.text.size()] = '\0';
    char* stop = nullptr;
    out = PyOS_string_to_double(buffer, &stop, nullptr);
    if (out == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      return false;
    }
    return stop == buffer + n.text.size() && std::isfinite(out);
  }

  // Any well-formed value, validated and dropped (an unknown member).
  bool skip_value(int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"': {
        RawString s;
        return string(s);
      }
      case '{': case '[': {
        const char closer = *p_ == '{' ? '}' : ']';
        if (depth > kMaxDepth) return false;
        ++p_;
        skip_space();
        if (consume(closer)) return true;
        for (;;) {
          if (closer == '}') {
            RawString key;
            if (!string(key)) return false;
            skip_space();
            if (!consume(':')) return false;
            skip_space();
          }
          if (!skip_value(depth + 1)) return false;
          skip_space();
          if (consume(',')) {
            skip_space();
            continue;
          }
          return consume(closer);
        }
      }
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: {
        // The core refuses a number beyond a double's range anywhere in the body; below
        // 10^308 every number is finite.
        Number n;
        return number(n) && n.integer_digits + n.exponent <= 308;
      }
    }
  }

  const char* p_;
  const char* end_;
  std::vector<std::pair<std::string_view, Owned>> repeated_;
  std::vector<std::pair<std::string_view, Owned>> repeated_lists_;
  std::vector<PyObject*> stack_;
};

}  // namespace

PyObject* read_body(const char* text, std::size_t size, const ModelSpec& spec, bool whole_document) {
  if (size >= std::numeric_limits<std::uint32_t>::max()) return nullptr;  // the core's limit
  if (spec.count > kMaxFields) return nullptr;
  PyObject* out = Reader(text, size).run(spec, whole_document);
  if (!out) PyErr_Clear();
  return out;
}

}  // namespace keyscope_python::body
