#pragma once
// Appends compact JSON text straight to a string: the codec's encoders build no DOM, since
// building one cost more than the whole decode (bench/wasm). The text is what nlohmann's dump()
// writes for the same values (escapes, invalid UTF-8 replaced, shortest round-trip doubles).
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyscope::codec {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t expected_size = 256) { out_.resize(expected_size); }
  std::string take() {
    out_.resize(size_);
    size_ = 0;
    return std::move(out_);
  }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // The member name of the next value inside an object.
  JsonWriter& key(std::string_view name) {
    separate();
    append_string(name);
    put(':');
    after_key_ = true;
    return *this;
  }

  void null() { value_text("null"); }
  void value(bool b) { value_text(b ? "true" : "false"); }
  // Text that is already one JSON value (an encoder's output), written as it is.
  void raw(std::string_view json) { value_text(json); }
  void value(std::string_view text) {
    separate();
    append_string(text);
  }
  void value(const char* text) { value(std::string_view(text)); }
  void value(int n) { value(static_cast<std::int64_t>(n)); }
  void value(std::size_t n) { value(static_cast<std::int64_t>(n)); }
  void value(const std::string& text) { value(std::string_view(text)); }
  void value(std::int64_t n) {
    separate();
    char* at = room(24);
    size_ = static_cast<std::size_t>(std::to_chars(at, at + 24, n).ptr - out_.data());
  }
  void value(double d);
  template <class T>
  void value(const std::optional<T>& v) {
    if (v) value(*v);
    else null();
  }
  void value(const std::vector<std::string>& items) {
    begin_array();
    for (const auto& item : items) value(item);
    end_array();
  }
  void value(const std::vector<std::int64_t>& items) {
    begin_array();
    for (const auto& item : items) value(item);
    end_array();
  }
  void value(const std::vector<double>& items) {
    begin_array();
    for (const auto& item : items) value(item);
    end_array();
  }

 private:
  // Writes go straight into the string's storage, grown ahead: one append call per piece was
  // most of the encoder's time in WebAssembly.
  char* room(std::size_t n) {
    if (size_ + n > out_.size()) out_.resize(std::max(out_.size() * 2, size_ + n));
    return out_.data() + size_;
  }
  void put(char c) {
    *room(1) = c;
    ++size_;
  }
  void append(std::string_view text) {
    char* at = room(text.size());
    for (const char c : text) *at++ = c;  // short pieces: a loop beats a memcpy call
    size_ += text.size();
  }
  void append_string(std::string_view text);
  void separate() {
    if (after_key_) after_key_ = false;
    else if (need_comma_) put(',');
    need_comma_ = true;
  }
  void value_text(std::string_view text) {
    separate();
    append(text);
  }
  void open(char c) {
    separate();
    put(c);
    need_comma_ = false;
  }
  void close(char c) {
    put(c);
    need_comma_ = true;
  }

  std::string out_;  // [0, size_) is written; the rest is room
  std::size_t size_ = 0;
  bool need_comma_ = false;
  bool after_key_ = false;
};

}  // namespace keyscope::codec
