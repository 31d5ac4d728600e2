#pragma once
// A JSON path ("data[3].total_requests") that costs nothing until an error needs its text:
// each level lives on the stack of the reader call and points at its parent.
//
// Because a level points at its parent, a Path must never outlive the Path it was made from.
// The type enforces what it can of that: a child can only be made from a named Path (or the
// static root), never from a temporary, and a Path cannot be copied or moved, so it cannot be
// stored away from the frame that made it. `Path::root().member("error")` once gave a Path
// whose parent was a destroyed temporary root (a server-controlled SIGSEGV, see
// tests/fuzz/corpus/error_code_object.json).
#include <cstddef>
#include <cstring>
#include <string>

namespace keyscope::codec {

class Path {
 public:
  static const Path& root() {
    static const Path instance(nullptr, nullptr, 0, 0);
    return instance;
  }
  // (Its length is taken only when the text is needed: most paths are never printed.)
  Path member(const char* key) const& { return Path(this, key, kTerminated, 0); }
  // A member name from the body (a by_status key), which may hold any character, NUL included.
  Path member(const std::string& key) const& { return Path(this, key.data(), key.size(), 0); }
  Path element(std::size_t index) const& { return Path(this, nullptr, 0, index); }
  // The key is not copied: it must outlive the Path (a string literal, or a string that lives
  // in the caller's frame).
  Path member(std::string&& key) const& = delete;
  // A child of a temporary would point at a destroyed parent: name the parent first.
  Path member(const char* key) const&& = delete;
  Path member(const std::string& key) const&& = delete;
  Path element(std::size_t index) const&& = delete;

  Path(const Path&) = delete;
  Path& operator=(const Path&) = delete;

  std::string str() const {
    if (!parent_) return key_ ? key() : "$";
    std::string out = parent_->parent_ || parent_->key_ ? parent_->str() : std::string();
    if (key_) return out.empty() ? key() : out + "." + key();
    return (out.empty() ? std::string("$") : out) + "[" + std::to_string(index_) + "]";
  }

 private:
  Path(const Path* parent, const char* key, std::size_t key_size, std::size_t index)
      : parent_(parent), key_(key), key_size_(key_size), index_(index) {}
  static constexpr std::size_t kTerminated = static_cast<std::size_t>(-1);
  std::string key() const { return std::string(key_, key_size_ == kTerminated ? std::strlen(key_) : key_size_); }
  const Path* parent_;
  const char* key_;  // nullptr for an element (and the root)
  std::size_t key_size_;
  std::size_t index_;
};

}  // namespace keyscope::codec
