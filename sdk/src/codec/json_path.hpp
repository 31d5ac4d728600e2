#pragma once
// A JSON path ("data[3].total_requests") that costs nothing until an error needs its text:
// each level lives on the stack of the reader call and points at its parent.
#include <cstddef>
#include <string>

namespace keyscope::codec {

class Path {
 public:
  static Path root() { return Path(nullptr, nullptr, 0); }
  Path member(const char* key) const { return Path(this, key, 0); }
  Path element(std::size_t index) const { return Path(this, nullptr, index); }
  std::string str() const {
    if (!parent_) return key_ ? key_ : "$";
    std::string out = parent_->parent_ || parent_->key_ ? parent_->str() : std::string();
    if (key_) return out.empty() ? std::string(key_) : out + "." + key_;
    return (out.empty() ? std::string("$") : out) + "[" + std::to_string(index_) + "]";
  }

 private:
  Path(const Path* parent, const char* key, std::size_t index)
      : parent_(parent), key_(key), index_(index) {}
  const Path* parent_;
  const char* key_;
  std::size_t index_;
};

}  // namespace keyscope::codec
