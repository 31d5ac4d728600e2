#include "keyscope/models.hpp"

namespace keyscope {

std::optional<TierLimits> tier_limits(const std::string& tier) {
  if (tier == "free") return TierLimits{10, 1000};
  if (tier == "pro") return TierLimits{1000, 1000000};
  return std::nullopt;
}

}  // namespace keyscope
