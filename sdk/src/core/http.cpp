#include "keyscope/http.hpp"

#include "core/ascii.hpp"

namespace keyscope {

void Headers::add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
  std::vector<Entry> kept;
  kept.reserve(entries_.size() + 1);
  for (auto& entry : entries_) {
    if (!iequals(entry.first, name)) kept.push_back(std::move(entry));
  }
  kept.emplace_back(std::move(name), std::move(value));
  entries_ = std::move(kept);
}

std::optional<std::string> Headers::get(std::string_view name) const {
  for (const auto& entry : entries_) {
    if (iequals(entry.first, name)) return entry.second;
  }
  return std::nullopt;
}

}  // namespace keyscope
