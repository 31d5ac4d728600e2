#pragma once
// Appends compact JSON text straight to a string: the codec's encoders build no DOM, since
// building one cost more than the whole decode (bench/wasm). Strings and floating-point
// numbers that need care go through nlohmann's serializer, so the text is what nlohmann writes.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyscope::codec {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t expected_size = 256) { out_.reserve(expected_size); }
  std::string take() { return std::move(out_); }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // The member name of the next value inside an object.
  JsonWriter& key(std::string_view name) {
    separate();
    append_string(name);
    out_ += ':';
    after_key_ = true;
    return *this;
  }

  void null() { value_text("null"); }
  void value(std::string_view text) {
    separate();
    append_string(text);
  }
  void value(const char* text) { value(std::string_view(text)); }
  void value(const std::string& text) { value(std::string_view(text)); }
  void value(std::int64_t n) {
    separate();
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, n).ptr;
    out_.append(buffer, end);
  }
  void value(double d);
  void value(bool b) { value_text(b ? "true" : "false"); }
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
  // Text that is already JSON.
  void raw(std::string_view json_text) { value_text(json_text); }

 private:
  void append_string(std::string_view text);
  void separate() {
    if (after_key_) after_key_ = false;
    else if (need_comma_) out_ += ',';
    need_comma_ = true;
  }
  void value_text(std::string_view text) {
    separate();
    out_ += text;
  }
  void open(char c) {
    separate();
    out_ += c;
    need_comma_ = false;
  }
  void close(char c) {
    out_ += c;
    need_comma_ = true;
  }

  std::string out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

}  // namespace keyscope::codec
