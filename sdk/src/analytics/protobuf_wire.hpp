#pragma once
// A minimal reader and writer of the protobuf wire format (varints, zigzag sint32, 64-bit
// doubles, length-delimited fields, packed repeated doubles; unknown fields and groups skipped
// the way protobuf parsers skip them). Enough for the one binary message the SDK exchanges, the
// DDSketch of DataDog's sketches-proto (ddsketch_proto.cpp).
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "keyscope/error.hpp"

namespace keyscope::analytics::detail {

enum class WireType : std::uint8_t { varint = 0, i64 = 1, len = 2, start_group = 3, end_group = 4, i32 = 5 };

inline std::uint32_t zigzag32(std::int32_t n) {
  return (static_cast<std::uint32_t>(n) << 1) ^ static_cast<std::uint32_t>(n < 0 ? -1 : 0);
}
// A sint32 field: the varint's low 32 bits, zigzag-decoded (protobuf truncates longer varints).
inline std::int32_t unzigzag32(std::uint64_t varint) {
  const auto n = static_cast<std::uint32_t>(varint);
  return static_cast<std::int32_t>((n >> 1) ^ (~(n & 1) + 1));
}

// Reads one message. Every malformation (a truncated varint or double, a length beyond the
// buffer, field number 0, wire types 6 and 7, unbalanced groups) is a DecodeError
// "invalid <what> at <path>: <problem>" with json_path <path>, kept in `error`, which every
// reader of one message and of the messages inside it shares: the first one wins, and from then
// on every reader is at its end (next() is false, reads return 0), so the parsing loops stop.
class ProtoReader {
 public:
  struct Field {
    std::uint32_t number = 0;
    WireType type = WireType::varint;
  };

  ProtoReader(std::string_view bytes, std::string_view what, std::string path, std::optional<Error>& error)
      : at_(bytes.data()), end_(bytes.data() + bytes.size()), what_(what), path_(std::move(path)), error_(error) {
    if (error_) at_ = end_;
  }

  const std::string& path() const noexcept { return path_; }
  bool at_end() const noexcept { return at_ == end_; }
  std::optional<Error>& error() const noexcept { return error_; }

  // The next field's tag; false at the end of the message (or after a failure).
  bool next(Field& field) {
    if (at_ == end_) return false;
    field = tag();
    if (field.type == WireType::end_group) fail("end-group tag without a start-group");
    return !error_;
  }

  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ == end_) return fail("truncated varint");
      const auto byte = static_cast<std::uint8_t>(*at_++);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    return fail("varint longer than 10 bytes");
  }

  double fixed64_double() {
    if (end_ - at_ < 8) return static_cast<double>(fail("truncated 64-bit value"));
    std::uint64_t bits = 0;
    for (int i = 7; i >= 0; --i) bits = (bits << 8) | static_cast<std::uint8_t>(at_[i]);
    at_ += 8;
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

  std::string_view length_delimited() {
    const std::uint64_t length = varint();
    if (length > static_cast<std::uint64_t>(end_ - at_)) {
      fail("length beyond the end of the data");
      return {};
    }
    const std::string_view bytes(at_, static_cast<std::size_t>(length));
    at_ += length;
    return bytes;
  }

  // Skips a field this reader does not know (or knows with another wire type: protobuf treats
  // that as an unknown field too).
  void skip(const Field& field, int depth = 0) {
    switch (field.type) {
      case WireType::varint: varint(); return;
      case WireType::i64: advance(8); return;
      case WireType::i32: advance(4); return;
      case WireType::len: length_delimited(); return;
      case WireType::start_group: {
        if (depth >= kMaxGroupDepth) {
          fail("groups nested too deeply");
          return;
        }
        while (!error_) {
          if (at_ == end_) {
            fail("group without its end-group tag");
            return;
          }
          const Field inner = tag();
          if (inner.type == WireType::end_group) {
            if (inner.number != field.number) fail("end-group tag of another group");
            return;
          }
          skip(inner, depth + 1);
        }
        return;
      }
      case WireType::end_group: fail("end-group tag without a start-group"); return;
    }
  }

  // Records the problem (unless an earlier one was) and ends the reading; returns 0 for the
  // value the caller could not read.
  std::uint64_t fail(std::string_view problem) {
    if (!error_) {
      error_ = decode_error("invalid " + std::string(what_) + " at " + path_ + ": " + std::string(problem), path_);
    }
    at_ = end_;
    return 0;
  }

 private:
  static constexpr int kMaxGroupDepth = 64;

  Field tag() {
    const std::uint64_t key = varint();
    const auto type = static_cast<std::uint8_t>(key & 7);
    const std::uint64_t number = key >> 3;
    if (type > 5) {
      fail("wire type " + std::to_string(type) + " does not exist");
      return {};
    }
    if (number == 0 || number > 0x1fffffff) {
      fail("field number " + std::to_string(number) + " is out of range");
      return {};
    }
    return {static_cast<std::uint32_t>(number), static_cast<WireType>(type)};
  }

  void advance(std::size_t count) {
    if (static_cast<std::size_t>(end_ - at_) < count) {
      fail("truncated fixed-size value");
      return;
    }
    at_ += count;
  }

  const char* at_;
  const char* end_;
  std::string_view what_;
  std::string path_;
  std::optional<Error>& error_;
};

// Appends fields in the order they are written (protobuf writes them by field number).
class ProtoWriter {
 public:
  void varint_field(std::uint32_t number, std::uint64_t value) {
    tag(number, WireType::varint);
    varint(value);
  }
  void sint32_field(std::uint32_t number, std::int32_t value) { varint_field(number, zigzag32(value)); }
  void double_field(std::uint32_t number, double value) {
    tag(number, WireType::i64);
    fixed64_double(value);
  }
  void bytes_field(std::uint32_t number, std::string_view bytes) {
    tag(number, WireType::len);
    varint(bytes.size());
    out_.append(bytes);
  }
  void packed_doubles_field(std::uint32_t number, const double* values, std::size_t count) {
    tag(number, WireType::len);
    varint(count * 8);
    for (std::size_t i = 0; i < count; ++i) fixed64_double(values[i]);
  }

  const std::string& bytes() const noexcept { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void tag(std::uint32_t number, WireType type) {
    varint((static_cast<std::uint64_t>(number) << 3) | static_cast<std::uint8_t>(type));
  }
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  void fixed64_double(double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }

  std::string out_;
};

}  // namespace keyscope::analytics::detail
