#pragma once
// "Did you mean": the closest known word to a mistyped command, option or config key.
#include <optional>
#include <string>
#include <vector>

namespace keyscope_cli {

// The candidate nearest to `typed` by edit distance (insertions, deletions, substitutions and
// swaps of two neighbours), when it is near enough to be a typo: at most 2 edits and fewer than
// half the typed length. Ties go to the first candidate.
std::optional<std::string> closest_match(const std::string& typed,
                                         const std::vector<std::string>& candidates);

// " (did you mean 'usage'?)" or "" when nothing is close.
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& candidates);

}  // namespace keyscope_cli
