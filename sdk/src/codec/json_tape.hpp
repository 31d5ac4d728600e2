#pragma once
// A read-only JSON document stored flat: one vector of nodes over the original text, strings
// kept as spans and unescaped only when read. The response decoders use it instead of a
// nlohmann::json DOM because it allocates once per document: compiled for size into the
// WebAssembly package, nlohmann's lexer alone spends ~10x JSON.parse's time on a 90-day usage
// payload (bench/wasm). Accepts exactly RFC 8259 JSON, as nlohmann's parser does (checked
// against it by tests/fuzz/codec_fuzzer.cpp), UTF-8 validated inside strings.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>


namespace keyscope::codec {

enum class JsonKind : std::uint8_t { null, boolean, string, array, object, integer, unsigned_integer, floating };

class Tape {
 public:
  struct Node {
    JsonKind kind = JsonKind::null;
    bool escaped = false;      // a string holding backslash escapes
    // An object whose member names are all unescaped and distinct: a lookup may stop at its
    // first match (with repeated names the last one counts, so it must scan them all).
    bool unique_names = false;
    std::uint32_t begin = 0;   // strings: first byte after the opening quote
    std::uint32_t length = 0;  // strings: bytes up to the closing quote
    std::uint32_t end = 0;     // index of the first node after this value's subtree
    union {
      bool boolean;
      std::int64_t integer;
      std::uint64_t unsigned_integer;
      double floating;
    } number{};
  };

  enum class Failure { syntax, too_deep, too_large };
  // Parses `text` (which must outlive the tape). Objects' members are stored as a key node
  // followed by the value's subtree.
  static std::optional<Failure> parse(std::string_view text, Tape& out, int max_depth);

  const Node& node(std::uint32_t index) const { return nodes_[index]; }
  std::string_view raw_string(const Node& node) const { return text_.substr(node.begin, node.length); }
  std::string string(const Node& node) const;  // unescaped

 private:
  friend class TapeParser;
  friend class TapeValue;  // reads member names in place
  std::string_view text_;
  std::vector<Node> nodes_;
};

// A value inside a Tape: a cheap handle, valid while the tape lives.
class TapeValue {
 public:
  TapeValue(const Tape& tape, std::uint32_t index) : tape_(&tape), index_(index) {}

  JsonKind kind() const { return node().kind; }
  bool is_null() const { return kind() == JsonKind::null; }
  bool is_string() const { return kind() == JsonKind::string; }
  bool is_array() const { return kind() == JsonKind::array; }
  bool is_object() const { return kind() == JsonKind::object; }

  std::string string() const { return tape_->string(node()); }
  bool boolean() const { return node().number.boolean; }
  std::int64_t integer() const { return node().number.integer; }
  std::uint64_t unsigned_integer() const { return node().number.unsigned_integer; }
  double floating() const { return node().number.floating; }
  double as_double() const;

  // The member `key` of an object (the last one when repeated, as JSON.parse and nlohmann do).
  std::optional<TapeValue> find(std::string_view key) const;
  // The same, for a reader that looks its members up in the order they usually come (the model
  // readers follow the contract's order, and so do servers): the search starts at `cursor` (a
  // member's node index from the previous lookup in this object, or 0) and leaves it after the
  // match, so reading an object in order costs one comparison a member instead of one a member
  // squared.
  std::optional<TapeValue> find(std::string_view key, std::uint32_t& cursor) const;
  // The same for a NUL-terminated key (the model readers' literals), compared without taking
  // its length first.
  std::optional<TapeValue> find(const char* key, std::uint32_t& cursor) const;
  std::uint32_t index() const { return index_; }

  template <class Each>  // each(TapeValue element)
  void for_each_element(Each each) const {
    for (std::uint32_t i = index_ + 1; i < node().end; i = tape_->node(i).end) each(TapeValue(*tape_, i));
  }
  template <class Each>  // each(std::string key, TapeValue value)
  void for_each_member(Each each) const {
    for (std::uint32_t i = index_ + 1; i < node().end; i = tape_->node(i + 1).end) {
      each(tape_->string(tape_->node(i)), TapeValue(*tape_, i + 1));
    }
  }
  std::size_t size() const;  // of an array (0 for anything else)

 private:
  const Tape::Node& node() const { return tape_->node(index_); }
  const Tape* tape_;
  std::uint32_t index_;
};

}  // namespace keyscope::codec
