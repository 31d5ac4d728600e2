#pragma once
// Left join of keys with their usages by key id (the first usage of a key wins).
#include <string>
#include <unordered_map>
#include <vector>

#include "keyscope/models.hpp"

namespace keyscope::analytics::detail {

class UsageIndex {
 public:
  explicit UsageIndex(const std::vector<KeyUsage>& usages) {
    for (const KeyUsage& usage : usages) by_id_.emplace(usage.key_id, &usage);
  }
  // The key's usage, or nullptr when the API sent none for it.
  const KeyUsage* find(const std::string& key_id) const {
    const auto it = by_id_.find(key_id);
    return it == by_id_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string, const KeyUsage*> by_id_;
};

}  // namespace keyscope::analytics::detail
